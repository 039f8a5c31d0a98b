import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import type { GraphApi } from "../api/endpoints";
import type { Component, Connection, Direction, FlowEvent } from "../api/types";
import type { Position } from "../api/jsonShapes";
import { type GraphStore, makeCommands } from "./commands";
import { History, Ids, sequence } from "./history";
import { type FlowEdge, type FlowNode, componentKey, eventKey, wireEdge, wireKey } from "./model";

/** The server's side of the graph, as the API answers it: a deployed component deleted in the
 *  draft is only marked removed (restore brings it back); any other delete is for good. */
class FakeServer {
  components = new Map<number, Component>();
  removed = new Set<number>();
  deployed = new Set<number>();
  events = new Map<number, FlowEvent>();
  connections = new Map<number, Connection>();
  calls: string[] = [];
  nameTaken = false;
  private next = 1;

  component(name: string, deployed = false): Component {
    const id = this.next++;
    const c: Component = {
      id,
      pipeline: 1,
      type: "websocket_producer",
      name,
      position: { x: id, y: 0 },
      config: { basic: { batch_size: 50 } },
      guid: deployed ? `guid-${id}` : null,
      ingestion_id: `ing-${id}`,
      ingestion_secret: "****abcd",
      endpoint: "",
      created_at: "2025-01-01T00:00:00Z",
      updated_at: "2025-01-01T00:00:00Z",
      pipeline_rev: 1,
    };
    this.components.set(id, c);
    if (deployed) this.deployed.add(id);
    return c;
  }

  event(name: string): FlowEvent {
    const id = this.next++;
    const e: FlowEvent = {
      id,
      pipeline: 1,
      name,
      kind: "kafka",
      topic: "",
      partitions: 3,
      retention_hours: 168,
      position: { x: 0, y: 0 },
      pipeline_rev: 1,
    };
    this.events.set(id, e);
    return e;
  }

  wire(event: number, component: number, direction: Direction): Connection {
    const present = this.events.has(event) && this.components.has(component) && !this.removed.has(component);
    if (!present) throw new ApiError(400, { component: ["No such component or event."] });
    const c: Connection = { id: this.next++, pipeline: 1, event, component, direction, pipeline_rev: 1 };
    this.connections.set(c.id, c);
    return c;
  }

  private unwireAll(match: (c: Connection) => boolean) {
    for (const [id, c] of this.connections) if (match(c)) this.connections.delete(id);
  }

  api(): GraphApi {
    const api = {
      deleteComponent: async (id: number) => {
        this.calls.push(`DELETE c${id}`);
        if (!this.components.has(id) || this.removed.has(id))
          throw new ApiError(404, { detail: "Not found." });
        this.unwireAll((c) => c.component === id);
        if (this.deployed.has(id)) this.removed.add(id);
        else this.components.delete(id);
        return null;
      },
      restoreComponent: async (id: number) => {
        this.calls.push(`RESTORE c${id}`);
        if (!this.removed.has(id)) throw new ApiError(404, { detail: "Not found." });
        if (this.nameTaken) throw new ApiError(400, { name: ["A component with this name exists."] });
        this.removed.delete(id);
        return this.components.get(id)!;
      },
      createComponent: async (body: { type: string; name: string; position: Position }) => {
        this.calls.push(`CREATE ${body.name}`);
        const c = this.component(body.name);
        return { ...c, position: body.position };
      },
      deleteEvent: async (id: number) => {
        this.calls.push(`DELETE e${id}`);
        this.unwireAll((c) => c.event === id);
        this.events.delete(id);
        return null;
      },
      createEvent: async (body: { name: string }) => {
        this.calls.push(`CREATE ${body.name}`);
        return this.event(body.name);
      },
      createConnection: async (body: { event: number; component: number; direction: Direction }) => {
        this.calls.push(`WIRE e${body.event} c${body.component}`);
        return this.wire(body.event, body.component, body.direction);
      },
      deleteConnection: async (id: number) => {
        this.calls.push(`UNWIRE ${id}`);
        this.connections.delete(id);
        return null;
      },
    };
    return api as unknown as GraphApi;
  }

  /** The draft as the editor loads it: components deleted in the draft are not in it. */
  draft() {
    return {
      components: [...this.components.values()].filter((c) => !this.removed.has(c.id)),
      wires: [...this.connections.values()].map((c) => [c.event, c.component]),
    };
  }
}

/** The canvas: what the commands put and drop once the server answered. */
function canvas(server: FakeServer) {
  const nodes = new Map<string, FlowNode>();
  let edges: FlowEdge[] = [];
  const store: GraphStore = {
    api: server.api(),
    ids: new Ids(),
    gone: new Set(),
    edges: () => edges,
    putComponent: (component) =>
      nodes.set(componentKey(component.id), {
        id: componentKey(component.id),
        type: "component",
        position: component.position,
        data: { component, spec: undefined, problems: [], dirty: false },
      }),
    putEvent: (event) =>
      nodes.set(eventKey(event.id), {
        id: eventKey(event.id),
        type: "event",
        position: event.position,
        data: { event, spec: undefined, problems: [], dirty: false },
      }),
    dropNode: (key) => {
      nodes.delete(key);
      edges = edges.filter((e) => e.source !== key && e.target !== key);
    },
    putWire: (connection) => {
      edges = [...edges.filter((e) => e.id !== wireKey(connection.id)), wireEdge(connection)];
    },
    dropWire: (key) => {
      edges = edges.filter((e) => e.id !== key);
    },
  };
  const node = (key: string) => nodes.get(store.ids.resolve(key))!;
  return { store, nodes, node, edges: () => edges, commands: makeCommands(store) };
}

