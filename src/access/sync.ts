/**
 * Keeping an in-memory checker current from the database.
 *
 * `loadAccessSnapshot(store)` reads everything an access answer depends on (orgs, models and versions with the
 * governing conclusion, frameworks' tiers, open restricting incidents, unrevoked grants) in one read transaction
 * (REPEATABLE READ on PostgreSQL), together with `change_counter`.
 *
 * `loadAccessChanges(store, since)` reads, in one such transaction, only what changed after counter `since`: the
 * access change log (./changes.ts) names the models, grants, incidents and organisations each bump touched, and
 * their current rows become checker changes (`apply`). It returns null when the log cannot bridge the gap (a bump
 * that recorded nothing, rows pruned, too many changes): reload the whole snapshot then.
 *
 * `startAccessSync(store, checker, {intervalMs})` loads once, then polls a one-row fingerprint every `intervalMs`
 * (default 250 ms): `change_counter`, bumped in the same transaction as every change that can alter an answer.
 * When the counter moved it applies the changes since the counter it last saw, and reloads the whole snapshot
 * only when they cannot be read. A first submission creates a model without bumping it (it alters no answer but
 * the developer's own, and the server looks models unknown to the index up in the database), so a burst of
 * submissions causes no work. With several servers on one PostgreSQL each sees the others' changes within
 * `intervalMs` plus the few milliseconds of reading and applying them.
 */
import { sql } from 'kysely';
import type { Store } from '../store/db.js';
import type { JurisdictionConditions } from '../workflow/types.js';
import { ACCESS_CHANGES_KEPT, type AccessTouched } from './changes.js';
import type {
  AccessChange,
  AccessChecker,
  AccessSnapshot,
  SnapshotFramework,
  SnapshotGrant,
  SnapshotIncident,
  SnapshotModel,
  SnapshotOrg,
  SnapshotVersion,
} from './checker.js';
import type { AccessKind } from './rules.js';

// ---- rows → snapshot parts (shared by the whole load and the incremental one) ----

const VERSION_COLUMNS = [
  'model_id',
  'version',
  'withdrawn_at',
  'approved_tier',
  'governing_ref',
  'conditions',
  'framework_id',
  'framework_version',
] as const;

function snapshotVersion(v: {
  version: string;
  withdrawn_at: string | null;
  approved_tier: string | null;
  governing_ref: string | null;
  conditions: string | null;
  framework_id: string | null;
  framework_version: string | null;
}): SnapshotVersion {
  return {
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
}

function snapshotFramework(r: { id: string; version: string; document: string }): SnapshotFramework {
  const doc = JSON.parse(r.document) as { tiers?: { id: string; access: AccessKind }[] };
  return {
    id: r.id,
    version: r.version,
    tiers: (doc.tiers ?? []).map((t) => ({ id: t.id, access: t.access })),
  };
}

function snapshotOrg(o: { id: string; jurisdiction: string; verified: unknown }): SnapshotOrg {
  return { id: o.id, jurisdiction: o.jurisdiction, verified: Number(o.verified) === 1 };
}

function snapshotIncident(i: {
  id: string;
  model_id: string;
  version: string | null;
  max_tier: string | null;
}): SnapshotIncident {
  return { id: i.id, model: i.model_id, version: i.version, max_tier: i.max_tier! };
}

function snapshotGrant(g: {
  id: string;
  model_id: string;
  org_id: string;
  tier: string;
  expires_at: string | null;
  created_at: string;
}): SnapshotGrant {
  return {
    id: g.id,
    model: g.model_id,
    org: g.org_id,
    tier: g.tier,
    expires_at: g.expires_at,
    created_at: g.created_at,
  };
}

export async function loadAccessSnapshot(store: Store): Promise<AccessSnapshot> {
  let tx = store.db.transaction();
  if (store.dialect === 'postgres') tx = tx.setIsolationLevel('repeatable read');
  return tx.execute(async (q) => {
    const counter = await accessCounter(q);
    const orgs = await q.selectFrom('orgs').select(['id', 'jurisdiction', 'verified']).execute();
    const models = await q.selectFrom('models').select(['id', 'org_id', 'current_version']).execute();
    const versions = await q.selectFrom('model_versions').select(VERSION_COLUMNS).execute();
    const used = new Set(
      versions
        .filter((v) => v.framework_id !== null)
        .map((v) => `${v.framework_id}\u0000${v.framework_version}`),
    );
    const frameworks: SnapshotFramework[] = [];
    if (used.size > 0) {
      const rows = await q.selectFrom('frameworks').select(['id', 'version', 'document']).execute();
      for (const r of rows) if (used.has(`${r.id}\u0000${r.version}`)) frameworks.push(snapshotFramework(r));
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
    for (const v of versions) byModel.get(v.model_id)?.versions.push(snapshotVersion(v));
    return {
      counter,
      frameworks,
      orgs: orgs.map(snapshotOrg),
      models: snapModels,
      incidents: incidents.map(snapshotIncident),
      grants: grants.map(snapshotGrant),
    };
  });
}

async function accessCounter(q: Store['db']): Promise<number> {
  const r = await sql<{ counter: unknown }>`select value as counter from change_counter where id = 1`.execute(
    q,
  );
  return Number(r.rows[0]?.counter ?? 0);
}

/** Changes since a counter (`loadAccessChanges`). */
export interface AccessDelta {
  /** The change_counter value the changes bring the index to. */
  counter: number;
  /** In the order to apply them: frameworks, orgs, models, incidents, grants. */
  changes: AccessChange[];
}

/** Above this many touched ids a whole reload is cheaper. */
const MAX_DELTA_IDS = 100_000;
/** Ids per `in (...)` list. */
const CHUNK = 500;

async function inChunks<T>(ids: readonly string[], read: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await read(ids.slice(i, i + CHUNK))));
  return out;
}

