/**
 * A small client over Greenlight's HTTP API (service.md), shared by the CLI's client commands and the MCP server.
 * Two transports: `httpApi` (global fetch against a URL, with an optional Bearer token) and, on the server,
 * `injectApi` in http.ts (Fastify's in-process inject with the MCP request's Authorization header).
 */

export const DEFAULT_URL = 'http://127.0.0.1:8080';

export interface ApiRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

export interface GreenlightApi {
  /** The server's base URL when known (log verification fetches from it). */
  readonly baseUrl: string | undefined;
  /** Whether requests carry a token (write tools need one). */
  readonly hasToken: boolean;
  send(request: ApiRequest): Promise<ApiResponse>;
}

export interface ErrorDetail {
  path: string;
  message: string;
}

/** An error answer of the API (`{error: {code, message, details}}`), or the server not being reachable. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** `code: message`, then one line per detail. */
  lines(): string[] {
    return [
      `${this.code}: ${this.message}`,
      ...this.details.map((d) => `  ${d.path ? `${d.path}: ` : ''}${d.message}`),
    ];
  }
}

/** Status 0: the server could not be reached at all. */
export const UNREACHABLE = 0;

export function httpApi(options: { url: string; token?: string | undefined }): GreenlightApi {
  const base = options.url.replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(base))
    throw new ApiError(UNREACHABLE, 'bad_request', `--url must be an http(s) URL, got "${options.url}"`);
  const token = options.token && options.token !== '' ? options.token : undefined;
  return {
    baseUrl: base,
    hasToken: token !== undefined,
    async send(req) {
      const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (req.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(req.body);
      }
      let res: Response;
      try {
        res = await fetch(`${base}${req.path}`, { method: req.method, headers, body });
      } catch (e) {
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        const why = cause?.code ?? cause?.message ?? (e as Error).message;
        throw new ApiError(UNREACHABLE, 'unreachable', `cannot reach ${base} (${why})`);
      }
      const text = await res.text();
      let parsed: unknown = text;
      if (text !== '') {
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: kept as text
        }
      }
      return { status: res.status, body: parsed };
    },
  };
}

/** Sends a request; answers the body of a 2xx answer, throws {@link ApiError} otherwise. */
export async function call(api: GreenlightApi, request: ApiRequest): Promise<unknown> {
  const res = await api.send(request);
  if (res.status >= 200 && res.status < 300) return res.body;
  throw toApiError(res);
}

export function toApiError(res: ApiResponse): ApiError {
  const err = (res.body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)
    ?.error;
  if (err && typeof err.code === 'string' && typeof err.message === 'string') {
    const details = Array.isArray(err.details)
      ? err.details
          .filter((d): d is ErrorDetail => typeof d?.message === 'string')
          .map((d) => ({ path: typeof d.path === 'string' ? d.path : '', message: d.message }))
      : [];
    return new ApiError(res.status, err.code, err.message, details);
  }
  return new ApiError(res.status, `http_${res.status}`, `the server answered HTTP ${res.status}`);
}

/** Path segment escaping. */
export const seg = (s: string) => encodeURIComponent(s);

/** `org/name` → `/v1/models/org/name`. */
export function modelPath(model: string): string {
  const m = /^([^/]+)\/([^/]+)$/.exec(model);
  if (!m) throw new ApiError(UNREACHABLE, 'bad_request', `model "${model}" is not "<organisation>/<name>"`);
  return `/v1/models/${seg(m[1]!)}/${seg(m[2]!)}`;
}

/** `id@version` → `{id, version}`. */
export function parseFrameworkRef(ref: string): { id: string; version: string } {
  const at = ref.lastIndexOf('@');
  if (at <= 0 || at === ref.length - 1)
    throw new ApiError(
      UNREACHABLE,
      'bad_request',
      `framework "${ref}" is not ID@VERSION (e.g. example-frontier@2026.1)`,
    );
  return { id: ref.slice(0, at), version: ref.slice(at + 1) };
}
