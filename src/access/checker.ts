/**
 * The in-memory access checker (service.md "Access": answers come from memory, kept current from the database).
 *
 *   const checker = createAccessChecker(snapshot?);   // empty until loaded
 *   checker.load(snapshot) / checker.replace(snapshot) // swap in a whole new index (atomic for readers)
 *   checker.apply(change)                              // incremental: org, framework, model, incident, grant
 *   checker.check({model, org, version?}, now?)        // → {allow, tier, rule, ref}; now: Date | epoch ms
 *   checker.checkMany(queries, now?)                   // → answers, in order
 *
 * The index: models by id (each with its versions prepared for the rule — effective tier after incidents, tier
 * ranks, jurisdiction sets, frozen answers — and its grants per organisation, sorted by preference), and orgs by
 * id. A check is two or three Map lookups and `decideAccess` (./rules.ts); it allocates nothing. Grant expiry is
 * compared with `now` at check time, so it takes effect on time without a reload.
 */
import type { AccessAnswer, JurisdictionConditions } from '../workflow/types.js';
import {
  type AccessKind,
  compareGrants,
  decideAccess,
  effectiveTier,
  type GrantState,
  grantState,
  type OrgState,
  prepareVersion,
  type TierTable,
  tierTable,
  UNKNOWN_MODEL,
  type VersionState,
} from './rules.js';

export interface SnapshotFramework {
  id: string;
  version: string;
  tiers: { id: string; access: AccessKind }[];
}
export interface SnapshotOrg {
  id: string;
  jurisdiction: string | null;
  verified: boolean;
}
export interface SnapshotVersion {
  version: string;
  withdrawn: boolean;
  /** The tier of the latest concluding approval; null when none or denied. */
  approved_tier: string | null;
  /** The governing decision (or lapsed review) id. */
  ref: string | null;
  conditions: JurisdictionConditions | null;
  framework: { id: string; version: string } | null;
}
export interface SnapshotModel {
  id: string;
  /** The developing organisation. */
  org: string;
  current_version: string | null;
  versions: SnapshotVersion[];
}
/** An open (classified) incident whose response restricts the model. */
export interface SnapshotIncident {
  id: string;
  model: string;
  version: string | null;
  max_tier: string;
}
/** An unrevoked grant (revoked grants are left out). Times RFC 3339. */
export interface SnapshotGrant {
  id: string;
  model: string;
  org: string;
  tier: string;
  expires_at: string | null;
  created_at: string;
}
/** Everything an access answer depends on, as plain JSON-able data. */
export interface AccessSnapshot {
  /** The database's change_counter value the snapshot was read at (informational). */
  counter?: number;
  frameworks: SnapshotFramework[];
  orgs: SnapshotOrg[];
  models: SnapshotModel[];
  incidents: SnapshotIncident[];
  grants: SnapshotGrant[];
}

/** An incremental change (`apply`). A model change replaces the model and all its versions. */
export type AccessChange =
  | { kind: 'framework'; framework: SnapshotFramework }
  | { kind: 'org'; org: SnapshotOrg }
  | { kind: 'model'; model: SnapshotModel }
  | { kind: 'incident_opened'; incident: SnapshotIncident }
  | { kind: 'incident_closed'; id: string }
  | { kind: 'grant_created'; grant: SnapshotGrant }
  | { kind: 'grant_revoked'; id: string };

export interface AccessQuery {
  model: string;
  org: string;
  version?: string | null | undefined;
}

export interface AccessChecker {
  check(query: AccessQuery, now?: Date | number): AccessAnswer;
  checkMany(queries: readonly AccessQuery[], now?: Date | number): AccessAnswer[];
  /** Replaces the whole index with one built from `snapshot` (readers see the old or the new, never a mix). */
  load(snapshot: AccessSnapshot): void;
  replace(snapshot: AccessSnapshot): void;
  apply(change: AccessChange): void;
  /** Sizes of the index. */
  stats(): { orgs: number; models: number; grants: number; counter: number | undefined };
}

