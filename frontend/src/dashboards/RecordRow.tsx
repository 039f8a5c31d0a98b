/** One record of the latest-records table; Enter or a click opens it whole. */
import { memo } from "react";
import type { LiveRecord } from "../live/frames";
import { formatTime } from "../ui/format";
import { cellValue, formatCell, isNumeric } from "./columns";

interface RowProps {
  record: LiveRecord;
  columns: readonly string[];
  positions: boolean;
  onOpen: (record: LiveRecord) => void;
}

// Memoised: a refresh adds rows at the top; the rows already shown don't render again.
export const RecordRow = memo(function RecordRow({ record, columns, positions, onOpen }: RowProps) {
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
