/** The side tray for the selected node: keeps drafts, saves them, shows the server's errors; or only shows. */
import { useState } from "react";
import { ApiError } from "../api/client";
import type { GraphApi } from "../api/endpoints";
import type { FlowEvent, Pipeline } from "../api/types";
import { useFeedback } from "../ui/feedback";
import { type FlowNode, isComponentNode } from "./model";
import { ComponentForm } from "./properties/ComponentForm";
import {
  type ComponentDraft,
  type Draft,
  type EventDraft,
  componentDraft,
  configPayload,
  eventDraft,
  eventPayload,
} from "./properties/drafts";
import { type FormErrors, NO_ERRORS, parseErrors } from "./properties/errors";
import { EventForm } from "./properties/EventForm";
import { producerViews } from "./properties/producerViews";
import type { Graph } from "./useGraph";

interface Props {
  api: GraphApi;
  graph: Graph;
  node: FlowNode | null;
  pipeline: Pipeline;
  /** Settings shown, nothing changed: no save, delete, secret or checks. */
  readOnly: boolean;
  events: FlowEvent[];
  drafts: Record<string, Draft>;
  dirty: ReadonlySet<string>;
  setDraft: (key: string, draft: Draft | null) => void;
  onDelete: (key: string) => void;
  onError: (error: unknown) => void;
}

export function PropertiesPanel({
  api,
  graph,
  node,
  pipeline,
  readOnly,
  events,
  drafts,
  dirty,
  setDraft,
  onDelete,
  onError,
}: Props) {
  const { toast } = useFeedback();
  const [errors, setErrors] = useState<Record<string, FormErrors>>({});
  const [saving, setSaving] = useState(false);

  if (!node) {
    return (
      <aside className="tray tray-empty" aria-label="Properties">
        <h2 className="tray-title">Properties</h2>
        {readOnly ? (
          <p className="muted">
            This pipeline is shared with you to view. Select a component or an event to see its settings; Live
            Tap and the dashboards are open to you, changes are not.
          </p>
        ) : (
          <>
            <p className="muted">Select a component or an event to edit its properties.</p>
            <ul className="hints muted small">
              <li>Drag items from the palette onto the canvas.</li>
              <li>Wire a handle on the right of a node to a handle on the left of another.</li>
              <li>Components connect only through events.</li>
              <li>Right-click a component to add a Kafka Event next to it.</li>
              <li>
                <kbd>Del</kbd> deletes, <kbd>Ctrl</kbd>+<kbd>Z</kbd> undoes, <kbd>Ctrl</kbd>+<kbd>Shift</kbd>+
                <kbd>Z</kbd> redoes.
              </li>
            </ul>
          </>
        )}
        <dl className="facts small">
          <dt>Pipeline</dt>
          <dd>{pipeline.name}</dd>
          <dt>Owner</dt>
          <dd>{pipeline.owner || "—"}</dd>
          <dt>Deployed version</dt>
          <dd>{pipeline.current_version ? `v${pipeline.current_version}` : "none yet"}</dd>
        </dl>
      </aside>
    );
  }

  const key = node.id;
  const nodeErrors = errors[key] ?? NO_ERRORS;

  async function save(step: () => Promise<void>, success: string) {
    setSaving(true);
    try {
      await step();
      setErrors((all) => ({ ...all, [key]: NO_ERRORS }));
      setDraft(key, null);
      toast(success, "success");
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) {
        setErrors((all) => ({ ...all, [key]: parseErrors(error.body) }));
        toast("Not saved: fix the fields marked in red", "error");
      } else {
        onError(error);
      }
    } finally {
      setSaving(false);
    }
  }

  if (isComponentNode(node)) {
    const { component, spec } = node.data;
    if (!spec) {
      return (
        <aside className="tray" aria-label="Properties">
          <p className="banner banner-error">Unknown component type “{component.type}”.</p>
        </aside>
      );
    }
    const draft = (drafts[key] as ComponentDraft | undefined) ?? componentDraft(component);
    return (
      <aside className="tray" aria-label="Properties">
        <ComponentForm
          key={key}
          component={component}
          spec={spec}
          draft={draft}
          dirty={dirty.has(key)}
          errors={nodeErrors}
          events={events}
          saving={saving}
          readOnly={readOnly}
          onChange={(d) => setDraft(key, d)}
          onDelete={() => onDelete(key)}
          onSave={() =>
            void save(async () => {
              const saved = await api.patchComponent(component.id, {
                name: draft.name.trim(),
                config: configPayload(spec, draft),
              });
              graph.putComponent(saved);
            }, "Component saved")
          }
          secret={
            readOnly
              ? undefined
              : {
                  reveal: async () => (await api.revealSecret(component.id)).ingestion_secret,
                  regenerate: async () => (await api.regenerateSecret(component.id)).ingestion_secret,
                }
          }
          runChecks={readOnly ? undefined : async () => (await api.validate(component.id)).checks}
          views={producerViews(
            component,
            pipeline,
            readOnly ? undefined : async () => (await api.revealSecret(component.id)).ingestion_secret,
          )}
        />
      </aside>
    );
  }

  const { event, spec } = node.data;
  const draft = (drafts[key] as EventDraft | undefined) ?? eventDraft(event, spec);
  return (
    <aside className="tray" aria-label="Properties">
      <EventForm
        key={key}
        event={event}
        spec={spec}
        draft={draft}
        dirty={dirty.has(key)}
        errors={nodeErrors}
        saving={saving}
        readOnly={readOnly}
        onChange={(d) => setDraft(key, d)}
        onDelete={() => onDelete(key)}
        onSave={() =>
          void save(async () => {
            graph.putEvent(await api.patchEvent(event.id, eventPayload(spec, draft) as Partial<FlowEvent>));
          }, "Event saved")
        }
      />
    </aside>
  );
}
