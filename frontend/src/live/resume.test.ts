import { describe, expect, it } from "vitest";
import { ResumePoint } from "./resume";

describe("ResumePoint", () => {
  it("sends nothing before the first record", () => {
    expect(new ResumePoint().since).toBe("");
  });

  it("keeps the last offset per partition, in partition order", () => {
    const point = new ResumePoint();
    point.advance(2, 7);
    point.advance(0, 41);
    point.advance(2, 8);
    expect(point.since).toBe("0-41,2-8");
  });

  it("says a record at or before the last offset is a duplicate and keeps the last", () => {
    const point = new ResumePoint();
    expect(point.advance(1, 10)).toBe(true);
    expect(point.advance(1, 10)).toBe(false);
    expect(point.advance(1, 3)).toBe(false);
    expect(point.since).toBe("1-10");
  });

  it("takes the server's position for partitions without a record, never going back", () => {
    const point = new ResumePoint();
    point.advance(0, 41);
    point.place("0-30,1-17,2--1");
    expect(point.since).toBe("0-41,1-17,2--1");
    point.place("1-12,x-3,-");
    expect(point.since).toBe("0-41,1-17,2--1");
  });
});
