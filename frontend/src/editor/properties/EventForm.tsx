/** The simpler panel of an event: its kind's fields, as served by the API. */
import type { EventKindSpec, FlowEvent } from "../../api/types";
import type { EventDraft } from "./drafts";
import type { FormErrors } from "./errors";
import { Field } from "./fields";
import { PropsActions } from "./PropsActions";

export interface EventFormProps {
  event: FlowEvent;
  spec: EventKindSpec | undefined;
  draft: EventDraft;
  dirty: boolean;
  errors: FormErrors;
  saving?: boolean;
  readOnly?: boolean;
  onChange: (draft: EventDraft) => void;
  onSave: () => void;
  onDelete?: () => void;
}

export function EventForm({
  event,
  spec,
  draft,
  dirty,
  errors,
  saving,
  readOnly,
  onChange,
  onSave,
  onDelete,
}: EventFormProps) {
  return (
    <form
      className="props"
      aria-label={`${event.name} properties`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!readOnly) onSave();
      }}
    >
      <div className="props-header">
        <div className="props-title">
          <span className="props-type">{spec?.label ?? `${event.kind} event`}</span>
          {dirty && <span className="dirty-dot" title="Unsaved changes" aria-label="Unsaved changes" />}
        </div>
        <h2 className="props-name">{event.name}</h2>
        <PropsActions
          noun="Event"
          saving={saving}
          readOnly={readOnly}
          onDelete={onDelete}
          generalErrors={errors.general}
        />
      </div>
      <div className="tab-fields">
        {(spec?.fields ?? []).map((field) => (
          <Field
            key={field.name}
            spec={field}
            value={draft.values[field.name] ?? null}
            onChange={(value) => onChange({ ...draft, values: { ...draft.values, [field.name]: value } })}
            errors={errors.fields[field.name]}
            events={[]}
            locked={readOnly}
          />
        ))}
      </div>
    </form>
  );
}
