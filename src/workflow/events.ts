/**
 * Records one event: its row in `events` and its canonical log entry, with the same index, in the caller's
 * transaction. `also`: rows the event created that store the same index (written in the same statement on
 * PostgreSQL).
 */
import { type SequencedRow, sequenceEntry } from '../log/sequence.js';
import type { Tx } from '../store/db.js';
import type { EventType } from './types.js';

export interface EventInput {
  type: EventType;
  at: string;
  actor: string;
  reason?: string | null;
  /** Ids of what the event is about (public). */
  subject: Record<string, string>;
  /** Public fields and digests only. */
  data?: Record<string, unknown>;
  submission_id?: string | null;
  appeal_id?: string | null;
  model_id?: string | null;
  incident_id?: string | null;
}

export async function recordEvent(tx: Tx, e: EventInput, ...also: SequencedRow[]): Promise<number> {
  const data = dropUndefined({ ...(e.data ?? {}), ...(e.reason ? { reason: e.reason } : {}) });
  const { index } = await sequenceEntry(
    tx,
    { v: 1, type: e.type, at: e.at, actor: e.actor, subject: e.subject, data },
    [
      {
        table: 'events',
        indexColumn: 'log_index',
        values: {
          type: e.type,
          at: e.at,
          actor: e.actor,
          reason: e.reason ?? null,
          submission_id: e.submission_id ?? null,
          appeal_id: e.appeal_id ?? null,
          model_id: e.model_id ?? null,
          incident_id: e.incident_id ?? null,
          subject: JSON.stringify(e.subject),
          data: JSON.stringify(data),
        },
      },
      ...also,
    ],
  );
  return index;
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}
