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
});
