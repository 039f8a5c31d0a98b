/**
 * What the caller may do with a pipeline, from its `access` (DESIGN §3). The server decides every
 * request; these rules only decide what the pages offer. An unknown role offers nothing.
 */
import type { Access, GrantRole, Pipeline } from "../api/types";

const EDITING: ReadonlySet<string> = new Set<Access>(["owner", "staff", "editor"]);
const MANAGING: ReadonlySet<string> = new Set<Access>(["owner", "staff"]);

/** Edit the graph and settings, Update Pipeline, activate, reveal and regenerate secrets. */
export function canEdit(access: Access | undefined): boolean {
  return access !== undefined && EDITING.has(access);
}

/** Share the pipeline with users and groups. */
export function canShare(access: Access | undefined): boolean {
  return access !== undefined && MANAGING.has(access);
}

/** Delete the pipeline: like sharing, its owner's (and staff's) decision. */
export const canDelete = canShare;

/** The roles a grant can give, least first. */
export const ROLES: GrantRole[] = ["viewer", "editor"];

export const ROLE_LABELS: Record<GrantRole, string> = { viewer: "Viewer", editor: "Editor" };

export const ROLE_HELP: Record<GrantRole, string> = {
  viewer: "sees the editor read-only, dashboards, monitoring and Live Tap",
  editor: "can also change, deploy and activate it and manage its secrets",
};

function ownerName(pipeline: Pick<Pipeline, "owner">): string {
  return pipeline.owner || "nobody";
}

/** The list's one-line sharing note: "Shared with 2", "Shared by ada · viewer", or null. */
export function sharingNote(pipeline: Pick<Pipeline, "access" | "owner" | "grant_count">): string | null {
  const count = pipeline.grant_count ?? 0;
  switch (pipeline.access) {
    case "owner":
      return count > 0 ? `Shared with ${count}` : null;
    case "viewer":
    case "editor":
      return `Shared by ${ownerName(pipeline)} · ${pipeline.access}`;
    case "staff":
      return `Owned by ${ownerName(pipeline)}${count > 0 ? ` · shared with ${count}` : ""}`;
    default:
      return null;
  }
}

/** The editor's note on whose pipeline it is: "View only — shared by ada"; none for its owner. */
export function accessNote(pipeline: Pick<Pipeline, "access" | "owner">): string | null {
  switch (pipeline.access) {
    case "viewer":
      return `View only — shared by ${ownerName(pipeline)}`;
    case "editor":
      return `Shared by ${ownerName(pipeline)} · editor`;
    case "staff":
      return `Owned by ${ownerName(pipeline)}`;
    default:
      return null;
  }
}
