/**
 * The log's identity (transparency-log.md "Checkpoint"): an Ed25519 signer key and an origin, created at first
 * start and kept in the database (`log_config`, one row). The origin is fixed then: starting later with another
 * configured origin is refused (rotation means a new origin, i.e. a new log). The key can be exported and
 * imported (Go `PRIVATE+KEY+…` format, file mode 0600) for backup and restore.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { GreenlightError } from '../core/errors.js';
import {
  generateSignerKey,
  isValidKeyName,
  type NoteSigner,
  parseSignerKey,
  signerVerifierKey,
} from '../core/tlog/index.js';
import type { Store } from '../store/db.js';

/** Used when neither `--log-origin` nor `--public-url` is given at first start. */
export const FALLBACK_ORIGIN = 'localhost/log';

export interface LogIdentity {
  origin: string;
  signer: NoteSigner;
  /** `name+hex+base64`, as served at /log/key. */
  verifierKey: string;
  /** True when this call created the key. */
  created: boolean;
}

export interface LogKeyOptions {
  /** `--log-origin`: must equal the stored origin once there is one. */
  origin?: string;
  /** `--public-url`: the origin defaults to its host + path + `/log`. */
  publicUrl?: string;
  now?: () => Date;
}

/** `https://greenlight.example.org/` → `greenlight.example.org/log`; `https://h:8080/gl` → `h:8080/gl/log`. */
export function originFromPublicUrl(publicUrl: string): string {
  let u: URL;
  try {
    u = new URL(publicUrl);
  } catch {
    throw new GreenlightError('invalid_input', `--public-url ${JSON.stringify(publicUrl)} is not a URL`);
  }
  const path = u.pathname.replace(/\/+$/, '');
  return `${u.host}${path}/log`;
}

function checkOrigin(origin: string): string {
  if (!isValidKeyName(origin) || /\s/.test(origin)) {
    throw new GreenlightError(
      'invalid_input',
      `log origin ${JSON.stringify(origin)} must be a non-empty schemeless URL prefix without spaces or "+"`,
    );
  }
  return origin;
}

function identity(origin: string, signerKey: string, created: boolean): LogIdentity {
  const signer = parseSignerKey(signerKey);
  if (signer.name !== origin) {
    throw new GreenlightError(
      'internal',
      `the stored log key is named ${JSON.stringify(signer.name)} but the origin is ${JSON.stringify(origin)}`,
    );
  }
  return { origin, signer, verifierKey: signerVerifierKey(signer), created };
}

/** The stored identity, or undefined before first start. */
export async function readLogIdentity(store: Store): Promise<LogIdentity | undefined> {
  const row = await store.db.selectFrom('log_config').selectAll().where('id', '=', 1).executeTakeFirst();
  return row ? identity(row.origin, row.signer_key, false) : undefined;
}

/**
 * Loads the log's identity, creating it at first start. An explicitly configured `origin` that differs from the
 * stored one is refused; an origin only derived from `publicUrl` never overrides the stored one (a public URL may
 * change, the log's name may not). Safe when several servers start at once on one PostgreSQL.
 */
export async function loadOrCreateLogIdentity(
  store: Store,
  options: LogKeyOptions = {},
): Promise<LogIdentity> {
  const existing = await readLogIdentity(store);
  if (existing) return checkConfigured(existing, options);
  const origin = checkOrigin(
    options.origin ?? (options.publicUrl ? originFromPublicUrl(options.publicUrl) : FALLBACK_ORIGIN),
  );
  const { signerKey } = generateSignerKey(origin);
  const now = (options.now ?? (() => new Date()))();
  const inserted = await store.db
    .insertInto('log_config')
    .values({ id: 1, origin, signer_key: signerKey, created_at: now.toISOString() })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  const mine = Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
  const stored = await readLogIdentity(store);
  if (!stored) throw new GreenlightError('internal', 'the log key could not be stored');
  return mine ? { ...stored, created: true } : checkConfigured(stored, options);
}

function checkConfigured(id: LogIdentity, options: LogKeyOptions): LogIdentity {
  if (options.origin !== undefined && options.origin !== id.origin) {
    throw new GreenlightError(
      'invalid_input',
      `the log origin is fixed at ${JSON.stringify(id.origin)} since first start; refusing --log-origin ${JSON.stringify(options.origin)} (a new origin means a new log with a new database)`,
    );
  }
  return id;
}

/** Writes the signer key (`PRIVATE+KEY+<origin>+…`) to `file`, readable by the owner only. */
export async function exportLogKey(store: Store, file: string): Promise<LogIdentity> {
  const row = await store.db.selectFrom('log_config').selectAll().where('id', '=', 1).executeTakeFirst();
  if (!row)
    throw new GreenlightError('invalid_input', 'this database has no log key yet (start the server once)');
  writeFileSync(file, `${row.signer_key}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return identity(row.origin, row.signer_key, false);
}

/**
 * Imports a signer key exported by {@link exportLogKey}: the origin is the key's name. Allowed on a database
 * without a log key, or when the same key is already there (idempotent); a different key is refused.
 */
export async function importLogKey(
  store: Store,
  file: string,
  now: () => Date = () => new Date(),
): Promise<LogIdentity> {
  const text = readFileSync(file, 'utf8').trim();
  let signer: NoteSigner;
  try {
    signer = parseSignerKey(text);
  } catch (e) {
    throw new GreenlightError(
      'invalid_input',
      `${file}: not a log signer key (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  const existing = await readLogIdentity(store);
  if (existing) {
    if (existing.verifierKey === signerVerifierKey(signer)) return existing;
    throw new GreenlightError(
      'invalid_input',
      `this database already has a different log key (${existing.verifierKey}); refusing to replace it`,
    );
  }
  await store.db
    .insertInto('log_config')
    .values({ id: 1, origin: checkOrigin(signer.name), signer_key: text, created_at: now().toISOString() })
    .execute();
  return { ...identity(signer.name, text, false), created: true };
}
