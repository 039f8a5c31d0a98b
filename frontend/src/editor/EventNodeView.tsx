/** An event on the canvas: a Kafka topic between components, with its kind and problems. */
import { Handle, type NodeProps, Position } from "@xyflow/react";
import { TopicIcon } from "../ui/Icons";
import type { EventFlowNode } from "./model";

export function EventNodeView({ data, selected }: NodeProps<EventFlowNode>) {
  const { event, spec, problems, dirty } = data;
  const classes = ["fc-node", "fc-event", `fc-event-${event.kind}`];
  if (selected) classes.push("is-selected");
  if (problems.length) classes.push("has-problems");
  return (
    <div
      className={classes.join(" ")}
      data-testid="event-node"
      data-node-name={event.name}
      data-node-kind={event.kind}
      title={problems.join("\n") || event.topic || undefined}
    >
      <Handle type="target" position={Position.Left} id="in" className="fc-handle" />
      <span className="fc-event-icon" aria-hidden="true">
        <TopicIcon />
      </span>
      <span className="fc-event-text">
        <span className="fc-node-name">
          {event.name}
          {dirty && <span className="dirty-dot" title="Unsaved changes" aria-label="Unsaved changes" />}
        </span>
        <span className="fc-event-kind">{spec?.label ?? event.kind}</span>
      </span>
      {problems.length > 0 && (
        <span className="fc-node-problems" aria-label={`${problems.length} problems`}>
          !
        </span>
      )}
      <Handle type="source" position={Position.Right} id="out" className="fc-handle" />
    </div>
  );
}
