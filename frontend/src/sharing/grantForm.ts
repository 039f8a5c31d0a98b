/** The Share dialog's add form as plain data: checks before sending, payload, the server's errors. */
import type { Grant, GrantPayload, GrantRole } from "../api/types";

export type PrincipalKind = "user" | "group";

export interface GrantForm {
  kind: PrincipalKind;
  name: string;
  role: GrantRole;
}

export interface GrantFormErrors {
  name: string[];
  role: string[];
  general: string[];
}

export const NO_GRANT_ERRORS: GrantFormErrors = { name: [], role: [], general: [] };

export const EMPTY_GRANT_FORM: GrantForm = { kind: "user", name: "", role: "viewer" };

// Django's username rule (UnicodeUsernameValidator) and the length of its name fields.
const USERNAME = /^[\p{L}\p{N}_.@+-]+$/u;
const MAX_NAME = 150;

export function hasErrors(errors: GrantFormErrors): boolean {
  return errors.name.length + errors.role.length + errors.general.length > 0;
}

/** Who a grant is for: a user or a group, by name. */
export function principal(grant: Pick<Grant, "user" | "group">): { kind: PrincipalKind; name: string } {
  return typeof grant.user === "string"
    ? { kind: "user", name: grant.user }
    : { kind: "group", name: grant.group ?? "" };
}

/** Users first, then groups, each by name. */
export function sortGrants(grants: readonly Grant[]): Grant[] {
  return [...grants].sort((a, b) => {
    const pa = principal(a);
    const pb = principal(b);
    if (pa.kind !== pb.kind) return pa.kind === "user" ? -1 : 1;
    return pa.name.localeCompare(pb.name);
  });
}

/** What can be told without asking the server: empty, malformed, the owner, already shared. */
export function checkGrantForm(
  form: GrantForm,
  existing: readonly Grant[],
  owner: string | null,
): GrantFormErrors {
  const name = form.name.trim();
  const noun = form.kind === "user" ? "username" : "group name";
  const problems: string[] = [];
  if (!name) problems.push(`Enter a ${noun}.`);
  else if (name.length > MAX_NAME) problems.push(`A ${noun} has at most ${MAX_NAME} characters.`);
  else if (form.kind === "user" && !USERNAME.test(name)) {
    problems.push("A username has only letters, digits and @ . + - _");
  } else if (form.kind === "user" && name === owner) {
    problems.push(`${name} owns this pipeline.`);
  } else if (existing.some((g) => (form.kind === "user" ? g.user : g.group) === name)) {
    problems.push(`Already shared with ${name}: change the role in the list above.`);
  }
  const role = form.role === "viewer" || form.role === "editor" ? [] : ["Pick a role."];
  return { name: problems, role, general: [] };
}

export function grantPayload(pipeline: number, form: GrantForm): GrantPayload {
  const name = form.name.trim();
  return form.kind === "user"
    ? { pipeline, user: name, role: form.role }
    : { pipeline, group: name, role: form.role };
}

/** A 400/403 answer's messages, each shown by the field it names (`user`/`group` by the name). */
export function grantErrors(body: Record<string, unknown>): GrantFormErrors {
  const errors: GrantFormErrors = { name: [], role: [], general: [] };
  for (const [key, value] of Object.entries(body)) {
    const messages = texts(value);
    if (key === "user" || key === "group") errors.name.push(...messages);
    else if (key === "role") errors.role.push(...messages);
    else errors.general.push(...messages);
  }
  return errors;
}

function texts(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(texts);
  if (value && typeof value === "object") return Object.values(value).flatMap(texts);
  return [];
}
