/**
 * The access change log (table `access_changes`, migration 0006), written by the workflow and read by the sync
 * loop (./sync.ts).
 *
 * `change_counter` is bumped in the same transaction as every change that can alter an access answer; the bump
 * row-locks the counter until commit, so counter values commit in order. With the bump, a write records what it
 * touched under the counter's new value: `{models?, grants?, incidents?, orgs?}` (ids). A reader that saw
 * counter N and now sees M applies the rows N+1..M; when they do not cover every value (a bump that recorded
 * nothing, rows pruned) it reloads everything instead.
 */
import { sql } from 'kysely';
import type { Tx } from '../store/db.js';

/** What one write touched that access answers depend on (ids; a model covers its versions and incidents). */
export interface AccessTouched {
  models?: readonly string[];
  grants?: readonly string[];
  incidents?: readonly string[];
  orgs?: readonly string[];
}

/** Rows kept behind the counter; a reader further behind reloads everything. */
export const ACCESS_CHANGES_KEPT = 10_000;
/** Writers prune once every this many bumps. */
const PRUNE_EVERY = 1_000;

/** Records what the transaction's bump to `counter` touched (call after bumping, in the same transaction). */
export async function recordAccessChange(tx: Tx, counter: number, touched: AccessTouched): Promise<void> {
  await sql`insert into access_changes (counter, changes) values (${counter}, ${JSON.stringify(touched)})`.execute(
    tx,
  );
  if (counter % PRUNE_EVERY === 0)
    await sql`delete from access_changes where counter <= ${counter - ACCESS_CHANGES_KEPT}`.execute(tx);
}
