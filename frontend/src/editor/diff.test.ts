import { describe, expect, it } from "vitest";
import type { Snapshot } from "../api/jsonShapes";
import { diffSnapshots, flatten, isEmptyDiff } from "./diff";

const v1: Snapshot = {
  pipeline: { name: "Payments" },
  events: [{ id: 10, name: "Orders", kind: "kafka", topic: "p1.orders", partitions: 3 }],
  components: [
    { id: 1, name: "Consumer", type: "kafka_consumer", config: { meta: { topic: "transactions" } } },
    { id: 2, name: "Feed", type: "websocket_producer", config: { basic: { batch_size: 100 } } },
  ],
  connections: [
    { event: 10, component: 1, direction: "output" },
    { event: 10, component: 2, direction: "input" },
  ],
};

const v2: Snapshot = {
  pipeline: { name: "Payments" },
  events: [{ id: 10, name: "Orders", kind: "kafka", topic: "p1.orders", partitions: 6 }],
  components: [
    { id: 1, name: "Consumer", type: "kafka_consumer", config: { meta: { topic: "payments" } } },
    { id: 3, name: "Ingest", type: "api_ingestion", config: {} },
  ],
  connections: [
    { event: 10, component: 1, direction: "output" },
    { event: 10, component: 3, direction: "output" },
  ],
};

describe("diffSnapshots", () => {
  it("lists added, removed and changed nodes and wires", () => {
    const diff = diffSnapshots(v1, v2);
    expect(diff.added).toEqual([{ key: "c-3", label: "Ingest" }]);
    expect(diff.removed).toEqual([{ key: "c-2", label: "Feed" }]);
    expect(diff.changed).toEqual([
      { key: "e-10", label: "Orders", changes: ["partitions"] },
      { key: "c-1", label: "Consumer", changes: ["meta.topic"] },
    ]);
    expect(diff.wiresAdded).toEqual(["Ingest → Orders"]);
    expect(diff.wiresRemoved).toEqual(["Orders → Feed"]);
  });

  it("finds nothing between a snapshot and itself", () => {
    expect(isEmptyDiff(diffSnapshots(v1, v1))).toBe(true);
  });
});

describe("flatten", () => {
  it("joins nested keys with dots", () => {
    expect(flatten({ basic: { a: 1, b: null }, meta: {} })).toEqual({ "basic.a": 1, "basic.b": null });
  });
});
