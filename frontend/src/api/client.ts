/** fetch() wrapper for the Django API: session cookie, CSRF header, JSON, typed errors. */

export function getCookie(name: string): string {
  for (const part of document.cookie.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return "";
}

export function csrfToken(): string {
  return getCookie("csrftoken");
}

/** A non-2xx answer; `body` is the parsed JSON error (`{"field": [...]}` or `{"detail": ...}`). */
export class ApiError extends Error {
  readonly status: number;
  readonly body: Record<string, unknown>;

  constructor(status: number, body: Record<string, unknown>) {
    super(describeError(status, body));
    this.name = "ApiError";
    this.status = status;
    this.body = body;
  }

  get isConflict(): boolean {
    return this.status === 409;
  }
}

function describeError(status: number, body: Record<string, unknown>): string {
  if (typeof body.detail === "string") return body.detail;
  const first = firstMessage(body, []);
  if (first) {
    const [path, text] = first;
    const field = path.filter((p) => p !== "non_field_errors" && p !== "__all__").at(-1);
    return field ? `${field.replaceAll("_", " ")}: ${text}` : text;
  }
  return `Request failed (HTTP ${status})`;
}

/** The first message in a DRF error body, with the keys that lead to it. */
function firstMessage(value: unknown, path: string[]): [string[], string] | null {
  if (typeof value === "string") return [path, value];
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = firstMessage(item, path);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (key === "rev") continue;
      const found = firstMessage(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

/** Turns any thrown value into a sentence for a toast. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Longest wait for an answer (Update Pipeline, the slowest, takes seconds). An editor's writes
 * go one at a time (GraphApi), so one left hanging would hold every later one.
 */
export const REQUEST_TIMEOUT_MS = 60_000;

/** No answer in time; a write may or may not have been applied. */
export class NoAnswerError extends Error {
  constructor(method: string) {
    const late = `The server did not answer within ${REQUEST_TIMEOUT_MS / 1000} s.`;
    super(SAFE.has(method) ? late : `${late} Reload to see what was saved.`);
    this.name = "NoAnswerError";
  }
}

export async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (!SAFE.has(method)) headers["X-CSRFToken"] = csrfToken();
  if (body !== undefined) headers["Content-Type"] = "application/json";
  try {
    return await answer<T>(
      await fetch(url, {
        method,
        headers,
        credentials: "same-origin",
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      }),
    );
  } catch (error) {
    if (error instanceof DOMException && error.name === "TimeoutError") throw new NoAnswerError(method);
    throw error;
  }
}

/** The answer's JSON, or an ApiError for a non-2xx one. */
async function answer<T>(response: Response): Promise<T> {
  const text = await response.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { detail: text.slice(0, 200) };
    }
  }
  if (!response.ok) {
    if ((response.status === 401 || response.status === 403) && isLoggedOut(data)) {
      window.location.assign(`/accounts/login/?next=${encodeURIComponent(window.location.pathname)}`);
    }
    const errorBody: Record<string, unknown> = Array.isArray(data)
      ? { non_field_errors: data }
      : data && typeof data === "object"
        ? (data as Record<string, unknown>)
        : { detail: `Request failed (HTTP ${response.status})` };
    throw new ApiError(response.status, errorBody);
  }
  return data as T;
}

function isLoggedOut(data: unknown): boolean {
  const detail = (data as { detail?: unknown } | null)?.detail;
  return typeof detail === "string" && /credentials were not provided/i.test(detail);
}

export const http = {
  get: <T>(url: string) => request<T>("GET", url),
  post: <T>(url: string, body?: unknown) => request<T>("POST", url, body ?? {}),
  patch: <T>(url: string, body: unknown) => request<T>("PATCH", url, body),
  delete: (url: string, body?: unknown) => request<null>("DELETE", url, body),
};
