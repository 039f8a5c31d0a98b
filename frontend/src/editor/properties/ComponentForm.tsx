/** The properties of a component: name on top, then its type's tabs as served by the API. */
import { type ReactNode, useEffect, useRef, useState } from "react";
import type { Check, Component, ComponentTypeSpec, FlowEvent } from "../../api/types";
import type { ConfigValue } from "../../api/jsonShapes";
import { Tabs } from "../../ui/Tabs";
import { type ComponentDraft, componentDraft, configValue, withConfigValue } from "./drafts";
import { type FormErrors, tabsWithErrors } from "./errors";
import { Field } from "./fields";
import { PropsActions } from "./PropsActions";
import type { SecretActions } from "./SecretField";
import { ValidationChecks } from "./ValidationChecks";
import { EndpointField } from "./EndpointField";

export interface ComponentFormProps {
  component: Component;
  spec: ComponentTypeSpec;
  draft: ComponentDraft;
  dirty: boolean;
  errors: FormErrors;
  events: readonly FlowEvent[];
  saving?: boolean;
  /** Settings shown, not editable; no save or delete (a viewer's editor). */
  readOnly?: boolean;
  onChange: (draft: ComponentDraft) => void;
  onSave: () => void;
  onDelete?: () => void;
  secret?: SecretActions;
  runChecks?: () => Promise<Check[]>;
  /** Views of the tray besides the settings tabs (e.g. a producer's Live Tap). */
  views?: readonly ExtraView[];
}

export interface ExtraView {
  key: string;
  label: string;
  render: () => ReactNode;
}

const VALIDATION_TAB = "validation";
const SETTINGS_VIEW = "settings";

export function ComponentForm(props: ComponentFormProps) {
  const { component, spec, draft, dirty, errors, events, saving, readOnly, onChange, onSave, onDelete } =
    props;
  const [active, setActive] = useState(spec.tabs[0]?.key ?? "");
  const [view, setView] = useState(SETTINGS_VIEW);
  const errorTabs = tabsWithErrors(errors);
  const saved = componentDraft(component);
  const dirtyTabs = new Set(
    spec.tabs
      .filter((t) =>
        t.fields.some(
          (f) => f.source === "config" && configValue(draft, t.key, f) !== configValue(saved, t.key, f),
        ),
      )
      .map((t) => t.key),
  );

  const formRef = useRef<HTMLFormElement>(null);
  // When a new set of errors arrives, show the first tab with errors and its first bad field.
  useEffect(() => {
    const first = spec.tabs.find((t) => errorTabs.has(t.key));
    if (!first && !errors.fields.name) return;
    if (first) setActive(first.key);
    setView(SETTINGS_VIEW);
    requestAnimationFrame(() => {
      const field = formRef.current?.querySelector<HTMLElement>(".field-has-error");
      field?.scrollIntoView?.({ block: "center" });
      field?.querySelector<HTMLElement>("input, select")?.focus({ preventScroll: true });
    });
  }, [errors]);

  const tab = spec.tabs.find((t) => t.key === active) ?? spec.tabs[0];
  const extra = props.views?.find((v) => v.key === view);
  const nameErrors = errors.fields.name ?? [];
  const topLevel = component as unknown as Record<string, ConfigValue>;

  return (
    <form
      ref={formRef}
      className="props"
      aria-label={`${component.name} properties`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!readOnly) onSave();
      }}
    >
      <div className="props-header">
        <div className="props-title">
          <span className="props-type">{spec.label}</span>
          {dirty && <span className="dirty-dot" title="Unsaved changes" aria-label="Unsaved changes" />}
        </div>
        <div className={`field${nameErrors.length ? " field-has-error" : ""}`}>
          <label className="field-label" htmlFor={`component-name-${component.id}`}>
            Name
            {!readOnly && (
              <span className="required" aria-hidden="true">
                *
              </span>
            )}
          </label>
          <input
            id={`component-name-${component.id}`}
            className="input input-title"
            value={draft.name}
            required
            disabled={readOnly}
            aria-invalid={nameErrors.length ? true : undefined}
            onChange={(e) => onChange({ ...draft, name: e.target.value })}
          />
          {nameErrors.length > 0 && (
            <p className="field-error" role="alert">
              {nameErrors.join(" ")}
            </p>
          )}
        </div>
        <PropsActions
          noun="Component"
          saving={saving}
          readOnly={readOnly}
          onDelete={onDelete}
          generalErrors={errors.general}
        />
      </div>
      {props.views && props.views.length > 0 && (
        <div className="segmented props-views" role="group" aria-label="Component views">
          {[{ key: SETTINGS_VIEW, label: "Settings" }, ...props.views].map((v) => (
            <button key={v.key} type="button" aria-pressed={v.key === view} onClick={() => setView(v.key)}>
              {v.label}
            </button>
          ))}
        </div>
      )}
      {extra ? (
        <div className="props-view">{extra.render()}</div>
      ) : (
        tab && (
          <Tabs
            label="Component settings"
            active={tab.key}
            onChange={setActive}
            tabs={[
              ...spec.tabs.map((t) => ({
                key: t.key,
                label: t.label,
                marker: errorTabs.has(t.key) ? (
                  <span className="tab-error" aria-label="has errors" />
                ) : dirtyTabs.has(t.key) ? (
                  <span className="dirty-dot" aria-label="unsaved changes" />
                ) : undefined,
              })),
            ]}
          >
            {tab.key === VALIDATION_TAB && tab.fields.length === 0 ? (
              <ValidationChecks run={props.runChecks ?? (async () => [])} disabled={!props.runChecks} />
            ) : (
              <div className="tab-fields">
                {tab.fields.map((field) => {
                  const fromConfig = field.source === "config";
                  const key = fromConfig ? `${tab.key}.${field.name}` : field.name;
                  return (
                    <Field
                      key={key}
                      spec={field}
                      value={fromConfig ? configValue(draft, tab.key, field) : (topLevel[field.name] ?? null)}
                      onChange={(value) => onChange(withConfigValue(draft, tab.key, field.name, value))}
                      errors={errors.fields[key]}
                      events={events}
                      secret={props.secret}
                      locked={readOnly}
                    />
                  );
                })}
                {tab.key === "meta" &&
                  component.endpoint &&
                  !tab.fields.some((f) => f.name === "endpoint") && (
                    <EndpointField url={component.endpoint} />
                  )}
              </div>
            )}
          </Tabs>
        )
      )}
    </form>
  );
}
