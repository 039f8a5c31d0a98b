/**
 * Copy-ready clients for a producer's endpoint. The secret appears only when the user chose to
 * reveal it; otherwise the snippets read it from $FLOWCAST_SECRET. Browser code never holds the
 * secret at all: browsers cannot send headers, so it connects with a short-lived token.
 */
import type { FrameFormat } from "./frames";

export type SnippetLanguage = "javascript" | "python" | "websocat";

export const SNIPPET_LANGUAGES: ReadonlyArray<{ key: SnippetLanguage; label: string }> = [
  { key: "javascript", label: "JavaScript" },
  { key: "python", label: "Python" },
  { key: "websocat", label: "websocat" },
];

export const SECRET_VARIABLE = "FLOWCAST_SECRET";

export interface SnippetTarget {
  /** `ws[s]://host/ws/producers/<ingestion id>/` */
  endpoint: string;
  componentId: number;
  format: FrameFormat;
  /** The real Ingestion Secret, only after the user revealed it. */
  secret: string | null;
}

/** `ws://host/...` → `http://host`: where the token endpoint lives. */
export function httpOrigin(endpoint: string): string {
  const url = new URL(endpoint);
  return `${url.protocol === "wss:" ? "https:" : "http:"}//${url.host}`;
}

export function snippet(language: SnippetLanguage, target: SnippetTarget): string {
  switch (language) {
    case "javascript":
      return javascript(target);
    case "python":
      return python(target);
    case "websocat":
      return websocat(target);
  }
}

// Every JSON format, not only the chosen one: Update Pipeline may change it (close 4001).
const JS_RECORDS = `const lastIds = new Map(); // partition → last id seen, to resume without gaps

// The server's position notice: where this client stands in every partition, also one it has
// no record of yet, so a reconnect misses nothing produced meanwhile in a quiet partition.
function place(since) {
  for (const id of since.split(",")) {
    const partition = Number(id.slice(0, id.indexOf("-")));
    if (!lastIds.has(partition)) lastIds.set(partition, id);
  }
}

// A frame's records: an envelope, a batch (an array of them) or columns (one partition's run).
function recordsOf(data) {
  if (Array.isArray(data)) return data;
  if (!Array.isArray(data.offsets)) return [data];
  const { topic, partition, offsets, timestamps, keys, values } = data;
  return offsets.map((offset, i) => ({
    id: \`\${partition}-\${offset}\`,
    topic,
    partition,
    offset,
    timestamp: timestamps[i],
    key: keys[i],
    value: values[i],
  }));
}
`;

const PY_RECORDS = `

def records(data: dict | list) -> list[dict]:
    """A frame's records: an envelope, a batch (a list of them) or columns (one partition's run)."""
    if isinstance(data, list):
        return data
    if "offsets" not in data:
        return [data]
    p, topic = data["partition"], data["topic"]
    columns = zip(data["offsets"], data["timestamps"], data["keys"], data["values"], strict=True)
    return [
        {
            "id": f"{p}-{o}",
            "topic": topic,
            "partition": p,
            "offset": o,
            "timestamp": t,
            "key": k,
            "value": v,
        }
        for o, t, k, v in columns
    ]


def place(last_ids: dict[int, str], since: str) -> None:
    """The server's position notice: where this client stands in every partition, also one
    it has no record of yet, so a reconnect misses nothing produced in a quiet partition."""
    for id_ in since.split(","):
        last_ids.setdefault(int(id_.split("-", 1)[0]), id_)
`;

function javascript({ endpoint, componentId, format }: SnippetTarget): string {
  const tokenUrl = `${httpOrigin(endpoint)}/api/components/${componentId}/token/`;
  const handle =
    format === "raw"
      ? `  socket.onmessage = (event) => console.log(event.data); // raw frames: the values as they are`
      : `  socket.onmessage = (event) => {
    const data = JSON.parse(event.data);
    if (data.type === "position") return place(data.since);
    if (!Array.isArray(data) && data.type) return console.warn("Flowcast notice:", data); // gap, error
    for (const record of recordsOf(data)) {
      lastIds.set(record.partition, record.id);
      console.log(record.id, record.value);
    }
  };`;
  const since =
    format === "raw"
      ? ""
      : `\n  if (lastIds.size) url.searchParams.set("since", [...lastIds.values()].join(","));`;
  const forget =
    format === "raw"
      ? ""
      : `\n    // 4002 replaced it (a new input): its ids start over, so reconnect without since.
    if (event.code === 4002) lastIds.clear();`;
  return `// Browsers cannot send headers, so the page connects with a short-lived token. Your server
// mints one per connection and hands it to the page; never put the Ingestion Secret in a page:
//   curl -X POST -H "Authorization: Token $FLOWCAST_API_TOKEN" ${tokenUrl}
const ENDPOINT = "${endpoint}";
${format === "raw" ? "" : JS_RECORDS}
async function getToken() {
  const response = await fetch("/flowcast-token"); // your server's endpoint that calls the one above
  return (await response.json()).token;
}

async function connect() {
  const url = new URL(ENDPOINT);
  url.searchParams.set("token", await getToken());${since}
  const socket = new WebSocket(url);
${handle}
  socket.onclose = (event) => {
    // 4500–4999: secret regenerated, pipeline deactivated or producer removed: stop.
    if (event.code >= 4500 && event.code <= 4999) return console.warn("Flowcast stopped:", event.reason);
    // 4001/4002: Update Pipeline changed the stream: reconnect at once.${forget}
    // Others (1001 going away, 1013 too slow, a lost connection): after a pause.
    setTimeout(reconnect, event.code === 4001 || event.code === 4002 ? 0 : 2000);
  };
}

const reconnect = () => connect().catch(() => setTimeout(reconnect, 5000));
reconnect();
`;
}

