/** CPU or memory use of an instance next to its request and limit, as a bar. */

export type UsageLevel = "ok" | "above-request" | "near-limit" | "unknown";

export interface Usage {
  /** Where the use ends on a bar whose full width is the limit (0..1). */
  fill: number;
  /** Where the request sits on that bar, if configured. */
  request: number | null;
  level: UsageLevel;
}

/**
 * Use against a request and a limit, as a bar: within the request is fine, above it the
 * instance borrows spare capacity, past 90 % of the limit it is about to be throttled
 * (CPU) or killed (memory).
 */
export function usage(used: number | null | undefined, request?: number, limit?: number): Usage {
  if (used === null || used === undefined) return { fill: 0, request: null, level: "unknown" };
  const scale = limit || Math.max(request ?? 0, used) * 1.25 || 1;
  const fill = Math.min(Math.max(used / scale, 0), 1);
  const requestAt = request ? Math.min(request / scale, 1) : null;
  let level: UsageLevel = "ok";
  if (limit && used >= limit * 0.9) level = "near-limit";
  else if (request && used > request) level = "above-request";
  return { fill, request: requestAt, level };
}