export interface AccessCheckerOptions {
  /** The clock when `check` is given no `now` (default Date.now). */
  now?: () => Date | number;
}

interface ModelEntry {
  readonly raw: SnapshotModel;
  current: VersionState;
  versions: Map<string, VersionState>;
  incidents: SnapshotIncident[];
  /** Unrevoked grants per organisation, in preference order. */
  grants: Map<string, GrantState[]>;
}

interface Index {
  frameworks: Map<string, TierTable>;
  orgs: Map<string, OrgState>;
  models: Map<string, ModelEntry>;
  grantsById: Map<string, GrantState>;
  incidentsById: Map<string, SnapshotIncident>;
  counter: number | undefined;
}

const fwKey = (id: string, version: string) => `${id}\u0000${version}`;

function emptyIndex(): Index {
  return {
    frameworks: new Map(),
    orgs: new Map(),
    models: new Map(),
    grantsById: new Map(),
    incidentsById: new Map(),
    counter: undefined,
  };
}

function prepareModel(ix: Index, entry: ModelEntry): void {
  const m = entry.raw;
  const versions = new Map<string, VersionState>();
  for (const v of m.versions) {
    const tiers = v.framework
      ? (ix.frameworks.get(fwKey(v.framework.id, v.framework.version)) ?? null)
      : null;
    const tier =
      v.withdrawn || tiers === null
        ? null
        : effectiveTier(tiers, v.approved_tier, v.version, entry.incidents);
    versions.set(
      v.version,
      prepareVersion({
        model: m.id,
        developer: m.org,
        version: v.version,
        exists: true,
        withdrawn: v.withdrawn,
        tiers,
        tier,
        ref: v.ref,
        conditions: v.conditions,
      }),
    );
  }
  entry.versions = versions;
  entry.current =
    m.current_version === null
      ? prepareVersion({
          model: m.id,
          developer: m.org,
          version: null,
          exists: true,
          withdrawn: false,
          tiers: null,
          tier: null,
          ref: null,
          conditions: null,
        })
      : (versions.get(m.current_version) ?? MISSING_VERSION);
}

const MISSING_VERSION: VersionState = prepareVersion({
  model: '',
  developer: '',
  version: null,
  exists: false,
  withdrawn: false,
  tiers: null,
  tier: null,
  ref: null,
  conditions: null,
});

function newEntry(raw: SnapshotModel): ModelEntry {
  return { raw, current: MISSING_VERSION, versions: new Map(), incidents: [], grants: new Map() };
}

function addGrant(ix: Index, g: GrantState, sort: boolean): void {
  const entry = ix.models.get(g.model);
  if (!entry) return;
  const old = ix.grantsById.get(g.id);
  if (old) removeGrant(ix, old.id);
  ix.grantsById.set(g.id, g);
  let list = entry.grants.get(g.org);
  if (!list) {
    list = [];
    entry.grants.set(g.org, list);
  }
  list.push(g);
  if (sort && list.length > 1) list.sort(compareGrants);
}

function removeGrant(ix: Index, id: string): void {
  const g = ix.grantsById.get(id);
  if (!g) return;
  ix.grantsById.delete(id);
  const list = ix.models.get(g.model)?.grants.get(g.org);
  if (!list) return;
  const i = list.indexOf(g);
  if (i >= 0) list.splice(i, 1);
  if (list.length === 0) ix.models.get(g.model)?.grants.delete(g.org);
}

function buildIndex(s: AccessSnapshot): Index {
  const ix = emptyIndex();
  ix.counter = s.counter;
  for (const f of s.frameworks) ix.frameworks.set(fwKey(f.id, f.version), tierTable(f.tiers));
  for (const o of s.orgs)
    ix.orgs.set(o.id, Object.freeze({ id: o.id, jurisdiction: o.jurisdiction, verified: o.verified }));
  for (const m of s.models) ix.models.set(m.id, newEntry(m));
  for (const inc of s.incidents) {
    ix.incidentsById.set(inc.id, inc);
    ix.models.get(inc.model)?.incidents.push(inc);
  }
  for (const entry of ix.models.values()) prepareModel(ix, entry);
  for (const g of s.grants) addGrant(ix, grantState(g), false);
  for (const entry of ix.models.values())
    for (const list of entry.grants.values()) if (list.length > 1) list.sort(compareGrants);
  return ix;
}

