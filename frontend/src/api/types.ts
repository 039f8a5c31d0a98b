/** Shapes of the Flowcast REST API (DESIGN §7), as the editor uses them. */

export type PipelineStatus = "draft" | "active" | "inactive";

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

export interface ComponentStatus {
  id: number;
  guid: string | null;
  state: "UP" | "OFF";
  instances: number;
  records_per_sec: number;
  clients?: number;
}

export interface PipelineStatusPayload {
  status: PipelineStatus;
  components: ComponentStatus[];
}

export interface Check {
  name: string;
  label: string;
  ok: boolean;
  duration_ms: number;
  message: string;
}
