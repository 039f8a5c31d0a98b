/** The pipelines page: create, search, rename, delete, activate/deactivate, open the editor or monitoring. */
import { useCallback, useEffect, useMemo, useState } from "react";
import { ApiError, errorMessage } from "../api/client";
import { pipelinesApi } from "../api/endpoints";
import type { Pipeline, PipelineSummary } from "../api/types";
import { formatCount, formatRate } from "../monitoring/format";
import { usePoll } from "../monitoring/usePoll";
import { canDelete, canEdit, sharingNote } from "../sharing/access";
import { ChartIcon, PlusIcon, PowerIcon, TrashIcon, UsersIcon } from "../ui/Icons";
import { SearchBox } from "../ui/SearchBox";
import { StatusBadge, exactTime, relativeTime } from "../ui/StatusBadge";
import { useFeedback } from "../ui/feedback";
import { type PageContext, TopBar } from "../ui/shell";

const LIVE_MS = 5000;

/** Components up, records/s leaving the pipeline, lag, clients, failures: as in its monitoring view. */
function LiveSummary({ summary: s }: { summary: PipelineSummary }) {
  const allUp = s.components > 0 && s.up === s.components;
  const figures = [`${formatRate(s.records_per_sec)} rec/s`];
  if (s.lag !== null) figures.push(`lag ${formatCount(s.lag)}`);
  if (s.clients) figures.push(`${formatCount(s.clients)} ${s.clients === 1 ? "client" : "clients"}`);
  return (
    <span className="live-summary" data-live-summary>
      <span className={`state-pill state-pill-${allUp ? "up" : "off"}`} title="Components up">
        {s.up}/{s.components} UP
      </span>
      <span className="muted small">
        {figures.join(" · ")}
        {s.failed > 0 && <span className="figure-bad"> · {formatCount(s.failed)} failed</span>}
      </span>
    </span>
  );
}

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

function CreatePipeline({ onCreated }: { onCreated: (p: Pipeline) => void }) {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      onCreated(await pipelinesApi.create(name.trim(), description.trim()));
      setName("");
      setDescription("");
      setError("");
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="create-form" onSubmit={submit} aria-label="New pipeline">
      <label className="visually-hidden" htmlFor="new-pipeline-name">
        Pipeline name
      </label>
      <input
        id="new-pipeline-name"
        className="input"
        placeholder="New pipeline name"
        value={name}
        required
        aria-invalid={error ? true : undefined}
        onChange={(e) => setName(e.target.value)}
      />
      <label className="visually-hidden" htmlFor="new-pipeline-description">
        Description
      </label>
      <input
        id="new-pipeline-description"
        className="input"
        placeholder="Description (optional)"
        value={description}
        onChange={(e) => setDescription(e.target.value)}
      />
      <button type="submit" className="button button-primary" disabled={busy || !name.trim()}>
        <PlusIcon /> Create pipeline
      </button>
      {error && (
        <p className="field-error create-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

interface RowProps {
  pipeline: Pipeline;
  summary: PipelineSummary | undefined;
  onRename: (name: string) => Promise<void>;
  onToggle: () => void;
  onDelete: () => void;
}

function PipelineRow({ pipeline: p, summary, onRename, onToggle, onDelete }: RowProps) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(p.name);
  const editable = canEdit(p.access);
  const sharing = sharingNote(p);

  async function save(event: React.FormEvent) {
    event.preventDefault();
    if (name.trim() && name.trim() !== p.name) await onRename(name.trim());
    setEditing(false);
  }

  return (
    <tr data-pipeline-id={p.id}>
      <td>
        {editing ? (
          <form className="inline-form" onSubmit={save}>
            <label className="visually-hidden" htmlFor={`rename-${p.id}`}>
              New name for {p.name}
            </label>
            <input
              id={`rename-${p.id}`}
              className="input input-small"
              value={name}
              autoFocus
              onChange={(e) => setName(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Escape") {
                  setName(p.name);
                  setEditing(false);
                }
              }}
            />
            <button type="submit" className="button button-small button-primary">
              Save
            </button>
            <button type="button" className="button button-small" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <>
            <a className="pipeline-name" href={`/pipelines/${p.id}/editor/`}>
              {p.name}
            </a>
            {p.description && <div className="muted small">{p.description}</div>}
            {sharing && (
              <div className={`share-note share-note-${p.access}`} data-sharing={p.access}>
                <UsersIcon /> {sharing}
              </div>
            )}
          </>
        )}
      </td>
      <td>
        <StatusBadge status={p.status} />
      </td>
      <td>
        {p.status === "active" && summary ? (
          <LiveSummary summary={summary} />
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td>{p.current_version ? `v${p.current_version}` : <span className="muted">—</span>}</td>
      <td title={exactTime(p.updated_at)}>{relativeTime(p.updated_at)}</td>
      <td>
        <div className="row-actions">
          <a className="button button-small button-primary" href={`/pipelines/${p.id}/editor/`}>
            {editable ? "Open editor" : "View"}
          </a>
          <a
            className="button button-small"
            href={`/pipelines/${p.id}/monitoring/`}
            aria-label={`Monitoring of ${p.name}`}
            title="Monitoring"
          >
            <ChartIcon /> Monitoring
          </a>
          {editable && (
            <>
              <button
                type="button"
                className="button button-small"
                onClick={() => {
                  setName(p.name);
                  setEditing(true);
                }}
                aria-label={`Rename ${p.name}`}
              >
                Rename
              </button>
              <button
                type="button"
                className="button button-small"
                onClick={onToggle}
                aria-label={`${p.status === "active" ? "Deactivate" : "Activate"} ${p.name}`}
              >
                <PowerIcon /> {p.status === "active" ? "Deactivate" : "Activate"}
              </button>
            </>
          )}
          {canDelete(p.access) && (
            <button
              type="button"
              className="icon-button icon-button-danger"
              onClick={onDelete}
              aria-label={`Delete ${p.name}`}
              title="Delete"
            >
              <TrashIcon />
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}
