import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { refreshError } from "./useProducer";

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
