/** Toasts and confirmation/prompt dialogs, offered to the whole page through context. */
import { type ReactNode, createContext, useCallback, useContext, useMemo, useRef, useState } from "react";
import { CrossIcon } from "./Icons";
import { Modal } from "./Modal";

export type ToastTone = "info" | "success" | "error";

interface Toast {
  id: number;
  tone: ToastTone;
  text: string;
}

export interface ConfirmOptions {
  title: string;
  message: ReactNode;
  confirmLabel?: string;
  danger?: boolean;
}

export interface PromptOptions {
  title: string;
  label: string;
  initial?: string;
  confirmLabel?: string;
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

function ConfirmDialog({ options, onDone }: { options: ConfirmOptions; onDone: (ok: boolean) => void }) {
  return (
    <Modal
      title={options.title}
      onClose={() => onDone(false)}
      footer={
        <>
          <button type="button" className="button" onClick={() => onDone(false)}>
            Cancel
          </button>
          <button
            type="button"
            className={options.danger ? "button button-danger" : "button button-primary"}
            onClick={() => onDone(true)}
            data-autofocus
          >
            {options.confirmLabel ?? "Confirm"}
          </button>
        </>
      }
    >
      <div className="confirm-message">{options.message}</div>
    </Modal>
  );
}

function PromptDialog({
  options,
  onDone,
}: {
  options: PromptOptions;
  onDone: (text: string | null) => void;
}) {
  const [text, setText] = useState(options.initial ?? "");
  return (
    <Modal title={options.title} onClose={() => onDone(null)}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim()) onDone(text.trim());
        }}
      >
        <label className="field">
          <span className="field-label">
            {options.label}{" "}
            <span className="required" aria-hidden="true">
              *
            </span>
          </span>
          <input
            className="input"
            value={text}
            required
            onChange={(e) => setText(e.target.value)}
            data-autofocus
          />
        </label>
        <div className="modal-footer">
          <button type="button" className="button" onClick={() => onDone(null)}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={!text.trim()}>
            {options.confirmLabel ?? "OK"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
