import { canonicalJson } from '../core/canonical-json.js';
import type { Tx } from '../store/db.js';

export const MAX_ENTRY_BYTES = 65_535;

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
 */
export async function sequenceEntry(tx: Tx, entry: LogEntry): Promise<{ index: number; bytes: string }> {
  const bytes = canonicalJson(entry);
  if (new TextEncoder().encode(bytes).length > MAX_ENTRY_BYTES) {
    throw new Error(`log entry of type ${entry.type} exceeds ${MAX_ENTRY_BYTES} bytes`);
  }
  const row = await tx
    .updateTable('log_state')
    .set((eb) => ({ next_index: eb('next_index', '+', 1) }))
    .where('id', '=', 1)
    .returning('next_index')
    .executeTakeFirstOrThrow();
  const index = Number(row.next_index) - 1;
  await tx.insertInto('log_entries').values({ idx: index, entry: bytes }).execute();
  return { index, bytes };
}
