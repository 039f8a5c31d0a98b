import { describe, expect, it } from "vitest";
import type { Grant } from "../api/types";
import {
  type GrantForm,
  checkGrantForm,
  grantErrors,
  grantPayload,
  hasErrors,
  principal,
  sortGrants,
} from "./grantForm";

function grant(id: number, who: { user?: string; group?: string }, role: Grant["role"] = "viewer"): Grant {
  return {
    id,
    pipeline: 7,
    user: who.user ?? null,
    group: who.group ?? null,
    role,
    created_at: "2026-03-01T10:00:00Z",
  };
}

const existing = [grant(1, { user: "bob" }), grant(2, { group: "ops" }, "editor")];
const form = (kind: GrantForm["kind"], name: string, role: GrantForm["role"] = "viewer"): GrantForm => ({
  kind,
  name,
  role,
});

describe("checking the add form before sending it", () => {
  it.each([
    [form("user", "carol"), []],
    [form("user", "  carol  "), []],
    [form("user", "c.ol+test@x-y_z"), []],
    [form("group", "night shift"), []],
    [form("user", "   "), ["Enter a username."]],
    [form("group", ""), ["Enter a group name."]],
    [form("user", "bob smith"), ["A username has only letters, digits and @ . + - _"]],
    [form("user", "x".repeat(151)), ["A username has at most 150 characters."]],
    [form("user", "ada"), ["ada owns this pipeline."]],
    [form("user", "bob"), ["Already shared with bob: change the role in the list above."]],
    [form("group", "ops"), ["Already shared with ops: change the role in the list above."]],
  ])("%j", (input, messages) => {
    const errors = checkGrantForm(input, existing, "ada");
    expect(errors.name).toEqual(messages);
    expect(hasErrors(errors)).toBe(messages.length > 0);
  });

  it("tells a user from a group of the same name", () => {
    expect(hasErrors(checkGrantForm(form("group", "bob"), existing, "ada"))).toBe(false);
    expect(hasErrors(checkGrantForm(form("user", "ops"), existing, "ada"))).toBe(false);
  });

  it("refuses a role that is neither viewer nor editor", () => {
    const errors = checkGrantForm({ ...form("user", "carol"), role: "admin" as never }, existing, "ada");
    expect(errors.role).toEqual(["Pick a role."]);
  });
});

describe("the payload", () => {
  it("names a user or a group, trimmed, never both", () => {
    expect(grantPayload(7, form("user", " bob ", "viewer"))).toEqual({
      pipeline: 7,
      user: "bob",
      role: "viewer",
    });
    expect(grantPayload(7, form("group", "ops", "editor"))).toEqual({
      pipeline: 7,
      group: "ops",
      role: "editor",
    });
  });
});

describe("the server's errors", () => {
  it("shows a user or group error by the name field", () => {
    expect(grantErrors({ user: ["No user named 'bobx'."] })).toEqual({
      name: ["No user named 'bobx'."],
      role: [],
      general: [],
    });
    expect(grantErrors({ group: ["No group named 'opz'."] }).name).toEqual(["No group named 'opz'."]);
  });

  it("shows a role error by the role field", () => {
    expect(grantErrors({ role: ['"owner" is not a valid choice.'] }).role).toEqual([
      '"owner" is not a valid choice.',
    ]);
  });

  it("shows everything else above the form: refusals, duplicates, unknown keys", () => {
    expect(grantErrors({ detail: "You do not have permission to perform this action." }).general).toEqual([
      "You do not have permission to perform this action.",
    ]);
    expect(grantErrors({ non_field_errors: ["Already shared."], pipeline: { x: ["Bad."] } }).general).toEqual(
      ["Already shared.", "Bad."],
    );
  });
});

describe("the list of grants", () => {
  it("puts users before groups, each by name", () => {
    const sorted = sortGrants([
      grant(1, { group: "ops" }),
      grant(2, { user: "zoe" }),
      grant(3, { user: "bob" }),
    ]);
    expect(sorted.map((g) => principal(g).name)).toEqual(["bob", "zoe", "ops"]);
  });

  it("says who a grant is for", () => {
    expect(principal(grant(1, { user: "bob" }))).toEqual({ kind: "user", name: "bob" });
    expect(principal(grant(2, { group: "ops" }))).toEqual({ kind: "group", name: "ops" });
  });
});
