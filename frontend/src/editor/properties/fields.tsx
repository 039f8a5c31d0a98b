/** One form control per field spec kind; the spec comes from GET /api/component-types/. */
import { type ReactNode, useId } from "react";
import type { FieldSpec, FlowEvent } from "../../api/types";
import type { ConfigValue } from "../../api/jsonShapes";
import { SecretField, type SecretActions } from "./SecretField";

export interface FieldProps {
  spec: FieldSpec;
  value: ConfigValue;
  onChange: (value: ConfigValue) => void;
  errors?: string[];
  events: readonly FlowEvent[];
  secret?: SecretActions;
  /** Shown but not editable (a viewer's editor). */
  locked?: boolean;
}

const UNASSIGNED: Record<string, string> = { guid: "Assigned on Update Pipeline" };

export function Field({ spec, value, onChange, errors = [], events, secret, locked }: FieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  const helpId = `${id}-help`;
  const describedBy =
    [errors.length ? errorId : "", spec.help ? helpId : ""].filter(Boolean).join(" ") || undefined;
  const disabled = locked || spec.read_only || spec.kind === "readonly";
  const common = {
    id,
    disabled,
    "aria-invalid": errors.length ? true : undefined,
    "aria-describedby": describedBy,
    "aria-required": spec.required || undefined,
    name: spec.name,
  } as const;

  let control: ReactNode;
  switch (spec.kind) {
    case "boolean":
      control = (
        <input
          {...common}
          type="checkbox"
          className="switch"
          checked={Boolean(value)}
          onChange={(e) => onChange(e.target.checked)}
        />
      );
      break;
    case "integer":
      control = (
        <input
          {...common}
          type="number"
          className="input"
          inputMode="numeric"
          step={1}
          min={spec.min ?? undefined}
          max={spec.max ?? undefined}
          value={value === null || value === undefined ? "" : String(value)}
          onChange={(e) => onChange(parseInteger(e.target.value))}
        />
      );
      break;
    case "choice":
      control = (
        <select
          {...common}
          className="input"
          value={value === null || value === undefined ? "" : String(value)}
          onChange={(e) => onChange(choiceValue(spec, e.target.value))}
        >
          {(!spec.required || value === null || value === "") &&
            !spec.choices?.some((c) => c.value === "") && <option value="">—</option>}
          {(spec.choices ?? []).map((c) => (
            <option key={String(c.value)} value={String(c.value)}>
              {c.label}
            </option>
          ))}
        </select>
      );
      break;
    case "event": {
      const options = events.filter((e) => !spec.event_kind || e.kind === spec.event_kind);
      control = (
        <select
          {...common}
          className="input"
          value={value === null || value === undefined ? "" : String(value)}
          onChange={(e) => onChange(e.target.value ? Number(e.target.value) : null)}
        >
          <option value="">
            {options.length ? "— none —" : `— no ${spec.event_kind ?? ""} event in this pipeline —`}
          </option>
          {options.map((e) => (
            <option key={e.id} value={String(e.id)}>
              {e.name}
            </option>
          ))}
        </select>
      );
      break;
    }
    case "password":
      control = (
        <input
          {...common}
          type="password"
          className="input"
          autoComplete="new-password"
          value={value === null || value === undefined ? "" : String(value)}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    case "secret":
      control = (
        <SecretField
          id={id}
          masked={value === null ? "" : String(value)}
          actions={secret}
          describedBy={describedBy}
        />
      );
      break;
    case "readonly":
      control = (
        <input
          {...common}
          type="text"
          className="input input-readonly"
          readOnly
          value={value === null || value === undefined || value === "" ? "" : String(value)}
          placeholder={UNASSIGNED[spec.name] ?? "—"}
        />
      );
      break;
    default:
      control = (
        <input
          {...common}
          type="text"
          className="input"
          value={value === null || value === undefined ? "" : String(value)}
          onChange={(e) => onChange(e.target.value)}
        />
      );
  }

  const inline = spec.kind === "boolean";
  return (
    <div
      className={`field${inline ? " field-inline" : ""}${errors.length ? " field-has-error" : ""}`}
      data-field={spec.name}
    >
      <label className="field-label" htmlFor={id}>
        {spec.label}
        {spec.required && !disabled && (
          <span className="required" aria-hidden="true" title="Required">
            *
          </span>
        )}
      </label>
      {control}
      {spec.help && (
        <p id={helpId} className="field-help">
          {spec.help}
        </p>
      )}
      {errors.length > 0 && (
        <p id={errorId} className="field-error" role="alert">
          {errors.join(" ")}
        </p>
      )}
    </div>
  );
}

function parseInteger(text: string): ConfigValue {
  if (text.trim() === "") return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

/** Keeps the choice's own type (number choices stay numbers). */
function choiceValue(spec: FieldSpec, text: string): ConfigValue {
  if (text === "") return null;
  const match = spec.choices?.find((c) => String(c.value) === text);
  return match ? match.value : text;
}
