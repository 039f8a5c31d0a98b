/** The Share dialog's form: a user or group by name, and the role to give them. */
import { useId, useState } from "react";
import { ApiError, errorMessage } from "../api/client";
import { grantsApi } from "../api/endpoints";
import type { Grant, GrantRole } from "../api/types";
import { ROLES, ROLE_HELP, ROLE_LABELS } from "./access";
import {
  EMPTY_GRANT_FORM,
  type GrantForm,
  type GrantFormErrors,
  NO_GRANT_ERRORS,
  checkGrantForm,
  grantErrors,
  grantPayload,
  hasErrors,
} from "./grantForm";

interface AddProps {
  pipelineId: number;
  owner: string | null;
  existing: readonly Grant[];
  api: typeof grantsApi;
  onAdded: (grant: Grant) => void;
}

export function AddGrant({ pipelineId, owner, existing, api, onAdded }: AddProps) {
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
