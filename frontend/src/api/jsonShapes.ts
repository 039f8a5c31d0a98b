/**
 * The JSON the REST API carries but its OpenAPI schema leaves open, written by hand.
 *
 * The server declares these as free JSON (`JSONField`, `DictField`), so the generated
 * `schema.d.ts` calls them `unknown`; `types.ts` puts these shapes in their place. When the
 * server describes one (drf-spectacular's `extend_schema_field`), its alias takes over and the
 * shape here goes.
 */

/** A node's place on the canvas (`position` of components and events). */
export interface Position {
  x: number;
  y: number;
}

/** A component's `config`: tab → field → value, e.g. `{"basic": {"batch_size": 10}}`. */
export type ConfigValue = string | number | boolean | null;
export type TabConfig = Record<string, ConfigValue>;
export type ComponentConfig = Record<string, TabConfig>;

/** One option of a `choice` field in the field specs (a type, so it fits the schema's open object). */
export type Choice = {
  value: string | number;
  label: string;
};

/** A version's `snapshot`: the pipeline and its graph as they were deployed. */
export interface Snapshot {
  pipeline: Record<string, unknown>;
  events: Array<Record<string, unknown>>;
  components: Array<Record<string, unknown>>;
  connections: Array<Record<string, unknown>>;
}

/** `errors` of a refused Update Pipeline: the messages by node id (`PipelineInvalid`). */
export interface UpdateErrors {
  pipeline?: string[];
  components?: Record<string, string[]>;
  events?: Record<string, string[]>;
}
