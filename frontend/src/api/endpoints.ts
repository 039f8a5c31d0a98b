/** The API calls the pages make. Writes on a pipeline's graph carry its `rev` (DESIGN §7). */
import { http } from "./client";
import type {
  AuditEntry,
  CheckResults,
  Component,
  ComponentTypesPayload,
  Connection,
  Direction,
  EventKind,
  FlowEvent,
  Grant,
  GrantPayload,
  GrantRole,
  Paginated,
  Pipeline,
  IngestionSecret,
  PipelineMonitoring,
  PipelineSummaries,
  ProducerSummary,
  ScalingDecision,
  StreamToken,
  UpdateResult,
  VersionDetail,
  VersionSummary,
} from "./types";
import type { ComponentConfig, Position } from "./jsonShapes";

const ALL = "page_size=1000";

export const pipelinesApi = {
  list: () => http.get<Paginated<Pipeline>>(`/api/pipelines/?${ALL}`).then((p) => p.results),
  create: (name: string, description: string) =>
    http.post<Pipeline>("/api/pipelines/", { name, description }),
  rename: (p: Pipeline, name: string) =>
    http.patch<Pipeline>(`/api/pipelines/${p.id}/`, { name, rev: p.rev }),
  remove: (p: Pipeline) => http.delete(`/api/pipelines/${p.id}/`, { rev: p.rev }),
  activate: (p: Pipeline) => http.post<Pipeline>(`/api/pipelines/${p.id}/activate/`, { rev: p.rev }),
  deactivate: (p: Pipeline) => http.post<Pipeline>(`/api/pipelines/${p.id}/deactivate/`, { rev: p.rev }),
  /** One monitoring line per active pipeline. */
  summaries: () => http.get<PipelineSummaries>("/api/pipelines/status/").then((r) => r.results),
};

/** The monitoring view's reads: live figures and the Intelligent Scaling timeline. */
export const monitoringApi = {
  pipeline: (id: number) => http.get<Pipeline>(`/api/pipelines/${id}/`),
  status: (id: number) => http.get<PipelineMonitoring>(`/api/pipelines/${id}/status/`),
  scaling: (id: number, pageSize = 50) =>
    http
      .get<Paginated<ScalingDecision>>(`/api/pipelines/${id}/scaling/?page_size=${pageSize}`)
      .then((r) => r.results),
};

export const componentTypesApi = {
  get: () => http.get<ComponentTypesPayload>("/api/component-types/"),
};

/** WebSocket Producers for the dashboards; `token` mints a short-lived one for the socket. */
export const producersApi = {
  list: () => http.get<Paginated<ProducerSummary>>(`/api/producers/?${ALL}`).then((p) => p.results),
  get: (id: number) => http.get<ProducerSummary>(`/api/producers/${id}/`),
  token: (componentId: number) => http.post<StreamToken>(`/api/components/${componentId}/token/`),
};

/** Who a pipeline is shared with (owner and staff only may change it). */
export const grantsApi = {
  list: (pipelineId: number) =>
    http.get<Paginated<Grant>>(`/api/grants/?pipeline=${pipelineId}&${ALL}`).then((r) => r.results),
  create: (body: GrantPayload) => http.post<Grant>("/api/grants/", body),
  setRole: (id: number, role: GrantRole) => http.patch<Grant>(`/api/grants/${id}/`, { role }),
  remove: (id: number) => http.delete(`/api/grants/${id}/`),
};

/** The audit log of one pipeline, newest first, a page at a time. */
export const auditApi = {
  /** The first page, or the page a previous answer's `next` names. */
  page: (pipelineId: number, next?: string | null) =>
    http.get<Paginated<AuditEntry>>(
      next ? samePath(next) : `/api/audit/?pipeline=${pipelineId}&page_size=50`,
    ),
};

/** A link the API answered, as a path on this site (behind a proxy its host may differ). */
function samePath(url: string): string {
  const parsed = new URL(url, window.location.href);
  return `${parsed.pathname}${parsed.search}`;
}

/** Refused before any request: the pipeline is shared with the caller as a viewer. */
export class ReadOnlyError extends Error {
  constructor() {
    super("This pipeline is shared with you to view only: it cannot be changed");
    this.name = "ReadOnlyError";
  }
}

type RevListener = (rev: number) => void;

interface WithRev {
  pipeline_rev?: number;
  rev?: number;
}

/**
 * The graph API of one pipeline. It remembers the pipeline's current `rev`, sends it with every
 * write and takes the new one from each answer, so a stale editor is answered 409. Writes go
 * one at a time: a write sent while another is on its way would carry the rev the first one
 * is about to replace and be refused as stale (a drag's save, then Update Pipeline at once).
 * A read-only one (a viewer's) refuses every write and secret before sending it: the one gate
 * the editor's commands, forms and dialogs all pass through.
 */
