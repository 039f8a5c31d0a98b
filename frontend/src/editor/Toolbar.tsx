/**
 * The editor's toolbar: pipeline status, undo/redo, sharing, monitoring, versions, activation,
 * Update Pipeline. A read-only editor shows whose pipeline it is instead of the changing buttons.
 */
import type { Pipeline } from "../api/types";
import { accessNote, canShare } from "../sharing/access";
import {
  ChartIcon,
  EyeIcon,
  HistoryIcon,
  PowerIcon,
  RedoIcon,
  RocketIcon,
  ShareIcon,
  UndoIcon,
  UsersIcon,
} from "../ui/Icons";
import { StatusBadge } from "../ui/StatusBadge";

interface Props {
  pipeline: Pipeline;
  readOnly: boolean;
  canUndo: boolean;
  canRedo: boolean;
  undoLabel: string | null;
  redoLabel: string | null;
  onUndo: () => void;
  onRedo: () => void;
  onVersions: () => void;
  onToggleActive: () => void;
  onUpdate: () => void;
  onShare: () => void;
}

export function Toolbar(props: Props) {
  const { pipeline, readOnly } = props;
  const active = pipeline.status === "active";
  const note = accessNote(pipeline);
  const grants = pipeline.grant_count ?? 0;
  return (
    <div className="toolbar" role="toolbar" aria-label="Pipeline">
      <div className="toolbar-title">
        <a href="/pipelines/" className="crumb">
          Pipelines
        </a>
        <span className="crumb-sep" aria-hidden="true">
          /
        </span>
        <h1 className="pipeline-title">{pipeline.name}</h1>
        <StatusBadge status={pipeline.status} />
        <span className="muted small" title="Deployed version">
          {pipeline.current_version ? `v${pipeline.current_version} deployed` : "not deployed"}
        </span>
        {note && (
          <span className={`access-badge access-${pipeline.access}`} data-access={pipeline.access}>
            {readOnly ? <EyeIcon /> : <UsersIcon />}
            {note}
          </span>
        )}
      </div>
      {!readOnly && (
        <div className="toolbar-group">
          <button
            type="button"
            className="icon-button"
            onClick={props.onUndo}
            disabled={!props.canUndo}
            aria-label="Undo"
            title={props.undoLabel ? `Undo ${props.undoLabel} (Ctrl+Z)` : "Undo (Ctrl+Z)"}
          >
            <UndoIcon />
          </button>
          <button
            type="button"
            className="icon-button"
            onClick={props.onRedo}
            disabled={!props.canRedo}
            aria-label="Redo"
            title={props.redoLabel ? `Redo ${props.redoLabel} (Ctrl+Shift+Z)` : "Redo (Ctrl+Shift+Z)"}
          >
            <RedoIcon />
          </button>
        </div>
      )}
      <div className="toolbar-group toolbar-end">
        {canShare(pipeline.access) && (
          <button
            type="button"
            className="button"
            onClick={props.onShare}
            aria-label={grants > 0 ? `Share (shared with ${grants})` : "Share"}
            title={grants > 0 ? `Shared with ${grants}` : "Not shared yet"}
          >
            <ShareIcon /> Share
            {grants > 0 && <span className="chip">{grants}</span>}
          </button>
        )}
        <a
          className="button"
          href={`/pipelines/${pipeline.id}/monitoring/`}
          title="Live figures of every component"
        >
          <ChartIcon /> Monitoring
        </a>
        <button
          type="button"
          className="button"
          onClick={props.onVersions}
          title="Versions, and the History of who did what"
        >
          <HistoryIcon /> Versions
        </button>
        {!readOnly && (
          <>
            <button
              type="button"
              className={active ? "button" : "button button-success"}
              onClick={props.onToggleActive}
            >
              <PowerIcon /> {active ? "Deactivate" : "Activate"}
            </button>
            <button type="button" className="button button-primary" onClick={props.onUpdate}>
              <RocketIcon /> Update Pipeline
            </button>
          </>
        )}
      </div>
    </div>
  );
}