/**
 * What changed after counter `since`, as checker changes, read in one transaction; null when the change log does
 * not cover every counter value since (then reload everything). `frameworks` (`id\u0000version` keys) are the
 * frameworks the checker already has; others that changed models refer to are read and added to the set.
 */
export async function loadAccessChanges(
  store: Store,
  since: number,
  frameworks: Set<string> = new Set(),
): Promise<AccessDelta | null> {
  let tx = store.db.transaction();
  if (store.dialect === 'postgres') tx = tx.setIsolationLevel('repeatable read');
  return tx.execute(async (q) => {
    const counter = await accessCounter(q);
    if (counter === since) return { counter, changes: [] };
    if (counter < since || counter - since > ACCESS_CHANGES_KEPT) return null;
    const log = await sql<{ counter: unknown; changes: string }>`
      select counter, changes from access_changes where counter > ${since} and counter <= ${counter}`.execute(
      q,
    );
    if (log.rows.length !== counter - since) return null;
    const touched = { models: new Set<string>(), grants: new Set<string>(), incidents: new Set<string>() };
    const orgIds = new Set<string>();
    for (const row of log.rows) {
      let t: AccessTouched;
      try {
        t = JSON.parse(row.changes) as AccessTouched;
      } catch {
        return null; // an unreadable record: reload everything rather than stall every poll on it
      }
      for (const id of t.models ?? []) touched.models.add(id);
      for (const id of t.grants ?? []) touched.grants.add(id);
      for (const id of t.incidents ?? []) touched.incidents.add(id);
      for (const id of t.orgs ?? []) orgIds.add(id);
    }
    if (touched.models.size + touched.grants.size + touched.incidents.size + orgIds.size > MAX_DELTA_IDS)
      return null;
    const changes: AccessChange[] = [];

    // Models: the model, all its versions, its open restricting incidents (frameworks first when new).
    const modelIds = [...touched.models];
    const models = await inChunks(modelIds, (ids) =>
      q.selectFrom('models').select(['id', 'org_id', 'current_version']).where('id', 'in', ids).execute(),
    );
    const versions = await inChunks(modelIds, (ids) =>
      q.selectFrom('model_versions').select(VERSION_COLUMNS).where('model_id', 'in', ids).execute(),
    );
    const modelIncidents = await inChunks(modelIds, (ids) =>
      q
        .selectFrom('incidents')
        .select(['id', 'model_id', 'version', 'max_tier'])
        .where('model_id', 'in', ids)
        .where('status', '=', 'classified')
        .where('max_tier', 'is not', null)
        .execute(),
    );
    const newFrameworks = new Set<string>();
    for (const v of versions)
      if (v.framework_id !== null && v.framework_version !== null) {
        const key = `${v.framework_id}\u0000${v.framework_version}`;
        if (!frameworks.has(key)) newFrameworks.add(key);
      }
    if (newFrameworks.size > 0) {
      const ids = [...new Set([...newFrameworks].map((k) => k.split('\u0000')[0]!))];
      const rows = await inChunks(ids, (chunk) =>
        q.selectFrom('frameworks').select(['id', 'version', 'document']).where('id', 'in', chunk).execute(),
      );
      for (const r of rows) {
        const key = `${r.id}\u0000${r.version}`;
        if (!newFrameworks.has(key)) continue;
        changes.push({ kind: 'framework', framework: snapshotFramework(r) });
        frameworks.add(key);
      }
    }

    // Organisations (never deleted).
    if (orgIds.size > 0) {
      const rows = await inChunks([...orgIds], (ids) =>
        q.selectFrom('orgs').select(['id', 'jurisdiction', 'verified']).where('id', 'in', ids).execute(),
      );
      for (const o of rows) changes.push({ kind: 'org', org: snapshotOrg(o) });
    }

    const byModel = new Map<string, SnapshotModel>();
    const incidentsOf = new Map<string, SnapshotIncident[]>();
    for (const m of models) {
      byModel.set(m.id, { id: m.id, org: m.org_id, current_version: m.current_version, versions: [] });
      incidentsOf.set(m.id, []);
    }
    for (const v of versions) byModel.get(v.model_id)?.versions.push(snapshotVersion(v));
    for (const i of modelIncidents) incidentsOf.get(i.model_id)?.push(snapshotIncident(i));
    for (const m of byModel.values())
      changes.push({ kind: 'model', model: m, incidents: incidentsOf.get(m.id)! });

    // Incidents of other models: open (classified with a max tier) or closed.
    const incidentIds = [...touched.incidents];
    if (incidentIds.length > 0) {
      const rows = await inChunks(incidentIds, (ids) =>
        q
          .selectFrom('incidents')
          .select(['id', 'model_id', 'version', 'max_tier', 'status'])
          .where('id', 'in', ids)
          .execute(),
      );
      const found = new Set<string>();
      for (const i of rows) {
        found.add(i.id);
        if (byModel.has(i.model_id)) continue;
        changes.push(
          i.status === 'classified' && i.max_tier !== null
            ? { kind: 'incident_opened', incident: snapshotIncident(i) }
            : { kind: 'incident_closed', id: i.id },
        );
      }
      for (const id of incidentIds) if (!found.has(id)) changes.push({ kind: 'incident_closed', id });
    }

    // Grants: unrevoked, or revoked (or gone).
    const grantIds = [...touched.grants];
    if (grantIds.length > 0) {
      const rows = await inChunks(grantIds, (ids) =>
        q
          .selectFrom('grants')
          .select(['id', 'model_id', 'org_id', 'tier', 'expires_at', 'created_at', 'revoked_at'])
          .where('id', 'in', ids)
          .execute(),
      );
      const found = new Set<string>();
      for (const g of rows) {
        found.add(g.id);
        changes.push(
          g.revoked_at === null
            ? { kind: 'grant_created', grant: snapshotGrant(g) }
            : { kind: 'grant_revoked', id: g.id },
        );
      }
      for (const id of grantIds) if (!found.has(id)) changes.push({ kind: 'grant_revoked', id });
    }
    return { counter, changes };
  });
}

