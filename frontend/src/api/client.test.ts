import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, NoAnswerError, REQUEST_TIMEOUT_MS, http } from "./client";

afterEach(() => vi.unstubAllGlobals());

describe("request", () => {
  it("gives every request a deadline", async () => {
    const fetch = vi.fn(async () => new Response("{}", { status: 200 }));
    vi.stubGlobal("fetch", fetch);
    await http.post("/api/pipelines/1/update/", { rev: 1 });
    const [, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(init.signal).toBeInstanceOf(AbortSignal);
    expect(init.signal?.aborted).toBe(false);
  });

  it("says the server did not answer, and what to do, when the deadline passes", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => {
        throw new DOMException("signal timed out", "TimeoutError");
      }),
    );
    const failed = http.patch("/api/components/1/", { rev: 1 });
    await expect(failed).rejects.toBeInstanceOf(NoAnswerError);
    await expect(failed).rejects.toThrow(
      `The server did not answer within ${REQUEST_TIMEOUT_MS / 1000} s. Reload to see what was saved.`,
    );
    const read = http.get("/api/pipelines/1/status/");
    await expect(read).rejects.toThrow(/^The server did not answer within \d+ s\.$/);
  });

  it("still answers a refusal with its status and body", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(JSON.stringify({ detail: "stale", rev: 4 }), { status: 409 })),
    );
    const refused = http.post("/api/pipelines/1/update/", { rev: 1 });
    await expect(refused).rejects.toBeInstanceOf(ApiError);
    await expect(refused).rejects.toMatchObject({ status: 409, body: { rev: 4 } });
  });
});
