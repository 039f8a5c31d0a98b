/**
 * Wiring rules, mirrored from the server's pipelines/rules/graph.py for instant feedback only:
 * the server always re-checks. Pure functions over plain data, no React.
 */
import type { Connection, Direction, Limits } from "../api/types";

export type GraphNode = { kind: "component"; id: number; type: string } | { kind: "event"; id: number };

export interface TypeLimits {
  label: string;
  inputs: Limits;
  outputs: Limits;
}

export type Wire = Pick<Connection, "event" | "component" | "direction">;

export type WireCheck = { ok: true; wire: Wire } | { ok: false; reason: string };

export const REASONS = {
  self: "A node cannot connect to itself",
  componentToComponent: "Components connect only through events",
  eventToEvent: "Events connect only to components",
  duplicate: "These nodes are already connected",
  unknownType: "Unknown component type",
} as const;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function countWires(wires: readonly Wire[], component: number, direction: Direction): number {
  return wires.filter((w) => w.component === component && w.direction === direction).length;
}

/** What a wire from `source` to `target` would be, or why it is refused. */
export function checkWire(
  source: GraphNode,
  target: GraphNode,
  wires: readonly Wire[],
  types: Readonly<Record<string, TypeLimits>>,
): WireCheck {
  if (source.kind === target.kind && source.id === target.id) return refuse(REASONS.self);
  if (source.kind === "component" && target.kind === "component") {
    return refuse(REASONS.componentToComponent);
  }
  if (source.kind === "event" && target.kind === "event") return refuse(REASONS.eventToEvent);

  const component = source.kind === "component" ? source : (target as typeof source);
  const event = source.kind === "event" ? source : target;
  if (component.kind !== "component" || event.kind !== "event") {
    return refuse(REASONS.componentToComponent);
  }
  const direction: Direction = source.kind === "component" ? "output" : "input";
  const spec = types[component.type];
  if (!spec) return refuse(REASONS.unknownType);

  const limits = direction === "input" ? spec.inputs : spec.outputs;
  const noun = direction === "input" ? "input" : "output";
  if (limits.max === 0) {
    return refuse(direction === "input" ? `${spec.label} takes no input` : `${spec.label} has no output`);
  }
  const wire: Wire = { event: event.id, component: component.id, direction };
  if (wires.some((w) => sameWire(w, wire))) return refuse(REASONS.duplicate);
  if (limits.max !== null && countWires(wires, component.id, direction) >= limits.max) {
    return refuse(`${spec.label} accepts at most ${plural(limits.max, `${noun} event`)}`);
  }
  return { ok: true, wire };
}

export function sameWire(a: Wire, b: Wire): boolean {
  return a.event === b.event && a.component === b.component && a.direction === b.direction;
}

/** Handles a component type shows on the canvas. */
export function handlesFor(spec: Pick<TypeLimits, "inputs" | "outputs">): {
  input: boolean;
  output: boolean;
} {
  return { input: spec.inputs.max !== 0, output: spec.outputs.max !== 0 };
}

/** Whether "Add Kafka Event" should wire component→event (output) or event→component (input). */
export function quickEventDirection(spec: Pick<TypeLimits, "inputs" | "outputs">): Direction | null {
  if (spec.outputs.max !== 0) return "output";
  if (spec.inputs.max !== 0) return "input";
  return null;
}

/** "WebSocket Producer 1", or the first free number after it. */
export function uniqueName(label: string, taken: Iterable<string>): string {
  const names = new Set(taken);
  for (let n = 1; ; n += 1) {
    const candidate = `${label} ${n}`;
    if (!names.has(candidate)) return candidate;
  }
}

function refuse(reason: string): WireCheck {
  return { ok: false, reason };
}
