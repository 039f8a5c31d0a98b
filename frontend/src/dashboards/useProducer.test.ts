import { act, renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";
import { producersApi } from "../api/endpoints";
import type { ProducerSummary } from "../api/types";
import { COUNTED_AFTER_MS, refreshError, useProducer, useRecountWhenOpen } from "./useProducer";

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

describe("useProducer", () => {
  afterEach(() => vi.restoreAllMocks());

  it("drops the live status when a refresh fails (no longer shared), keeping the producer", async () => {
    const summary = { id: 7, name: "Feed", status: { clients: 3, state: "UP", instances: 1 } };
    const get = vi
      .spyOn(producersApi, "get")
      .mockResolvedValueOnce(summary as unknown as ProducerSummary)
      .mockRejectedValueOnce(new ApiError(404, { detail: "No Component matches the given query." }))
      .mockResolvedValueOnce(summary as unknown as ProducerSummary);
    const { result } = renderHook(() => useProducer(7));
    await act(async () => {}); // the first load
    expect(result.current.status?.clients).toBe(3);
    await act(() => result.current.reload());
    expect(get).toHaveBeenCalledTimes(2);
    expect(result.current.status).toBeNull();
    expect(result.current.producer?.name).toBe("Feed");
    expect(result.current.error).toMatch(/no longer shared/);
    await act(() => result.current.reload());
    expect(result.current.status?.clients).toBe(3); // shared again: counted again
  });
});
