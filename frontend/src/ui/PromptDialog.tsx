/** A dialog that asks for one line of text (e.g. a new name); Cancel answers null. */
import { useState } from "react";
import { Modal } from "./Modal";

export interface PromptOptions {
  title: string;
  label: string;
  initial?: string;
  confirmLabel?: string;
}

export function PromptDialog({
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
