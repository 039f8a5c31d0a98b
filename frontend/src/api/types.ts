/** Shapes of the Flowcast REST API (DESIGN §7), as the editor uses them. */

export type PipelineStatus = "draft" | "active" | "inactive";

/** The role a grant gives on a pipeline. */
export type GrantRole = "viewer" | "editor";

/** The caller's role on a pipeline: owner, a grant's role, or staff (sees every pipeline). */
export type Access = "owner" | GrantRole | "staff";

export interface Pipeline {
  id: number;
  name: string;
  description: string;
  status: PipelineStatus;
  rev: number;
  current_version: number | null;
  created_at: string;
  updated_at: string;
  owner: string | number | null;
  /** The caller's role on this pipeline (read only). */
  access: Access;
  /** How many users and groups it is shared with (read only). */
  grant_count: number;
}

export interface Position {
  x: number;
  y: number;
}

export type EventKind = "kafka" | "shared" | "failover";

export interface FlowEvent {
  id: number;
  pipeline: number;
  name: string;
  kind: EventKind;
  topic: string;
  partitions: number;
  retention_hours: number;
  position: Position;
  pipeline_rev?: number;
}

export type ConfigValue = string | number | boolean | null;
export type TabConfig = Record<string, ConfigValue>;
export type ComponentConfig = Record<string, TabConfig>;

export interface Component {
  id: number;
  pipeline: number;
  type: string;
  name: string;
  position: Position;
  config: ComponentConfig;
  guid: string | null;
  ingestion_id: string | null;
  ingestion_secret: string | null;
  endpoint: string | null;
  created_at?: string;
  updated_at?: string;
  pipeline_rev?: number;
}

export type Direction = "input" | "output";

export interface Connection {
  id: number;
  pipeline: number;
  event: number;
  component: number;
  direction: Direction;
  pipeline_rev?: number;
}

export type FieldKind =
  "text" | "integer" | "boolean" | "choice" | "event" | "password" | "secret" | "readonly";

export interface Choice {
  value: string | number;
  label: string;
}

export interface FieldSpec {
  name: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  read_only: boolean;
  default: ConfigValue;
  choices: Choice[] | null;
  min: number | null;
  max: number | null;
  help: string;
  source: "config" | "component" | "event";
  event_kind?: EventKind | null;
}

export interface TabSpec {
  key: string;
  label: string;
  fields: FieldSpec[];
}

export interface Limits {
  min: number;
  max: number | null;
}

export interface ComponentTypeSpec {
  key: string;
  label: string;
  group: string;
  description: string;
  inputs: Limits;
  outputs: Limits;
  tabs: TabSpec[];
}

export interface EventKindSpec {
  key: EventKind;
  label: string;
  fields: FieldSpec[];
}

export type PaletteItem =
  { item: "component"; type: string; label: string } | { item: "event"; kind: EventKind; label: string };

export interface PaletteGroup {
  key: string;
  label: string;
  items: PaletteItem[];
}

export interface ComponentTypesPayload {
  palette: PaletteGroup[];
  component_types: ComponentTypeSpec[];
  event_kinds: EventKindSpec[];
}

export interface Paginated<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export interface VersionSummary {
  number: number;
  message: string;
  created_at: string;
  created_by: string | number | null;
}

export interface Snapshot {
  pipeline: Partial<Pipeline> & Record<string, unknown>;
  events: Array<Partial<FlowEvent> & Record<string, unknown>>;
  components: Array<Partial<Component> & Record<string, unknown>>;
  connections: Array<Partial<Connection> & Record<string, unknown>>;
}

export interface VersionDetail extends VersionSummary {
  snapshot: Snapshot;
}

export interface UpdateResult {
  version: VersionSummary;
  components: Array<{ id: number; name: string; type: string; guid: string | null }>;
  rev: number;
}

export interface UpdateErrors {
  pipeline?: string[];
  components?: Record<string, string[]>;
  events?: Record<string, string[]>;
}

/** What Resource Configuration asks per instance: CPU in millicores, memory in MB. */
export interface ResourceSettings {
  cpu_request?: number;
  cpu_limit?: number;
  memory_request?: number;
  memory_limit?: number;
}

/** One running instance as its heartbeat reports it (times are Unix seconds). */
export interface InstanceFigures {
  instance: string;
  version: number | null;
  started_at: number | null;
  reported_at: number | null;
  assigned: number[];
  records_in_per_sec: number;
  records_out_per_sec: number;
  records_in: number;
  records_out: number;
  failed: number;
  lag: number | null;
  cpu_percent: number | null;
  cpu_millicores: number | null;
  rss_mb: number | null;
  resources: ResourceSettings;
  last_error: string;
  last_error_at: number | null;
}

