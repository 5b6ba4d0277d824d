/**
 * The in-memory access checker (service.md "Access": answers come from memory, kept current from the database).
 *
 *   const checker = createAccessChecker(snapshot?);   // empty until loaded
 *   checker.load(snapshot) / checker.replace(snapshot) // swap in a whole new index (atomic for readers)
 *   checker.apply(change | changes, counter?)          // incremental: org, framework, model, incident, grant
 *   checker.check({model, org, version?}, now?)        // → {allow, tier, rule, ref}; now: Date | epoch ms
 *   checker.checkMany(queries, now?)                   // → answers, in order
 *
 * The index: models by id (each with its versions prepared for the rule — effective tier after incidents, tier
 * ranks, covering tiers, jurisdiction sets, frozen answers, and the answers that do not depend on the asking
 * organisation), organisations by id (each with a small integer index), and one flat hash table of grant chains
 * keyed by (model index, organisation index) (./grant-table.ts), each chain sorted by preference. A check is a
 * Map lookup of the model, then only the lookups the rule still needs — the organisation, then its grant chain —
 * composed from the steps of `decideAccess` (./rules.ts); it allocates nothing. Grant expiry is compared with
 * `now` at check time, so it takes effect on time without a reload. `apply` changes the index in place (each
 * change is applied whole before any check runs); `startAccessSync` (./sync.ts) feeds it the database's changes.
 */
import type { AccessAnswer, JurisdictionConditions } from '../workflow/types.js';
import { GrantTable } from './grant-table.js';
import {
  type AccessKind,
  compareGrants,
  decideByGrants,
  decideForOrg,
  effectiveTier,
  type GrantState,
  grantState,
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
  /** The database's change_counter value the snapshot was read at (reported by `stats`; the sync applies changes after it). */
  counter?: number;
  frameworks: SnapshotFramework[];
  orgs: SnapshotOrg[];
  models: SnapshotModel[];
  incidents: SnapshotIncident[];
  grants: SnapshotGrant[];
}

/**
 * An incremental change (`apply`). A model change replaces the model and all its versions (its grants and open
 * incidents stay, also ones applied before the model was known); with `incidents`, it also replaces the model's
 * open restricting incidents. An org change registers or updates the organisation. A grant or incident applied
 * again (same id) replaces the earlier one.
 */
export type AccessChange =
  | { kind: 'framework'; framework: SnapshotFramework }
  | { kind: 'org'; org: SnapshotOrg }
  | { kind: 'model'; model: SnapshotModel; incidents?: SnapshotIncident[] }
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
  /**
   * Applies one change or several in order; `counter`: the database's change_counter value the index reflects
   * afterwards (reported by `stats`).
   */
  apply(change: AccessChange | readonly AccessChange[], counter?: number): void;
  /** Sizes of the index. */
  stats(): { orgs: number; models: number; grants: number; counter: number | undefined };
}

export interface AccessCheckerOptions {
  /** The clock when `check` is given no `now` (default Date.now). */
  now?: () => Date | number;
}

/** An organisation: registered (in the snapshot or by an `org` change), or only named by grants. */
interface OrgCell {
  readonly idx: number;
  readonly id: string;
  jurisdiction: string | null;
  verified: boolean;
  registered: boolean;
}

interface ModelEntry {
  readonly idx: number;
  raw: SnapshotModel;
  current: VersionState;
  versions: Map<string, VersionState>;
}

interface Index {
  frameworks: Map<string, TierTable>;
  orgs: Map<string, OrgCell>;
  registeredOrgs: number;
  /** Models that exist (checks see these). */
  models: Map<string, ModelEntry>;
  /** An index for every model id seen, also ones only named by grants so far. */
  modelIdx: Map<string, number>;
  grants: GrantTable;
  grantsById: Map<string, GrantState>;
  incidentsById: Map<string, SnapshotIncident>;
  incidentsByModel: Map<string, SnapshotIncident[]>;
  counter: number | undefined;
}

const fwKey = (id: string, version: string) => `${id}\u0000${version}`;
const NO_INCIDENTS: SnapshotIncident[] = [];

