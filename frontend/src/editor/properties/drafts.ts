/** Unsaved edits of a node and the PATCH bodies made from them. Pure functions. */
import type { Component, ComponentTypeSpec, EventKindSpec, FieldSpec, FlowEvent } from "../../api/types";
import type { ComponentConfig, ConfigValue } from "../../api/jsonShapes";

export interface ComponentDraft {
  kind: "component";
  name: string;
  config: ComponentConfig;
}

export interface EventDraft {
  kind: "event";
  values: Record<string, ConfigValue>;
}

export type Draft = ComponentDraft | EventDraft;

export function componentDraft(component: Component): ComponentDraft {
  return { kind: "component", name: component.name, config: structuredClone(component.config ?? {}) };
}

export function eventDraft(event: FlowEvent, spec: EventKindSpec | undefined): EventDraft {
  const values: Record<string, ConfigValue> = {};
  const record = event as unknown as Record<string, ConfigValue>;
  for (const field of spec?.fields ?? []) values[field.name] = record[field.name] ?? field.default;
  return { kind: "event", values };
}

export function configValue(draft: ComponentDraft, tab: string, field: FieldSpec): ConfigValue {
  const value = draft.config[tab]?.[field.name];
  return value === undefined ? field.default : value;
}

export function withConfigValue(
  draft: ComponentDraft,
  tab: string,
  name: string,
  value: ConfigValue,
): ComponentDraft {
  return { ...draft, config: { ...draft.config, [tab]: { ...(draft.config[tab] ?? {}), [name]: value } } };
}

/** The `config` of a PATCH: every editable config field of every tab, defaults filled in. */
export function configPayload(spec: ComponentTypeSpec, draft: ComponentDraft): ComponentConfig {
  const config: ComponentConfig = {};
  for (const tab of spec.tabs) {
    const editable = tab.fields.filter((f) => f.source === "config" && !f.read_only && f.kind !== "readonly");
    if (!editable.length) continue;
    config[tab.key] = Object.fromEntries(editable.map((f) => [f.name, configValue(draft, tab.key, f)]));
  }
  return config;
}

export function eventPayload(
  spec: EventKindSpec | undefined,
  draft: EventDraft,
): Record<string, ConfigValue> {
  const body: Record<string, ConfigValue> = {};
  for (const field of spec?.fields ?? []) {
    if (field.read_only || field.kind === "readonly") continue;
    body[field.name] = draft.values[field.name] ?? null;
  }
  return body;
}

export function componentIsDirty(
  component: Component,
  spec: ComponentTypeSpec | undefined,
  draft: ComponentDraft,
): boolean {
  if (draft.name !== component.name) return true;
  if (!spec) return false;
  const saved = configPayload(spec, componentDraft(component));
  return JSON.stringify(saved) !== JSON.stringify(configPayload(spec, draft));
}

export function eventIsDirty(event: FlowEvent, spec: EventKindSpec | undefined, draft: EventDraft): boolean {
  return (
    JSON.stringify(eventPayload(spec, eventDraft(event, spec))) !== JSON.stringify(eventPayload(spec, draft))
  );
}

/** Config to re-create a deleted component with: masked passwords cannot be sent back. */
export function recreatableConfig(config: ComponentConfig): ComponentConfig {
  const copy: ComponentConfig = {};
  for (const [tab, values] of Object.entries(config ?? {})) {
    copy[tab] = Object.fromEntries(Object.entries(values ?? {}).filter(([, v]) => v !== "********"));
  }
  return copy;
}
