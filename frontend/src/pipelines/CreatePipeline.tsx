/** The list's form that creates a pipeline by name (and an optional description). */
import { useState } from "react";
import { errorMessage } from "../api/client";
import { pipelinesApi } from "../api/endpoints";
import type { Pipeline } from "../api/types";
import { PlusIcon } from "../ui/Icons";

export function CreatePipeline({ onCreated }: { onCreated: (p: Pipeline) => void }) {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      onCreated(await pipelinesApi.create(name.trim(), description.trim()));
      setName("");
      setDescription("");
      setError("");
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="create-form" onSubmit={submit} aria-label="New pipeline">
      <label className="visually-hidden" htmlFor="new-pipeline-name">
        Pipeline name
      </label>
      <input
        id="new-pipeline-name"
        className="input"
        placeholder="New pipeline name"
        value={name}
        required
        aria-invalid={error ? true : undefined}
        onChange={(e) => setName(e.target.value)}
      />
      <label className="visually-hidden" htmlFor="new-pipeline-description">
        Description
      </label>
      <input
        id="new-pipeline-description"
        className="input"
        placeholder="Description (optional)"
        value={description}
        onChange={(e) => setDescription(e.target.value)}
      />
      <button type="submit" className="button button-primary" disabled={busy || !name.trim()}>
        <PlusIcon /> Create pipeline
      </button>
      {error && (
        <p className="field-error create-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
