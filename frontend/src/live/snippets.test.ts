import { describe, expect, it, vi } from "vitest";
import type { FrameFormat } from "./frames";
import { SNIPPET_LANGUAGES, type SnippetTarget, httpOrigin, snippet } from "./snippets";

const target: SnippetTarget = {
  endpoint: "wss://flowcast.example/ws/producers/ing_abc/",
  componentId: 12,
  format: "batch",
  secret: null,
};

class FakeSocket {
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  constructor(readonly url: URL) {}
}

/** Runs the JavaScript client as a page would, with a fake WebSocket, fetch, console and timers. */
async function runJavascript(format: FrameFormat) {
  const sockets: FakeSocket[] = [];
  const logged: unknown[][] = [];
  const warned: unknown[][] = [];
  const timers: Array<() => void> = [];
  const page = {
    WebSocket: class extends FakeSocket {
      constructor(url: URL) {
        super(new URL(url));
        sockets.push(this);
      }
    },
    fetch: async () => ({ json: async () => ({ token: "tok" }) }),
    console: {
      log: (...args: unknown[]) => logged.push(args),
      warn: (...args: unknown[]) => warned.push(args),
    },
    setTimeout: (run: () => void) => timers.push(run),
  };
  const code = snippet("javascript", { ...target, format });
  new Function(...Object.keys(page), code)(...Object.values(page));
  await vi.waitFor(() => expect(sockets).toHaveLength(1), { interval: 1 });
  const socket = () => sockets.at(-1)!;
  return {
    logged,
    warned,
    receive: (frame: unknown) => socket().onmessage?.({ data: JSON.stringify(frame) }),
    /** Closes the socket and lets the client reconnect; the new socket's `since`. */
    async reconnectAfter(code: number) {
      const count = sockets.length;
      socket().onclose?.({ code, reason: "" });
      timers.shift()?.();
      await vi.waitFor(() => expect(sockets).toHaveLength(count + 1), { interval: 1 });
      return socket().url.searchParams.get("since");
    },
  };
}

const envelope = (partition: number, offset: number, value: unknown) => ({
  id: `${partition}-${offset}`,
  topic: "t",
  partition,
  offset,
  timestamp: 0,
  key: null,
  value,
});

const columns = (partition: number, offsets: number[], values: unknown[]) => ({
  topic: "t",
  partition,
  offsets,
  timestamps: offsets.map(() => 0),
  keys: offsets.map(() => null),
  values,
});

