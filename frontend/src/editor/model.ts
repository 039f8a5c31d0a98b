/** Canvas nodes and edges built from API rows, and the keys that name them ("c-1", "e-2", "w-3"). */
import type { Edge, Node } from "@xyflow/react";
import type {
  Component,
  ComponentStatus,
  ComponentTypesPayload,
  ComponentTypeSpec,
  Connection,
  EventKindSpec,
  FlowEvent,
} from "../api/types";
import type { GraphNode, TypeLimits } from "./validation";

export interface ComponentNodeData extends Record<string, unknown> {
  component: Component;
  spec: ComponentTypeSpec | undefined;
  status?: ComponentStatus;
  problems: string[];
  dirty: boolean;
}

export interface EventNodeData extends Record<string, unknown> {
  event: FlowEvent;
  spec: EventKindSpec | undefined;
  problems: string[];
  dirty: boolean;
}

export type ComponentFlowNode = Node<ComponentNodeData, "component">;
export type EventFlowNode = Node<EventNodeData, "event">;
export type FlowNode = ComponentFlowNode | EventFlowNode;
export type FlowEdge = Edge<{ connection: Connection }>;

export const componentKey = (id: number) => `c-${id}`;
export const eventKey = (id: number) => `e-${id}`;
export const wireKey = (id: number) => `w-${id}`;

export function keyId(key: string): number {
  return Number.parseInt(key.slice(2), 10);
}

export function isComponentNode(node: FlowNode | undefined): node is ComponentFlowNode {
  return node?.type === "component";
}

export function isEventNode(node: FlowNode | undefined): node is EventFlowNode {
  return node?.type === "event";
}

export class TypeIndex {
  readonly components: Map<string, ComponentTypeSpec>;
  readonly events: Map<string, EventKindSpec>;
  readonly limits: Record<string, TypeLimits>;

  constructor(readonly payload: ComponentTypesPayload) {
    this.components = new Map(payload.component_types.map((t) => [t.key, t]));
    this.events = new Map(payload.event_kinds.map((k) => [k.key, k]));
    this.limits = Object.fromEntries(
      payload.component_types.map((t) => [t.key, { label: t.label, inputs: t.inputs, outputs: t.outputs }]),
    );
  }
}

export function componentNode(component: Component, types: TypeIndex, selected = false): ComponentFlowNode {
  return {
    id: componentKey(component.id),
    type: "component",
    position: component.position ?? { x: 0, y: 0 },
    selected,
    data: { component, spec: types.components.get(component.type), problems: [], dirty: false },
  };
}

export function eventNode(event: FlowEvent, types: TypeIndex, selected = false): EventFlowNode {
  return {
    id: eventKey(event.id),
    type: "event",
    position: event.position ?? { x: 0, y: 0 },
    selected,
    data: { event, spec: types.events.get(event.kind), problems: [], dirty: false },
  };
}

export function wireEdge(connection: Connection): FlowEdge {
  const event = eventKey(connection.event);
  const component = componentKey(connection.component);
  const output = connection.direction === "output";
  return {
    id: wireKey(connection.id),
    source: output ? component : event,
    target: output ? event : component,
    sourceHandle: "out",
    targetHandle: "in",
    data: { connection },
  };
}

/** The plain description of a canvas node that the wiring rules work on. */
export function graphNode(node: FlowNode): GraphNode {
  return node.type === "component"
    ? { kind: "component", id: node.data.component.id, type: node.data.component.type }
    : { kind: "event", id: node.data.event.id };
}

export function nodeName(node: FlowNode): string {
  return node.type === "component" ? node.data.component.name : node.data.event.name;
}
