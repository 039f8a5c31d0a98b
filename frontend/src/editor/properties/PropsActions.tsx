// The save/delete row and general-error banner shared by the component and event trays.
import { DiskIcon, EyeIcon, TrashIcon } from "../../ui/Icons";

interface Props {
  /** What is saved, as people read it: "Component" or "Event". */
  noun: string;
  saving?: boolean;
  /** No save and no delete: the pipeline is shared with the reader to view only. */
  readOnly?: boolean;
  onDelete?: () => void;
  generalErrors: string[];
}

export function PropsActions({ noun, saving, readOnly, onDelete, generalErrors }: Props) {
  if (readOnly) {
    return (
      <p className="props-readonly muted small" data-readonly>
        <EyeIcon /> View only: this {noun.toLowerCase()}&apos;s settings cannot be changed here.
      </p>
    );
  }
  return (
    <>
      <div className="props-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={saving}
          aria-label={`Save ${noun}`}
          title={`Save ${noun}`}
        >
          <DiskIcon /> Save {noun}
        </button>
        {onDelete && (
          <button
            type="button"
            className="button button-danger-ghost"
            onClick={onDelete}
            aria-label={`Delete ${noun.toLowerCase()}`}
          >
            <TrashIcon /> Delete
          </button>
        )}
      </div>
      {generalErrors.length > 0 && (
        <div className="banner banner-error" role="alert">
          {generalErrors.join(" ")}
        </div>
      )}
    </>
  );
}
