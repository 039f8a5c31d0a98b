/** A question with Cancel and a confirm button, red when the action destroys something. */
import type { ReactNode } from "react";
import { Modal } from "./Modal";

export interface ConfirmOptions {
  title: string;
  message: ReactNode;
  confirmLabel?: string;
  danger?: boolean;
}

export function ConfirmDialog({
  options,
  onDone,
}: {
  options: ConfirmOptions;
  onDone: (ok: boolean) => void;
}) {
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
