/** The producer a dashboard page is about, as the template wrote it on #root. */
export function componentIdOf(doc: Document): number {
  const raw = doc.getElementById("root")?.dataset.componentId ?? "";
  const id = Number.parseInt(raw, 10);
  if (!Number.isFinite(id)) throw new Error(`Flowcast: #root has no data-component-id (got "${raw}")`);
  return id;
}
