/** /dashboards/: every WebSocket Producer the user may watch, with how each is doing. */
import { useCallback, useEffect, useMemo, useState } from "react";
import { errorMessage } from "../api/client";
import { producersApi } from "../api/endpoints";
import type { ProducerSummary } from "../api/types";
import { SearchBox } from "../ui/SearchBox";
import { type PageContext, TopBar } from "../ui/shell";
import { ProducerRow } from "./ProducerRow";

const POLL_MS = 5000;

export function DashboardList({ context }: { context: PageContext }) {
  const [producers, setProducers] = useState<ProducerSummary[] | null>(null);
  const [loadError, setLoadError] = useState("");
  const [query, setQuery] = useState("");

  const load = useCallback(async () => {
    try {
      setProducers(await producersApi.list());
      setLoadError("");
    } catch (error) {
      setLoadError(errorMessage(error));
    }
  }, []);

  useEffect(() => {
    void load();
    const timer = window.setInterval(() => void load(), POLL_MS);
    return () => window.clearInterval(timer);
  }, [load]);

  const visible = useMemo(() => {
    const q = query.trim().toLowerCase();
    const all = producers ?? [];
    return q ? all.filter((p) => `${p.name} ${p.pipeline.name}`.toLowerCase().includes(q)) : all;
  }, [producers, query]);

  return (
    <div className="page">
      <TopBar context={context} />
      <main className="list-page">
        <div className="list-header">
          <div>
            <h1>Dashboards</h1>
            <p className="muted">Watch what each WebSocket Producer streams, as its clients receive it.</p>
          </div>
        </div>
        <div className="list-tools">
          <SearchBox
            label="Search producers"
            placeholder="Search producers or pipelines"
            value={query}
            onChange={setQuery}
          />
          {producers && (
            <span className="muted small">
              {visible.length} of {producers.length}
            </span>
          )}
        </div>
        {loadError && (
          <div className="banner banner-error" role="alert">
            Could not load the producers: {loadError}
          </div>
        )}
        {producers === null && !loadError && <p className="muted">Loading…</p>}
        {producers !== null && visible.length === 0 && (
          <div className="empty">
            {producers.length === 0 ? (
              <>
                No WebSocket Producers yet. Add one to a pipeline in the <a href="/pipelines/">editor</a>.
              </>
            ) : (
              "No producer matches your search."
            )}
          </div>
        )}
        {visible.length > 0 && (
          <table className="table" aria-label="WebSocket Producers">
            <thead>
              <tr>
                <th scope="col">Producer</th>
                <th scope="col">Pipeline</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Clients
                </th>
                <th scope="col" className="num">
                  Records/s
                </th>
                <th scope="col">
                  <span className="visually-hidden">Dashboards</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {visible.map((p) => (
                <ProducerRow key={p.id} producer={p} />
              ))}
            </tbody>
          </table>
        )}
      </main>
    </div>
  );
}
