/** What every workflow module shares: the store, the clock, transactions, framework loading, input checks. */
import { randomBytes } from 'node:crypto';
import { type AccessTouched, recordAccessChange } from '../access/changes.js';
import { GreenlightError } from '../core/errors.js';
import { validateFrameworkValue } from '../core/framework/index.js';
import type { Framework } from '../core/framework/types.js';
import type { Store, Tx } from '../store/db.js';
import { groupCommit } from '../store/group-commit.js';
import { type DeterminePool, sharedDeterminePool } from './determine-pool.js';
import { type ErrorDetail, ServiceError } from './types.js';

export type Queryable = Store['db'] | Tx;

export interface Ctx {
  store: Store;
  now(): Date;
  /** Runs `fn` in a transaction, acknowledged once committed: concurrent calls share one commit
   * (src/store/group-commit.ts). On PostgreSQL each batch first takes the log's sequence row lock so that
   * writers, of this server and of others on the same database, serialize in one order (no deadlocks;
   * conditional updates see each other's commits). */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  framework(q: Queryable, id: string, version: string): Promise<Framework>;
  /** Worker threads for large determinations (./determine-pool.ts); null: determine inline. */
  determinePool(): DeterminePool | null;
}

export function createContext(
  store: Store,
  now: () => Date,
  pool: () => DeterminePool | null = sharedDeterminePool,
): Ctx {
  const cache = new Map<string, Framework>();
  const write: Ctx['write'] = groupCommit(store.db, {
    begin:
      store.dialect === 'postgres'
        ? async (tx) => {
            await tx.selectFrom('log_state').select('id').where('id', '=', 1).forUpdate().execute();
          }
        : undefined,
  });
  return {
    store,
    now,
    write,
    determinePool: pool,
    async framework(q, id, version) {
      const key = `${id}@${version}`;
      const hit = cache.get(key);
      if (hit) return hit;
      const row = await q
        .selectFrom('frameworks')
        .select('document')
        .where('id', '=', id)
        .where('version', '=', version)
        .executeTakeFirst();
      if (!row) throw new ServiceError('not_found', `framework ${id} ${version} not found`);
      const fw = validateFrameworkValue(JSON.parse(row.document));
      cache.set(key, fw);
      return fw;
    },
  };
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

export function newSecret(): string {
  return `glt_${randomBytes(32).toString('base64url')}`;
}

/** Collects input problems; `throwIfAny` raises one ServiceError('invalid') listing all of them. */
export class Problems {
  readonly list: ErrorDetail[] = [];
  add(path: string, message: string): void {
    this.list.push({ path, message });
  }
  throwIfAny(message = 'invalid input'): void {
    if (this.list.length > 0) throw new ServiceError('invalid', message, this.list);
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function nonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.trim().length > 0;
}

export function isIsoTime(v: unknown): v is string {
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v));
}

/** Re-raises a core GreenlightError as ServiceError('invalid') with every problem, paths under `prefix`. */
export function asInvalid(e: unknown, prefix: string): never {
  if (e instanceof GreenlightError) {
    const details = e.problems.map((p) => ({
      path:
        prefix === ''
          ? p.path
          : p.path === ''
            ? prefix
            : p.path.startsWith('[')
              ? `${prefix}${p.path}`
              : `${prefix}.${p.path}`,
      message: p.message,
    }));
    throw new ServiceError(
      'invalid',
      e.message,
      details.length > 0 ? details : [{ path: prefix, message: e.message }],
    );
  }
  throw e;
}

export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string } | null;
  return (
    err?.code === '23505' ||
    err?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    err?.code === 'SQLITE_CONSTRAINT_UNIQUE'
  );
}

/**
 * Bumps change_counter (in the transaction of every change that can alter an access answer) and records what the
 * change touched, so that access syncs apply just that (src/access/changes.ts); without `touched` they reload all.
 */
export async function bumpChangeCounter(tx: Tx, touched?: AccessTouched): Promise<void> {
  const row = await tx
    .updateTable('change_counter')
    .set((eb) => ({ value: eb('value', '+', 1) }))
    .where('id', '=', 1)
    .returning('value')
    .executeTakeFirst();
  if (touched && row) await recordAccessChange(tx, Number(row.value), touched);
}

/** Tier rank in a framework (0 = most restricted); -1 for unknown. */
export function rankOf(fw: Framework, tier: string | null | undefined): number {
  return tier == null ? -1 : fw.tiers.findIndex((t) => t.id === tier);
}

export function json(v: unknown): string {
  return JSON.stringify(v);
}

export function parseJson<T>(s: string | null | undefined): T | null {
  return s == null ? null : (JSON.parse(s) as T);
}

export function encodeCursor(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

export function decodeCursor<T>(cursor: string | null | undefined): T | null {
  if (!cursor) return null;
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as T;
  } catch {
    throw new ServiceError('bad_request', 'malformed cursor', [
      { path: 'cursor', message: 'malformed cursor' },
    ]);
  }
}

export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    throw new ServiceError('invalid', 'limit must be an integer from 1 to 500', [
      { path: 'limit', message: 'must be an integer from 1 to 500' },
    ]);
  }
  return limit;
}
