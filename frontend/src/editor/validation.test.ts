import { describe, expect, it } from "vitest";
import {
  type GraphNode,
  type TypeLimits,
  type Wire,
  REASONS,
  checkWire,
  handlesFor,
  quickEventDirection,
  uniqueName,
} from "./validation";

const types: Record<string, TypeLimits> = {
  websocket_producer: {
    label: "WebSocket Producer",
    inputs: { min: 1, max: 1 },
    outputs: { min: 0, max: 0 },
  },
  kafka_consumer: {
    label: "Kafka Consumer",
    inputs: { min: 0, max: 0 },
    outputs: { min: 1, max: null },
  },
  api_ingestion: { label: "API Ingestion", inputs: { min: 0, max: 0 }, outputs: { min: 1, max: 2 } },
  transformer: { label: "Transformer", inputs: { min: 1, max: null }, outputs: { min: 0, max: null } },
};

const wsp: GraphNode = { kind: "component", id: 1, type: "websocket_producer" };
const consumer: GraphNode = { kind: "component", id: 2, type: "kafka_consumer" };
const ingestion: GraphNode = { kind: "component", id: 3, type: "api_ingestion" };
const transformer: GraphNode = { kind: "component", id: 4, type: "transformer" };
const mystery: GraphNode = { kind: "component", id: 5, type: "mystery" };
const e1: GraphNode = { kind: "event", id: 10 };
const e2: GraphNode = { kind: "event", id: 11 };
const e3: GraphNode = { kind: "event", id: 12 };

const wired: Wire[] = [
  { event: 10, component: 1, direction: "input" },
  { event: 10, component: 2, direction: "output" },
  { event: 10, component: 3, direction: "output" },
  { event: 11, component: 3, direction: "output" },
  { event: 10, component: 4, direction: "input" },
];

interface Case {
  name: string;
  source: GraphNode;
  target: GraphNode;
  wires?: Wire[];
  expect: Wire | string;
}

const cases: Case[] = [
  // allowed
  {
    name: "consumer → event is an output",
    source: consumer,
    target: e1,
    expect: { event: 10, component: 2, direction: "output" },
  },
  {
    name: "event → producer is an input",
    source: e1,
    target: wsp,
    expect: { event: 10, component: 1, direction: "input" },
  },
  {
    name: "unlimited outputs take another event",
    source: consumer,
    target: e2,
    wires: wired,
    expect: { event: 11, component: 2, direction: "output" },
  },
  {
    name: "outputs below max are accepted",
    source: ingestion,
    target: e1,
    wires: [{ event: 11, component: 3, direction: "output" }],
    expect: { event: 10, component: 3, direction: "output" },
  },
  {
    name: "unlimited inputs take another event",
    source: e2,
    target: transformer,
    wires: wired,
    expect: { event: 11, component: 4, direction: "input" },
  },
  {
    name: "one event feeds several components",
    source: e1,
    target: transformer,
    wires: [{ event: 10, component: 1, direction: "input" }],
    expect: { event: 10, component: 4, direction: "input" },
  },
  {
    name: "the same pair may be wired both ways",
    source: transformer,
    target: e1,
    wires: wired,
    expect: { event: 10, component: 4, direction: "output" },
  },
  // refused
  { name: "component → component", source: consumer, target: wsp, expect: REASONS.componentToComponent },
  { name: "component → itself", source: consumer, target: consumer, expect: REASONS.self },
  { name: "event → event", source: e1, target: e2, expect: REASONS.eventToEvent },
  { name: "event → itself", source: e1, target: e1, expect: REASONS.self },
  { name: "producer has no output", source: wsp, target: e1, expect: "WebSocket Producer has no output" },
  { name: "consumer takes no input", source: e1, target: consumer, expect: "Kafka Consumer takes no input" },
  {
    name: "producer takes exactly one input",
    source: e2,
    target: wsp,
    wires: wired,
    expect: "WebSocket Producer accepts at most 1 input event",
  },
  {
    name: "outputs are capped at max",
    source: ingestion,
    target: e3,
    wires: wired,
    expect: "API Ingestion accepts at most 2 output events",
  },
  { name: "duplicate output wire", source: consumer, target: e1, wires: wired, expect: REASONS.duplicate },
  { name: "duplicate input wire", source: e1, target: wsp, wires: wired, expect: REASONS.duplicate },
  { name: "unknown component type", source: mystery, target: e1, expect: REASONS.unknownType },
];

describe("checkWire", () => {
  it.each(cases)("$name", ({ source, target, wires = [], expect: expected }) => {
    const result = checkWire(source, target, wires, types);
    if (typeof expected === "string") {
      expect(result).toEqual({ ok: false, reason: expected });
    } else {
      expect(result).toEqual({ ok: true, wire: expected });
    }
  });
});

describe("handlesFor", () => {
  it.each([
    ["websocket_producer", { input: true, output: false }],
    ["kafka_consumer", { input: false, output: true }],
    ["transformer", { input: true, output: true }],
  ] as const)("%s", (type, expected) => {
    expect(handlesFor(types[type]!)).toEqual(expected);
  });
});

describe("quickEventDirection", () => {
  it.each([
    ["kafka_consumer", "output"],
    ["api_ingestion", "output"],
    ["websocket_producer", "input"],
  ] as const)("%s wires %s", (type, expected) => {
    expect(quickEventDirection(types[type]!)).toBe(expected);
  });

  it("is null for a type without handles", () => {
    expect(quickEventDirection({ inputs: { min: 0, max: 0 }, outputs: { min: 0, max: 0 } })).toBeNull();
  });
});

describe("uniqueName", () => {
  it.each([
    [[], "WebSocket Producer 1"],
    [["WebSocket Producer 1"], "WebSocket Producer 2"],
    [["WebSocket Producer 2"], "WebSocket Producer 1"],
    [["WebSocket Producer 1", "WebSocket Producer 2", "Kafka Event 3"], "WebSocket Producer 3"],
  ])("after %j is %s", (taken, expected) => {
    expect(uniqueName("WebSocket Producer", taken)).toBe(expected);
  });
});
