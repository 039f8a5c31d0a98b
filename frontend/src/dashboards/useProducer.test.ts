import { renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";
import { COUNTED_AFTER_MS, refreshError, useRecountWhenOpen } from "./useProducer";

describe("refreshError", () => {
  it("says a producer that answers 404 is gone or no longer shared", () => {
    expect(refreshError(new ApiError(404, { detail: "No Component matches the given query." }))).toBe(
      "it was removed, or it is no longer shared with you",
    );
  });

  it("keeps the server's words for anything else", () => {
    expect(refreshError(new ApiError(500, { detail: "Boom" }))).toMatch(/Boom/);
  });
});

describe("useRecountWhenOpen", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("looks again once the page's stream is open, after the servers' next count", () => {
    const reload = vi.fn(() => Promise.resolve());
    const { rerender } = renderHook(({ open }) => useRecountWhenOpen(open, reload), {
      initialProps: { open: false },
    });
    vi.advanceTimersByTime(COUNTED_AFTER_MS * 2);
    expect(reload).not.toHaveBeenCalled(); // not while connecting
    rerender({ open: true });
    vi.advanceTimersByTime(COUNTED_AFTER_MS - 1);
    expect(reload).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(reload).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(COUNTED_AFTER_MS * 4);
    expect(reload).toHaveBeenCalledTimes(1); // once per opening, the poll does the rest
  });
});
