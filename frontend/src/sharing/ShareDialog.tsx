/** The Share dialog: who has which role on a pipeline; add a user or group, change a role, remove. */
import { useEffect, useState } from "react";
import { errorMessage } from "../api/client";
import { grantsApi } from "../api/endpoints";
import type { Grant, GrantRole, Pipeline } from "../api/types";
import { TrashIcon } from "../ui/Icons";
import { Modal } from "../ui/Modal";
import { exactTime, relativeTime } from "../ui/format";
import { useFeedback } from "../ui/feedback";
import { ROLES, ROLE_LABELS } from "./access";
import { principal, sortGrants } from "./grantForm";
import "../styles/sharing.css";
import { AddGrant } from "./AddGrant";

interface Props {
  pipeline: Pick<Pipeline, "id" | "name" | "owner">;
  onClose: () => void;
  /** Told the number of grants after every change. */
  onCount?: (count: number) => void;
  api?: typeof grantsApi;
}

export function ShareDialog({ pipeline, onClose, onCount, api = grantsApi }: Props) {
  const { toast } = useFeedback();
  const [grants, setGrants] = useState<Grant[] | null>(null);
  const [loadError, setLoadError] = useState("");
  const [busy, setBusy] = useState<number | null>(null);

  useEffect(() => {
    let stale = false;
    api.list(pipeline.id).then(
      (list) => !stale && setGrants(sortGrants(list)),
      (e: unknown) => !stale && setLoadError(errorMessage(e)),
    );
    return () => {
      stale = true;
    };
  }, [api, pipeline.id]);

  function replaceAll(next: Grant[]) {
    setGrants(sortGrants(next));
    onCount?.(next.length);
  }

  async function changeRole(grant: Grant, role: GrantRole) {
    setBusy(grant.id);
    try {
      const saved = await api.setRole(grant.id, role);
      replaceAll((grants ?? []).map((g) => (g.id === grant.id ? saved : g)));
      toast(`${principal(grant).name} is now ${role === "editor" ? "an editor" : "a viewer"}`, "success");
    } catch (e) {
      toast(errorMessage(e), "error");
    } finally {
      setBusy(null);
    }
  }

  async function remove(grant: Grant) {
    setBusy(grant.id);
    try {
      await api.remove(grant.id);
      replaceAll((grants ?? []).filter((g) => g.id !== grant.id));
      toast(`No longer shared with ${principal(grant).name}`, "success");
    } catch (e) {
      toast(errorMessage(e), "error");
    } finally {
      setBusy(null);
    }
  }

  const owner = pipeline.owner;
  return (
    <Modal
      title={`Share “${pipeline.name}”`}
      onClose={onClose}
      wide
      footer={
        <button type="button" className="button" onClick={onClose}>
          Done
        </button>
      }
    >
      <p className="share-intro muted small">
        {owner && (
          <>
            Owned by <strong className="share-owner">{owner}</strong>.{" "}
          </>
        )}
        Only its owner and staff can change who has access.
      </p>
      <h3 className="share-heading">Who has access</h3>
      {loadError && (
        <p className="field-error" role="alert">
          Could not load who it is shared with: {loadError}
        </p>
      )}
      {grants === null && !loadError && <p className="muted small">Loading…</p>}
      {grants?.length === 0 && <p className="share-empty muted small">Not shared with anyone yet.</p>}
      {grants && grants.length > 0 && (
        <ul className="grant-list" aria-label="Shared with">
          {grants.map((grant) => {
            const who = principal(grant);
            return (
              <li key={grant.id} className="grant" data-grant={`${who.kind}:${who.name}`}>
                <span className={`grant-kind grant-kind-${who.kind}`}>
                  {who.kind === "user" ? "User" : "Group"}
                </span>
                <span className="grant-name" title={`Shared ${exactTime(grant.created_at)}`}>
                  {who.name}
                  <span className="muted small"> · {relativeTime(grant.created_at)}</span>
                </span>
                <select
                  className="input input-small grant-role"
                  aria-label={`Role of ${who.name}`}
                  value={grant.role}
                  disabled={busy === grant.id}
                  onChange={(e) => void changeRole(grant, e.target.value as GrantRole)}
                >
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {ROLE_LABELS[r]}
                    </option>
                  ))}
                </select>
                <button
                  type="button"
                  className="icon-button icon-button-danger"
                  aria-label={`Remove ${who.name}`}
                  title="Remove"
                  disabled={busy === grant.id}
                  onClick={() => void remove(grant)}
                >
                  <TrashIcon />
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <AddGrant
        pipelineId={pipeline.id}
        owner={owner}
        existing={grants ?? []}
        api={api}
        onAdded={(grant) => {
          replaceAll([...(grants ?? []), grant]);
          toast(`Shared with ${principal(grant).name}`, "success");
        }}
      />
    </Modal>
  );
}
