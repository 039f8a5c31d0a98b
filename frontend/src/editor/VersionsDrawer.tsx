/** The drawer of the pipeline's past: its versions (list, compare, restore) and its audit History. */
import { useState } from "react";
import { CrossIcon } from "../ui/Icons";
import { Tabs } from "../ui/Tabs";
import { AuditHistory } from "./AuditHistory";
import { VersionList, type VersionListProps } from "./VersionList";

interface Props extends VersionListProps {
  onClose: () => void;
}

const TABS = [
  { key: "versions", label: "Versions" },
  { key: "history", label: "History" },
];

export function VersionsDrawer(props: Props) {
  const [tab, setTab] = useState("versions");
  return (
    <aside className="drawer drawer-tabbed" aria-label="Versions and history">
      <button
        type="button"
        className="icon-button drawer-close"
        aria-label="Close versions"
        onClick={props.onClose}
      >
        <CrossIcon />
      </button>
      <Tabs label="Versions and history" tabs={TABS} active={tab} onChange={setTab}>
        {tab === "history" ? <AuditHistory pipelineId={props.api.pipelineId} /> : <VersionList {...props} />}
      </Tabs>
    </aside>
  );
}
