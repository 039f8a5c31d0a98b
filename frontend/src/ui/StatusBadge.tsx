import type { PipelineStatus } from "../api/types";

const LABELS: Record<PipelineStatus, string> = {
  draft: "Draft",
  active: "Active",
  inactive: "Inactive",
};

export function StatusBadge({ status }: { status: PipelineStatus }) {
  return (
    <span className={`badge badge-${status}`} data-status={status}>
      <span className="badge-dot" aria-hidden="true" />
      {LABELS[status] ?? status}
    </span>
  );
}
