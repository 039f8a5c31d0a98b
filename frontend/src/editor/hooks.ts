/** Small effects of the editor page: keyboard shortcuts, status polling, unsaved-changes warning. */
import { useEffect, useRef } from "react";
import type { GraphApi } from "../api/endpoints";
import type { ComponentStatus, PipelineStatus } from "../api/types";
import type { FlowNode } from "./model";

const POLL_MS = 2000;

function typingIn(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName) || el.isContentEditable;
}

/** Ctrl+Z, Ctrl+Shift+Z / Ctrl+Y, Delete/Backspace, except while typing or in a dialog. */
export function useEditorKeys(actions: { undo: () => void; redo: () => void; remove: () => void }): void {
  const latest = useRef(actions);
  latest.current = actions;
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || typingIn(event.target)) return;
      if (document.querySelector('[aria-modal="true"]')) return;
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      if (mod && key === "z") {
        event.preventDefault();
        if (event.shiftKey) latest.current.redo();
        else latest.current.undo();
      } else if (mod && key === "y") {
        event.preventDefault();
        latest.current.redo();
      } else if ((event.key === "Delete" || event.key === "Backspace") && !mod) {
        // Only when the canvas (or nothing) has focus: Backspace on a panel button must not delete.
        const active = document.activeElement;
        if (active && active !== document.body && !active.closest(".react-flow")) return;
        event.preventDefault();
        latest.current.remove();
      }
    }
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);
}

/** Polls the live status every 2 s while the pipeline is active and shows it on the nodes. */
export function useStatusPolling(
  api: GraphApi,
  status: PipelineStatus,
  setNodes: (update: (nodes: FlowNode[]) => FlowNode[]) => void,
  onStatus: (status: PipelineStatus) => void,
): void {
  const onStatusRef = useRef(onStatus);
  onStatusRef.current = onStatus;
  useEffect(() => {
    const apply = (byId: Map<number, ComponentStatus>) =>
      setNodes((nodes) =>
        nodes.map((n) => {
          if (n.type !== "component") return n;
          const next = byId.get(n.data.component.id);
          if (!next && !n.data.status) return n;
          return { ...n, data: { ...n.data, status: next } };
        }),
      );
    if (status !== "active") {
      apply(new Map());
      return;
    }
    let stopped = false;
    async function poll() {
      try {
        const payload = await api.status();
        if (stopped) return;
        apply(new Map(payload.components.map((c) => [c.id, c])));
        onStatusRef.current(payload.status);
      } catch {
        // A missed poll is retried on the next tick; errors here are not the user's to fix.
      }
    }
    void poll();
    const timer = window.setInterval(() => void poll(), POLL_MS);
    return () => {
      stopped = true;
      window.clearInterval(timer);
    };
  }, [api, status, setNodes]);
}

/** The browser's "leave site?" prompt while there are unsaved changes. */
export function useUnsavedWarning(unsaved: boolean): void {
  useEffect(() => {
    if (!unsaved) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [unsaved]);
}
