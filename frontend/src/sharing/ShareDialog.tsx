/** The Share dialog: who has which role on a pipeline; add a user or group, change a role, remove. */
import { useEffect, useId, useState } from "react";
import { ApiError, errorMessage } from "../api/client";
import { grantsApi } from "../api/endpoints";
import type { Grant, GrantRole, Pipeline } from "../api/types";
import { TrashIcon } from "../ui/Icons";
import { Modal } from "../ui/Modal";
import { exactTime, relativeTime } from "../ui/StatusBadge";
import { useFeedback } from "../ui/feedback";
import { ROLE_HELP, ROLE_LABELS } from "./access";
import {
  EMPTY_GRANT_FORM,
  type GrantForm,
  type GrantFormErrors,
  NO_GRANT_ERRORS,
  checkGrantForm,
  grantErrors,
  grantPayload,
  hasErrors,
  principal,
  sortGrants,
} from "./grantForm";
import "../styles/sharing.css";

const ROLES: GrantRole[] = ["viewer", "editor"];

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

  const owner = pipeline.owner === null ? null : String(pipeline.owner);
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

interface AddProps {
  pipelineId: number;
  owner: string | null;
  existing: readonly Grant[];
  api: typeof grantsApi;
  onAdded: (grant: Grant) => void;
}

function AddGrant({ pipelineId, owner, existing, api, onAdded }: AddProps) {
  const id = useId();
  const [form, setForm] = useState<GrantForm>(EMPTY_GRANT_FORM);
  const [errors, setErrors] = useState<GrantFormErrors>(NO_GRANT_ERRORS);
  const [sending, setSending] = useState(false);

  const edit = (change: Partial<GrantForm>) => {
    setForm((f) => ({ ...f, ...change }));
    setErrors(NO_GRANT_ERRORS);
  };

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    const problems = checkGrantForm(form, existing, owner);
    setErrors(problems);
    if (hasErrors(problems)) return;
    setSending(true);
    try {
      onAdded(await api.create(grantPayload(pipelineId, form)));
      setForm((f) => ({ ...EMPTY_GRANT_FORM, kind: f.kind, role: f.role }));
    } catch (e) {
      setErrors(
        e instanceof ApiError && (e.status === 400 || e.status === 403)
          ? grantErrors(e.body)
          : { ...NO_GRANT_ERRORS, general: [errorMessage(e)] },
      );
    } finally {
      setSending(false);
    }
  }

  const nameLabel = form.kind === "user" ? "Username" : "Group name";
  return (
    <form className="grant-form" aria-label="Share with a user or group" noValidate onSubmit={submit}>
      <h3 className="share-heading">Share with</h3>
      <div className="grant-form-row">
        <div className="field">
          <label className="field-label" htmlFor={`${id}-kind`}>
            Kind
          </label>
          <select
            id={`${id}-kind`}
            className="input"
            value={form.kind}
            onChange={(e) => edit({ kind: e.target.value as GrantForm["kind"] })}
          >
            <option value="user">User</option>
            <option value="group">Group</option>
          </select>
        </div>
        <div className={`field${errors.name.length ? " field-has-error" : ""}`}>
          <label className="field-label" htmlFor={`${id}-name`}>
            {nameLabel}
          </label>
          <input
            id={`${id}-name`}
            className="input"
            value={form.name}
            autoComplete="off"
            spellCheck={false}
            placeholder={form.kind === "user" ? "e.g. bob" : "e.g. ops"}
            aria-invalid={errors.name.length ? true : undefined}
            aria-describedby={errors.name.length ? `${id}-name-error` : undefined}
            onChange={(e) => edit({ name: e.target.value })}
          />
          {errors.name.length > 0 && (
            <p id={`${id}-name-error`} className="field-error" role="alert">
              {errors.name.join(" ")}
            </p>
          )}
        </div>
        <div className={`field${errors.role.length ? " field-has-error" : ""}`}>
          <label className="field-label" htmlFor={`${id}-role`}>
            Role
          </label>
          <select
            id={`${id}-role`}
            className="input"
            value={form.role}
            aria-invalid={errors.role.length ? true : undefined}
            aria-describedby={`${id}-role-help${errors.role.length ? ` ${id}-role-error` : ""}`}
            onChange={(e) => edit({ role: e.target.value as GrantRole })}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
          {errors.role.length > 0 && (
            <p id={`${id}-role-error`} className="field-error" role="alert">
              {errors.role.join(" ")}
            </p>
          )}
        </div>
        <button type="submit" className="button button-primary grant-submit" disabled={sending}>
          {sending ? "Sharing…" : "Share"}
        </button>
      </div>
      <p id={`${id}-role-help`} className="field-help">
        {ROLE_LABELS[form.role]}: {ROLE_HELP[form.role]}.
      </p>
      {errors.general.length > 0 && (
        <div className="banner banner-error" role="alert">
          {errors.general.join(" ")}
        </div>
      )}
    </form>
  );
}
