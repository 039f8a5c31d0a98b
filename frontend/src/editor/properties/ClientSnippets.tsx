/** Client Code: copy-ready clients for the producer's endpoint, secret filled in on request. */
import { useState } from "react";
import { errorMessage } from "../../api/client";
import type { FrameFormat } from "../../api/types";
import { SNIPPET_LANGUAGES, SECRET_VARIABLE, type SnippetLanguage, snippet } from "../../live/snippets";
import { CopyIcon } from "../../ui/Icons";
import { copyText } from "../../ui/clipboard";
import { useFeedback } from "../../ui/feedback";
import "../../styles/live.css";

const SNIPPET_NOTES: Record<SnippetLanguage, string> = {
  javascript: "In a web page",
  python: "With the websockets package",
  websocat: "From a terminal",
};

interface Props {
  componentId: number;
  endpoint: string;
  format: FrameFormat;
  reveal?: () => Promise<string>;
}

export function ClientSnippets({ componentId, endpoint, format, reveal }: Props) {
  const { toast } = useFeedback();
  const [language, setLanguage] = useState<SnippetLanguage>("javascript");
  const [fill, setFill] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const code = snippet(language, { endpoint, componentId, format, secret: fill ? secret : null });

  async function toggleSecret(show: boolean) {
    setFill(show);
    setSecret(null); // fetched anew each time: it may have been regenerated meanwhile
    if (!show || !reveal) return;
    try {
      setSecret(await reveal());
    } catch (error) {
      setFill(false);
      toast(errorMessage(error), "error");
    }
  }

  return (
    <div className="snippets">
      <div className="segmented" role="group" aria-label="Client">
        {SNIPPET_LANGUAGES.map((l) => (
          <button
            key={l.key}
            type="button"
            aria-pressed={l.key === language}
            onClick={() => setLanguage(l.key)}
          >
            {l.label}
          </button>
        ))}
      </div>
      <label className="field-inline snippet-secret">
        <span className="small">
          Fill in the real Ingestion Secret
          <span className="field-help">
            {language === "javascript"
              ? "Browser code never holds the secret: it connects with a short-lived token."
              : `Otherwise the code reads it from $${SECRET_VARIABLE}.`}
          </span>
        </span>
        <input
          type="checkbox"
          className="switch"
          checked={fill}
          disabled={!reveal || language === "javascript"}
          onChange={(e) => void toggleSecret(e.target.checked)}
        />
      </label>
      <div className="snippet-bar">
        <span className="muted small">{SNIPPET_NOTES[language]}</span>
        <button
          type="button"
          className="button button-small"
          onClick={() =>
            copyText(code).then(
              () => toast("Client code copied", "success"),
              (e: unknown) => toast(errorMessage(e), "error"),
            )
          }
        >
          <CopyIcon /> Copy
        </button>
      </div>
      <pre className="json snippet-code" aria-label={`${language} client`}>
        {code}
      </pre>
    </div>
  );
}