function python({ endpoint, format, secret }: SnippetTarget): string {
  const secretLine =
    secret === null
      ? `SECRET = os.environ["${SECRET_VARIABLE}"]  # the producer's Ingestion Secret`
      : `SECRET = "${secret}"  # the Ingestion Secret: keep it out of source control`;
  const body =
    format === "raw"
      ? `                async for frame in ws:
                    print(frame)  # raw frames: the values as they are`
      : `                async for frame in ws:
                    data = json.loads(frame)
                    if isinstance(data, dict) and data.get("type") == "position":
                        place(last_ids, data["since"])
                        continue
                    if isinstance(data, dict) and "type" in data:
                        print("notice:", data)  # gap or error
                        continue
                    for record in records(data):
                        last_ids[record["partition"]] = record["id"]
                        print(record["id"], record["value"])`;
  const url =
    format === "raw"
      ? `        url = ENDPOINT`
      : `        since = ",".join(last_ids[p] for p in sorted(last_ids))
        url = f"{ENDPOINT}?since={since}" if since else ENDPOINT`;
  return `# pip install "websockets>=14"
import asyncio
${format === "raw" ? "" : "import json\n"}import os

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

ENDPOINT = "${endpoint}"
${secretLine}
${format === "raw" ? "" : PY_RECORDS}

async def main() -> None:
${format === "raw" ? "" : "    last_ids: dict[int, str] = {}  # partition -> last id seen, to resume without gaps\n"}    headers = {"Authorization": f"Bearer {SECRET}"}
    while True:
${url}
        try:
            async with connect(url, additional_headers=headers) as ws:
${body}
        except ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd else 1006
            if 4500 <= code <= 4999:  # secret regenerated, pipeline deactivated, producer removed
                raise SystemExit(f"Stopped: {closed.rcvd.reason} ({code})") from None
${
  format === "raw"
    ? ""
    : `            if code == 4002:  # stream replaced by Update Pipeline: its ids start over
                last_ids.clear()
`
}            if code in (4001, 4002):  # Update Pipeline changed the stream: reconnect at once
                continue
            # 1001 server going away, 1013 too slow, a lost connection: reconnect after a pause
        except InvalidStatus as refused:  # 403: wrong secret, or the pipeline is not active
            response = refused.response
            print("refused:", response.status_code)
            if response.status_code == 429:  # too many handshakes: wait as long as it says
                await asyncio.sleep(float(response.headers.get("Retry-After", "5")))
                continue
        except OSError as error:
            print("cannot connect:", error)
        await asyncio.sleep(2)


asyncio.run(main())
`;
}

function websocat({ endpoint, format, secret }: SnippetTarget): string {
  const value = secret ?? `$${SECRET_VARIABLE}`;
  const columns =
    format === "columns"
      ? "# In columns frames record i's id is <partition>-<offsets[i]>: since takes each partition's last.\n"
      : "";
  return `# One frame per line. To resume after the last ids you saw, add ?since=<partition>-<offset>,…
${columns}# Close codes: 1001 (server going away), 1013 (too slow) and 4001 (reconfigured by Update
# Pipeline): reconnect with since; 4002 (replaced by Update Pipeline): reconnect without since;
# 4500–4999 (secret regenerated, pipeline deactivated, producer removed): stop. websocat does not
# show the code, so this loop reconnects after any close and stops once the server refuses the
# handshake (what follows a 45xx); the Python client tells the codes apart.
while websocat -H "Authorization: Bearer ${value}" "${endpoint}"; do sleep 1; done
`;
}
