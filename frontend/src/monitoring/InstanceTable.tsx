/** Every running instance: throughput, lag, and CPU and memory next to the request and limit. */
import type { ComponentStatus } from "../api/types";
import { InstanceRow } from "./InstanceRow";

export function InstanceTable({ components, now }: { components: ComponentStatus[]; now: number }) {
  const rows = components.flatMap((c) =>
    c.instance_details.map((figures) => ({ component: c.name, figures })),
  );
  if (rows.length === 0) {
    return (
      <div className="empty empty-small">
        No instance is reporting. Instances run while the pipeline is active and the worker supervisor
        (manage.py run_pipelines) is up.
      </div>
    );
  }
  return (
    <div className="table-scroll">
      <table className="table monitor-table" aria-label="Instances">
        <thead>
          <tr>
            <th scope="col">Component</th>
            <th scope="col">Instance</th>
            <th scope="col">Version</th>
            <th scope="col">Partitions</th>
            <th scope="col" className="num">
              In
            </th>
            <th scope="col" className="num">
              Out
            </th>
            <th scope="col" className="num">
              Lag
            </th>
            <th scope="col">CPU (millicores)</th>
            <th scope="col">Memory</th>
            <th scope="col">Up for</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ component, figures }) => (
            <InstanceRow
              key={`${component}:${figures.instance}`}
              component={component}
              figures={figures}
              now={now}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
