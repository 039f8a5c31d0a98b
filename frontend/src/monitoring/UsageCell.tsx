/** CPU or memory of one instance: the figure, its request and limit, and a bar that warns near the limit. */
import { NOT_MEASURED, formatCount } from "../ui/format";
import { usage } from "./usage";

interface UsageCellProps {
  used: number | null;
  request?: number;
  limit?: number;
  unit: string;
  label: string;
}

export function UsageCell({ used, request, limit, unit, label }: UsageCellProps) {
  if (used === null) return <span className="muted">{NOT_MEASURED}</span>;
  const shown = usage(used, request, limit);
  const configured = [
    request ? `request ${formatCount(request)} ${unit}` : "",
    limit ? `limit ${formatCount(limit)} ${unit}` : "",
  ].filter(Boolean);
  return (
    <div className="usage" data-level={shown.level}>
      <div className="usage-text">
        <strong>
          {formatCount(Math.round(used))} {unit}
        </strong>
        <span className="muted small">{configured.join(" · ") || "no request or limit"}</span>
      </div>
      <div
        className="usage-bar"
        role="meter"
        aria-label={`${label}: ${Math.round(used)} ${unit}${limit ? ` of ${limit} ${unit} limit` : ""}`}
        aria-valuenow={Math.round(used)}
        aria-valuemin={0}
        aria-valuemax={limit || undefined}
      >
        <span className="usage-fill" style={{ width: `${shown.fill * 100}%` }} />
        {shown.request !== null && (
          <span className="usage-request" style={{ left: `${shown.request * 100}%` }} title="Request" />
        )}
      </div>
    </div>
  );
}
