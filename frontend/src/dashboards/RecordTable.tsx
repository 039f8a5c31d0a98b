/** The latest records as a table: fixed position columns, then the records' own JSON fields. */
import { memo } from "react";
import type { LiveRecord } from "../live/frames";
import { VALUE_COLUMN, cellValue, formatCell, isNumeric } from "./columns";
import { formatTime } from "./format";

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
            <Row key={r.seq} record={r} columns={columns} positions={positions} onOpen={onOpen} />
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

interface RowProps {
  record: LiveRecord;
  columns: readonly string[];
  positions: boolean;
  onOpen: (record: LiveRecord) => void;
}

// Memoised: a refresh adds rows at the top; the rows already shown don't render again.
const Row = memo(function Row({ record, columns, positions, onOpen }: RowProps) {
  return (
    <tr
      className="record-row"
      tabIndex={0}
      data-record-id={record.id ?? undefined}
      onClick={() => onOpen(record)}
      onKeyDown={(e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          onOpen(record);
        }
      }}
    >
      {positions && <td className="mono nowrap">{record.id}</td>}
      <td className="mono nowrap muted">{formatTime(record.timestamp ?? record.receivedAt)}</td>
      {positions && <td className="mono nowrap">{record.key ?? ""}</td>}
      {columns.map((c) => {
        const value = cellValue(record, c);
        return (
          <td key={c} className={isNumeric(value) ? "cell cell-number" : "cell"}>
            {formatCell(value)}
          </td>
        );
      })}
    </tr>
  );
});