function toMs(now: Date | number): number {
  return typeof now === 'number' ? now : now.getTime();
}

export function createAccessChecker(
  source?: AccessSnapshot | null,
  options: AccessCheckerOptions = {},
): AccessChecker {
  let ix = source ? buildIndex(source) : emptyIndex();
  const clock = options.now;
  const nowMs = (): number => (clock ? toMs(clock()) : Date.now());

  const checkOne = (model: string, org: string, version: string | null | undefined, now: number) => {
    const m = ix.models.get(model);
    if (m === undefined) return UNKNOWN_MODEL;
    const v = version == null ? m.current : m.versions.get(version);
    return decideAccess(v, org, ix.orgs.get(org), m.grants.get(org), now);
  };

  const load = (snapshot: AccessSnapshot) => {
    ix = buildIndex(snapshot);
  };

  return {
    check(query, now) {
      if (typeof query?.model !== 'string' || typeof query.org !== 'string') return UNKNOWN_MODEL;
      return checkOne(query.model, query.org, query.version, now === undefined ? nowMs() : toMs(now));
    },
    checkMany(queries, now) {
      const t = now === undefined ? nowMs() : toMs(now);
      const out: AccessAnswer[] = new Array(queries.length);
      for (let i = 0; i < queries.length; i++) {
        const q = queries[i]!;
        out[i] =
          typeof q?.model !== 'string' || typeof q.org !== 'string'
            ? UNKNOWN_MODEL
            : checkOne(q.model, q.org, q.version, t);
      }
      return out;
    },
    load,
    replace: load,
    apply(change) {
      switch (change.kind) {
        case 'framework': {
          const f = change.framework;
          ix.frameworks.set(fwKey(f.id, f.version), tierTable(f.tiers));
          for (const entry of ix.models.values())
            if (entry.raw.versions.some((v) => v.framework?.id === f.id && v.framework.version === f.version))
              prepareModel(ix, entry);
          return;
        }
        case 'org': {
          const o = change.org;
          ix.orgs.set(o.id, Object.freeze({ id: o.id, jurisdiction: o.jurisdiction, verified: o.verified }));
          return;
        }
        case 'model': {
          const old = ix.models.get(change.model.id);
          const entry = newEntry(change.model);
          if (old) {
            entry.incidents = old.incidents;
            entry.grants = old.grants;
          }
          ix.models.set(change.model.id, entry);
          prepareModel(ix, entry);
          return;
        }
        case 'incident_opened': {
          const inc = change.incident;
          const entry = ix.models.get(inc.model);
          const old = ix.incidentsById.get(inc.id);
          const was = old && old.model !== inc.model ? ix.models.get(old.model) : undefined;
          if (was) {
            was.incidents = was.incidents.filter((i) => i.id !== inc.id);
            prepareModel(ix, was);
          }
          ix.incidentsById.set(inc.id, inc);
          if (entry) {
            entry.incidents = entry.incidents.filter((i) => i.id !== inc.id).concat(inc);
            prepareModel(ix, entry);
          }
          return;
        }
        case 'incident_closed': {
          const inc = ix.incidentsById.get(change.id);
          if (!inc) return;
          ix.incidentsById.delete(change.id);
          const entry = ix.models.get(inc.model);
          if (entry) {
            entry.incidents = entry.incidents.filter((i) => i.id !== change.id);
            prepareModel(ix, entry);
          }
          return;
        }
        case 'grant_created':
          addGrant(ix, grantState(change.grant), true);
          return;
        case 'grant_revoked':
          removeGrant(ix, change.id);
          return;
      }
    },
    stats() {
      return {
        orgs: ix.orgs.size,
        models: ix.models.size,
        grants: ix.grantsById.size,
        counter: ix.counter,
      };
    },
  };
}