function emptyIndex(grants = 0): Index {
  return {
    frameworks: new Map(),
    orgs: new Map(),
    registeredOrgs: 0,
    models: new Map(),
    modelIdx: new Map(),
    grants: new GrantTable(grants),
    grantsById: new Map(),
    incidentsById: new Map(),
    incidentsByModel: new Map(),
    counter: undefined,
  };
}

function modelIndex(ix: Index, id: string): number {
  let n = ix.modelIdx.get(id);
  if (n === undefined) {
    n = ix.modelIdx.size;
    ix.modelIdx.set(id, n);
  }
  return n;
}

function orgCell(ix: Index, id: string): OrgCell {
  let cell = ix.orgs.get(id);
  if (cell === undefined) {
    cell = { idx: ix.orgs.size, id, jurisdiction: null, verified: false, registered: false };
    ix.orgs.set(id, cell);
  }
  return cell;
}

function setOrg(ix: Index, o: SnapshotOrg): void {
  const cell = orgCell(ix, o.id);
  if (!cell.registered) ix.registeredOrgs++;
  cell.jurisdiction = o.jurisdiction;
  cell.verified = o.verified;
  cell.registered = true;
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

function prepareModel(ix: Index, entry: ModelEntry): void {
  const m = entry.raw;
  const incidents = ix.incidentsByModel.get(m.id) ?? NO_INCIDENTS;
  const versions = new Map<string, VersionState>();
  for (const v of m.versions) {
    const tiers = v.framework
      ? (ix.frameworks.get(fwKey(v.framework.id, v.framework.version)) ?? null)
      : null;
    const tier =
      v.withdrawn || tiers === null ? null : effectiveTier(tiers, v.approved_tier, v.version, incidents);
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

function setModel(ix: Index, raw: SnapshotModel): ModelEntry {
  const old = ix.models.get(raw.id);
  const entry: ModelEntry = old ?? {
    idx: modelIndex(ix, raw.id),
    raw,
    current: MISSING_VERSION,
    versions: new Map(),
  };
  entry.raw = raw;
  ix.models.set(raw.id, entry);
  return entry;
}

function reprepare(ix: Index, model: string): void {
  const entry = ix.models.get(model);
  if (entry) prepareModel(ix, entry);
}

function addIncident(ix: Index, inc: SnapshotIncident): void {
  ix.incidentsById.set(inc.id, inc);
  const list = ix.incidentsByModel.get(inc.model);
  if (list) list.push(inc);
  else ix.incidentsByModel.set(inc.model, [inc]);
}

/** Removes an incident; returns its model (to prepare again), or undefined when it was not there. */
function removeIncident(ix: Index, id: string): string | undefined {
  const inc = ix.incidentsById.get(id);
  if (!inc) return undefined;
  ix.incidentsById.delete(id);
  const list = ix.incidentsByModel.get(inc.model);
  if (list) {
    const rest = list.filter((i) => i.id !== id);
    if (rest.length > 0) ix.incidentsByModel.set(inc.model, rest);
    else ix.incidentsByModel.delete(inc.model);
  }
  return inc.model;
}

function addGrant(ix: Index, g: GrantState): void {
  if (ix.grantsById.has(g.id)) removeGrant(ix, g.id);
  ix.grantsById.set(g.id, g);
  const m = modelIndex(ix, g.model);
  const o = orgCell(ix, g.org).idx;
  const head = ix.grants.get(m, o);
  // Insert into the chain in preference order.
  if (head === null || compareGrants(g, head) <= 0) {
    g.next = head;
    ix.grants.set(m, o, g);
    return;
  }
  let prev = head;
  while (prev.next !== null && compareGrants(prev.next, g) < 0) prev = prev.next;
  g.next = prev.next;
  prev.next = g;
}

function removeGrant(ix: Index, id: string): void {
  const g = ix.grantsById.get(id);
  if (!g) return;
  ix.grantsById.delete(id);
  const m = ix.modelIdx.get(g.model);
  const cell = ix.orgs.get(g.org);
  if (m === undefined || cell === undefined) return;
  const head = ix.grants.get(m, cell.idx);
  if (head === g) ix.grants.set(m, cell.idx, g.next);
  else
    for (let prev = head; prev !== null; prev = prev.next)
      if (prev.next === g) {
        prev.next = g.next;
        break;
      }
  g.next = null;
}

function buildIndex(s: AccessSnapshot): Index {
  const ix = emptyIndex(s.grants.length);
  ix.counter = s.counter;
  for (const f of s.frameworks) ix.frameworks.set(fwKey(f.id, f.version), tierTable(f.tiers));
  for (const o of s.orgs) setOrg(ix, o);
  for (const inc of s.incidents) addIncident(ix, inc);
  for (const m of s.models) setModel(ix, m);
  for (const entry of ix.models.values()) prepareModel(ix, entry);
  for (const g of s.grants) addGrant(ix, grantState(g));
  return ix;
}

const isChangeList = (c: AccessChange | readonly AccessChange[]): c is readonly AccessChange[] =>
  Array.isArray(c);

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

  // The rule's steps (./rules.ts `decideAccess`), each lookup done only when a step needs it.
  const checkOne = (model: string, org: string, version: string | null | undefined, now: number) => {
    const x = ix;
    const m = x.models.get(model);
    if (m === undefined) return UNKNOWN_MODEL;
    const v = version == null ? m.current : m.versions.get(version);
    if (v === undefined) return UNKNOWN_MODEL;
    if (v.always !== null) return v.always;
    if (org === v.developer) return v.answers.developer;
    if (v.others !== null) return v.others;
    const cell = x.orgs.get(org);
    const o = cell?.registered ? cell : undefined;
    const a = decideForOrg(v, o);
    if (a !== null) return a;
    return decideByGrants(v, o === undefined ? null : x.grants.get(m.idx, o.idx), now);
  };

  const load = (snapshot: AccessSnapshot) => {
    ix = buildIndex(snapshot);
  };

  const applyOne = (change: AccessChange): void => {
    switch (change.kind) {
      case 'framework': {
        const f = change.framework;
        ix.frameworks.set(fwKey(f.id, f.version), tierTable(f.tiers));
        for (const entry of ix.models.values())
          if (entry.raw.versions.some((v) => v.framework?.id === f.id && v.framework.version === f.version))
            prepareModel(ix, entry);
        return;
      }
      case 'org':
        setOrg(ix, change.org);
        return;
      case 'model': {
        if (change.incidents) {
          for (const inc of ix.incidentsByModel.get(change.model.id) ?? []) ix.incidentsById.delete(inc.id);
          ix.incidentsByModel.delete(change.model.id);
          for (const inc of change.incidents) {
            const was = removeIncident(ix, inc.id);
            if (was !== undefined && was !== change.model.id) reprepare(ix, was);
            addIncident(ix, inc);
          }
        }
        prepareModel(ix, setModel(ix, change.model));
        return;
      }
      case 'incident_opened': {
        const inc = change.incident;
        const was = removeIncident(ix, inc.id);
        addIncident(ix, inc);
        if (was !== undefined && was !== inc.model) reprepare(ix, was);
        reprepare(ix, inc.model);
        return;
      }
      case 'incident_closed': {
        const was = removeIncident(ix, change.id);
        if (was !== undefined) reprepare(ix, was);
        return;
      }
      case 'grant_created':
        addGrant(ix, grantState(change.grant));
        return;
      case 'grant_revoked':
        removeGrant(ix, change.id);
        return;
    }
  };

  return {
    check(query, now) {
      // A model that is not a string is not in the index (unknown_model); an org that is not a string is refused.
      const org = query?.org;
      if (typeof org !== 'string') return UNKNOWN_MODEL;
      return checkOne(query.model, org, query.version, now === undefined ? nowMs() : toMs(now));
    },
    checkMany(queries, now) {
      const t = now === undefined ? nowMs() : toMs(now);
      const out: AccessAnswer[] = new Array(queries.length);
      for (let i = 0; i < queries.length; i++) {
        const q = queries[i];
        const org = q?.org;
        out[i] = typeof org !== 'string' ? UNKNOWN_MODEL : checkOne(q!.model, org, q!.version, t);
      }
      return out;
    },
    load,
    replace: load,
    apply(change, counter) {
      if (isChangeList(change)) for (const c of change) applyOne(c);
      else applyOne(change);
      if (counter !== undefined) ix.counter = counter;
    },
    stats() {
      return {
        orgs: ix.registeredOrgs,
        models: ix.models.size,
        grants: ix.grantsById.size,
        counter: ix.counter,
      };
    },
  };
}