export class GraphApi {
  readonly pipelineId: number;
  readonly readOnly: boolean;
  rev: number;
  private listeners = new Set<RevListener>();
  /** The last write queued; the next one waits for it, whatever its outcome. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(pipelineId: number, rev: number, options: { readOnly?: boolean } = {}) {
    this.pipelineId = pipelineId;
    this.rev = rev;
    this.readOnly = options.readOnly ?? false;
  }

  onRev(listener: RevListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setRev(rev: number): void {
    if (rev === this.rev) return;
    this.rev = rev;
    this.listeners.forEach((l) => l(rev));
  }

  /** Sends `call` unless this API is read-only. */
  private guard<T>(call: () => Promise<T>): Promise<T> {
    return this.readOnly ? Promise.reject(new ReadOnlyError()) : call();
  }

  /** Sends a write after the ones before it; the rev it carries is read only when it is sent. */
  private track<T>(write: () => Promise<T>): Promise<T> {
    const sent = this.queue.then(() => this.send(write));
    this.queue = sent.catch(() => undefined);
    return sent;
  }

  /** Sends a write and keeps the rev it answered; answers without one (204, actions) are re-read. */
  private async send<T>(write: () => Promise<T>): Promise<T> {
    const result = await this.guard(write);
    const body = (result ?? {}) as WithRev;
    if (typeof body.pipeline_rev === "number") this.setRev(body.pipeline_rev);
    else if (typeof body.rev === "number") this.setRev(body.rev);
    else await this.refreshRev();
    return result;
  }

  async refreshRev(): Promise<Pipeline> {
    const pipeline = await this.pipeline();
    this.setRev(pipeline.rev);
    return pipeline;
  }

  private get p(): string {
    return `/api/pipelines/${this.pipelineId}`;
  }

  pipeline = () => http.get<Pipeline>(`${this.p}/`);
  components = () =>
    http
      .get<Paginated<Component>>(`/api/components/?pipeline=${this.pipelineId}&${ALL}`)
      .then((r) => r.results);
  events = () =>
    http.get<Paginated<FlowEvent>>(`/api/events/?pipeline=${this.pipelineId}&${ALL}`).then((r) => r.results);
  connections = () =>
    http
      .get<Paginated<Connection>>(`/api/connections/?pipeline=${this.pipelineId}&${ALL}`)
      .then((r) => r.results);

  createComponent = (body: { type: string; name: string; position: Position; config?: ComponentConfig }) =>
    this.track(() =>
      http.post<Component>("/api/components/", { ...body, pipeline: this.pipelineId, rev: this.rev }),
    );
  patchComponent = (id: number, body: Partial<Pick<Component, "name" | "position" | "config">>) =>
    this.track(() => http.patch<Component>(`/api/components/${id}/`, { ...body, rev: this.rev }));
  deleteComponent = (id: number) =>
    this.track(() => http.delete(`/api/components/${id}/`, { rev: this.rev }));
  /** Undoes a delete Update Pipeline has not applied: the same component and credentials, no wires. */
  restoreComponent = (id: number) =>
    this.track(() => http.post<Component>(`/api/components/${id}/restore/`, { rev: this.rev }));
  revealSecret = (id: number) => this.guard(() => http.get<IngestionSecret>(`/api/components/${id}/secret/`));
  regenerateSecret = (id: number) =>
    this.track(() =>
      http.post<IngestionSecret>(`/api/components/${id}/regenerate-secret/`, {
        rev: this.rev,
      }),
    );
  validate = (id: number) => this.guard(() => http.post<CheckResults>(`/api/components/${id}/validate/`, {}));

  createEvent = (body: {
    kind: EventKind;
    name: string;
    position: Position;
    topic?: string;
    partitions?: number;
    retention_hours?: number;
  }) =>
    this.track(() =>
      http.post<FlowEvent>("/api/events/", { ...body, pipeline: this.pipelineId, rev: this.rev }),
    );
  patchEvent = (id: number, body: Partial<FlowEvent>) =>
    this.track(() => http.patch<FlowEvent>(`/api/events/${id}/`, { ...body, rev: this.rev }));
  deleteEvent = (id: number) => this.track(() => http.delete(`/api/events/${id}/`, { rev: this.rev }));

  createConnection = (body: { event: number; component: number; direction: Direction }) =>
    this.track(() =>
      http.post<Connection>("/api/connections/", {
        ...body,
        pipeline: this.pipelineId,
        rev: this.rev,
      }),
    );
  deleteConnection = (id: number) =>
    this.track(() => http.delete(`/api/connections/${id}/`, { rev: this.rev }));

  update = (message: string) =>
    this.track(() => http.post<UpdateResult>(`${this.p}/update/`, { message, rev: this.rev }));
  activate = () => this.track(() => http.post<Pipeline>(`${this.p}/activate/`, { rev: this.rev }));
  deactivate = () => this.track(() => http.post<Pipeline>(`${this.p}/deactivate/`, { rev: this.rev }));
  status = () => http.get<PipelineMonitoring>(`${this.p}/status/`);
  versions = () => http.get<Paginated<VersionSummary>>(`${this.p}/versions/?${ALL}`).then((r) => r.results);
  version = (n: number) => http.get<VersionDetail>(`${this.p}/versions/${n}/`);
  restore = (n: number) =>
    this.track(() => http.post<Pipeline>(`${this.p}/versions/${n}/restore/`, { rev: this.rev }));
}
