/** The editor's toolbar: pipeline status, undo/redo, monitoring, versions, activation, Update Pipeline. */
import type { Pipeline } from "../api/types";
import { ChartIcon, HistoryIcon, PowerIcon, RedoIcon, RocketIcon, UndoIcon } from "../ui/Icons";
import { StatusBadge } from "../ui/StatusBadge";

interface Props {
  pipeline: Pipeline;
  canUndo: boolean;
  canRedo: boolean;
  undoLabel: string | null;
  redoLabel: string | null;
  onUndo: () => void;
  onRedo: () => void;
  onVersions: () => void;
  onToggleActive: () => void;
  onUpdate: () => void;
}

export function Toolbar(props: Props) {
  const { pipeline } = props;
  const active = pipeline.status === "active";
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
      </div>
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
      <div className="toolbar-group toolbar-end">
        <a
          className="button"
          href={`/pipelines/${pipeline.id}/monitoring/`}
          title="Live figures of every component"
        >
          <ChartIcon /> Monitoring
        </a>
        <button type="button" className="button" onClick={props.onVersions}>
          <HistoryIcon /> Versions
        </button>
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
      </div>
    </div>
  );
}
