import { describe, expect, it } from "vitest";
import type { AuditEntry } from "../api/types";
import { auditLine, auditTag, auditTone, auditWhat, auditWhere, auditWho, describeAction } from "./audit";

function entry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: 1,
    at: "2026-03-01T10:00:00Z",
    actor: "ada",
    action: "pipeline.deploy",
    pipeline: 7,
    pipeline_name: "Orders",
    target_type: "pipeline",
    target_id: 7,
    target_name: "Orders",
    summary: "Updated to version 3",
    address: "10.0.0.7",
    via: "api",
    ...overrides,
  };
}

describe("one History line", () => {
  it("says who, what, when and from where", () => {
    const now = Date.parse("2026-03-01T10:05:00Z");
    expect(auditLine(entry(), now)).toMatchObject({
      id: 1,
      who: "ada",
      what: "Updated to version 3",
      tag: "Update",
      tone: "deploy",
      when: "5 min ago",
      where: "from 10.0.0.7",
    });
  });

  it("names who acted when nobody did, or the user is gone", () => {
    expect(auditWho({ actor: null, via: "system" })).toBe("Flowcast");
    expect(auditWho({ actor: null, via: "api" })).toBe("A deleted user");
    expect(auditWho({ actor: "bob", via: "admin" })).toBe("bob");
  });

  it.each([
    [{ address: "10.0.0.7", via: "api" }, "from 10.0.0.7"],
    [{ address: "", via: "api" }, ""],
    [{ address: "10.0.0.7", via: "admin" }, "admin · from 10.0.0.7"],
    [{ address: "", via: "admin" }, "admin"],
    [{ address: "", via: "system" }, "system"],
  ] as const)("where %j", (input, where) => {
    expect(auditWhere(input)).toBe(where);
  });

  it("falls back to the action and its target when the summary is empty", () => {
    const bare = { summary: " ", action: "component.secret_regenerate", target_name: "Orders feed" };
    expect(auditWhat(bare)).toBe("Regenerated the Ingestion Secret: Orders feed");
    expect(auditWhat({ ...bare, target_name: "" })).toBe("Regenerated the Ingestion Secret");
  });
});

describe("actions", () => {
  it.each([
    ["pipeline.deploy", "Update", "deploy"],
    ["pipeline.activate", "Activate", "deploy"],
    ["pipeline.deactivate", "Deactivate", "info"],
    ["component.secret_reveal", "Secret", "secret"],
    ["component.secret_regenerate", "Secret", "danger"],
    ["component.delete", "Delete", "danger"],
    ["event.delete", "Delete", "danger"],
    ["pipeline.delete", "Delete", "danger"],
    ["grant.create", "Sharing", "share"],
    ["grant.update", "Sharing", "share"],
    ["grant.delete", "Sharing", "share"],
    ["admin.change", "Admin", "info"],
    ["connection.create", "Connection", "info"],
  ])("%s is tagged %s", (action, tag, tone) => {
    expect(auditTag(action)).toBe(tag);
    expect(auditTone(action)).toBe(tone);
  });

  it("spells out an action it does not know yet", () => {
    expect(describeAction("pipeline.rename_all")).toBe("Pipeline rename all");
    expect(describeAction("")).toBe("Unknown action");
  });
});
