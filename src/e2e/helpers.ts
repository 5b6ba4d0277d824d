/**
 * End-to-end helpers: an HTTP client that talks to a real port with fetch, framework and evidence fixtures with
 * clocks in seconds, `greenlight serve` as a real process, and direct checks of the database's invariants.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { spawnCli } from '../server/test-helpers/cli-process.js';
import type { Store } from '../store/db.js';
import type { TestDatabase } from '../store/test-helpers/databases.js';

const root = new URL('../../', import.meta.url);

export const DRILL_YAML = readFileSync(new URL('examples/frameworks/drill-fast-clock.yaml', root), 'utf8');

/**
 * A variant of the drill framework (same tiers, thresholds and incident classes) with another id and its own
 * review clock: `decision_within` seconds, `on_lapse` either way.
 */
export function drillVariant(
  id: string,
  decisionWithinSeconds: number,
  onLapse: 'deemed_approved' | 'escalate',
): string {
  const out = DRILL_YAML.replace(/^id: drill-fast-clock$/m, `id: ${id}`)
    .replace(
      /^ {2}decision_within: \{ seconds: \d+ \}$/m,
      `  decision_within: { seconds: ${decisionWithinSeconds} }`,
    )
    .replace(/^ {2}on_lapse: deemed_approved$/m, `  on_lapse: ${onLapse}`);
  if (!out.includes(`id: ${id}`) || !out.includes(`seconds: ${decisionWithinSeconds} }`))
    throw new Error('drill framework layout changed: cannot derive a variant');
  return out;
}

export const DRILL = { id: 'drill-fast-clock', version: '2026.1' };

type EvidenceName = '01-approve' | '02-approve-restricted' | '03-safeguards-missing' | '04-more-evidence';

/** An example evidence file re-targeted at another model version (outcomes do not depend on the model). */
export function evidence(name: EvidenceName, model: string, version: string): Record<string, unknown> {
  const e = JSON.parse(readFileSync(new URL(`examples/evidence/${name}.json`, root), 'utf8')) as Record<
    string,
    unknown
  >;
  return { ...e, model: { id: model, version } };
}

export interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked by the tests
  body: any;
}

/** A fetch client bound to a base URL; `as(token)` binds a bearer token. */
export class Client {
  constructor(
    public base: string,
    readonly token?: string,
  ) {}

  as(token: string | undefined): Client {
    return new Client(this.base, token);
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    const h: Record<string, string> = { ...headers };
    if (this.token) h.authorization = `Bearer ${this.token}`;
    let payload: string | undefined;
    if (typeof body === 'string') payload = body;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${this.base}${path}`, { method, headers: h, body: payload });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed };
  }

  get(path: string): Promise<Reply> {
    return this.request('GET', path);
  }

  post(path: string, body: unknown = {}, headers?: Record<string, string>): Promise<Reply> {
    return this.request('POST', path, body, headers);
  }
}

/** Asserts the status, showing the body when it differs. */
export function expectStatus(r: Reply, status: number): Reply {
  if (r.status !== status) {
    throw new Error(`expected HTTP ${status}, got ${r.status}: ${JSON.stringify(r.body).slice(0, 600)}`);
  }
  return r;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a truthy value or the deadline passes. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------------------
// `greenlight serve` as a process

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  stderr(): string;
}

/** Environment for a server process on the test database (PostgreSQL: its schema through PGOPTIONS). */
export function serverEnv(db: TestDatabase, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { LOG_LEVEL: 'error', ...extra };
  if (db.schema) env.PGOPTIONS = `-c search_path=${db.schema}`;
  return env;
}

/** Starts `greenlight serve --port 0 --json` and waits for its URL. */
export function startServeProcess(db: TestDatabase, extra: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const child = spawnCli(['serve', '--port', '0', '--db', db.url, '--json'], serverEnv(db, extra));
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start within 30 s; stderr: ${stderr}`));
    }, 30_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        const { url } = JSON.parse(out.slice(0, nl)) as { url: string };
        resolve({ child, url, stderr: () => stderr });
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening; stderr: ${stderr}`));
    });
  });
}

/** SIGKILLs the process (no graceful shutdown) and waits until it is gone. */
export function killHard(p: ServerProcess): Promise<void> {
  return new Promise((resolve) => {
    if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
    p.child.once('exit', () => resolve());
    p.child.kill('SIGKILL');
  });
}

// ---------------------------------------------------------------------------------------------------------
// Database invariants, checked by opening the database directly

export interface LogSummary {
  size: number;
  events: { log_index: number; type: string; submission_id: string | null; incident_id: string | null }[];
}

/**
 * Every event has its log entry and vice versa, indexes run 0..n-1 with no gap or duplicate, the log's next
 * index is n, and every submission, appeal, decision, incident and grant row has the event that created it.
 */
export async function checkLogInvariants(store: Store): Promise<LogSummary> {
  const db = store.db;
  const events = await db
    .selectFrom('events')
    .select(['log_index', 'type', 'submission_id', 'incident_id'])
    .orderBy('log_index')
    .execute();
  const entries = await db.selectFrom('log_entries').select('idx').orderBy('idx').execute();
  const eventIdx = events.map((e) => Number(e.log_index));
  const entryIdx = entries.map((e) => Number(e.idx));
  expect(eventIdx).toEqual(entryIdx);
  expect(eventIdx).toEqual(eventIdx.map((_, i) => i));
  const state = await db.selectFrom('log_state').select('next_index').executeTakeFirstOrThrow();
  expect(Number(state.next_index)).toBe(eventIdx.length);

  const typeAt = new Map(events.map((e) => [Number(e.log_index), e.type]));
  const rowsWithEvent = async (
    table: 'submissions' | 'appeals' | 'incidents' | 'grants' | 'decisions',
    types: string[],
  ) => {
    const rows = (await db.selectFrom(table).select(['id', 'log_index']).execute()) as {
      id: string;
      log_index: number | null;
    }[];
    for (const r of rows) {
      const t = r.log_index === null ? undefined : typeAt.get(Number(r.log_index));
      if (!t || !types.includes(t))
        throw new Error(`${table} row ${r.id} has no ${types.join('/')} event (log_index ${r.log_index})`);
    }
  };
  await rowsWithEvent('submissions', ['submission.received', 'review.opened']);
  await rowsWithEvent('appeals', ['appeal.filed']);
  await rowsWithEvent('decisions', ['decision.proposed']);
  await rowsWithEvent('incidents', ['incident.reported']);
  await rowsWithEvent('grants', ['grant.created']);

  // No event about a submission or incident that does not exist (nothing half-applied the other way).
  const subIds = new Set((await db.selectFrom('submissions').select('id').execute()).map((r) => r.id));
  const incIds = new Set((await db.selectFrom('incidents').select('id').execute()).map((r) => r.id));
  for (const e of events) {
    if (e.submission_id !== null && !subIds.has(e.submission_id))
      throw new Error(`event ${e.log_index} (${e.type}) names a missing submission ${e.submission_id}`);
    if (e.incident_id !== null && !incIds.has(e.incident_id))
      throw new Error(`event ${e.log_index} (${e.type}) names a missing incident ${e.incident_id}`);
  }
  return {
    size: eventIdx.length,
    events: events.map((e) => ({ ...e, log_index: Number(e.log_index) })),
  };
}

/** Number of events of a type about a submission. */
export async function countEvents(store: Store, submissionId: string, type: string): Promise<number> {
  const rows = await store.db
    .selectFrom('events')
    .select('log_index')
    .where('submission_id', '=', submissionId)
    .where('type', '=', type)
    .execute();
  return rows.length;
}
