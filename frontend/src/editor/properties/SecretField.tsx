/** The Ingestion Secret: masked by default; reveal, copy and regenerate on request. */
import { useState } from "react";
import { errorMessage } from "../../api/client";
import { CopyIcon, EyeIcon, EyeOffIcon, RefreshIcon } from "../../ui/Icons";
import { copyText } from "../../ui/clipboard";
import { useFeedback } from "../../ui/feedback";

export interface SecretActions {
  reveal: () => Promise<string>;
  regenerate: () => Promise<string>;
}

interface Props {
  id: string;
  masked: string;
  actions?: SecretActions;
  describedBy?: string;
}

export function SecretField({ id, masked, actions, describedBy }: Props) {
  const { toast, confirm } = useFeedback();
  const [plain, setPlain] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function withBusy(step: () => Promise<void>) {
    setBusy(true);
    try {
      await step();
    } catch (error) {
      toast(errorMessage(error), "error");
    } finally {
      setBusy(false);
    }
  }

  const toggle = () =>
    withBusy(async () => {
      if (plain !== null) setPlain(null);
      else if (actions) setPlain(await actions.reveal());
    });

  const copy = () =>
    withBusy(async () => {
      const value = plain ?? (actions ? await actions.reveal() : "");
      await copyText(value);
      toast("Ingestion Secret copied", "success");
    });

  const regenerate = async () => {
    const ok = await confirm({
      title: "Regenerate the Ingestion Secret?",
      message: "The old secret stops working and open sessions are closed.",
      confirmLabel: "Regenerate",
      danger: true,
    });
    if (!ok || !actions) return;
    await withBusy(async () => {
      setPlain(await actions.regenerate());
      toast("A new Ingestion Secret was generated", "success");
    });
  };

  return (
    <div className="secret">
      <input
        id={id}
        className="input input-mono"
        type="text"
        readOnly
        value={plain ?? masked}
        data-revealed={plain !== null}
        aria-describedby={describedBy}
      />
      <button
        type="button"
        className="icon-button"
        onClick={toggle}
        disabled={busy || !actions}
        aria-label={plain === null ? "Reveal Ingestion Secret" : "Hide Ingestion Secret"}
        title={plain === null ? "Reveal" : "Hide"}
      >
        {plain === null ? <EyeIcon /> : <EyeOffIcon />}
      </button>
      <button
        type="button"
        className="icon-button"
        onClick={copy}
        disabled={busy || !actions}
        aria-label="Copy Ingestion Secret"
        title="Copy"
      >
        <CopyIcon />
      </button>
      <button
        type="button"
        className="icon-button"
        onClick={() => void regenerate()}
        disabled={busy || !actions}
        aria-label="Regenerate Ingestion Secret"
        title="Regenerate"
      >
        <RefreshIcon />
      </button>
    </div>
  );
}
