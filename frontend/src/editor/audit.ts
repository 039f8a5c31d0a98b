/** The History tab's lines: an audit entry as who, what, when and from where. */
import type { AuditEntry } from "../api/types";
import { exactTime, relativeTime } from "../ui/format";

export type AuditTone = "deploy" | "danger" | "secret" | "share" | "info";

export interface AuditLine {
  id: number;
  who: string;
  what: string;
  tag: string;
  tone: AuditTone;
  when: string;
  exact: string;
  where: string;
}

const DESCRIPTIONS: Record<string, string> = {
  "pipeline.deploy": "Updated the pipeline",
  "pipeline.activate": "Activated the pipeline",
  "pipeline.deactivate": "Deactivated the pipeline",
  "pipeline.delete": "Deleted the pipeline",
  "component.secret_reveal": "Revealed the Ingestion Secret",
  "component.secret_regenerate": "Regenerated the Ingestion Secret",
  "component.delete": "Deleted a component",
  "event.delete": "Deleted an event",
  "grant.create": "Shared the pipeline",
  "grant.update": "Changed a role",
  "grant.delete": "Stopped sharing",
  "admin.change": "Changed in the admin",
};

const TAGS: Record<string, string> = {
  "pipeline.deploy": "Update",
  "pipeline.activate": "Activate",
  "pipeline.deactivate": "Deactivate",
  "component.secret_reveal": "Secret",
  "component.secret_regenerate": "Secret",
};

/** "component.secret_regenerate" → "Component secret regenerate", for actions added later. */
function spelledOut(action: string): string {
  const words = action.replace(/[._]+/g, " ").trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : "Unknown action";
}

export function describeAction(action: string): string {
  return DESCRIPTIONS[action] ?? spelledOut(action);
}

export function auditTag(action: string): string {
  const [noun = "", verb = ""] = action.split(".");
  if (TAGS[action]) return TAGS[action];
  if (noun === "grant") return "Sharing";
  if (verb === "delete") return "Delete";
  if (noun === "admin") return "Admin";
  return noun ? noun[0]!.toUpperCase() + noun.slice(1) : "Other";
}

export function auditTone(action: string): AuditTone {
  if (action.startsWith("grant.")) return "share";
  if (action.endsWith(".delete") || action === "component.secret_regenerate") return "danger";
  if (action.startsWith("component.secret")) return "secret";
  if (action === "pipeline.deploy" || action === "pipeline.activate") return "deploy";
  return "info";
}

/** The actor, or who acted for nobody: Flowcast itself, or a user deleted since. */
export function auditWho(entry: Pick<AuditEntry, "actor" | "via">): string {
  if (entry.actor) return entry.actor;
  return entry.via === "system" ? "Flowcast" : "A deleted user";
}

/** The server's summary; without one, the action and what it touched. */
export function auditWhat(entry: Pick<AuditEntry, "summary" | "action" | "target_name">): string {
  const summary = entry.summary.trim();
  if (summary) return summary;
  const target = entry.target_name.trim();
  return target ? `${describeAction(entry.action)}: ${target}` : describeAction(entry.action);
}

/** "from 10.0.0.7", "admin · from 10.0.0.7", "system", or "" when nothing is known. */
export function auditWhere(entry: Pick<AuditEntry, "address" | "via">): string {
  const from = entry.address ? `from ${entry.address}` : "";
  if (entry.via === "system") return "system";
  if (entry.via === "admin") return from ? `admin · ${from}` : "admin";
  return from;
}

export function auditLine(entry: AuditEntry, now = Date.now()): AuditLine {
  return {
    id: entry.id,
    who: auditWho(entry),
    what: auditWhat(entry),
    tag: auditTag(entry.action),
    tone: auditTone(entry.action),
    when: relativeTime(entry.at, now),
    exact: exactTime(entry.at),
    where: auditWhere(entry),
  };
}
