/** Asks for the settings the server needs before it creates a component (those it refused). */
import { useState } from "react";
import type { ComponentTypeSpec } from "../../api/types";
import type { ComponentConfig, ConfigValue } from "../../api/jsonShapes";
import { Modal } from "../../ui/Modal";
import type { FormErrors } from "./errors";
import { Field } from "./fields";

interface Props {
  spec: ComponentTypeSpec;
  errors: FormErrors;
  onSubmit: (config: ComponentConfig) => void;
  onCancel: () => void;
}

export function RequiredSettingsDialog({ spec, errors, onSubmit, onCancel }: Props) {
  const wanted = spec.tabs.flatMap((tab) =>
    tab.fields.filter((f) => errors.fields[`${tab.key}.${f.name}`]).map((field) => ({ tab: tab.key, field })),
  );
  const [values, setValues] = useState<Record<string, ConfigValue>>(() =>
    Object.fromEntries(wanted.map(({ tab, field }) => [`${tab}.${field.name}`, field.default])),
  );

  function submit(event: React.FormEvent) {
    event.preventDefault();
    const config: ComponentConfig = {};
    for (const { tab, field } of wanted) {
      config[tab] = { ...(config[tab] ?? {}), [field.name]: values[`${tab}.${field.name}`] ?? null };
    }
    onSubmit(config);
  }

  return (
    <Modal title={`New ${spec.label}`} onClose={onCancel}>
      <form onSubmit={submit} noValidate>
        <p className="muted">These settings are needed before the {spec.label} can be added.</p>
        {errors.general.length > 0 && (
          <p className="field-error" role="alert">
            {errors.general.join(" ")}
          </p>
        )}
        {wanted.map(({ tab, field }) => (
          <Field
            key={`${tab}.${field.name}`}
            spec={field}
            value={values[`${tab}.${field.name}`] ?? null}
            onChange={(value) => setValues((all) => ({ ...all, [`${tab}.${field.name}`]: value }))}
            errors={errors.fields[`${tab}.${field.name}`]}
            events={[]}
          />
        ))}
        <div className="modal-footer">
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="button button-primary">
            Add {spec.label}
          </button>
        </div>
      </form>
    </Modal>
  );
}