export interface ScalingSettings {
  intelligent: boolean;
  min_instances: number | null;
  max_instances: number | null;
  lag_threshold: number;
}

/** A component's live state as the editor's nodes show it. */
export interface ComponentStatus {
  id: number;
  guid: string | null;
  state: "UP" | "OFF";
  instances: number;
  records_per_sec: number;
  /** WebSocket sessions; null for components that do not stream to clients. */
  clients?: number | null;
  lag?: number | null;
  /** Records sent to the failover event (or logged and counted without one). */
  failed?: number;
  /** "web": served by the web processes (API Ingestion), no instances of its own. */
  runs_in?: "workers" | "web";
}

/** Every monitoring figure of a component (`GET /api/pipelines/<id>/status/`). */
export interface ComponentMonitoring extends ComponentStatus {
  name: string;
  type: string;
  type_label: string;
  runs_in: "workers" | "web";
  deployed: boolean;
  clients: number | null;
  records_in_per_sec: number;
  records_out_per_sec: number;
  records_in: number;
  records_out: number;
  failed: number;
  lag: number | null;
  /** Unix seconds. */
  last_processed_at: number | null;
  last_batch_records: number;
  last_batch_bytes: number | null;
  last_error: string;
  /** Unix seconds; when the error first appeared. */
  last_error_at: number | null;
  instance_details: InstanceFigures[];
  scaling: ScalingSettings | null;
  resources: ResourceSettings | null;
  failover_event: string | null;
}

/** A pipeline in one line (the list page and the monitoring header). */
export interface PipelineSummary {
  components: number;
  up: number;
  records_per_sec: number;
  lag: number | null;
  clients: number;
  failed: number;
  errors: number;
}

export interface PipelineStatusPayload {
  status: PipelineStatus;
  components: ComponentStatus[];
}

export interface PipelineMonitoring extends PipelineStatusPayload {
  components: ComponentMonitoring[];
  summary: PipelineSummary;
}

export type ScalingAction = "up" | "down" | "hold" | "blocked" | "bounds";

/** Why Intelligent Scaling changed (or could not change) an instance count. */
export interface ScalingDecision {
  id: number;
  decided_at: string;
  component: number | null;
  component_guid: string;
  component_name: string;
  version: number;
  action: ScalingAction;
  lag: number;
  lag_threshold: number;
  ratio: number;
  old_count: number;
  new_count: number;
  reason: string;
}

export interface Check {
  name: string;
  label: string;
  ok: boolean;
  duration_ms: number;
  message: string;
}

export type FrameFormat = "envelope" | "batch" | "raw";

export interface DashboardLink {
  kind: "live" | "transactions" | string;
  label: string;
  url: string;
}

/** `GET /api/producers/<id>/`: a WebSocket Producer as its dashboards see it. */
export interface ProducerSummary {
  id: number;
  name: string;
  type: string;
  pipeline: { id: number; name: string; status: PipelineStatus };
  ingestion_id: string;
  endpoint: string;
  /** Deployed and active: the handshake would be accepted. */
  streaming: boolean;
  frame_format: FrameFormat;
  partitions: number | null;
  status: {
    state: "UP" | "OFF";
    instances: number;
    clients: number | null;
    records_per_sec: number;
    last_processed_at: number | null;
  };
  dashboards: DashboardLink[];
}

export interface StreamToken {
  token: string;
  expires_in: number;
}

/** `GET /api/grants/?pipeline=<id>`: a pipeline shared with one user or one group. */
export interface Grant {
  id: number;
  pipeline: number;
  user: string | null;
  group: string | null;
  role: GrantRole;
  created_at: string;
}

/** `POST /api/grants/`: exactly one of `user` and `group`. */
export type GrantPayload =
  { pipeline: number; user: string; role: GrantRole } | { pipeline: number; group: string; role: GrantRole };

export type AuditVia = "api" | "admin" | "system";

export type AuditTargetType = "pipeline" | "component" | "event" | "connection" | "grant" | "";

/** `GET /api/audit/?pipeline=<id>`: who did what, when and from where (newest first). */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string | null;
  /** e.g. "pipeline.deploy", "component.secret_regenerate", "grant.create". */
  action: string;
  pipeline: number | null;
  pipeline_name: string;
  target_type: AuditTargetType;
  target_id: number | string | null;
  target_name: string;
  summary: string;
  /** The client's IP address, or "". */
  address: string;
  via: AuditVia;
}
