import { PostgresAdapter, sql } from 'kysely';
import { canonicalJson } from '../core/canonical-json.js';
import { MAX_ENTRY_SIZE } from '../core/tlog/index.js';
import type { Tx } from '../store/db.js';

/** A log entry (transparency-log.md): public fields and digests only. */
export interface LogEntry {
  v: 1;
  type: string;
  at: string;
  actor: string;
  subject: Record<string, string>;
  data: Record<string, unknown>;
}

/**
 * Sequences one entry inside the caller's transaction: takes the next index from the single sequence row
 * (its row lock serializes writers across servers, so indexes have no gaps and no duplicates) and stores the
 * canonical entry bytes. Integration (hashes, tiles, checkpoints) runs behind, outside the transaction.
 *
 * `rows` are more rows inserted with the index in their `indexColumn` (the event the entry logs, and the record
 * the event created). On PostgreSQL all the writes are one statement (a data-modifying CTE): one round trip
 * instead of two or more inside transactions that hold the sequence lock, which is what bounds durable writes
 * per second.
 */
export async function sequenceEntry(
  tx: Tx,
  entry: LogEntry,
  rows: readonly SequencedRow[] = [],
): Promise<{ index: number; bytes: string }> {
  const bytes = canonicalJson(entry);
  if (Buffer.byteLength(bytes, 'utf8') > MAX_ENTRY_SIZE) {
    throw new Error(`log entry of type ${entry.type} exceeds ${MAX_ENTRY_SIZE} bytes`);
  }
  if (rows.length > 0 && tx.getExecutor().adapter instanceof PostgresAdapter) {
    const inserts = rows.map((row, i) => {
      const columns = Object.keys(row.values);
      return sql`${sql.raw(`row${i}`)} as (
        insert into ${sql.table(row.table)} (${sql.ref(row.indexColumn)}, ${sql.join(columns.map((c) => sql.ref(c)))})
        select idx, ${sql.join(columns.map((c) => sql`${row.values[c]}`))} from seq
      )`;
    });
    const r = await sql<{ idx: unknown }>`with seq as (
        update log_state set next_index = next_index + 1 where id = 1 returning next_index - 1 as idx
      ), entry as (
        insert into log_entries (idx, entry) select idx, ${bytes} from seq
      ), ${sql.join(inserts)}
      select idx from seq`.execute(tx);
    return { index: Number(r.rows[0]!.idx), bytes };
  }
  const seq = await tx
    .updateTable('log_state')
    .set((eb) => ({ next_index: eb('next_index', '+', 1) }))
    .where('id', '=', 1)
    .returning('next_index')
    .executeTakeFirstOrThrow();
  const index = Number(seq.next_index) - 1;
  await tx.insertInto('log_entries').values({ idx: index, entry: bytes }).execute();
  for (const row of rows) {
    await sql`insert into ${sql.table(row.table)} (${sql.ref(row.indexColumn)}, ${sql.join(
      Object.keys(row.values).map((c) => sql.ref(c)),
    )}) values (${index}, ${sql.join(Object.values(row.values).map((v) => sql`${v}`))})`.execute(tx);
  }
  return { index, bytes };
}

/** A row stored with a sequenced entry's index (see sequenceEntry). */
export interface SequencedRow {
  table: string;
  indexColumn: string;
  values: Record<string, string | number | null>;
}