/** Orders → Feed, on the server and on the canvas. */
function ordersToFeed(deployed: boolean) {
  const server = new FakeServer();
  const orders = server.event("Orders");
  const feed = server.component("Feed", deployed);
  const view = canvas(server);
  view.store.putEvent(orders);
  view.store.putComponent(feed);
  view.store.putWire(server.wire(orders.id, feed.id, "input"));
  server.calls = [];
  return { server, orders, feed, ...view };
}

describe("undo of a delete", () => {
  it("restores a deployed component as itself, then draws its wire again", async () => {
    const { server, feed, node, edges, commands, store } = ordersToFeed(true);
    const history = new History();
    await history.execute(commands.deletion(node(componentKey(feed.id))));
    expect(server.draft().components).toEqual([]);

    await history.undo();
    expect(server.calls).toEqual([`DELETE c${feed.id}`, `RESTORE c${feed.id}`, `WIRE e1 c${feed.id}`]);
    expect(store.ids.resolve(componentKey(feed.id))).toBe(componentKey(feed.id));
    const back = node(componentKey(feed.id));
    expect(back.type === "component" && back.data.component).toMatchObject({
      id: feed.id,
      guid: feed.guid,
      ingestion_id: feed.ingestion_id,
    });
    expect(edges()).toHaveLength(1);
    expect(server.draft().wires).toEqual([[1, feed.id]]);
  });

  it("deletes it again on redo, and restores it again on the next undo", async () => {
    const { server, feed, node, commands } = ordersToFeed(true);
    const history = new History();
    await history.execute(commands.deletion(node(componentKey(feed.id))));
    await history.undo();
    await history.redo();
    expect(server.draft().components).toEqual([]);
    await history.undo();
    expect(server.calls.filter((c) => !c.startsWith("WIRE"))).toEqual([
      `DELETE c${feed.id}`,
      `RESTORE c${feed.id}`,
      `DELETE c${feed.id}`,
      `RESTORE c${feed.id}`,
    ]);
    expect(server.draft().components.map((c) => c.ingestion_id)).toEqual([feed.ingestion_id]);
  });

  it("re-creates a component that was never deployed (no GUID: nothing to restore)", async () => {
    const { server, feed, node, store, commands } = ordersToFeed(false);
    const history = new History();
    await history.execute(commands.deletion(node(componentKey(feed.id))));
    await history.undo();
    expect(server.calls.slice(1, 2)).toEqual(["CREATE Feed"]);
    const now = store.ids.resolve(componentKey(feed.id));
    expect(now).not.toBe(componentKey(feed.id));
    expect(server.draft().components.map((c) => [c.name, c.guid])).toEqual([["Feed", null]]);
    expect(server.draft().wires).toHaveLength(1);

    await history.redo(); // deletes the component under its new id
    expect(server.calls.at(-1)).toBe(`DELETE ${now.replace("-", "")}`);
  });

  it("re-creates it when Update Pipeline already applied the delete", async () => {
    const { server, feed, node, commands } = ordersToFeed(true);
    const history = new History();
    await history.execute(commands.deletion(node(componentKey(feed.id))));
    server.components.delete(feed.id); // the update wrote a version without it
    server.removed.delete(feed.id);
    await history.undo();
    expect(server.calls.slice(1, 3)).toEqual([`RESTORE c${feed.id}`, "CREATE Feed"]);
    expect(server.draft().components).toHaveLength(1);
  });

  it("keeps the delete undoable when restore is refused for another reason", async () => {
    const { server, feed, node, commands } = ordersToFeed(true);
    const history = new History();
    await history.execute(commands.deletion(node(componentKey(feed.id))));
    server.nameTaken = true;
    await expect(history.undo()).rejects.toThrow("name: A component with this name exists.");
    expect(server.calls).not.toContain("CREATE Feed");
    expect(history.canUndo).toBe(true);
    server.nameTaken = false;
    await history.undo();
    expect(server.draft().components.map((c) => c.id)).toEqual([feed.id]);
  });

  it("draws a wire between two nodes deleted together once, when both are back", async () => {
    const { server, orders, feed, node, edges, commands } = ordersToFeed(true);
    const history = new History();
    const steps = [
      commands.deletion(node(eventKey(orders.id))),
      commands.deletion(node(componentKey(feed.id))),
    ];
    await history.execute(sequence("Delete 2 items", steps));
    expect(server.draft()).toEqual({ components: [], wires: [] });

    await history.undo();
    const wires = server.calls.filter((c) => c.startsWith("WIRE"));
    expect(wires).toHaveLength(1);
    expect(server.draft().components.map((c) => c.id)).toEqual([feed.id]);
    expect(server.draft().wires).toHaveLength(1);
    expect(edges()).toHaveLength(1);
  });
});
