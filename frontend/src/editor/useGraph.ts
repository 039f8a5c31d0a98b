/**
 * The canvas state and every change to the graph, each an API call with its inverse so that
 * undo/redo replays them. The server is the source of truth: state changes after it answers.
 */
import { type NodeChange, useEdgesState, useNodesState } from "@xyflow/react";
import { useCallback, useMemo, useReducer, useRef } from "react";
import type { GraphApi } from "../api/endpoints";
import { ApiError } from "../api/client";
import type { Component, Connection, EventKind, FlowEvent } from "../api/types";
import type { ComponentConfig, Position } from "../api/jsonShapes";
import { type Command, History, Ids, sequence } from "./history";
import {
  type FlowEdge,
  type FlowNode,
  type TypeIndex,
  componentKey,
  componentNode,
  eventKey,
  eventNode,
  graphNode,
  isComponentNode,
  nodeName,
  wireEdge,
  wireKey,
} from "./model";
import { type Move, type WireEnds, makeCommands } from "./commands";
import { type FormErrors, parseErrors } from "./properties/errors";
import { checkWire, quickEventDirection, uniqueName } from "./validation";

export function useGraph(api: GraphApi, types: TypeIndex, onError: (error: unknown) => void) {
  const [nodes, setNodes, onNodesChange] = useNodesState<FlowNode>([]);
  const [edges, setEdges, onEdgesChange] = useEdgesState<FlowEdge>([]);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const nodesRef = useRef(nodes);
  const edgesRef = useRef(edges);
  nodesRef.current = nodes;
  edgesRef.current = edges;
  const ids = useMemo(() => new Ids(), []);
  const gone = useMemo(() => new Set<string>(), []);
  const history = useMemo(() => new History(rerender), []);
  const dragStart = useRef(new Map<string, Position>());

  // --- state updates after the server answered -------------------------------------------
  const findNode = (key: string) => nodesRef.current.find((n) => n.id === key);

  const select = (key: string) =>
    setNodes((all) => all.map((n) => (n.selected === (n.id === key) ? n : { ...n, selected: n.id === key })));

  const putComponent = useCallback(
    (component: Component, selectIt = false) => {
      const key = componentKey(component.id);
      setNodes((all) => {
        const existing = all.find((n) => n.id === key);
        if (!existing) {
          const fresh = componentNode(component, types, selectIt);
          return [...all.map((n) => (selectIt && n.selected ? { ...n, selected: false } : n)), fresh];
        }
        return all.map((n) =>
          n.id === key && isComponentNode(n)
            ? { ...n, position: component.position ?? n.position, data: { ...n.data, component } }
            : n,
        );
      });
    },
    [setNodes, types],
  );

  const putEvent = useCallback(
    (event: FlowEvent, selectIt = false) => {
      const key = eventKey(event.id);
      setNodes((all) => {
        const existing = all.find((n) => n.id === key);
        if (!existing) {
          const fresh = eventNode(event, types, selectIt);
          return [...all.map((n) => (selectIt && n.selected ? { ...n, selected: false } : n)), fresh];
        }
        return all.map((n) =>
          n.id === key && n.type === "event"
            ? {
                ...n,
                position: event.position ?? n.position,
                data: { ...n.data, event, spec: types.events.get(event.kind) },
              }
            : n,
        );
      });
    },
    [setNodes, types],
  );

  const dropNode = (key: string) => {
    setNodes((all) => all.filter((n) => n.id !== key));
    setEdges((all) => all.filter((e) => e.source !== key && e.target !== key));
  };
  const putWire = (connection: Connection) =>
    setEdges((all) => [...all.filter((e) => e.id !== wireKey(connection.id)), wireEdge(connection)]);
  const dropWire = (key: string) => setEdges((all) => all.filter((e) => e.id !== key));

  const load = useCallback(async () => {
    const [components, events, connections] = await Promise.all([
      api.components(),
      api.events(),
      api.connections(),
    ]);
    const selected = new Set(nodesRef.current.filter((n) => n.selected).map((n) => n.id));
    setNodes([
      ...events.map((e) => eventNode(e, types, selected.has(eventKey(e.id)))),
      ...components.map((c) => componentNode(c, types, selected.has(componentKey(c.id)))),
    ]);
    setEdges(connections.map(wireEdge));
    history.clear();
    ids.clear();
    gone.clear();
  }, [api, types, setNodes, setEdges, history, ids, gone]);

  const commands = makeCommands({
    api,
    ids,
    gone,
    edges: () => edgesRef.current,
    putComponent,
    putEvent,
    dropNode,
    putWire,
    dropWire,
  });
  const { creation, wiring, unwiring, deletion, moving } = commands;

  const run = async (command: Command): Promise<boolean> => {
    try {
      await history.execute(command);
      return true;
    } catch (error) {
      onError(error);
      return false;
    }
  };

  // --- what the page calls ---------------------------------------------------------------
  const takenNames = () => nodesRef.current.map(nodeName);

  /** Adds a component; a config the server refuses comes back as per-field errors. */
  async function addComponent(
    type: string,
    label: string,
    position: Position,
    config?: ComponentConfig,
  ): Promise<FormErrors | null> {
    const name = uniqueName(label, takenNames());
    const command = creation(`Add ${name}`, async () => {
      const c = await api.createComponent({ type, name, position, ...(config ? { config } : {}) });
      putComponent(c, true);
      return componentKey(c.id);
    });
    try {
      await history.execute(command);
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) {
        const errors = parseErrors(error.body);
        if (Object.keys(errors.fields).some((key) => key.includes("."))) return errors;
      }
      onError(error);
    }
    return null;
  }

  async function addEvent(kind: EventKind, label: string, position: Position, topic?: string) {
    const name = uniqueName(label, takenNames());
    const command = creation(`Add ${name}`, async () => {
      const e = await api.createEvent({ kind, name, position, ...(topic ? { topic } : {}) });
      putEvent(e, true);
      return eventKey(e.id);
    });
    await run(command);
  }

  /** Wires two nodes, or answers why the wire is refused. */
  async function connect(sourceKey: string, targetKey: string): Promise<string | null> {
    const source = findNode(sourceKey);
    const target = findNode(targetKey);
    if (!source || !target) return "Drop the wire on a node's handle";
    const check = checkWire(graphNode(source), graphNode(target), currentWires(), types.limits);
    if (!check.ok) return check.reason;
    const ends: WireEnds = {
      event: eventKey(check.wire.event),
      component: componentKey(check.wire.component),
      direction: check.wire.direction,
    };
    await run(wiring(`Wire ${nodeName(source)} → ${nodeName(target)}`, () => ends));
    return null;
  }

  /** Why a wire from source to target is refused by the rules, or null. */
  function wireProblem(sourceKey: string, targetKey: string): string | null {
    const source = findNode(sourceKey);
    const target = findNode(targetKey);
    if (!source || !target) return "Drop the wire on a node's handle";
    const check = checkWire(graphNode(source), graphNode(target), currentWires(), types.limits);
    return check.ok ? null : check.reason;
  }

  const currentWires = () => edgesRef.current.flatMap((e) => (e.data ? [e.data.connection] : []));

  /** "Add Kafka Event": a kafka event next to the component, wired to it; or why not. */
  async function quickEvent(componentNodeKey: string): Promise<string | null> {
    const node = findNode(componentNodeKey);
    if (!isComponentNode(node) || !node.data.spec) return "Pick a component";
    const direction = quickEventDirection(node.data.spec);
    if (!direction) return `${node.data.spec.label} takes no events`;
    const limits = direction === "input" ? node.data.spec.inputs : node.data.spec.outputs;
    const count = currentWires().filter(
      (w) => w.component === node.data.component.id && w.direction === direction,
    ).length;
    if (limits.max !== null && count >= limits.max) {
      return `${node.data.spec.label} accepts at most ${limits.max} ${direction} event${limits.max === 1 ? "" : "s"}`;
    }
    const name = uniqueName(types.events.get("kafka")?.label ?? "Kafka Event", takenNames());
    const position = {
      x: Math.round(node.position.x + (direction === "output" ? 300 : -260)),
      y: Math.round(node.position.y + 8),
    };
    const create = creation(`Add ${name}`, async () => {
      const e = await api.createEvent({ kind: "kafka", name, position });
      putEvent(e, false);
      return eventKey(e.id);
    });
    const wire = wiring(`Wire ${name}`, () => ({
      event: create.key(),
      component: ids.resolve(node.id),
      direction,
    }));
    await run(sequence(`Add ${name}`, [create, wire]));
    return null;
  }

  function attachedWires(key: string): number {
    return edgesRef.current.filter((e) => e.source === key || e.target === key).length;
  }

  async function deleteElements(nodeKeys: string[], edgeKeys: string[]) {
    const doomed = new Set(nodeKeys);
    const steps: Command[] = [];
    for (const edge of edgesRef.current) {
      if (edgeKeys.includes(edge.id) && !doomed.has(edge.source) && !doomed.has(edge.target)) {
        steps.push(unwiring(edge));
      }
    }
    for (const key of nodeKeys) {
      const node = findNode(key);
      if (node) steps.push(deletion(node));
    }
    if (!steps.length) return;
    await run(steps.length === 1 ? steps[0]! : sequence(`Delete ${steps.length} items`, steps));
  }

  /** Positions are saved when a drag ends; the move is then undoable. */
  const onNodesChangeTracked = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      for (const change of changes) {
        if (change.type === "position" && change.dragging && !dragStart.current.has(change.id)) {
          const node = nodesRef.current.find((n) => n.id === change.id);
          if (node) dragStart.current.set(change.id, { ...node.position });
        }
      }
      onNodesChange(changes);
    },
    [onNodesChange],
  );

  async function finishDrag(dragged: FlowNode[]) {
    const moves: Move[] = [];
    for (const node of dragged) {
      const from = dragStart.current.get(node.id);
      dragStart.current.delete(node.id);
      if (from && (from.x !== node.position.x || from.y !== node.position.y)) {
        moves.push({
          key: node.id,
          from,
          to: { x: Math.round(node.position.x), y: Math.round(node.position.y) },
        });
      }
    }
    if (!moves.length) return;
    const command = moving(moves);
    try {
      await command.run();
      history.record(command);
    } catch (error) {
      setNodes((all) =>
        all.map((n) => {
          const m = moves.find((x) => x.key === n.id);
          return m ? { ...n, position: m.from } : n;
        }),
      );
      onError(error);
    }
  }

  async function undo() {
    try {
      await history.undo();
    } catch (error) {
      onError(error);
    }
  }

  async function redo() {
    try {
      await history.redo();
    } catch (error) {
      onError(error);
    }
  }

  return {
    nodes,
    edges,
    setNodes,
    setEdges,
    onNodesChange: onNodesChangeTracked,
    onEdgesChange,
    load,
    putComponent,
    putEvent,
    select,
    addComponent,
    addEvent,
    connect,
    wireProblem,
    quickEvent,
    attachedWires,
    deleteElements,
    finishDrag,
    undo,
    redo,
    canUndo: history.canUndo,
    canRedo: history.canRedo,
    undoLabel: history.undoLabel,
    redoLabel: history.redoLabel,
  };
}

export type Graph = ReturnType<typeof useGraph>;
