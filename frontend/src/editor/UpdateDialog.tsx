/** Update Pipeline: deploys the graph as a new version, or lists what stops it, node by node. */
import { useState } from "react";
import { ApiError, errorMessage } from "../api/client";
import type { GraphApi } from "../api/endpoints";
import type { UpdateResult } from "../api/types";
import type { UpdateErrors } from "../api/jsonShapes";
import { Modal } from "../ui/Modal";

export interface NodeProblem {
  key: string;
  name: string;
  messages: string[];
}

interface Props {
  api: GraphApi;
  nameOf: (key: string) => string;
  typeLabel: (type: string) => string;
  onClose: () => void;
  onApplied: (result: UpdateResult) => void;
  onRefused: (problems: NodeProblem[]) => void;
  onConflict: (error: unknown) => void;
  onShowNode: (key: string) => void;
}

type State =
  | { step: "form" }
  | { step: "running" }
  | { step: "applied"; result: UpdateResult }
  | { step: "refused"; detail: string; pipeline: string[]; problems: NodeProblem[] }
  | { step: "failed"; message: string };

export function problemsFrom(
  errors: UpdateErrors | undefined,
  nameOf: (key: string) => string,
): NodeProblem[] {
  const problems: NodeProblem[] = [];
  for (const [prefix, group] of [
    ["c", errors?.components],
    ["e", errors?.events],
  ] as const) {
    for (const [id, messages] of Object.entries(group ?? {})) {
      const key = `${prefix}-${id}`;
      problems.push({ key, name: nameOf(key), messages });
    }
  }
  return problems;
}

export function UpdateDialog({
  api,
  nameOf,
  typeLabel,
  onClose,
  onApplied,
  onRefused,
  onConflict,
  onShowNode,
}: Props) {
  const [message, setMessage] = useState("");
  const [state, setState] = useState<State>({ step: "form" });

  async function apply(event: React.FormEvent) {
    event.preventDefault();
    setState({ step: "running" });
    try {
      const result = await api.update(message.trim());
      setState({ step: "applied", result });
      onApplied(result);
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) {
        const errors = error.body.errors as UpdateErrors | undefined;
        const problems = problemsFrom(errors, nameOf);
        onRefused(problems);
        setState({
          step: "refused",
          detail: typeof error.body.detail === "string" ? error.body.detail : "The pipeline has problems.",
          pipeline: errors?.pipeline ?? [],
          problems,
        });
      } else if (error instanceof ApiError && error.isConflict) {
        onConflict(error);
        onClose();
      } else {
        setState({ step: "failed", message: errorMessage(error) });
      }
    }
  }

  const close = (
    <button type="button" className="button" onClick={onClose}>
      Close
    </button>
  );

  if (state.step === "applied") {
    const { version, components } = state.result;
    return (
      <Modal title="Update Pipeline" onClose={onClose} footer={close} wide>
        <p className="banner banner-success" role="status">
          Version {version.number} applied
        </p>
        {version.message && <p className="muted">“{version.message}”</p>}
        {components.length > 0 && (
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">Component</th>
                <th scope="col">Type</th>
                <th scope="col">GUID</th>
              </tr>
            </thead>
            <tbody>
              {components.map((c) => (
                <tr key={c.id} data-component-id={c.id}>
                  <td>{c.name}</td>
                  <td className="muted">{typeLabel(c.type)}</td>
                  <td className="mono" data-guid>
                    {c.guid ?? "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Modal>
    );
  }

  if (state.step === "refused") {
    return (
      <Modal title="Update Pipeline" onClose={onClose} footer={close} wide>
        <div className="banner banner-error" role="alert">
          {state.detail}
        </div>
        {state.pipeline.length > 0 && (
          <ul className="problem-list">
            {state.pipeline.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        )}
        <ul className="problem-list">
          {state.problems.map((p) => (
            <li key={p.key}>
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  onShowNode(p.key);
                  onClose();
                }}
              >
                {p.name}
              </button>
              <ul>
                {p.messages.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      </Modal>
    );
  }

  return (
    <Modal title="Update Pipeline" onClose={onClose}>
      <form onSubmit={apply}>
        <p className="muted">
          Applies the current graph as a new version. Running components pick it up; new components get their
          GUID.
        </p>
        <label className="field">
          <span className="field-label">Commit message (optional)</span>
          <textarea
            className="input"
            rows={3}
            value={message}
            maxLength={500}
            onChange={(e) => setMessage(e.target.value)}
            placeholder="What changed?"
            data-autofocus
          />
        </label>
        {state.step === "failed" && (
          <p className="field-error" role="alert">
            {state.message}
          </p>
        )}
        <div className="modal-footer">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={state.step === "running"}>
            {state.step === "running" ? "Applying…" : "Apply"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
