import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe } from 'vitest';
import { openStore, type Store } from '../db.js';

export const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const INSTALL_PG =
  'apt-get install -y postgresql && pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';

/** Why PostgreSQL cannot be used, or null when it can. */
async function postgresProblem(): Promise<string | null> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (e) {
    return `PostgreSQL not reachable at ${POSTGRES_URL} (${e instanceof Error ? e.message : String(e)}); install and start it: ${INSTALL_PG}`;
  } finally {
    await client.end().catch(() => {});
  }
}

export const postgresSkipReason = await postgresProblem();

export interface TestDatabase {
  dialect: 'sqlite' | 'postgres';
  /** A URL a server process can be started with, plus the schema (PostgreSQL) to isolate it. */
  url: string;
  schema?: string;
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

/** A fresh, empty database of the dialect: a temp SQLite file, or a fresh PostgreSQL schema. */
export function freshDatabase(dialect: 'sqlite' | 'postgres'): TestDatabase {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'greenlight-test-'));
    const url = `sqlite:${join(dir, 'db.sqlite')}`;
    return {
      dialect,
      url,
      open: () => openStore(url),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  return {
    dialect,
    url: POSTGRES_URL,
    schema,
    open: () => openStore(POSTGRES_URL, { schema }),
    cleanup: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

/**
 * Runs the same suite on SQLite and on PostgreSQL. Without PostgreSQL the PostgreSQL suite is reported as
 * skipped, with the reason and the install command in its name — never silently.
 */
export function describeOnEachDatabase(name: string, suite: (dialect: 'sqlite' | 'postgres') => void): void {
  describe(`${name} [sqlite]`, () => suite('sqlite'));
  const skipped = postgresSkipReason !== null;
  describe.skipIf(skipped)(`${name} [postgres]${skipped ? ` — SKIPPED: ${postgresSkipReason}` : ''}`, () =>
    suite('postgres'),
  );
}
