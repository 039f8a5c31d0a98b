import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { StreamStop } from "../live/stream";
import { orStop } from "./useLiveStream";

const failing = (status: number) => () => Promise.reject(new ApiError(status, {}));

describe("orStop", () => {
  it("stops the stream, saying why, when the page is signed out or may no longer watch", async () => {
    await expect(orStop(failing(401))).rejects.toThrow(
      new StreamStop("You are signed out: sign in again to watch this producer."),
    );
    await expect(orStop(failing(403))).rejects.toThrow(/no longer watch/);
    await expect(orStop(failing(404))).rejects.toBeInstanceOf(StreamStop);
  });

  it("lets other failures through, for the stream to retry", async () => {
    const error = orStop(failing(503));
    await expect(error).rejects.toBeInstanceOf(ApiError);
    await expect(error).rejects.not.toBeInstanceOf(StreamStop);
    await expect(orStop(() => Promise.resolve("token"))).resolves.toBe("token");
  });
});
