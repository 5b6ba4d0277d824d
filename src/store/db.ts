import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, type SqliteDatabase, SqliteDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from './migrations.js';
import { preparedStatementsEnabled, preparingPool } from './pg-prepared.js';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where it is, without credentials. */
  description: string;
  close(): Promise<void>;
  /**
   * SQLite files only: the first row of a read on a second, read-only connection — synchronous, and seeing only
   * committed data even while a write transaction is open on the main one. For the hottest point reads.
   */
  readSync?: <R>(sql: string, params?: readonly unknown[]) => R | undefined;
}

export type Tx = Transaction<Database>;

// int8 (bigint) columns hold log indexes: return them as numbers, refusing any beyond 2^53.
pg.types.setTypeParser(20, (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`bigint ${v} exceeds 2^53`);
  return n;
});

export interface OpenOptions {
  /** PostgreSQL schema to use (created if missing); lets tests share one server without sharing tables. */
  schema?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  /** PostgreSQL: run repeated statements as prepared statements (./pg-prepared.ts; default: on unless
   * GREENLIGHT_PG_PREPARED_STATEMENTS=off). */
  preparedStatements?: boolean;
  migrate?: boolean;
}

/**
 * Opens a store from `sqlite:PATH` (or a bare path), `sqlite::memory:`, or `postgres://…`, and migrates it.
 */
export async function openStore(url: string, options: OpenOptions = {}): Promise<Store> {
  const store =
    url.startsWith('postgres://') || url.startsWith('postgresql://')
      ? openPostgres(url, options)
      : openSqlite(url);
  if (options.schema && store.dialect === 'postgres') {
    await store.db.schema.createSchema(options.schema).ifNotExists().execute();
  }
  if (options.migrate !== false) {
    const schema =
      store.dialect === 'postgres'
        ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db)).rows[0]?.schema
        : undefined;
    // biome-ignore lint/suspicious/noExplicitAny: migrations address the schema as it was then, not today's type
    await migrateToLatest(store.db as Kysely<any>, schema);
  }
  return store;
}

function openSqlite(url: string): Store {
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  const database = new SQLite(path);
  database.pragma('journal_mode = WAL');
  // FULL: a commit is on disk before it is acknowledged (power loss included), not only on a process crash.
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 10000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  const inMemory = path === ':memory:' || path === '' || path.startsWith('file::memory:');
  let reader: SQLite.Database | undefined;
  const statements = new Map<string, SQLite.Statement>();
  return {
    db,
    dialect: 'sqlite',
    description: `sqlite:${path}`,
    close: async () => {
      reader?.close();
      await db.destroy();
    },
    ...(inMemory
      ? {}
      : {
          readSync<R>(sql: string, params: readonly unknown[] = []): R | undefined {
            if (reader === undefined) {
              reader = new SQLite(path, { readonly: true, fileMustExist: true });
              reader.pragma('busy_timeout = 10000');
            }
            let stmt = statements.get(sql);
            if (stmt === undefined) {
              stmt = reader.prepare(sql);
              if (statements.size >= 64) statements.clear();
              statements.set(sql, stmt);
            }
            return stmt.get(...params) as R | undefined;
          },
        }),
  };
}

const STATEMENT_CACHE_SIZE = 512;

/**
 * Kysely's SQLite driver prepares every query anew; preparing costs more than running a point lookup. The same
 * SQL text reuses its prepared statement (least recently used ones are dropped past 512). Safe because the
 * driver runs each statement to completion synchronously (`all`/`run`); nothing here streams with `iterate`.
 */
function withStatementCache(database: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(text: string) {
      let stmt = cache.get(text);
      if (stmt) {
        cache.delete(text);
      } else {
        stmt = database.prepare(text);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      cache.set(text, stmt);
      return stmt;
    },
  };
}

function openPostgres(url: string, options: OpenOptions): Store {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(options.schema ? { options: `-c search_path=${quoteIdent(options.schema)}` } : {}),
  });
  // An idle client's error (server restart) must not crash the process; the pool replaces the client.
  pool.on('error', () => {});
  const prepare = options.preparedStatements ?? preparedStatementsEnabled();
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: prepare ? preparingPool(pool) : pool }),
  });
  const u = new URL(url);
  return {
    db,
    dialect: 'postgres',
    description: `postgres://${u.host}${u.pathname}${options.schema ? ` (schema ${options.schema})` : ''}`,
    close: () => db.destroy(),
  };
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid schema name ${name}`);
  return name;
}

/** The database URL from --db, DATABASE_URL, or the default SQLite file. */
export function resolveDatabaseUrl(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.DATABASE_URL ?? 'sqlite:greenlight.sqlite';
}
