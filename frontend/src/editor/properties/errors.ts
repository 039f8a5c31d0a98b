/** Server validation errors (DRF 400 bodies) sorted by the field they belong to. */

export interface FormErrors {
  /** Keyed "name", "topic", … for top-level attributes and "basic.batch_size" for config. */
  fields: Record<string, string[]>;
  general: string[];
}

export const NO_ERRORS: FormErrors = { fields: {}, general: [] };

function messages(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === "string") return [value];
  return [];
}

/** `{"config": {"basic": {"batch_size": ["…"]}}, "name": ["…"]}` → per-field messages. */
export function parseErrors(body: Record<string, unknown>): FormErrors {
  const result: FormErrors = { fields: {}, general: [] };
  for (const [key, value] of Object.entries(body)) {
    if (key === "detail" || key === "non_field_errors") {
      result.general.push(...messages(value));
    } else if (key === "config" && value && typeof value === "object" && !Array.isArray(value)) {
      for (const [tab, tabValue] of Object.entries(value as Record<string, unknown>)) {
        if (tabValue && typeof tabValue === "object" && !Array.isArray(tabValue)) {
          for (const [field, fieldValue] of Object.entries(tabValue as Record<string, unknown>)) {
            const target = field === "__all__" || field === "non_field_errors" ? null : `${tab}.${field}`;
            if (target) result.fields[target] = messages(fieldValue);
            else result.general.push(...messages(fieldValue));
          }
        } else {
          result.general.push(...messages(tabValue));
        }
      }
    } else if (key !== "rev") {
      const list = messages(value);
      if (list.length) result.fields[key] = list;
    }
  }
  return result;
}

/** Tabs ("basic", …) that hold at least one error. */
export function tabsWithErrors(errors: FormErrors): Set<string> {
  return new Set(
    Object.keys(errors.fields)
      .filter((k) => k.includes("."))
      .map((k) => k.split(".")[0] ?? ""),
  );
}
