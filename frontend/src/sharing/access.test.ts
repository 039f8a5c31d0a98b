import { describe, expect, it } from "vitest";
import type { Access } from "../api/types";
import { accessNote, canDelete, canEdit, canShare, sharingNote } from "./access";

describe("what each role may do", () => {
  const table: Array<[Access, { edit: boolean; share: boolean }]> = [
    ["owner", { edit: true, share: true }],
    ["staff", { edit: true, share: true }],
    ["editor", { edit: true, share: false }],
    ["viewer", { edit: false, share: false }],
  ];
  it.each(table)("%s", (access, may) => {
    expect(canEdit(access)).toBe(may.edit);
    expect(canShare(access)).toBe(may.share);
    expect(canDelete(access)).toBe(may.share);
  });

  it("offers nothing for a missing or unknown role", () => {
    expect(canEdit(undefined)).toBe(false);
    expect(canShare(undefined)).toBe(false);
    expect(canEdit("auditor" as Access)).toBe(false);
    expect(canShare("auditor" as Access)).toBe(false);
  });
});

describe("the list's sharing note", () => {
  it("tells an owner how many it is shared with, and nothing when it is not shared", () => {
    expect(sharingNote({ access: "owner", owner: "ada", grant_count: 2 })).toBe("Shared with 2");
    expect(sharingNote({ access: "owner", owner: "ada", grant_count: 0 })).toBeNull();
  });

  it("tells the others who shared it and as what", () => {
    expect(sharingNote({ access: "viewer", owner: "ada", grant_count: 1 })).toBe("Shared by ada · viewer");
    expect(sharingNote({ access: "editor", owner: "ada", grant_count: 3 })).toBe("Shared by ada · editor");
  });

  it("tells staff whose it is", () => {
    expect(sharingNote({ access: "staff", owner: "ada", grant_count: 0 })).toBe("Owned by ada");
    expect(sharingNote({ access: "staff", owner: "ada", grant_count: 2 })).toBe(
      "Owned by ada · shared with 2",
    );
  });
});

describe("the editor's access badge", () => {
  it.each([
    ["viewer", "View only — shared by ada"],
    ["editor", "Shared by ada · editor"],
    ["staff", "Owned by ada"],
    ["owner", null],
  ] as const)("%s", (access, note) => {
    expect(accessNote({ access, owner: "ada" })).toBe(note);
  });
});
