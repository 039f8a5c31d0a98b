/** The tray views a streaming component gets besides its settings: Live Tap and Client Code. */
import type { Component, FrameFormat, Pipeline } from "../../api/types";
import type { ExtraView } from "./ComponentForm";
import { ClientSnippets } from "./ClientSnippets";
import { LiveTap } from "./LiveTap";

const FORMATS: readonly string[] = ["envelope", "batch", "raw"];

/** None for components that clients don't reach over WebSocket (the endpoint says so). */
export function producerViews(
  component: Component,
  pipeline: Pipeline,
  reveal?: () => Promise<string>,
): ExtraView[] {
  const endpoint = component.endpoint;
  if (!endpoint || !/^wss?:/.test(endpoint)) return [];
  const saved = component.config.meta?.frame_format;
  const format = (typeof saved === "string" && FORMATS.includes(saved) ? saved : "envelope") as FrameFormat;
  return [
    {
      key: "live-tap",
      label: "Live Tap",
      render: () => <LiveTap componentId={component.id} pipelineStatus={pipeline.status} />,
    },
    {
      key: "clients",
      label: "Client Code",
      render: () => (
        <ClientSnippets componentId={component.id} endpoint={endpoint} format={format} reveal={reveal} />
      ),
    },
  ];
}
