import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Store } from './db.js';
import { groupCommit } from './group-commit.js';
import { describeOnEachDatabase, freshDatabase, type TestDatabase } from './test-helpers/databases.js';

const org = (id: string) => ({
  id,
  name: id,
  jurisdiction: 'US',
  verified: 1,
  created_at: '2026-01-01T00:00:00.000Z',
});

describeOnEachDatabase('group commit', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    db = freshDatabase(dialect);
    store = await db.open();
  });
  afterAll(async () => {
    await store?.close();
    await db?.cleanup();
  });

  it('commits concurrent jobs in fewer transactions than jobs', async () => {
    let batches = 0;
    const write = groupCommit(store.db, {
      begin: async () => {
        batches++;
      },
    });
    const values = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        write(async (tx) => {
          await tx
            .insertInto('orgs')
            .values(org(`many-${i}`))
            .execute();
          return i;
        }),
      ),
    );
    expect(values).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(batches).toBeGreaterThan(0);
    expect(batches).toBeLessThan(5);
    const rows = await store.db.selectFrom('orgs').select('id').where('id', 'like', 'many-%').execute();
    expect(rows).toHaveLength(40);
  });

  it('a failing job leaves nothing behind; the others of its batch still commit', async () => {
    const write = groupCommit(store.db);
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        write(async (tx) => {
          await tx
            .insertInto('orgs')
            .values(org(`gc-${i}`))
            .execute();
          if (i % 10 === 3) {
            await tx
              .insertInto('orgs')
              .values(org(`gc-failed-${i}`))
              .execute();
            await tx
              .insertInto('orgs')
              .values(org(`gc-${i}`))
              .execute(); // duplicate key: this job fails
          }
          if (i === 17) throw new Error('refused after writing'); // a business error inside the write
          return i;
        }),
      ),
    );
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
    expect(failed).toEqual([3, 13, 17, 23, 33]);
    const ids = (await store.db.selectFrom('orgs').select('id').where('id', 'like', 'gc-%').execute())
      .map((r) => r.id)
      .sort();
    expect(ids).toHaveLength(35);
    expect(ids.some((id) => id.startsWith('gc-failed'))).toBe(false);
    for (const i of failed) expect(ids).not.toContain(`gc-${i}`);
  });

  it('runs jobs in queue order, each seeing the writes of those before it', async () => {
    const write = groupCommit(store.db);
    const seen = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        write(async (tx) => {
          const before = await tx.selectFrom('orgs').select('id').where('id', 'like', 'seq-%').execute();
          await tx
            .insertInto('orgs')
            .values(org(`seq-${i}`))
            .execute();
          return before.length;
        }),
      ),
    );
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('acknowledges nothing of a batch whose transaction cannot commit', async () => {
    const write = groupCommit(store.db, {
      begin: async () => {
        throw new Error('lock refused');
      },
    });
    const results = await Promise.allSettled([
      write(async (tx) => tx.insertInto('orgs').values(org('never-1')).execute()),
      write(async (tx) => tx.insertInto('orgs').values(org('never-2')).execute()),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    const rows = await store.db.selectFrom('orgs').select('id').where('id', 'like', 'never-%').execute();
    expect(rows).toEqual([]);
  });

  it('rejects every job when no transaction can be started (the store is closed)', async () => {
    const closed = await db.open();
    await closed.close();
    const write = groupCommit(closed.db);
    const results = await Promise.allSettled([
      write(async (tx) => tx.insertInto('orgs').values(org('closed-1')).execute()),
      write(async (tx) => tx.insertInto('orgs').values(org('closed-2')).execute()),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
