import { describe, expect, it } from "vitest";
import type { Component, ComponentTypeSpec, FieldSpec } from "../../api/types";
import {
  componentDraft,
  componentIsDirty,
  configPayload,
  recreatableConfig,
  withConfigValue,
} from "./drafts";

const field = (name: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  name,
  label: name,
  kind: "text",
  required: false,
  read_only: false,
  default: null,
  choices: null,
  min: null,
  max: null,
  help: "",
  source: "config",
  ...extra,
});

const spec: ComponentTypeSpec = {
  key: "kafka_consumer",
  label: "Kafka Consumer",
  group: "consumers",
  description: "",
  inputs: { min: 0, max: 0 },
  outputs: { min: 1, max: null },
  tabs: [
    {
      key: "basic",
      label: "Basic",
      fields: [
        field("batch_size", { kind: "integer", default: 500 }),
        field("deployment_type", { read_only: true }),
      ],
    },
    {
      key: "meta",
      label: "Meta",
      fields: [field("guid", { kind: "readonly", source: "component", read_only: true }), field("topic")],
    },
    { key: "validation", label: "Connection Validation", fields: [] },
  ],
};

const component = {
  id: 1,
  type: "kafka_consumer",
  name: "Source",
  config: { basic: { batch_size: 100, deployment_type: "embedded" }, meta: { sasl_password: "********" } },
} as unknown as Component;

describe("configPayload", () => {
  it("sends every editable config field, with defaults, and nothing read-only", () => {
    expect(configPayload(spec, componentDraft(component))).toEqual({
      basic: { batch_size: 100 },
      meta: { topic: null },
    });
  });
});

describe("componentIsDirty", () => {
  it.each([
    ["untouched", (d: ReturnType<typeof componentDraft>) => d, false],
    ["renamed", (d: ReturnType<typeof componentDraft>) => ({ ...d, name: "Other" }), true],
    [
      "config edited",
      (d: ReturnType<typeof componentDraft>) => withConfigValue(d, "meta", "topic", "t"),
      true,
    ],
    [
      "edited back",
      (d: ReturnType<typeof componentDraft>) => withConfigValue(d, "basic", "batch_size", 100),
      false,
    ],
  ])("%s", (_name, edit, expected) => {
    expect(componentIsDirty(component, spec, edit(componentDraft(component)))).toBe(expected);
  });
});

describe("recreatableConfig", () => {
  it("drops masked passwords, which cannot be sent back on a new component", () => {
    expect(recreatableConfig(component.config)).toEqual({
      basic: { batch_size: 100, deployment_type: "embedded" },
      meta: {},
    });
  });
});
