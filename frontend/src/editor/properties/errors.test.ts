import { describe, expect, it } from "vitest";
import { parseErrors, tabsWithErrors } from "./errors";

describe("parseErrors", () => {
  it.each([
    [
      "config field and name",
      { config: { basic: { batch_size: ["Too small."] } }, name: ["Taken."] },
      { fields: { "basic.batch_size": ["Too small."], name: ["Taken."] }, general: [] },
    ],
    ["detail", { detail: "Nope." }, { fields: {}, general: ["Nope."] }],
    ["non-field errors", { non_field_errors: ["Bad wire."] }, { fields: {}, general: ["Bad wire."] }],
    [
      "a tab-wide config error",
      { config: { resources: ["Unknown tab."] } },
      { fields: {}, general: ["Unknown tab."] },
    ],
    ["the rev of a 409 is not a field", { rev: 7, detail: "Stale." }, { fields: {}, general: ["Stale."] }],
    ["event attributes", { topic: ["Required."] }, { fields: { topic: ["Required."] }, general: [] }],
  ])("%s", (_name, body, expected) => {
    expect(parseErrors(body)).toEqual(expected);
  });
});

describe("tabsWithErrors", () => {
  it("names the tabs of config errors only", () => {
    const errors = parseErrors({
      config: { meta: { topic: ["x"] }, basic: { batch_size: ["y"] } },
      name: ["z"],
    });
    expect([...tabsWithErrors(errors)].sort()).toEqual(["basic", "meta"]);
  });
});