export interface AccessSyncOptions {
  /** Milliseconds between polls of the fingerprint (default 250). */
  intervalMs?: number;
  onError?: (e: unknown) => void;
  /** Called after each whole (re)load. */
  onReload?: (snapshot: AccessSnapshot) => void;
  /** Called after changes were applied incrementally. */
  onChanges?: (delta: AccessDelta) => void;
}

export interface AccessSync {
  /** Resolves when the first snapshot is loaded (rejects when it could not be). */
  ready: Promise<void>;
  /**
   * Polls now and, when the counter moved, applies the changes since (or reloads everything when they cannot be
   * read); with `force`, reloads everything.
   */
  refresh(force?: boolean): Promise<void>;
  /** Stops polling; waits for a poll in progress. */
  stop(): Promise<void>;
}

export function startAccessSync(
  store: Store,
  checker: Pick<AccessChecker, 'replace' | 'apply'>,
  options: AccessSyncOptions = {},
): AccessSync {
  const intervalMs = options.intervalMs ?? 250;
  const onError = options.onError ?? (() => {});
  let seen: number | undefined;
  let frameworks = new Set<string>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const reload = async () => {
    const snapshot = await loadAccessSnapshot(store);
    checker.replace(snapshot);
    seen = snapshot.counter;
    frameworks = new Set(snapshot.frameworks.map((f) => `${f.id}\u0000${f.version}`));
    options.onReload?.(snapshot);
  };
  const poll = async (force: boolean) => {
    if (force || seen === undefined) return reload();
    if ((await accessCounter(store.db)) === seen) return;
    const known = new Set(frameworks);
    // A failed read is reported by the caller and retried at the next poll (`seen` has not moved).
    const delta = await loadAccessChanges(store, seen, known);
    if (delta === null) return reload();
    checker.apply(delta.changes, delta.counter);
    seen = delta.counter;
    frameworks = known;
    options.onChanges?.(delta);
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
