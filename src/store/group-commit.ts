/**
 * Group commit: write jobs that arrive while a commit is in progress are run together in the next transaction
 * and acknowledged after that transaction's one commit. When a job fails, the batch is rolled back and its jobs
 * run again one transaction each: a failed job leaves nothing behind and the others still commit. Nothing is
 * acknowledged before the commit that makes it durable returns, so kill -9 at any moment loses no acknowledged
 * write.
 *
 * Equivalent to running the jobs one after another in separate transactions, in queue order (each sees the
 * writes of the jobs before it), but with one fsync (SQLite) or one WAL flush and lock round (PostgreSQL) per
 * batch instead of per job: the durable write rate stops being bounded by the commit latency.
 */
import type { ControlledTransaction, Kysely, Transaction } from 'kysely';

export interface GroupCommitOptions<DB> {
  /** Run first in each batch's transaction (e.g. take the log's sequence row lock). */
  begin?: (tx: Transaction<DB>) => Promise<void>;
  /** Most jobs in one transaction (default 64). */
  maxBatch?: number;
}

interface Job<DB> {
  fn: (tx: Transaction<DB>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

export type WriteFn<DB> = <T>(fn: (tx: Transaction<DB>) => Promise<T>) => Promise<T>;

export function groupCommit<DB>(db: Kysely<DB>, options: GroupCommitOptions<DB> = {}): WriteFn<DB> {
  const maxBatch = options.maxBatch ?? 64;
  const queue: Job<DB>[] = [];
  let running = false;

  /**
   * Runs `batch` in one transaction. All succeed: commit, then acknowledge. One fails: roll the whole transaction
   * back and run each job again alone (its own transaction), so that a failed job leaves nothing behind and the
   * others do not depend on it. Savepoints would do the same at two more statements per job on every batch;
   * failures inside a write are rare (most input errors are found before it), so they pay instead.
   */
  async function runBatch(batch: Job<DB>[]): Promise<void> {
    const values: unknown[] = [];
    let failure: { error: unknown } | undefined;
    let trx: ControlledTransaction<DB>;
    try {
      trx = await db.startTransaction().execute();
    } catch (e) {
      for (const job of batch) job.reject(e);
      return;
    }
    try {
      if (options.begin) await options.begin(trx);
      for (const job of batch) {
        try {
          values.push(await job.fn(trx));
        } catch (e) {
          failure = { error: e };
          break;
        }
      }
      if (failure === undefined) await trx.commit().execute();
    } catch (e) {
      failure = { error: e };
    }
    if (failure === undefined) {
      for (let i = 0; i < batch.length; i++) batch[i]!.resolve(values[i]);
      return;
    }
    await trx
      .rollback()
      .execute()
      .catch(() => {});
    if (batch.length === 1) {
      batch[0]!.reject(failure.error);
      return;
    }
    for (const job of batch) await runBatch([job]);
  }

  async function drain(): Promise<void> {
    try {
      while (queue.length > 0) await runBatch(queue.splice(0, maxBatch));
    } finally {
      running = false;
    }
  }

  return <T>(fn: (tx: Transaction<DB>) => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!running) {
        // Start after the requests already read in this turn of the event loop have queued their jobs too.
        running = true;
        setImmediate(() => void drain());
      }
    });
}
