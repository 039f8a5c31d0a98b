/** Canvas node renderers: small, memoised, registered once at module scope. */
import type { NodeTypes } from "@xyflow/react";
import { memo } from "react";
import { ComponentNodeView } from "./ComponentNodeView";
import { EventNodeView } from "./EventNodeView";

export const nodeTypes: NodeTypes = {
  component: memo(ComponentNodeView),
  event: memo(EventNodeView),
};
