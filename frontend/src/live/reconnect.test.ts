import { describe, expect, it } from "vitest";
import { Backoff, closeVerdict } from "./reconnect";

describe("Backoff", () => {
  it("doubles from the initial delay up to the cap", () => {
    const backoff = new Backoff({ initialMs: 500, maxMs: 4000, factor: 2, jitter: 0 });
    expect([1, 2, 3, 4, 5].map(() => backoff.next())).toEqual([500, 1000, 2000, 4000, 4000]);
    backoff.reset();
    expect(backoff.next()).toBe(500);
  });

  it("takes at most the jitter share off a delay", () => {
    const backoff = new Backoff({ initialMs: 1000, maxMs: 1000, factor: 2, jitter: 0.3 });
    expect(backoff.next(() => 1)).toBe(700);
    expect(backoff.next(() => 0)).toBe(1000);
  });
});

describe("closeVerdict", () => {
  it.each([
    [1001, true],
    [1006, true],
    [1013, true],
    [4000, true],
    [4499, true],
    [4501, true], // a fresh token from the session is a new credential
    [4502, false],
    [4503, false], // access removed: a new token would be refused too
    [4504, true], // a new password: a page still signed in mints a new token
    [4999, false],
  ])("code %i: reconnect=%s", (code, reconnect) => {
    expect(closeVerdict(code).reconnect).toBe(reconnect);
  });

  it("says why it stopped, with the server's reason for unknown codes", () => {
    expect(closeVerdict(4502).message).toMatch(/deactivated/);
    expect(closeVerdict(4503).message).toMatch(/access .* removed/);
    expect(closeVerdict(4600, "Quota exceeded")).toEqual({
      reconnect: false,
      message: "Quota exceeded (4600)",
      final: false,
    });
  });

  it("is final only when the user lost access: no retry from the page can help", () => {
    expect(closeVerdict(4503)).toMatchObject({ reconnect: false, final: true });
    expect(closeVerdict(4502)).toMatchObject({ reconnect: false, final: false });
  });

  it("drops the resume point only when the server refused it or replaced the stream", () => {
    expect(closeVerdict(4400)).toMatchObject({ reconnect: true, resetResume: true });
    expect(closeVerdict(4002)).toMatchObject({ reconnect: true, resetResume: true });
    expect(closeVerdict(4001)).toMatchObject({ reconnect: true, resetResume: false });
    expect(closeVerdict(1006)).toMatchObject({ reconnect: true, resetResume: false });
  });

  it.each([
    [4001, true, "Stream reconfigured by Update Pipeline"],
    [4002, true, "Stream replaced by Update Pipeline"],
    [1001, false, "The server is going away"],
    [1013, false, "This page fell behind the stream"],
  ])("code %i: reconfigured by a deploy=%s", (code, reconfigured, message) => {
    expect(closeVerdict(code)).toMatchObject({ reconnect: true, reconfigured, message });
  });
});
