/** Test helpers for the log: sequencing entries the way the workflow does. */
import type { Store } from '../../store/db.js';
import { sequenceEntry } from '../sequence.js';

/** Sequences `count` small entries (`subject.n` = `${tag}${i}`), 500 per transaction. */
export async function appendEntries(store: Store, count: number, tag = 'e'): Promise<void> {
  for (let o = 0; o < count; o += 500) {
    await store.db.transaction().execute(async (tx) => {
      for (let i = o; i < Math.min(count, o + 500); i++) {
        await sequenceEntry(tx, {
          v: 1,
          type: 'test.event',
          at: '2026-01-01T00:00:00.000Z',
          actor: 'public',
          subject: { n: `${tag}${i}` },
          data: {},
        });
      }
    });
  }
}
