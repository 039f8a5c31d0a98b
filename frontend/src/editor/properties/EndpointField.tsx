/** A producer's WebSocket Endpoint, read only, with a button that copies it. */
import { CopyIcon } from "../../ui/Icons";
import { copyText } from "../../ui/clipboard";
import { useFeedback } from "../../ui/feedback";

export function EndpointField({ url }: { url: string }) {
  const { toast } = useFeedback();
  return (
    <div className="field" data-field="endpoint">
      <label className="field-label" htmlFor="component-endpoint">
        WebSocket Endpoint
      </label>
      <div className="secret">
        <input id="component-endpoint" className="input input-mono input-readonly" readOnly value={url} />
        <button
          type="button"
          className="icon-button"
          aria-label="Copy WebSocket Endpoint"
          title="Copy"
          onClick={() =>
            copyText(url).then(
              () => toast("Endpoint copied", "success"),
              (e: unknown) => toast(String(e), "error"),
            )
          }
        >
          <CopyIcon />
        </button>
      </div>
    </div>
  );
}
