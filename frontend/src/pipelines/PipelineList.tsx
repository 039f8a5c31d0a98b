/** The pipelines page: create, search, rename, delete, activate/deactivate, open the editor or monitoring. */
import { useCallback, useEffect, useMemo, useState } from "react";
import { ApiError, errorMessage } from "../api/client";
import { pipelinesApi } from "../api/endpoints";
import type { Pipeline } from "../api/types";
import { usePoll } from "../hooks/usePoll";
import { SearchBox } from "../ui/SearchBox";
import { useFeedback } from "../ui/feedback";
import { type PageContext, TopBar } from "../ui/shell";
import { CreatePipeline } from "./CreatePipeline";
import { PipelineRow } from "./PipelineRow";

const LIVE_MS = 5000;

export function PipelineList({ context }: { context: PageContext }) {
  const { toast, confirm } = useFeedback();
  const [pipelines, setPipelines] = useState<Pipeline[] | null>(null);
  const [loadError, setLoadError] = useState("");
  const [query, setQuery] = useState("");

  const load = useCallback(async () => {
    try {
      setPipelines(await pipelinesApi.list());
      setLoadError("");
    } catch (error) {
      setLoadError(errorMessage(error));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const anyActive = pipelines?.some((p) => p.status === "active") ?? false;
  const live = usePoll(
    useCallback(() => (anyActive ? pipelinesApi.summaries() : Promise.resolve([])), [anyActive]),
    LIVE_MS,
  );
  const summaries = useMemo(() => new Map((live.data ?? []).map((s) => [s.id, s])), [live.data]);

  const replace = (updated: Pipeline) =>
    setPipelines((all) => all?.map((p) => (p.id === updated.id ? updated : p)) ?? null);

  async function act(action: () => Promise<unknown>, success: string) {
    try {
      await action();
      toast(success, "success");
    } catch (error) {
      toast(errorMessage(error), "error");
      if (error instanceof ApiError && error.isConflict) void load();
    }
  }

  async function toggle(p: Pipeline) {
    const activating = p.status !== "active";
    const ok = await confirm({
      title: activating ? `Activate “${p.name}”?` : `Deactivate “${p.name}”?`,
      message: activating
        ? "Its deployed version starts running and streaming to clients."
        : "Its components stop and connected WebSocket clients are disconnected.",
      confirmLabel: activating ? "Activate" : "Deactivate",
      danger: !activating,
    });
    if (!ok) return;
    await act(
      async () => replace(await (activating ? pipelinesApi.activate(p) : pipelinesApi.deactivate(p))),
      activating ? `“${p.name}” activated` : `“${p.name}” deactivated`,
    );
  }

  async function remove(p: Pipeline) {
    const ok = await confirm({
      title: `Delete “${p.name}”?`,
      message: "The pipeline, its components, events and version history are deleted. This cannot be undone.",
      confirmLabel: "Delete",
      danger: true,
    });
    if (!ok) return;
    await act(async () => {
      await pipelinesApi.remove(p);
      setPipelines((all) => all?.filter((x) => x.id !== p.id) ?? null);
    }, `“${p.name}” deleted`);
  }

  const visible = useMemo(() => {
    const q = query.trim().toLowerCase();
    const all = [...(pipelines ?? [])].sort((a, b) => b.updated_at.localeCompare(a.updated_at));
    return q ? all.filter((p) => `${p.name} ${p.description}`.toLowerCase().includes(q)) : all;
  }, [pipelines, query]);

  return (
    <div className="page">
      <TopBar context={context} />
      <main className="list-page">
        <div className="list-header">
          <div>
            <h1>Pipelines</h1>
            <p className="muted">Kafka streams turned into WebSocket feeds.</p>
          </div>
          <CreatePipeline
            onCreated={(p) => {
              setPipelines((all) => [p, ...(all ?? [])]);
              toast(`“${p.name}” created`, "success");
            }}
          />
        </div>
        <div className="list-tools">
          <SearchBox
            label="Search pipelines"
            placeholder="Search pipelines"
            value={query}
            onChange={setQuery}
          />
          {pipelines && (
            <span className="muted small">
              {visible.length} of {pipelines.length}
            </span>
          )}
        </div>
        {loadError && (
          <div className="banner banner-error" role="alert">
            Could not load pipelines: {loadError}{" "}
            <button type="button" className="button button-small" onClick={() => void load()}>
              Retry
            </button>
          </div>
        )}
        {pipelines === null && !loadError && <p className="muted">Loading…</p>}
        {pipelines !== null && visible.length === 0 && (
          <div className="empty">
            {pipelines.length === 0
              ? "No pipelines yet. Create one to open the editor."
              : "No pipeline matches your search."}
          </div>
        )}
        {visible.length > 0 && (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Live</th>
                <th scope="col">Version</th>
                <th scope="col">Last update</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {visible.map((p) => (
                <PipelineRow
                  key={p.id}
                  pipeline={p}
                  summary={summaries.get(p.id)}
                  onRename={(name) =>
                    act(async () => replace(await pipelinesApi.rename(p, name)), "Pipeline renamed")
                  }
                  onToggle={() => void toggle(p)}
                  onDelete={() => void remove(p)}
                />
              ))}
            </tbody>
          </table>
        )}
      </main>
    </div>
  );
}