describe("client snippets", () => {
  it.each(SNIPPET_LANGUAGES.map((l) => l.key))("%s names the endpoint", (language) => {
    expect(snippet(language, target)).toContain("wss://flowcast.example/ws/producers/ing_abc/");
  });

  it("use the $FLOWCAST_SECRET placeholder until the secret is revealed", () => {
    expect(snippet("python", target)).toContain('os.environ["FLOWCAST_SECRET"]');
    expect(snippet("websocat", target)).toContain('-H "Authorization: Bearer $FLOWCAST_SECRET"');
  });

  it("fill in the revealed secret, in headers only, never in a URL", () => {
    const revealed = { ...target, secret: "fcs_real-secret" };
    expect(snippet("python", revealed)).toContain('SECRET = "fcs_real-secret"');
    expect(snippet("websocat", revealed)).toContain('-H "Authorization: Bearer fcs_real-secret"');
    for (const { key } of SNIPPET_LANGUAGES) {
      expect(snippet(key, revealed)).not.toMatch(/[?&][a-z_]+=fcs_real-secret/);
    }
  });

  it("never put the secret in browser code: it connects with a token from the token endpoint", () => {
    const js = snippet("javascript", { ...target, secret: "fcs_real-secret" });
    expect(js).not.toContain("fcs_real-secret");
    expect(js).toContain("https://flowcast.example/api/components/12/token/");
    expect(js).toContain('url.searchParams.set("token"');
  });

  it("resume with since from the last id per partition, except for raw frames that have none", () => {
    expect(snippet("javascript", target)).toContain('url.searchParams.set("since"');
    expect(snippet("python", target)).toContain("?since=");
    const raw = { ...target, format: "raw" as const };
    expect(snippet("javascript", raw)).not.toContain("since");
    expect(snippet("python", raw)).not.toContain("?since=");
  });

  it("follow the close codes: at once after 4001/4002, without since after 4002, stop on 45xx", () => {
    const js = snippet("javascript", target);
    expect(js).toContain("if (event.code >= 4500 && event.code <= 4999) return");
    expect(js).toContain("if (event.code === 4002) lastIds.clear();");
    expect(js).toContain("event.code === 4001 || event.code === 4002 ? 0 : 2000");
    const py = snippet("python", target);
    expect(py).toContain("if 4500 <= code <= 4999:");
    expect(py).toContain(
      "if code == 4002:  # stream replaced by Update Pipeline: its ids start over\n                last_ids.clear()",
    );
    expect(py).toContain("if code in (4001, 4002):");
    expect(py).toContain('response.headers.get("Retry-After"');
    const raw = { ...target, format: "raw" as const };
    expect(snippet("javascript", raw)).not.toContain("lastIds");
    expect(snippet("python", raw)).not.toContain("last_ids");
    expect(snippet("websocat", target)).toMatch(/4002 .*without since/s);
  });

  it("the clients take the position notice for partitions they have no record of", async () => {
    const client = await runJavascript("columns");
    client.receive(columns(1, [3, 4], [{ a: 1 }, 2]));
    client.receive({ type: "position", since: "0--1,1-4,2-17" });
    expect(client.warned).toEqual([]); // a position is not a warning
    expect(await client.reconnectAfter(1013)).toBe("1-4,0--1,2-17");
    const py = snippet("python", target);
    expect(py).toContain('if isinstance(data, dict) and data.get("type") == "position":');
    expect(py).toContain('last_ids.setdefault(int(id_.split("-", 1)[0]), id_)');
    expect(snippet("python", { ...target, format: "raw" })).not.toContain("place(");
  });

  it("the JavaScript client reads columns frames as records and resumes after their last ids", async () => {
    const client = await runJavascript("columns");
    client.receive(columns(1, [3, 4], [{ a: 1 }, 2]));
    client.receive(columns(0, [9], ["x"]));
    client.receive({ type: "gap", reason: "slow_client", missed: [{ partition: 1, from: 5, to: 8 }] });
    expect(client.logged).toEqual([
      ["1-3", { a: 1 }],
      ["1-4", 2],
      ["0-9", "x"],
    ]);
    expect(client.warned).toEqual([["Flowcast notice:", expect.objectContaining({ type: "gap" })]]);
    expect(await client.reconnectAfter(1013)).toBe("1-4,0-9");
  });

  it.each<FrameFormat>(["envelope", "batch", "columns"])(
    "the JavaScript client for %s frames reads every JSON format (Update Pipeline may change it)",
    async (format) => {
      const client = await runJavascript(format);
      client.receive(envelope(0, 1, "a"));
      client.receive([envelope(0, 2, "b"), envelope(1, 5, "c")]);
      client.receive(columns(1, [6], ["d"]));
      expect(client.logged.map(([id]) => id)).toEqual(["0-1", "0-2", "1-5", "1-6"]);
      expect(await client.reconnectAfter(4001)).toBe("0-2,1-6");
      expect(await client.reconnectAfter(4002)).toBeNull();
    },
  );

  it("the Python client expands columns frames into records for every JSON format, not for raw", () => {
    for (const format of ["envelope", "batch", "columns"] as const) {
      const py = snippet("python", { ...target, format });
      expect(py).toContain("def records(data: dict | list) -> list[dict]:");
      expect(py).toContain('columns = zip(data["offsets"], data["timestamps"], data["keys"], data["values"]');
      expect(py).toContain('"id": f"{p}-{o}",');
      expect(py).toContain(
        'for record in records(data):\n                        last_ids[record["partition"]] = record["id"]',
      );
    }
    const raw = snippet("python", { ...target, format: "raw" });
    expect(raw).not.toContain("records(");
    expect(raw).not.toContain("import json");
  });

  it("websocat says how to resume from columns frames, which carry no ids", () => {
    expect(snippet("websocat", { ...target, format: "columns" })).toContain("<partition>-<offsets[i]>");
    expect(snippet("websocat", target)).not.toContain("offsets");
  });

  it("derive the HTTP origin from the WebSocket endpoint", () => {
    expect(httpOrigin("ws://127.0.0.1:8000/ws/producers/x/")).toBe("http://127.0.0.1:8000");
    expect(httpOrigin(target.endpoint)).toBe("https://flowcast.example");
  });
});
