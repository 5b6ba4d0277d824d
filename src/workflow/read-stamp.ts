/**
 * Read stamps: a short string that changes whenever a public read answer may change, so that a server can keep
 * serialized answers and check them with one indexed lookup instead of rebuilding them.
 *
 * - `registry`: the log's next index (every change the registry shows records an event in the same transaction)
 *   and the access change counter, plus the current second (answers carry time left on open clocks).
 * - `{submission}`: the submission's latest event (every change to it, its decisions, signatures and appeals
 *   records one with its `submission_id`), plus the current second.
 *
 * The stamp is read before the answer is built: a change committed in between only leaves a newer answer under
 * an older stamp (rebuilt at the next read), never an older answer under a newer stamp. Both queries are
 * compiled once.
 */
import { type CompiledQuery, sql } from 'kysely';
import type { Ctx } from './context.js';

export type ReadSubject = 'registry' | { submission: string };

export function createReadStamps(ctx: Ctx): (subject: ReadSubject) => Promise<string> {
  const db = ctx.store.db;
  const registry = sql<{ next_index: unknown; counter: unknown }>`select
      (select next_index from log_state where id = 1) as next_index,
      (select value from change_counter where id = 1) as counter`.compile(db);
  const submission = db
    .selectFrom('events')
    .select((eb) => eb.fn.max('log_index').as('latest'))
    .where('submission_id', '=', '')
    .compile();
  const second = () => Math.floor(ctx.now().getTime() / 1000);
  const readSync = ctx.store.readSync;
  if (readSync) {
    // SQLite file: the same reads on the store's read-only connection, without a trip through the query queue.
    return async (subject) => {
      if (subject === 'registry') {
        const row = readSync<{ next_index: unknown; counter: unknown }>(registry.sql);
        return `r:${row?.next_index}:${row?.counter}:${second()}`;
      }
      const row = readSync<{ latest: unknown }>(submission.sql, [subject.submission]);
      return `s:${row?.latest ?? ''}:${second()}`;
    };
  }
  return async (subject) => {
    if (subject === 'registry') {
      const row = (await db.executeQuery(registry)).rows[0];
      return `r:${row?.next_index}:${row?.counter}:${second()}`;
    }
    const q: CompiledQuery<{ latest: unknown }> = { ...submission, parameters: [subject.submission] };
    const row = (await db.executeQuery(q)).rows[0];
    return `s:${row?.latest ?? ''}:${second()}`;
  };
}
