/** The latest records as a table: fixed position columns, then the records' own JSON fields. */
import type { LiveRecord } from "../live/frames";
import { VALUE_COLUMN } from "./columns";
import { RecordRow } from "./RecordRow";

interface Props {
  records: readonly LiveRecord[];
  columns: readonly string[];
  /** Raw frames carry no id, key or Kafka time: those columns are left out. */
  positions: boolean;
  onOpen: (record: LiveRecord) => void;
  empty: string;
}

export function RecordTable({ records, columns, positions, onOpen, empty }: Props) {
  return (
    <div className="records-scroll">
      <table className="table table-compact records" aria-label="Latest records">
        <thead>
          <tr>
            {positions && <th scope="col">Record</th>}
            <th scope="col">Time</th>
            {positions && <th scope="col">Key</th>}
            {columns.map((c) => (
              <th scope="col" key={c}>
                {c === VALUE_COLUMN ? "Value" : c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {records.map((r) => (
            <RecordRow key={r.seq} record={r} columns={columns} positions={positions} onOpen={onOpen} />
          ))}
          {records.length === 0 && (
            <tr>
              <td className="records-empty muted" colSpan={columns.length + (positions ? 3 : 1)}>
                {empty}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
