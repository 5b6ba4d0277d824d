import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from './db.js';
import { preparedStatementsEnabled } from './pg-prepared.js';
import { POSTGRES_URL, postgresSkipReason } from './test-helpers/databases.js';

const skipped = postgresSkipReason !== null;

describe.skipIf(skipped)(
  `PostgreSQL prepared statements${skipped ? ` — SKIPPED: ${postgresSkipReason}` : ''}`,
  () => {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    let store: Store;
    let plain: Store;
    beforeAll(async () => {
      // One connection each, so that the statements prepared by earlier queries are visible to later ones.
      store = await openStore(POSTGRES_URL, { schema, poolSize: 1 });
      plain = await openStore(POSTGRES_URL, { schema, poolSize: 1, preparedStatements: false });
    });
    afterAll(async () => {
      await store?.close();
      await plain?.close();
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    });

    const preparedTexts = async (s: Store) =>
      (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(s.db)).rows.map(
        (r) => r.statement,
      );

    it('prepares a parameterized statement from its second use on, with the same answers', async () => {
      const answers: unknown[] = [];
      for (let i = 0; i < 3; i++) {
        answers.push(
          (await sql<{ x: number }>`select ${i}::int + 1 as x /* marker-a */`.execute(store.db)).rows,
        );
        if (i === 0) expect((await preparedTexts(store)).some((t) => t.includes('marker-a'))).toBe(false);
      }
      expect(answers).toEqual([[{ x: 1 }], [{ x: 2 }], [{ x: 3 }]]);
      const texts = await preparedTexts(store);
      expect(texts.filter((t) => t.includes('marker-a'))).toHaveLength(1);
      // Statements without parameters are never prepared.
      await sql`select 1 as y /* marker-b */`.execute(store.db);
      await sql`select 1 as y /* marker-b */`.execute(store.db);
      expect((await preparedTexts(store)).some((t) => t.includes('marker-b'))).toBe(false);
    });

    // Before the cap test below fills this connection's 256.
    it('a statement whose plan a schema change made stale fails once, then runs unnamed', async () => {
      await sql`create table prep_s (a int)`.execute(store.db);
      await sql`insert into prep_s (a) values (1)`.execute(store.db);
      const read = () => sql<Record<string, unknown>>`select * from prep_s where a = ${1}`.execute(store.db);
      await read();
      expect((await read()).rows).toEqual([{ a: 1 }]);
      // Another server's migration, say.
      await sql`alter table prep_s add column b int`.execute(plain.db);
      await expect(read()).rejects.toMatchObject({ code: '0A000' });
      expect((await read()).rows).toEqual([{ a: 1, b: null }]);
      expect((await read()).rows).toEqual([{ a: 1, b: null }]);
    });

    it('keeps at most 256 per connection: further texts still run, unnamed', async () => {
      for (let i = 0; i < 300; i++) {
        for (let k = 0; k < 2; k++) {
          const r = await sql<{ x: number }>`select ${k}::int as x, ${sql.lit(i)} as i`.execute(store.db);
          expect(r.rows[0]).toEqual({ x: k, i });
        }
      }
      expect((await preparedTexts(store)).length).toBeLessThanOrEqual(256);
    });

    it('can be turned off (GREENLIGHT_PG_PREPARED_STATEMENTS=off, or the store option)', async () => {
      for (let i = 0; i < 3; i++) await sql`select ${i}::int as z /* marker-c */`.execute(plain.db);
      expect(await preparedTexts(plain)).toEqual([]);
      expect(preparedStatementsEnabled({})).toBe(true);
      expect(preparedStatementsEnabled({ GREENLIGHT_PG_PREPARED_STATEMENTS: 'off' })).toBe(false);
      expect(preparedStatementsEnabled({ GREENLIGHT_PG_PREPARED_STATEMENTS: ' FALSE ' })).toBe(false);
      expect(preparedStatementsEnabled({ GREENLIGHT_PG_PREPARED_STATEMENTS: 'on' })).toBe(true);
    });

    it('transactions and errors behave as without it', async () => {
      await sql`create table prep_t (id int primary key, v text not null)`.execute(store.db);
      const insert = (id: number, v: string | null) =>
        store.db
          .transaction()
          .execute((tx) => sql`insert into prep_t (id, v) values (${id}, ${v})`.execute(tx));
      await insert(1, 'a');
      await insert(2, 'b');
      await expect(insert(1, 'dup')).rejects.toMatchObject({ code: '23505' });
      await expect(insert(3, null)).rejects.toMatchObject({ code: '23502' });
      await insert(4, 'd');
      const rows = await sql<{ id: number; v: string }>`select id, v from prep_t order by id`.execute(
        store.db,
      );
      expect(rows.rows).toEqual([
        { id: 1, v: 'a' },
        { id: 2, v: 'b' },
        { id: 4, v: 'd' },
      ]);
    });
  },
);
