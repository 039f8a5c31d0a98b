/** The tray views a streaming component gets besides its settings: Live Tap and Client Code. */
import type { Component, FrameFormat, Pipeline } from "../../api/types";
import type { ExtraView } from "./ComponentForm";
import { ClientSnippets } from "./ClientSnippets";
import { LiveTap } from "./LiveTap";

// A record over FrameFormat, so a format added there does not compile until it is here too.
const FORMATS: Record<FrameFormat, true> = { envelope: true, batch: true, columns: true, raw: true };
const isFrameFormat = (value: unknown): value is FrameFormat =>
  typeof value === "string" && Object.hasOwn(FORMATS, value);

/** None for components that clients don't reach over WebSocket (the endpoint says so). */
export function producerViews(
  component: Component,
  pipeline: Pipeline,
  reveal?: () => Promise<string>,
): ExtraView[] {
  const endpoint = component.endpoint;
  if (!endpoint || !/^wss?:/.test(endpoint)) return [];
  const saved = component.config.meta?.frame_format;
  const format = isFrameFormat(saved) ? saved : "envelope";
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
