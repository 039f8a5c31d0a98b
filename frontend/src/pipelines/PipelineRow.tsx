/** One pipeline in the list: its status, live figures, version and actions (rename inline). */
import { useState } from "react";
import type { Pipeline, PipelineSummary } from "../api/types";
import { canDelete, canEdit, sharingNote } from "../sharing/access";
import { ChartIcon, PowerIcon, TrashIcon, UsersIcon } from "../ui/Icons";
import { StatusBadge } from "../ui/StatusBadge";
import { exactTime, relativeTime } from "../ui/format";
import { LiveSummary } from "./LiveSummary";

interface RowProps {
  pipeline: Pipeline;
  summary: PipelineSummary | undefined;
  onRename: (name: string) => Promise<void>;
  onToggle: () => void;
  onDelete: () => void;
}

export function PipelineRow({ pipeline: p, summary, onRename, onToggle, onDelete }: RowProps) {
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
