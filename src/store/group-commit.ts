/**
 * Group commit: write jobs that arrive while a commit is in progress are run together in the next transaction,
 * each inside its own savepoint, and acknowledged after that transaction's one commit. A job that fails is
 * rolled back to its savepoint alone; the others in its batch still commit. Nothing is acknowledged before the
 * commit that makes it durable returns, so kill -9 at any moment loses no acknowledged write.
 *
 * Equivalent to running the jobs one after another in separate transactions, in queue order (each sees the
 * writes of the jobs before it), but with one fsync (SQLite) or one WAL flush and lock round (PostgreSQL) per
 * batch instead of per job: the durable write rate stops being bounded by the commit latency.
 */
import type { Kysely, Transaction } from 'kysely';

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

  async function runBatch(batch: Job<DB>[]): Promise<void> {
    const outcomes: { ok: boolean; value: unknown }[] = [];
    let trx: Awaited<ReturnType<ReturnType<Kysely<DB>['startTransaction']>['execute']>>;
    try {
      trx = await db.startTransaction().execute();
    } catch (e) {
      for (const job of batch) job.reject(e);
      return;
    }
    try {
      if (options.begin) await options.begin(trx);
      for (const job of batch) {
        const sp = await trx.savepoint('job').execute();
        try {
          const value = await job.fn(sp);
          await sp.releaseSavepoint('job').execute();
          outcomes.push({ ok: true, value });
        } catch (e) {
          // If this fails too the transaction is unusable: the outer catch fails the whole batch.
          await sp.rollbackToSavepoint('job').execute();
          await sp.releaseSavepoint('job').execute();
          outcomes.push({ ok: false, value: e });
        }
      }
      await trx.commit().execute();
    } catch (e) {
      await trx
        .rollback()
        .execute()
        .catch(() => {});
      for (const job of batch) job.reject(e);
      return;
    }
    batch.forEach((job, i) => {
      const o = outcomes[i]!;
      if (o.ok) job.resolve(o.value);
      else job.reject(o.value);
    });
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
