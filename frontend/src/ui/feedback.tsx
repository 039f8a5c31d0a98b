/** Toasts and confirmation/prompt dialogs, offered to the whole page through context. */
import { type ReactNode, createContext, useCallback, useContext, useMemo, useRef, useState } from "react";
import { CrossIcon } from "./Icons";
import { type ConfirmOptions, ConfirmDialog } from "./ConfirmDialog";
import { type PromptOptions, PromptDialog } from "./PromptDialog";

export type ToastTone = "info" | "success" | "error";

interface Toast {
  id: number;
  tone: ToastTone;
  text: string;
}

interface Feedback {
  toast: (text: string, tone?: ToastTone) => void;
  confirm: (options: ConfirmOptions) => Promise<boolean>;
  prompt: (options: PromptOptions) => Promise<string | null>;
}

const FeedbackContext = createContext<Feedback | null>(null);

export function useFeedback(): Feedback {
  const value = useContext(FeedbackContext);
  if (!value) throw new Error("useFeedback needs a <FeedbackProvider>");
  return value;
}

type Pending =
  | { type: "confirm"; options: ConfirmOptions; resolve: (ok: boolean) => void }
  | { type: "prompt"; options: PromptOptions; resolve: (value: string | null) => void };

export function FeedbackProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [pending, setPending] = useState<Pending | null>(null);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);

  const toast = useCallback(
    (text: string, tone: ToastTone = "info") => {
      const id = nextId.current++;
      setToasts((all) => [...all.slice(-3), { id, tone, text }]);
      window.setTimeout(() => dismiss(id), tone === "error" ? 8000 : 4000);
    },
    [dismiss],
  );

  const confirm = useCallback(
    (options: ConfirmOptions) =>
      new Promise<boolean>((resolve) => setPending({ type: "confirm", options, resolve })),
    [],
  );
  const prompt = useCallback(
    (options: PromptOptions) =>
      new Promise<string | null>((resolve) => setPending({ type: "prompt", options, resolve })),
    [],
  );

  const value = useMemo(() => ({ toast, confirm, prompt }), [toast, confirm, prompt]);

  return (
    <FeedbackContext.Provider value={value}>
      {children}
      <div className="toasts" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.tone}`} role={t.tone === "error" ? "alert" : "status"}>
            <span>{t.text}</span>
            <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
              <CrossIcon />
            </button>
          </div>
        ))}
      </div>
      {pending?.type === "confirm" && (
        <ConfirmDialog
          options={pending.options}
          onDone={(ok) => {
            pending.resolve(ok);
            setPending(null);
          }}
        />
      )}
      {pending?.type === "prompt" && (
        <PromptDialog
          options={pending.options}
          onDone={(text) => {
            pending.resolve(text);
            setPending(null);
          }}
        />
      )}
    </FeedbackContext.Provider>
  );
}
