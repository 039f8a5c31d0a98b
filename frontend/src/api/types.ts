/**
 * Shapes of the Flowcast REST API (DESIGN §7): names over the generated `schema.d.ts`, which
 * `make api-types` writes from the schema the server serves at `/api/schema/`.
 *
 * Most are plain aliases. A few are `Narrowed`: the schema is looser than what the server
 * sends, and each narrowed field says why; the server-side fix makes it a plain alias again.
 */
import type { ComponentConfig, Choice, ConfigValue, Position, Snapshot } from "./jsonShapes";
import type { components } from "./schema";

type Schemas = components["schemas"];

/**
 * `Generated` with the fields of `Exact` stated more precisely than the schema does. A field
 * of `Exact` must fit the generated one (e.g. `Position` for `unknown`, `number` for an
 * optional `number`), so a narrowing can never contradict the schema.
 */
type Narrowed<
  Generated,
  Exact extends { [K in keyof Exact]: K extends keyof Generated ? Generated[K] : never },
> = Omit<Generated, keyof Exact> & Exact;

// --- Pipelines -------------------------------------------------------------------------------

export type PipelineStatus = Schemas["PipelineStatusEnum"];

/** The role a grant gives on a pipeline. */
export type GrantRole = Schemas["RoleEnum"];

/** The caller's role on a pipeline: owner, a grant's role, or staff (sees every pipeline). */
export type Access = "owner" | GrantRole | "staff";

export type Pipeline = Narrowed<
  Schemas["Pipeline"],
  {
    // Writable and optional in a request, always present in an answer.
    description: string;
    rev: number;
    // A method field the schema only knows as a string.
    access: Access;
  }
>;

/** A pipeline in one line (the list page and the monitoring header). */
export type PipelineSummary = Schemas["PipelineSummary"];

/** `GET /api/pipelines/status/`: the summary of each active pipeline, with its id. */
export type PipelineSummaries = Schemas["PipelineSummaries"];

export type VersionSummary = Schemas["Version"];

/** A version with its snapshot (free JSON to the schema). */
export type VersionDetail = Narrowed<Schemas["VersionDetail"], { snapshot: Snapshot }>;

/** What Update Pipeline answers when it deployed a new version. */
export type UpdateResult = Schemas["DeployResult"];

// --- The graph: events, components, connections -----------------------------------------------

export type EventKind = Schemas["EventKindEnum"];

/** An event node (`Event` on the server; named so it does not hide the DOM's `Event`). */
export type FlowEvent = Narrowed<
  Schemas["Event"],
  {
    // Optional in a request, always present in an answer.
    topic: string;
    partitions: number;
    retention_hours: Schemas["RetentionHoursEnum"];
    position: Position;
  }
>;

export type Component = Narrowed<
  Schemas["Component"],
  // JSON fields, optional in a request and always present in an answer.
  { position: Position; config: ComponentConfig }
>;

export type Direction = Schemas["DirectionEnum"];

export type Connection = Narrowed<
  Schemas["Connection"],
  // Optional in a request (which may name `source` and `target` instead), always in an answer.
  { pipeline: number; event: number; component: number; direction: Direction }
>;

/** `POST /api/components/<id>/validate/`: the checks of a component's settings. */
export type CheckResults = Schemas["CheckResults"];
export type Check = Schemas["CheckResult"];

/** A component's Ingestion Secret, revealed or regenerated. */
export type IngestionSecret = Schemas["IngestionSecret"];

// --- Component types and their field specs ------------------------------------------------------

export type FieldSpec = Narrowed<
  Schemas["FieldSpec"],
  // `default` and `choices` are free JSON to the schema; `event_kind` a string.
  { default: ConfigValue; choices: Choice[] | null; event_kind?: EventKind }
>;

// TabSpec, ComponentTypeSpec, PaletteGroup, ComponentTypesPayload: narrowed only to carry the
// narrowed field specs and palette items down.
export type TabSpec = Narrowed<Schemas["TabSpec"], { fields: FieldSpec[] }>;

/** How many wires a component type takes on one side (`max` null: no limit). */
export type Limits = Schemas["Bounds"];

export type ComponentTypeSpec = Narrowed<Schemas["ComponentTypeSpec"], { tabs: TabSpec[] }>;

// `key` is a string to the schema; it is one of the event kinds.
export type EventKindSpec = Narrowed<Schemas["EventKindSpec"], { key: EventKind; fields: FieldSpec[] }>;

/** A palette entry: a component type (`type`) or an event kind (`kind`), as `item` says
 *  (the schema has one object with both optional). */
export type PaletteItem =
  | Narrowed<Schemas["PaletteItem"], { item: "component"; type: string; kind?: undefined }>
  | Narrowed<Schemas["PaletteItem"], { item: "event"; kind: EventKind; type?: undefined }>;

export type PaletteGroup = Narrowed<Schemas["PaletteGroup"], { items: PaletteItem[] }>;

/** `GET /api/component-types/`: the palette and every type's tabs and fields. */
export type ComponentTypesPayload = Narrowed<
  Schemas["ComponentTypes"],
  { palette: PaletteGroup[]; component_types: ComponentTypeSpec[]; event_kinds: EventKindSpec[] }
>;

// --- Monitoring ----------------------------------------------------------------------------------

/** One running instance as its heartbeat reports it (times are Unix seconds). */
export type InstanceFigures = Schemas["InstanceFigures"];

/** Every monitoring figure of a component (times are Unix seconds). */
export type ComponentStatus = Schemas["ComponentStatus"];

/** `GET /api/pipelines/<id>/status/`: the pipeline's status, its components' figures and a summary. */
export type PipelineMonitoring = Schemas["PipelineStatus"];

/** Why Intelligent Scaling changed (or could not change) an instance count. */
export type ScalingDecision = Schemas["ScalingDecision"];

// --- WebSocket Producers and their dashboards ----------------------------------------------------

/** How a producer writes records into its frames (the `frame_format` setting). */
export type FrameFormat = "envelope" | "batch" | "columns" | "raw";

/** `GET /api/producers/<id>/`: a WebSocket Producer as its dashboards see it. */
export type ProducerSummary = Narrowed<
  Schemas["Producer"],
  // Settings the schema only knows as strings.
  {
    frame_format: FrameFormat;
    pipeline: Narrowed<Schemas["PipelineRef"], { status: PipelineStatus }>;
  }
>;

export type StreamToken = Schemas["StreamToken"];

// --- Sharing and the audit log -------------------------------------------------------------------

/** `GET /api/grants/?pipeline=<id>`: a pipeline shared with one user or one group. */
export type Grant = Schemas["Grant"];

/** `POST /api/grants/`: exactly one of `user` and `group` (the schema cannot say "one of"). */
export type GrantPayload =
  | Narrowed<Schemas["GrantRequest"], { user: string; group?: undefined }>
  | Narrowed<Schemas["GrantRequest"], { group: string; user?: undefined }>;

/** `GET /api/audit/?pipeline=<id>`: who did what, when and from where (newest first). */
export type AuditEntry = Schemas["AuditEntry"];

// --- Lists -----------------------------------------------------------------------------------------

/** A page of a list: what every `Paginated…List` of the schema has, with its own `results`. */
export type Paginated<T> = Omit<Schemas["PaginatedPipelineList"], "results"> & { results: T[] };
