/**
 * The graph's undoable operations: each is an API call paired with its inverse. A re-created
 * node or wire gets a new server id; commands keep the id they first saw and resolve it
 * through `Ids`, so older commands still find what they changed. A deleted component that is
 * still deployed comes back as itself (restore keeps its id, GUID and credentials).
 */
import { ApiError } from "../api/client";
import type { GraphApi } from "../api/endpoints";
import type { Component, Connection, Direction, FlowEvent } from "../api/types";
import type { Position } from "../api/jsonShapes";
import type { Command, Ids } from "./history";
import {
  type FlowEdge,
  type FlowNode,
  componentKey,
  eventKey,
  isComponentNode,
  keyId,
  nodeName,
  wireKey,
} from "./model";
import { recreatableConfig } from "./properties/drafts";

export interface Move {
  key: string;
  from: Position;
  to: Position;
}

export interface WireEnds {
  event: string;
  component: string;
  direction: Direction;
}

/** Where commands read and write the canvas state once the server has answered. */
export interface GraphStore {
  api: GraphApi;
  ids: Ids;
  /** Nodes this editor deleted and has not brought back: a wire to one waits for its return. */
  gone: Set<string>;
  edges: () => FlowEdge[];
  putComponent: (component: Component) => void;
  putEvent: (event: FlowEvent) => void;
  dropNode: (key: string) => void;
  putWire: (connection: Connection) => void;
  dropWire: (key: string) => void;
}

export type Creation = Command & { key: () => string };

export function makeCommands(store: GraphStore) {
  const { api, ids, gone } = store;

  async function deleteByKey(key: string) {
    if (key.startsWith("c-")) await api.deleteComponent(keyId(key));
    else await api.deleteEvent(keyId(key));
    store.dropNode(key);
    gone.add(key);
  }

  async function createWire(ends: WireEnds): Promise<string> {
    const connection = await api.createConnection({
      event: keyId(ids.resolve(ends.event)),
      component: keyId(ids.resolve(ends.component)),
      direction: ends.direction,
    });
    store.putWire(connection);
    return wireKey(connection.id);
  }

  async function deleteWire(key: string) {
    await api.deleteConnection(keyId(key));
    store.dropWire(key);
  }

  async function setPosition(key: string, position: Position) {
    const current = ids.resolve(key);
    if (current.startsWith("c-")) store.putComponent(await api.patchComponent(keyId(current), { position }));
    else store.putEvent(await api.patchEvent(keyId(current), { position }));
  }

  /**
   * Brings a deleted component back as itself while Update Pipeline has not applied the delete;
   * after that the server has nothing to restore (404), nor for one never deployed (no GUID):
   * re-create.
   */
  function bringBack(node: FlowNode): () => Promise<string> {
    const create = recreate(node);
    if (!isComponentNode(node) || !node.data.component.guid) return create;
    return async () => {
      let key: string;
      try {
        const restored = await api.restoreComponent(keyId(ids.resolve(node.id)));
        store.putComponent(restored);
        key = componentKey(restored.id);
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 404)) throw error;
        key = await create();
      }
      gone.delete(key);
      return key;
    };
  }

  /** Posts the node again as it was (a component gets new credentials and no GUID). */
  function recreate(node: FlowNode): () => Promise<string> {
    if (isComponentNode(node)) {
      const c = node.data.component;
      return async () => {
        const created = await api.createComponent({
          type: c.type,
          name: c.name,
          position: c.position,
          config: recreatableConfig(c.config),
        });
        store.putComponent(created);
        return componentKey(created.id);
      };
    }
    const e = node.data.event;
    return async () => {
      const created = await api.createEvent({
        kind: e.kind,
        name: e.name,
        position: e.position,
        partitions: e.partitions,
        retention_hours: e.retention_hours,
        ...(e.kind === "shared" ? { topic: e.topic } : {}),
      });
      store.putEvent(created);
      return eventKey(created.id);
    };
  }

  function endsOf(edge: FlowEdge): WireEnds {
    const c = edge.data!.connection;
    return { event: eventKey(c.event), component: componentKey(c.component), direction: c.direction };
  }

  return {
    /** Creates a node with `create` (which answers its key); undo deletes it. */
    creation(label: string, create: () => Promise<string>): Creation {
      let first: string | null = null;
      return {
        label,
        key: () => ids.resolve(first ?? ""),
        async run() {
          const key = await create();
          if (first === null) first = key;
          else ids.moved(first, key);
        },
        async revert() {
          if (first) await deleteByKey(ids.resolve(first));
        },
      };
    },

    /** Wires the ends `ends()` names when it runs (they may be created by an earlier step). */
    wiring(label: string, ends: () => WireEnds): Command {
      let first: string | null = null;
      return {
        label,
        async run() {
          const key = await createWire(ends());
          if (first === null) first = key;
          else ids.moved(first, key);
        },
        async revert() {
          if (first) await deleteWire(ids.resolve(first));
        },
      };
    },

    unwiring(edge: FlowEdge): Command {
      const ends = endsOf(edge);
      return {
        label: "Remove wire",
        run: () => deleteWire(ids.resolve(edge.id)),
        async revert() {
          ids.moved(edge.id, await createWire(ends));
        },
      };
    },

    /**
     * Deletes a node (the server drops its wires); undo brings it back (restored or re-created)
     * and draws its wires again, each once both its ends are back.
     */
    deletion(node: FlowNode): Command {
      const attached = store.edges().filter((e) => e.source === node.id || e.target === node.id);
      const back = bringBack(node);
      return {
        label: `Delete ${nodeName(node)}`,
        run: () => deleteByKey(ids.resolve(node.id)),
        async revert() {
          ids.moved(node.id, await back());
          for (const edge of attached) {
            const ends = endsOf(edge);
            if (gone.has(ids.resolve(ends.event)) || gone.has(ids.resolve(ends.component))) continue;
            ids.moved(edge.id, await createWire(ends));
          }
        },
      };
    },

    moving(moves: Move[]): Command {
      return {
        label: moves.length === 1 ? "Move" : `Move ${moves.length} nodes`,
        async run() {
          for (const m of moves) await setPosition(m.key, m.to);
        },
        async revert() {
          for (const m of moves) await setPosition(m.key, m.from);
        },
      };
    },
  };
}
