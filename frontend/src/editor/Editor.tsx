/** The editor: toolbar, palette, canvas and properties tray of one pipeline. */
import { useReactFlow } from "@xyflow/react";
import { useCallback, useEffect, useMemo, useState } from "react";
import { ApiError, errorMessage } from "../api/client";
import { GraphApi } from "../api/endpoints";
import type { PaletteItem, Pipeline, UpdateResult } from "../api/types";
import type { Position } from "../api/jsonShapes";
import { canEdit } from "../sharing/access";
import { ShareDialog } from "../sharing/ShareDialog";
import { useFeedback } from "../ui/feedback";
import { Canvas } from "./Canvas";
import { type FlowNode, TypeIndex, isComponentNode, nodeName } from "./model";
import { Palette } from "./Palette";
import { PropertiesPanel } from "./PropertiesPanel";
import { type Draft, componentIsDirty, eventIsDirty } from "./properties/drafts";
import type { FormErrors } from "./properties/errors";
import { RequiredSettingsDialog } from "./properties/RequiredSettingsDialog";
import { Toolbar } from "./Toolbar";
import { type NodeProblem, UpdateDialog } from "./UpdateDialog";
import { useGraph } from "./useGraph";
import { useEditorKeys, useStatusPolling, useUnsavedWarning } from "./hooks";
import { VersionsDrawer } from "./VersionsDrawer";

interface PendingComponent {
  item: Extract<PaletteItem, { item: "component" }>;
  position: Position;
  errors: FormErrors;
}

