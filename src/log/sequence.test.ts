import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { openStore, type Store } from '../store/db.js';
import { describeOnEachDatabase, freshDatabase, type TestDatabase } from '../store/test-helpers/databases.js';
import { sequenceEntry } from './sequence.js';

describeOnEachDatabase('log sequencing', (dialect) => {
  let tdb: TestDatabase;
  const stores: Store[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    await tdb?.cleanup();
  });

  it('gives gap-free, duplicate-free indexes under concurrent transactions from two connections', async () => {
    tdb = freshDatabase(dialect);
    const a = await tdb.open();
    stores.push(a);
    // On PostgreSQL a second store stands for a second server process; SQLite is one server's embedded file.
    const b = dialect === 'postgres' ? await openStore(tdb.url, { schema: tdb.schema! }) : a;
    if (b !== a) stores.push(b);
    const writes = Array.from({ length: 60 }, (_, i) =>
      (i % 2 ? a : b).db.transaction().execute(async (tx) => {
        const { index } = await sequenceEntry(tx, {
          v: 1,
          type: 't',
          at: 'now',
          actor: 'clock',
          subject: {},
          data: { i },
        });
        if (i % 7 === 0) throw new Error('rolled back');
        return index;
      }),
    );
    const settled = await Promise.allSettled(writes);
    const committed = settled
      .filter((s) => s.status === 'fulfilled')
      .map((s) => (s as PromiseFulfilledResult<number>).value);
    const rows = await a.db.selectFrom('log_entries').select('idx').orderBy('idx').execute();
    expect(rows.map((r) => Number(r.idx))).toEqual(committed.sort((x, y) => x - y));
    expect(rows.map((r) => Number(r.idx))).toEqual(rows.map((_, i) => i));
  });

  it("stores rows with the entry's index in the same transaction (one statement on PostgreSQL)", async () => {
    tdb = freshDatabase(dialect);
    const store = await tdb.open();
    stores.push(store);
    await sql`create table seq_rows_a (idx integer not null, note text)`.execute(store.db);
    await sql`create table seq_rows_b (at_index integer not null, n integer not null, flag text)`.execute(
      store.db,
    );
    const entry = (i: number) => ({
      v: 1 as const,
      type: 't',
      at: 'now',
      actor: 'c',
      subject: {},
      data: { i },
    });
    const append = (i: number, n: number | null) =>
      store.db.transaction().execute((tx) =>
        sequenceEntry(tx, entry(i), [
          { table: 'seq_rows_a', indexColumn: 'idx', values: { note: `note ${i}` } },
          { table: 'seq_rows_b', indexColumn: 'at_index', values: { n, flag: null } },
        ]),
      );
    expect((await append(0, 0)).index).toBe(0);
    expect((await append(1, 10)).index).toBe(1);
    // A failing row (NOT NULL) leaves neither the entry, nor the other row, nor a used index behind.
    await expect(append(2, null)).rejects.toThrow();
    expect((await append(3, 30)).index).toBe(2);
    const a = await sql<{ idx: number; note: string }>`select idx, note from seq_rows_a order by idx`.execute(
      store.db,
    );
    const b = await sql<{
      at_index: number;
      n: number;
    }>`select at_index, n from seq_rows_b order by at_index`.execute(store.db);
    const entries = await store.db
      .selectFrom('log_entries')
      .select(['idx', 'entry'])
      .orderBy('idx')
      .execute();
    expect(a.rows.map((r) => [Number(r.idx), r.note])).toEqual([
      [0, 'note 0'],
      [1, 'note 1'],
      [2, 'note 3'],
    ]);
    expect(b.rows.map((r) => [Number(r.at_index), Number(r.n)])).toEqual([
      [0, 0],
      [1, 10],
      [2, 30],
    ]);
    expect(entries.map((e) => [Number(e.idx), JSON.parse(e.entry).data.i])).toEqual([
      [0, 0],
      [1, 1],
      [2, 3],
    ]);
  });
});
