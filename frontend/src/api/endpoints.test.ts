import { afterEach, describe, expect, it, vi } from "vitest";
import { GraphApi, ReadOnlyError } from "./endpoints";

function answering(body: unknown) {
  const fetch = vi.fn(async () => new Response(JSON.stringify(body), { status: 200 }));
  vi.stubGlobal("fetch", fetch);
  return fetch;
}

afterEach(() => vi.unstubAllGlobals());

describe("a viewer's GraphApi", () => {
  const writes: Array<[string, (api: GraphApi) => Promise<unknown>]> = [
    ["create a component", (a) => a.createComponent({ type: "t", name: "n", position: { x: 0, y: 0 } })],
    ["move a component", (a) => a.patchComponent(1, { position: { x: 1, y: 1 } })],
    ["delete a component", (a) => a.deleteComponent(1)],
    ["create an event", (a) => a.createEvent({ kind: "kafka", name: "e", position: { x: 0, y: 0 } })],
    ["change an event", (a) => a.patchEvent(1, { name: "x" })],
    ["delete an event", (a) => a.deleteEvent(1)],
    ["wire", (a) => a.createConnection({ event: 1, component: 2, direction: "input" })],
    ["unwire", (a) => a.deleteConnection(1)],
    ["reveal a secret", (a) => a.revealSecret(1)],
    ["regenerate a secret", (a) => a.regenerateSecret(1)],
    ["run connection checks", (a) => a.validate(1)],
    ["update the pipeline", (a) => a.update("message")],
    ["activate", (a) => a.activate()],
    ["deactivate", (a) => a.deactivate()],
    ["restore a version", (a) => a.restore(1)],
  ];

  it.each(writes)("refuses to %s without sending anything", async (_, write) => {
    const fetch = answering({});
    await expect(write(new GraphApi(7, 3, { readOnly: true }))).rejects.toBeInstanceOf(ReadOnlyError);
    expect(fetch).not.toHaveBeenCalled();
  });

  it("still reads the graph", async () => {
    const fetch = answering({ count: 0, next: null, previous: null, results: [] });
    await expect(new GraphApi(7, 3, { readOnly: true }).components()).resolves.toEqual([]);
    expect(fetch).toHaveBeenCalledOnce();
  });
});

describe("an editor's GraphApi", () => {
  it("sends a write with the rev it knows and keeps the one answered", async () => {
    const fetch = answering({ id: 1, pipeline_rev: 4 });
    const api = new GraphApi(7, 3);
    await api.deleteEvent(1);
    const [, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(JSON.parse(String(init.body))).toEqual({ rev: 3 });
    expect(api.rev).toBe(4);
  });

  it("sends a write made while another is on its way with the rev that one answers", async () => {
    const answers: Array<(rev: number) => void> = [];
    const fetch = vi.fn(
      () =>
        new Promise<Response>((resolve) =>
          answers.push((rev) => resolve(new Response(JSON.stringify({ id: 1, pipeline_rev: rev })))),
        ),
    );
    vi.stubGlobal("fetch", fetch);
    const api = new GraphApi(7, 3);
    const move = api.patchComponent(1, { position: { x: 5, y: 5 } });
    const update = api.update("now");
    await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(1));
    answers[0]?.(4);
    await move;
    await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(2));
    answers[1]?.(5);
    await update;
    const sent = fetch.mock.calls.map((call) =>
      JSON.parse(String((call as unknown as [string, RequestInit])[1].body)),
    );
    expect(sent.map((body) => body.rev)).toEqual([3, 4]);
    expect(api.rev).toBe(5);
  });

  it("sends the next write after one that failed", async () => {
    const fetch = vi
      .fn()
      .mockResolvedValueOnce(new Response(JSON.stringify({ detail: "stale", rev: 9 }), { status: 409 }))
      .mockResolvedValueOnce(new Response(JSON.stringify({ id: 1, pipeline_rev: 10 })));
    vi.stubGlobal("fetch", fetch);
    const api = new GraphApi(7, 3);
    const failed = api.deleteEvent(1);
    const next = api.deleteEvent(2);
    await expect(failed).rejects.toBeTruthy();
    await expect(next).resolves.toMatchObject({ pipeline_rev: 10 });
  });
});
