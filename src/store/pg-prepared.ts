/**
 * Kysely's PostgreSQL pool, running repeated parameterized statements as named prepared statements: PostgreSQL
 * then parses and analyses each statement once per connection instead of on every execution. Under the writers'
 * lock every statement's server time bounds durable writes per second (bench/log (b)), and this cut it by a
 * third.
 *
 * Bounded: a statement is prepared from its second use on (one-off texts never are), and each connection keeps
 * at most MAX_PER_CONNECTION prepared statements; beyond that, new texts run unnamed, as without this pool.
 * Names are digests of the text, so a name always means the same statement. Statements without parameters
 * (BEGIN, COMMIT, DDL) always run unnamed. A statement whose plan a schema change made stale (a newer server's
 * migration adding a column under `select *`) fails once on each connection that prepared it, then runs
 * unnamed there (a write batch that hits it runs its writes again one by one, so only a lone write sees it).
 *
 * Off with GREENLIGHT_PG_PREPARED_STATEMENTS=off, for connection poolers that do not keep prepared statements
 * across transactions (PgBouncer in transaction mode before 1.21).
 */
import { createHash } from 'node:crypto';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

const MAX_PER_CONNECTION = 256;
const MAX_TRACKED_TEXTS = 4096;
/** feature_not_supported: what PostgreSQL raises for a prepared statement whose result type changed. */
const STALE_PLAN = '0A000';

interface TextInfo {
  name: string;
  uses: number;
}

export function preparingPool(pool: pg.Pool): PostgresPool {
  const texts = new Map<string, TextInfo>();
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();

  /** The statement's name once it has been used before; undefined while it is new. */
  function nameFor(text: string): string | undefined {
    let info = texts.get(text);
    if (info === undefined) {
      if (texts.size >= MAX_TRACKED_TEXTS) texts.clear();
      info = { name: `gl_${createHash('sha256').update(text).digest('base64url').slice(0, 22)}`, uses: 0 };
      texts.set(text, info);
    }
    info.uses++;
    return info.uses >= 2 ? info.name : undefined;
  }

  function wrap(client: pg.PoolClient): PostgresPoolClient {
    const prepared = new Set<string>();
    // Statements whose prepared plan PostgreSQL refused after a schema change ("cached plan must not change
    // result type", e.g. a column added by a newer server's migration): they fail once, then run unnamed here.
    const stale = new Set<string>();
    const wrapper = {
      query(text: unknown, parameters?: ReadonlyArray<unknown>) {
        if (typeof text !== 'string' || parameters === undefined || parameters.length === 0) {
          // A cursor, or a statement without parameters.
          return parameters === undefined
            ? client.query(text as never)
            : client.query(text as string, parameters as unknown[]);
        }
        const name = nameFor(text);
        if (
          name !== undefined &&
          !stale.has(name) &&
          (prepared.has(name) || prepared.size < MAX_PER_CONNECTION)
        ) {
          prepared.add(name);
          return client.query({ name, text, values: parameters as unknown[] }).catch((e: unknown) => {
            if ((e as { code?: string } | null)?.code === STALE_PLAN) stale.add(name);
            throw e;
          });
        }
        return client.query(text, parameters as unknown[]);
      },
      release: (destroy?: boolean) => {
        // A destroyed connection's prepared statements go with it; its wrapper is dropped with the client.
        client.release(destroy);
      },
    };
    return wrapper as unknown as PostgresPoolClient;
  }

  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (wrapper === undefined) {
        wrapper = wrap(client);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

export function preparedStatementsEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.GREENLIGHT_PG_PREPARED_STATEMENTS?.trim().toLowerCase();
  return !(v === 'off' || v === '0' || v === 'false' || v === 'no');
}
