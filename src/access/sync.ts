/**
 * Keeping an in-memory checker current from the database.
 *
 * `loadAccessSnapshot(store)` reads everything an access answer depends on (orgs, models and versions with the
 * governing conclusion, frameworks' tiers, open restricting incidents, unrevoked grants) in one read transaction
 * (REPEATABLE READ on PostgreSQL), together with `change_counter`.
 *
 * `startAccessSync(store, checker, {intervalMs})` loads once, then polls a one-row fingerprint every `intervalMs`
 * (default 250 ms): `change_counter`, bumped in the same transaction as every change that can alter an answer.
 * A first submission creates a model without bumping it (it alters no answer but the developer's own, and the
 * server looks models unknown to the index up in the database), so a burst of submissions causes no reloads.
 * When the counter moved, it reloads the snapshot and swaps it in. With several servers on one PostgreSQL each sees the others' changes within
 * `intervalMs` plus one reload.
 */
import { sql } from 'kysely';
import type { Store } from '../store/db.js';
import type { JurisdictionConditions } from '../workflow/types.js';
import type {
  AccessChecker,
  AccessSnapshot,
  SnapshotFramework,
  SnapshotModel,
  SnapshotVersion,
} from './checker.js';
import type { AccessKind } from './rules.js';

export async function loadAccessSnapshot(store: Store): Promise<AccessSnapshot> {
  let tx = store.db.transaction();
  if (store.dialect === 'postgres') tx = tx.setIsolationLevel('repeatable read');
  return tx.execute(async (q) => {
    const counterRow = await q
      .selectFrom('change_counter')
      .select('value')
      .where('id', '=', 1)
      .executeTakeFirst();
    const orgs = await q.selectFrom('orgs').select(['id', 'jurisdiction', 'verified']).execute();
    const models = await q.selectFrom('models').select(['id', 'org_id', 'current_version']).execute();
    const versions = await q
      .selectFrom('model_versions')
      .select([
        'model_id',
        'version',
        'withdrawn_at',
        'approved_tier',
        'governing_ref',
        'conditions',
        'framework_id',
        'framework_version',
      ])
      .execute();
    const used = new Set(
      versions
        .filter((v) => v.framework_id !== null)
        .map((v) => `${v.framework_id}\u0000${v.framework_version}`),
    );
    const frameworks: SnapshotFramework[] = [];
    if (used.size > 0) {
      const rows = await q.selectFrom('frameworks').select(['id', 'version', 'document']).execute();
      for (const r of rows) {
        if (!used.has(`${r.id}\u0000${r.version}`)) continue;
        const doc = JSON.parse(r.document) as { tiers?: { id: string; access: AccessKind }[] };
        frameworks.push({
          id: r.id,
          version: r.version,
          tiers: (doc.tiers ?? []).map((t) => ({ id: t.id, access: t.access })),
        });
      }
    }
    const incidents = await q
      .selectFrom('incidents')
      .select(['id', 'model_id', 'version', 'max_tier'])
      .where('status', '=', 'classified')
      .where('max_tier', 'is not', null)
      .execute();
    const grants = await q
      .selectFrom('grants')
      .select(['id', 'model_id', 'org_id', 'tier', 'expires_at', 'created_at'])
      .where('revoked_at', 'is', null)
      .execute();

    const byModel = new Map<string, SnapshotModel>();
    const snapModels: SnapshotModel[] = models.map((m) => {
      const sm: SnapshotModel = { id: m.id, org: m.org_id, current_version: m.current_version, versions: [] };
      byModel.set(m.id, sm);
      return sm;
    });
    for (const v of versions) {
      const sv: SnapshotVersion = {
        version: v.version,
        withdrawn: v.withdrawn_at !== null,
        approved_tier: v.approved_tier,
        ref: v.governing_ref,
        conditions: v.conditions ? (JSON.parse(v.conditions) as JurisdictionConditions) : null,
        framework:
          v.framework_id !== null && v.framework_version !== null
            ? { id: v.framework_id, version: v.framework_version }
            : null,
      };
      byModel.get(v.model_id)?.versions.push(sv);
    }
    return {
      counter: counterRow ? Number(counterRow.value) : 0,
      frameworks,
      orgs: orgs.map((o) => ({ id: o.id, jurisdiction: o.jurisdiction, verified: Number(o.verified) === 1 })),
      models: snapModels,
      incidents: incidents.map((i) => ({
        id: i.id,
        model: i.model_id,
        version: i.version,
        max_tier: i.max_tier!,
      })),
      grants: grants.map((g) => ({
        id: g.id,
        model: g.model_id,
        org: g.org_id,
        tier: g.tier,
        expires_at: g.expires_at,
        created_at: g.created_at,
      })),
    };
  });
}

/** The cheap one-row read the sync loop polls. */
export async function accessFingerprint(store: Store): Promise<string> {
  const r = await sql<{ counter: unknown }>`select value as counter from change_counter where id = 1`.execute(
    store.db,
  );
  return String(Number(r.rows[0]?.counter ?? 0));
}

export interface AccessSyncOptions {
  /** Milliseconds between polls of the fingerprint (default 250). */
  intervalMs?: number;
  onError?: (e: unknown) => void;
  /** Called after each (re)load. */
  onReload?: (snapshot: AccessSnapshot) => void;
}

export interface AccessSync {
  /** Resolves when the first snapshot is loaded (rejects when it could not be). */
  ready: Promise<void>;
  /** Polls now and reloads when the fingerprint moved (or always with `force`). */
  refresh(force?: boolean): Promise<void>;
  /** Stops polling; waits for a poll in progress. */
  stop(): Promise<void>;
}

export function startAccessSync(
  store: Store,
  checker: Pick<AccessChecker, 'replace'>,
  options: AccessSyncOptions = {},
): AccessSync {
  const intervalMs = options.intervalMs ?? 250;
  const onError = options.onError ?? (() => {});
  let seen: string | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const poll = async (force: boolean) => {
    const fp = await accessFingerprint(store);
    if (!force && fp === seen) return;
    const snapshot = await loadAccessSnapshot(store);
    checker.replace(snapshot);
    seen = fp;
    options.onReload?.(snapshot);
  };
  // Serialize polls: a refresh waits for the one in progress.
  const run = (force: boolean) => {
    const next = running.then(() => poll(force));
    running = next.catch(() => {});
    return next;
  };
  const schedule = () => {
    if (stopped || intervalMs <= 0) return;
    timer = setTimeout(() => {
      run(false).catch(onError).finally(schedule);
    }, intervalMs);
    timer.unref();
  };
  const ready = run(true);
  ready.then(schedule, () => schedule());
  return {
    ready,
    refresh: (force = false) => run(force),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
