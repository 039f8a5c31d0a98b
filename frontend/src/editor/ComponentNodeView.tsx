/** A component on the canvas: its type's icon, name, handles, problems and live status. */
import { Handle, type NodeProps, Position } from "@xyflow/react";
import { BroadcastIcon, InboxIcon, PlugIcon } from "../ui/Icons";
import { formatCount, formatRate } from "../ui/format";
import type { ComponentFlowNode } from "./model";
import { handlesFor } from "./validation";

const GROUP_ICONS: Record<string, () => React.JSX.Element> = {
  readers: InboxIcon,
  consumers: PlugIcon,
  producers: BroadcastIcon,
};

export function ComponentNodeView({ data, selected }: NodeProps<ComponentFlowNode>) {
  const { component, spec, status, problems, dirty } = data;
  const handles = spec ? handlesFor(spec) : { input: true, output: true };
  const Icon = (spec && GROUP_ICONS[spec.group]) ?? PlugIcon;
  const classes = ["fc-node", "fc-component", `fc-group-${spec?.group ?? "other"}`];
  if (selected) classes.push("is-selected");
  if (problems.length) classes.push("has-problems");
  return (
    <div
      className={classes.join(" ")}
      data-testid="component-node"
      data-node-name={component.name}
      data-node-type={component.type}
      title={problems.join("\n") || undefined}
    >
      {handles.input && <Handle type="target" position={Position.Left} id="in" className="fc-handle" />}
      <div className="fc-node-icon" aria-hidden="true">
        <Icon />
      </div>
      <div className="fc-node-text">
        <div className="fc-node-name">
          {component.name}
          {dirty && <span className="dirty-dot" title="Unsaved changes" aria-label="Unsaved changes" />}
        </div>
        <div className="fc-node-type">{spec?.label ?? component.type}</div>
        {status && (
          <div className="fc-node-status" data-state={status.state}>
            <span className={`state state-${status.state.toLowerCase()}`}>{status.state}</span>
            {status.runs_in !== "web" && <span title="Instances">×{status.instances}</span>}
            <span title="Records out per second">{formatRate(status.records_per_sec)} rec/s</span>
            {typeof status.lag === "number" && status.lag > 0 && (
              <span title="Consumer lag (records waiting)">lag {formatCount(status.lag)}</span>
            )}
            {typeof status.clients === "number" && (
              <span title="Connected clients">
                {formatCount(status.clients)} {status.clients === 1 ? "client" : "clients"}
              </span>
            )}
            {!!status.failed && (
              <span className="fc-node-failed" title="Records sent to failover">
                {formatCount(status.failed)} failed
              </span>
            )}
          </div>
        )}
      </div>
      {problems.length > 0 && (
        <span className="fc-node-problems" aria-label={`${problems.length} problems`}>
          !
        </span>
      )}
      {handles.output && <Handle type="source" position={Position.Right} id="out" className="fc-handle" />}
    </div>
  );
}
