/** One record in full: where it came from and the whole envelope as it arrived. */
import type { LiveRecord } from "../live/frames";
import { CopyIcon } from "../ui/Icons";
import { Modal } from "../ui/Modal";
import { copyText } from "../ui/clipboard";
import { useFeedback } from "../ui/feedback";
import { formatTime } from "../ui/format";
import "../styles/live.css";

export function RecordDetail({ record, onClose }: { record: LiveRecord; onClose: () => void }) {
  const { toast } = useFeedback();
  const json = JSON.stringify(record.frame, null, 2) ?? String(record.frame);
  const copy = () =>
    copyText(json).then(
      () => toast("Record copied", "success"),
      (e: unknown) => toast(String(e), "error"),
    );
  return (
    <Modal
      title={record.id ? `Record ${record.id}` : "Record"}
      onClose={onClose}
      wide
      footer={
        <>
          <button type="button" className="button" onClick={() => void copy()}>
            <CopyIcon /> Copy JSON
          </button>
          <button type="button" className="button button-primary" onClick={onClose} data-autofocus>
            Close
          </button>
        </>
      }
    >
      <dl className="facts record-facts small">
        {record.partition !== null && (
          <>
            <dt>Partition</dt>
            <dd>{record.partition}</dd>
            <dt>Offset</dt>
            <dd>{record.offset}</dd>
          </>
        )}
        {record.timestamp !== null && (
          <>
            <dt>Kafka time</dt>
            <dd>{new Date(record.timestamp).toLocaleString()}</dd>
          </>
        )}
        <dt>Received</dt>
        <dd>{formatTime(record.receivedAt)}</dd>
        {record.key !== null && (
          <>
            <dt>Key</dt>
            <dd className="mono">{record.key}</dd>
          </>
        )}
      </dl>
      <pre className="json" aria-label="Envelope">
        {json}
      </pre>
    </Modal>
  );
}
