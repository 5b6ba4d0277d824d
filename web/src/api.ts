/** The API as the dashboard uses it: typed fetches, the token kept in sessionStorage. */
import type { Determination } from '../../src/core/determination/types.js';
import type {
  AppealView,
  DecisionView,
  FrameworkDetail,
  FrameworkSummary,
  GrantView,
  IncidentView,
  ModelView,
  OpenClock,
  Page,
  Person,
  RegistryRow,
  Statistics,
  SubmissionSummaryView,
  SubmissionView,
} from '../../src/workflow/types.js';

export type {
  AppealView,
  Bucket,
  DecisionView,
  EventView,
  FrameworkDetail,
  FrameworkSummary,
  GrantView,
  IncidentView,
  OpenClock,
  RegistryRow,
  Statistics,
  SubmissionView,
} from '../../src/workflow/types.js';
export type { Determination };

export type ModelPage = ModelView & { open_clocks: OpenClock[] };

export interface LogEntryAnswer {
  index: number;
  entry: string;
  leaf_hash: string;
  checkpoint: string;
  proof: string[];
}

export type Me = ({ kind: 'person' } & Person) | { kind: 'public' };

const TOKEN_KEY = 'greenlight.token';

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function request<T>(method: string, path: string, body?: unknown, auth = true): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = auth ? getToken() : null;
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let value: unknown;
  try {
    value = text === '' ? undefined : JSON.parse(text);
  } catch {
    value = text;
  }
  if (!res.ok) {
    const err = (value as { error?: { code?: string; message?: string; details?: [] } } | undefined)?.error;
    throw new ApiError(
      res.status,
      err?.code ?? 'error',
      err?.message ?? `HTTP ${res.status}`,
      err?.details ?? [],
    );
  }
  return value as T;
}

const enc = encodeURIComponent;
const modelPath = (id: string) => id.split('/').map(enc).join('/');

export const api = {
  me: () => request<Me>('GET', '/v1/me'),
  models: (opts: { limit?: number; cursor?: string | null; q?: string }) => {
    const p = new URLSearchParams();
    p.set('limit', String(opts.limit ?? 50));
    if (opts.cursor) p.set('cursor', opts.cursor);
    if (opts.q) p.set('q', opts.q);
    return request<Page<RegistryRow>>('GET', `/v1/models?${p}`);
  },
  model: (id: string) => request<ModelPage>('GET', `/v1/models/${modelPath(id)}`),
  submission: (id: string) => request<SubmissionView>('GET', `/v1/submissions/${enc(id)}`),
  submissions: (opts: { status?: string; model?: string; limit?: number; cursor?: string | null }) => {
    const p = new URLSearchParams();
    p.set('limit', String(opts.limit ?? 200));
    if (opts.status) p.set('status', opts.status);
    if (opts.model) p.set('model', opts.model);
    if (opts.cursor) p.set('cursor', opts.cursor);
    return request<Page<SubmissionSummaryView>>('GET', `/v1/submissions?${p}`);
  },
  frameworks: () => request<Page<FrameworkSummary>>('GET', '/v1/frameworks'),
  framework: (id: string, version: string) =>
    request<FrameworkDetail>('GET', `/v1/frameworks/${enc(id)}/${enc(version)}`),
  statistics: () => request<Statistics>('GET', '/v1/statistics'),
  propose: (kind: 'submission' | 'appeal', id: string, body: unknown) =>
    request<DecisionView>(
      'POST',
      kind === 'submission' ? `/v1/submissions/${enc(id)}/decision` : `/v1/appeals/${enc(id)}/decision`,
      body,
    ),
  sign: (decisionId: string) => request<DecisionView>('POST', `/v1/decisions/${enc(decisionId)}/sign`),
  submit: (body: unknown) =>
    request<{ id: string; status: string; determination: Determination; log_index: number }>(
      'POST',
      '/v1/submissions',
      body,
    ),
  addEvidence: (id: string, evidence: unknown) =>
    request<SubmissionView>('POST', `/v1/submissions/${enc(id)}/evidence`, { evidence }),
  appeal: (id: string, body: { reasons: string; evidence?: unknown }) =>
    request<AppealView>('POST', `/v1/submissions/${enc(id)}/appeal`, body),
  rereview: (model: string, reason: string) =>
    request<SubmissionView>('POST', `/v1/models/${modelPath(model)}/rereview`, { reason }),
  classifyIncident: (id: string, cls: string) =>
    request<IncidentView>('POST', `/v1/incidents/${enc(id)}/classify`, { class: cls }),
  dismissIncident: (id: string, reason: string) =>
    request<IncidentView>('POST', `/v1/incidents/${enc(id)}/dismiss`, { reason }),
  resolveIncident: (id: string, reason: string) =>
    request<IncidentView>('POST', `/v1/incidents/${enc(id)}/resolve`, { reason }),
  grant: (body: { model: string; org: string; tier: string; expires_at?: string; reason: string }) =>
    request<GrantView>('POST', '/v1/grants', body),
  grants: (body: { model: string; orgs: string[]; tier: string; expires_at?: string; reason: string }) =>
    request<{ items: GrantView[] }>('POST', '/v1/grants/bulk', body),
  revokeGrant: (id: string) => request<GrantView>('DELETE', `/v1/grants/${enc(id)}`),
};

/** The log endpoints are plain text or JSON and never need a token. */
export async function fetchText(path: string): Promise<string> {
  const res = await fetch(path);
  if (!res.ok) throw new ApiError(res.status, 'error', `${path}: HTTP ${res.status}`);
  return res.text();
}

export async function fetchLogEntry(index: number): Promise<LogEntryAnswer | 'pending'> {
  const res = await fetch(`/v1/log/entries/${index}`);
  if (res.status === 202) return 'pending';
  if (!res.ok) throw new ApiError(res.status, 'error', `log entry ${index}: HTTP ${res.status}`);
  return (await res.json()) as LogEntryAnswer;
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    const details = e.details.map((d) => `${d.path ? `${d.path}: ` : ''}${d.message}`).join('; ');
    return details ? `${e.message} (${details})` : e.message;
  }
  return e instanceof Error ? e.message : String(e);
}
