import { describe, expect, it } from "vitest";
import { SNIPPET_LANGUAGES, type SnippetTarget, httpOrigin, snippet } from "./snippets";

const target: SnippetTarget = {
  endpoint: "wss://flowcast.example/ws/producers/ing_abc/",
  componentId: 12,
  format: "batch",
  secret: null,
};

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

  it("derive the HTTP origin from the WebSocket endpoint", () => {
    expect(httpOrigin("ws://127.0.0.1:8000/ws/producers/x/")).toBe("http://127.0.0.1:8000");
    expect(httpOrigin(target.endpoint)).toBe("https://flowcast.example");
  });
});