export function Editor({ initial, types }: { initial: Pipeline; types: TypeIndex }) {
  const { toast, confirm, prompt } = useFeedback();
  const { screenToFlowPosition } = useReactFlow();
  // A viewer's editor: every write is refused by the API object, and the UI offers none.
  const readOnly = !canEdit(initial.access);
  const api = useMemo(() => new GraphApi(initial.id, initial.rev, { readOnly }), [initial, readOnly]);
  const [pipeline, setPipeline] = useState(initial);
  const [conflict, setConflict] = useState(false);
  const [drafts, setDrafts] = useState<Record<string, Draft>>({});
  const [dialog, setDialog] = useState<"update" | "versions" | "share" | null>(null);
  const [problems, setProblems] = useState<Record<string, string[]>>({});
  const [pending, setPending] = useState<PendingComponent | null>(null);

  const onError = useCallback(
    (error: unknown) => {
      if (error instanceof ApiError && error.isConflict) setConflict(true);
      else toast(errorMessage(error), "error");
    },
    [toast],
  );

  const graph = useGraph(api, types, onError);
  const { load } = graph;

  useEffect(() => api.onRev((rev) => setPipeline((p) => ({ ...p, rev }))), [api]);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    load().then(() => setReady(true), onError);
  }, [load, onError]);

  const reload = useCallback(async () => {
    try {
      const [fresh] = await Promise.all([api.refreshRev(), load()]);
      setPipeline(fresh);
      setConflict(false);
      setProblems({});
    } catch (error) {
      onError(error);
    }
  }, [api, load, onError]);

  // Drafts that differ from the saved node mark it (and the page) as having unsaved changes.
  const dirty = useMemo(() => {
    const keys = new Set<string>();
    for (const node of graph.nodes) {
      const draft = drafts[node.id];
      if (!draft) continue;
      const changed = isComponentNode(node)
        ? draft.kind === "component" && componentIsDirty(node.data.component, node.data.spec, draft)
        : draft.kind === "event" &&
          node.type === "event" &&
          eventIsDirty(node.data.event, node.data.spec, draft);
      if (changed) keys.add(node.id);
    }
    return keys;
  }, [graph.nodes, drafts]);

  const nodes = useMemo(
    () =>
      graph.nodes.map((n) => {
        const isDirty = dirty.has(n.id);
        const nodeProblems = problems[n.id] ?? [];
        if (n.data.dirty === isDirty && n.data.problems.join("\n") === nodeProblems.join("\n")) return n;
        return { ...n, data: { ...n.data, dirty: isDirty, problems: nodeProblems } } as FlowNode;
      }),
    [graph.nodes, dirty, problems],
  );

  const selected = graph.nodes.filter((n) => n.selected);
  const selectedNode = selected.length === 1 ? (selected[0] ?? null) : null;
  const events = useMemo(
    () => graph.nodes.flatMap((n) => (n.type === "event" ? [n.data.event] : [])),
    [graph.nodes],
  );

  useUnsavedWarning(dirty.size > 0);
  useStatusPolling(api, pipeline.status, graph.setNodes, (status) =>
    setPipeline((p) => (p.status === status ? p : { ...p, status })),
  );

  const setDraft = useCallback((key: string, draft: Draft | null) => {
    setDrafts((all) => {
      const next = { ...all };
      if (draft) next[key] = draft;
      else delete next[key];
      return next;
    });
  }, []);

  async function addItem(item: PaletteItem, position: Position) {
    if (readOnly) return;
    if (item.item === "component") {
      const errors = await graph.addComponent(item.type, item.label, position);
      if (errors) setPending({ item, position, errors });
      return;
    }
    let topic: string | undefined;
    if (item.kind === "shared") {
      const answer = await prompt({
        title: "Add a Shared Event",
        label: "Existing Kafka topic",
        initial: "transactions",
        confirmLabel: "Add",
      });
      if (!answer) return;
      topic = answer;
    }
    await graph.addEvent(item.kind, item.label, position, topic);
  }

  const deleteSelection = useCallback(
    async (keys: string[], edgeKeys: string[] = []) => {
      if (readOnly || (!keys.length && !edgeKeys.length)) return;
      const wired = keys.reduce((n, k) => n + graph.attachedWires(k), 0);
      if (wired > 0) {
        const names = keys
          .map((k) => graph.nodes.find((n) => n.id === k))
          .filter(Boolean)
          .map((n) => nodeName(n!));
        const ok = await confirm({
          title: keys.length === 1 ? `Delete “${names[0]}”?` : `Delete ${keys.length} nodes?`,
          message: `Its ${wired} wire${wired === 1 ? "" : "s"} will be removed too. You can undo this with Ctrl+Z.`,
          confirmLabel: "Delete",
          danger: true,
        });
        if (!ok) return;
      }
      await graph.deleteElements(keys, edgeKeys);
      keys.forEach((k) => setDraft(k, null));
    },
    [graph, confirm, setDraft, readOnly],
  );

  useEditorKeys({
    undo: () => void graph.undo(),
    redo: () => void graph.redo(),
    remove: () =>
      void deleteSelection(
        graph.nodes.filter((n) => n.selected).map((n) => n.id),
        graph.edges.filter((e) => e.selected).map((e) => e.id),
      ),
  });

  async function toggleActive() {
    const activating = pipeline.status !== "active";
    const ok = await confirm({
      title: activating ? "Activate the pipeline?" : "Deactivate the pipeline?",
      message: activating
        ? "Its deployed version starts running and streaming to clients."
        : "Its components stop and connected WebSocket clients are disconnected.",
      confirmLabel: activating ? "Activate" : "Deactivate",
      danger: !activating,
    });
    if (!ok) return;
    try {
      setPipeline(await (activating ? api.activate() : api.deactivate()));
      toast(activating ? "Pipeline activated" : "Pipeline deactivated", "success");
    } catch (error) {
      onError(error);
    }
  }

  function applied(result: UpdateResult) {
    setProblems({});
    setPipeline((p) => ({ ...p, current_version: result.version.number }));
    void reload();
  }

  function refused(list: NodeProblem[]) {
    setProblems(Object.fromEntries(list.map((p) => [p.key, p.messages])));
  }

  return (
    <>
      <Toolbar
        pipeline={pipeline}
        readOnly={readOnly}
        canUndo={graph.canUndo}
        canRedo={graph.canRedo}
        undoLabel={graph.undoLabel}
        redoLabel={graph.redoLabel}
        onUndo={() => void graph.undo()}
        onRedo={() => void graph.redo()}
        onVersions={() => setDialog(dialog === "versions" ? null : "versions")}
        onToggleActive={() => void toggleActive()}
        onUpdate={() => setDialog("update")}
        onShare={() => setDialog("share")}
      />
      {conflict && (
        <div className="banner banner-warning conflict" role="alert">
          This pipeline was changed elsewhere — reload
          <button type="button" className="button button-small" onClick={() => void reload()}>
            Reload
          </button>
        </div>
      )}
      <div className={readOnly ? "workspace workspace-readonly" : "workspace"}>
        {!readOnly && (
          <Palette groups={types.payload.palette} onAdd={(item) => void addItem(item, viewportCenter())} />
        )}
        {ready ? (
          <Canvas
            graph={graph}
            nodes={nodes}
            readOnly={readOnly}
            onDropItem={(item, position) => void addItem(item, position)}
            onRefused={(reason) => toast(reason, "error")}
            onDeleteNode={(key) => void deleteSelection([key])}
            onQuickEvent={(key) =>
              void graph.quickEvent(key).then((reason) => reason && toast(reason, "error"))
            }
          />
        ) : (
          <div className="canvas" aria-busy="true" />
        )}
        {dialog === "versions" ? (
          <VersionsDrawer
            api={api}
            current={pipeline.current_version}
            readOnly={readOnly}
            onClose={() => setDialog(null)}
            onRestored={(p) => {
              setPipeline(p);
              setDrafts({});
              void load().catch(onError);
            }}
            onError={onError}
          />
        ) : (
          <PropertiesPanel
            api={api}
            graph={graph}
            node={selectedNode}
            pipeline={pipeline}
            readOnly={readOnly}
            events={events}
            drafts={drafts}
            dirty={dirty}
            setDraft={setDraft}
            onDelete={(key) => void deleteSelection([key])}
            onError={onError}
          />
        )}
      </div>
      {pending && types.components.get(pending.item.type) && (
        <RequiredSettingsDialog
          spec={types.components.get(pending.item.type)!}
          errors={pending.errors}
          onCancel={() => setPending(null)}
          onSubmit={(config) => {
            const { item, position } = pending;
            void graph
              .addComponent(item.type, item.label, position, config)
              .then((errors) => setPending(errors ? { item, position, errors } : null));
          }}
        />
      )}
      {dialog === "share" && (
        <ShareDialog
          pipeline={pipeline}
          onClose={() => setDialog(null)}
          onCount={(count) => setPipeline((p) => ({ ...p, grant_count: count }))}
        />
      )}
      {dialog === "update" && (
        <UpdateDialog
          api={api}
          nameOf={(key) => {
            const node = graph.nodes.find((n) => n.id === key);
            return node ? nodeName(node) : key;
          }}
          typeLabel={(type) => types.components.get(type)?.label ?? type}
          onClose={() => setDialog(null)}
          onApplied={applied}
          onRefused={refused}
          onConflict={onError}
          onShowNode={graph.select}
        />
      )}
    </>
  );

  /** Where a palette item added from the keyboard goes: the middle of the canvas, below any node there. */
  function viewportCenter(): Position {
    const pane = document.querySelector(".react-flow")?.getBoundingClientRect();
    const middle = pane
      ? screenToFlowPosition({ x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 })
      : { x: 0, y: 0 };
    return freeSpot({ x: Math.round(middle.x - 100), y: Math.round(middle.y - 28) }, graph.nodes);
  }
}

/** The first spot at or below `start` that no node covers (nodes are at most ~260×70). */
function freeSpot(start: Position, nodes: FlowNode[]): Position {
  const spot = { ...start };
  const taken = (p: Position) =>
    nodes.some((n) => Math.abs(n.position.x - p.x) < 260 && Math.abs(n.position.y - p.y) < 80);
  for (let i = 0; i < 50 && taken(spot); i += 1) spot.y += 90;
  return spot;
}
