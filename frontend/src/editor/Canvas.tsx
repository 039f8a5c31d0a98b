/** The React Flow canvas: drop from the palette, wire with checks, drag, context menu; or just look. */
import {
  Background,
  BackgroundVariant,
  type Connection as FlowConnection,
  Controls,
  type FinalConnectionState,
  type IsValidConnection,
  MarkerType,
  MiniMap,
  type OnConnectEnd,
  ReactFlow,
  useReactFlow,
} from "@xyflow/react";
import { useCallback, useEffect, useRef, useState } from "react";
import type { PaletteItem } from "../api/types";
import type { Position } from "../api/jsonShapes";
import type { FlowEdge, FlowNode } from "./model";
import { isComponentNode } from "./model";
import { nodeTypes } from "./nodes";
import { PALETTE_MIME } from "./Palette";
import type { Graph } from "./useGraph";

interface Props {
  graph: Graph;
  nodes: FlowNode[];
  /** Nodes can be selected (to read their settings) but not moved, wired or deleted. */
  readOnly: boolean;
  onDropItem: (item: PaletteItem, position: Position) => void;
  onRefused: (reason: string) => void;
  onDeleteNode: (key: string) => void;
  onQuickEvent: (key: string) => void;
}

interface Menu {
  x: number;
  y: number;
  key: string;
  component: boolean;
}

const NODE_HALF = { x: 100, y: 28 };
const EDGE_OPTIONS = {
  interactionWidth: 16,
  markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18, color: "#7b8799" },
};

function minimapColor(node: FlowNode): string {
  return node.type === "event" ? "#8b5cf6" : "#2563eb";
}

export function Canvas({ graph, nodes, readOnly, onDropItem, onRefused, onDeleteNode, onQuickEvent }: Props) {
  const { screenToFlowPosition } = useReactFlow<FlowNode, FlowEdge>();
  const [menu, setMenu] = useState<Menu | null>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  // Fit a loaded graph once; an empty canvas must not jump when its first node is dropped.
  const fitOnMount = useRef(nodes.length > 0).current;

  const isValidConnection: IsValidConnection<FlowEdge> = useCallback(
    (c) => graph.wireProblem(c.source, c.target) === null,
    [graph],
  );

  const onConnect = useCallback(
    (c: FlowConnection) => {
      void graph.connect(c.source, c.target).then((reason) => reason && onRefused(reason));
    },
    [graph, onRefused],
  );

  // A refused wire says why; a wire dropped on a node's body (not its handle) still connects.
  const onConnectEnd: OnConnectEnd = useCallback(
    (event, state: FinalConnectionState) => {
      if (!state.fromNode || !state.fromHandle || state.isValid === true) return;
      let toKey = state.toNode?.id ?? null;
      if (!toKey) {
        const point = "changedTouches" in event ? event.changedTouches[0] : event;
        const element = point ? document.elementFromPoint(point.clientX, point.clientY) : null;
        toKey = element?.closest<HTMLElement>(".react-flow__node")?.dataset.id ?? null;
        if (!toKey || toKey === state.fromNode.id) return;
      }
      const fromSource = state.fromHandle.type === "source";
      const source = fromSource ? state.fromNode.id : toKey;
      const target = fromSource ? toKey : state.fromNode.id;
      if (state.isValid === false) {
        onRefused(graph.wireProblem(source, target) ?? "This wire is not allowed");
      } else {
        void graph.connect(source, target).then((reason) => reason && onRefused(reason));
      }
    },
    [graph, onRefused],
  );

  const onDrop = useCallback(
    (event: React.DragEvent) => {
      const raw = event.dataTransfer.getData(PALETTE_MIME);
      if (!raw || readOnly) return;
      event.preventDefault();
      const item = JSON.parse(raw) as PaletteItem;
      const at = screenToFlowPosition({ x: event.clientX, y: event.clientY });
      onDropItem(item, { x: Math.round(at.x - NODE_HALF.x), y: Math.round(at.y - NODE_HALF.y) });
    },
    [screenToFlowPosition, onDropItem, readOnly],
  );

  useEffect(() => {
    if (!menu) return;
    menuRef.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const close = (e: MouseEvent) => {
      if (!menuRef.current?.contains(e.target as Node)) setMenu(null);
    };
    window.addEventListener("mousedown", close);
    return () => window.removeEventListener("mousedown", close);
  }, [menu]);

  return (
    <div
      className={readOnly ? "canvas canvas-readonly" : "canvas"}
      onDragOver={(e) => {
        if (!readOnly && e.dataTransfer.types.includes(PALETTE_MIME)) {
          e.preventDefault();
          e.dataTransfer.dropEffect = "copy";
        }
      }}
      onDrop={onDrop}
    >
      <ReactFlow<FlowNode, FlowEdge>
        nodes={nodes}
        edges={graph.edges}
        nodeTypes={nodeTypes}
        onNodesChange={graph.onNodesChange}
        onEdgesChange={graph.onEdgesChange}
        onConnect={readOnly ? undefined : onConnect}
        onConnectEnd={readOnly ? undefined : onConnectEnd}
        isValidConnection={isValidConnection}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        onNodeDragStop={(_, __, dragged) => void graph.finishDrag(dragged)}
        onNodeContextMenu={(event, node) => {
          event.preventDefault();
          if (readOnly) return;
          graph.select(node.id);
          setMenu({ x: event.clientX, y: event.clientY, key: node.id, component: isComponentNode(node) });
        }}
        onPaneClick={() => setMenu(null)}
        deleteKeyCode={null}
        fitView={fitOnMount}
        fitViewOptions={{ maxZoom: 1, padding: 0.3 }}
        minZoom={0.2}
        maxZoom={2}
        defaultEdgeOptions={EDGE_OPTIONS}
        proOptions={{ hideAttribution: true }}
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} />
        <Controls position="bottom-left" showInteractive={!readOnly} />
        {nodes.length > 0 && (
          <MiniMap
            position="bottom-right"
            pannable
            zoomable
            nodeColor={minimapColor}
            ariaLabel="Mini map"
            style={{ width: 168, height: 112 }}
          />
        )}
      </ReactFlow>
      {nodes.length === 0 && (
        <div className="canvas-empty" aria-hidden="true">
          {readOnly
            ? "This pipeline has no components yet."
            : "Drag a component from the palette to start. Wire components through events."}
        </div>
      )}
      {menu && (
        <div
          ref={menuRef}
          className="context-menu"
          role="menu"
          style={{ left: menu.x, top: menu.y }}
          onKeyDown={(e) => {
            if (e.key === "Escape") setMenu(null);
            if (e.key === "ArrowDown" || e.key === "ArrowUp") {
              e.preventDefault();
              const items = [...(menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
              const at = items.indexOf(document.activeElement as HTMLElement);
              items[(at + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length]?.focus();
            }
          }}
        >
          {menu.component && (
            <button
              type="button"
              role="menuitem"
              className="context-item"
              onClick={() => {
                setMenu(null);
                onQuickEvent(menu.key);
              }}
            >
              Add Kafka Event
            </button>
          )}
          <button
            type="button"
            role="menuitem"
            className="context-item context-danger"
            onClick={() => {
              setMenu(null);
              onDeleteNode(menu.key);
            }}
          >
            Delete
          </button>
        </div>
      )}
    </div>
  );
}
