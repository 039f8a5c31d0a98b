/** Page frame shared by the entries: reads #root's data attributes and draws the top bar. */
import { type ReactNode, StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { csrfToken } from "../api/client";
import { FeedbackProvider } from "./feedback";

export interface PageContext {
  page: string;
  pipelineId: number | null;
  user: string;
  version: string;
}

export function readPageContext(root: HTMLElement): PageContext {
  const { page = "", pipelineId = "", user = "", version = "" } = root.dataset;
  const id = Number.parseInt(pipelineId, 10);
  return { page, pipelineId: Number.isFinite(id) ? id : null, user, version };
}

/** Adds the icon before the browser falls back to /favicon.ico (a 404 in the console). */
function ensureFavicon(): void {
  if (document.querySelector('link[rel~="icon"]')) return;
  const link = document.createElement("link");
  link.rel = "icon";
  link.type = "image/svg+xml";
  link.href = `${import.meta.env.BASE_URL}favicon.svg`;
  document.head.appendChild(link);
}

/** Mounts `render(context)` into #root inside the providers every page needs. */
export function mount(render: (context: PageContext) => ReactNode): void {
  ensureFavicon();
  const root = document.getElementById("root");
  if (!root) throw new Error("Flowcast: the page has no #root element");
  const context = readPageContext(root);
  createRoot(root).render(
    <StrictMode>
      <FeedbackProvider>{render(context)}</FeedbackProvider>
    </StrictMode>,
  );
}

export function TopBar({ context, children }: { context: PageContext; children?: ReactNode }) {
  const section = context.page.startsWith("dashboard") ? "dashboards" : "pipelines";
  return (
    <header className="topbar">
      <a className="brand" href="/pipelines/">
        <span className="brand-mark" aria-hidden="true">
          <svg width="22" height="22" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.2">
            <circle cx="5" cy="12" r="2.5" />
            <circle cx="19" cy="6" r="2.5" />
            <circle cx="19" cy="18" r="2.5" />
            <path d="M7.5 12h4M11.5 12L16.6 7.2M11.5 12l5.1 4.8" />
          </svg>
        </span>
        Flowcast
      </a>
      <nav className="topbar-nav" aria-label="Main">
        <a href="/pipelines/" aria-current={section === "pipelines" ? "page" : undefined}>
          Pipelines
        </a>
        <a href="/dashboards/" aria-current={section === "dashboards" ? "page" : undefined}>
          Dashboards
        </a>
      </nav>
      <div className="topbar-center">{children}</div>
      <div className="topbar-user">
        {context.version && <span className="muted small">v{context.version}</span>}
        {context.user && <span className="user-name">{context.user}</span>}
        <form method="post" action="/accounts/logout/">
          <input type="hidden" name="csrfmiddlewaretoken" value={csrfToken()} />
          <button type="submit" className="button button-ghost button-small">
            Log out
          </button>
        </form>
      </div>
    </header>
  );
}
