/**
 * THE access rule (service.md "Access", framework.md "Tier access"), as one pure function over prepared state.
 *
 * The database-backed workflow (src/workflow/access.ts) calls `decideAccess`; the in-memory checker (./checker.ts)
 * composes the same steps (`prepareVersion`'s `always`/`others`, `decideForOrg`, `decideByGrants`) with its own
 * lookups, so there is one implementation. The rule is driven only by each framework's tier access kinds
 * (`developer` | `grant` | `verified` | `public`); no tier id is special.
 *
 * Rule order (the workflow's): unknown model → withdrawn → the developing organisation → no approval →
 * jurisdiction conditions of the governing decision → `public` → `verified` (verified org, else a live covering
 * grant, else `unverified`) → `grant` (a live covering grant, else `grant_expired` when the latest covering
 * grant has expired, else `not_granted`) → `developer` (`not_granted`).
 *
 * A grant *covers* the effective tier T when it is for T itself or for a more restricted tier whose access kind
 * is `grant`. Among covering grants the most recently created one is preferred (created_at desc, then id desc;
 * see `compareGrants`). Expiry is compared with `now` at check time.
 *
 * Answers are frozen objects shared between checks (no allocation per check); do not mutate them.
 */
import type { AccessAnswer, JurisdictionConditions } from '../workflow/types.js';

export type AccessKind = 'developer' | 'grant' | 'verified' | 'public';
export type AccessRule = AccessAnswer['rule'];

/** A framework's tiers, most restricted first, with their access kinds and ranks precomputed. */
export interface TierTable {
  readonly ids: readonly string[];
  readonly kinds: readonly AccessKind[];
  readonly rank: ReadonlyMap<string, number>;
}

export function tierTable(tiers: readonly { id: string; access: AccessKind }[]): TierTable {
  const rank = new Map<string, number>();
  tiers.forEach((t, i) => {
    if (!rank.has(t.id)) rank.set(t.id, i);
  });
  return Object.freeze({
    ids: Object.freeze(tiers.map((t) => t.id)),
    kinds: Object.freeze(tiers.map((t) => t.access)),
    rank,
  });
}

/** Rank of a tier (0 = most restricted); -1 when unknown or null. */
export function rankIn(tiers: TierTable, tier: string | null | undefined): number {
  return tier == null ? -1 : (tiers.rank.get(tier) ?? -1);
}

/** An open incident response restricting a model (all versions when `version` is null). */
export interface IncidentCap {
  id: string;
  version: string | null;
  max_tier: string | null;
}

/**
 * The effective tier of an approved version (service.md "Effective tier"): the approved tier further restricted
 * by every open incident response that applies to the version (an unknown `max_tier` restricts to the most
 * restricted tier). Null when not approved or the approved tier is unknown.
 */
export function effectiveTier(
  tiers: TierTable,
  approvedTier: string | null,
  version: string | null,
  incidents: readonly IncidentCap[],
): string | null {
  let rank = rankIn(tiers, approvedTier);
  if (rank < 0) return null;
  for (const inc of incidents) {
    if (inc.version !== null && inc.version !== version) continue;
    const r = Math.max(0, rankIn(tiers, inc.max_tier));
    if (r <= rank) rank = r;
  }
  return tiers.ids[rank] ?? null;
}

export interface OrgState {
  readonly id: string;
  readonly jurisdiction: string | null;
  readonly verified: boolean;
}

/** An unrevoked grant. `expiresAt` is epoch milliseconds (Infinity: never expires). */
export interface GrantState {
  readonly id: string;
  readonly model: string;
  readonly org: string;
  readonly tier: string;
  readonly expiresAt: number;
  readonly createdAt: string;
  /** The next grant of the same (model, organisation) in preference order, in the checker's index; internal. */
  next: GrantState | null;
  /** Memoized answers resting on this grant (for one effective tier); internal. */
  memoTier: string | null | undefined;
  memoAllow: AccessAnswer | undefined;
  memoExpired: AccessAnswer | undefined;
}

/** Preference order of grants: most recently created first, then by id (descending), both by code unit. */
export function compareGrants(a: GrantState, b: GrantState): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export function grantState(g: {
  id: string;
  model: string;
  org: string;
  tier: string;
  expires_at: string | null;
  created_at: string;
}): GrantState {
  // Every field set here, in one order: all grants share one hidden class (monomorphic reads on the hot path).
  return {
    id: g.id,
    model: g.model,
    org: g.org,
    tier: g.tier,
    expiresAt: g.expires_at === null ? Number.POSITIVE_INFINITY : Date.parse(g.expires_at),
    createdAt: g.created_at,
    next: null,
    memoTier: undefined,
    memoAllow: undefined,
    memoExpired: undefined,
  };
}

interface Answers {
  readonly developer: AccessAnswer;
  readonly withdrawn: AccessAnswer;
  readonly noApproval: AccessAnswer;
  readonly jurisdiction: AccessAnswer;
  readonly public: AccessAnswer;
  readonly verified: AccessAnswer;
  readonly unverified: AccessAnswer;
  readonly notGranted: AccessAnswer;
}

/** A model version as the rule sees it (prepare with `prepareVersion`). */
export interface VersionState {
  readonly model: string;
  /** The developing organisation. */
  readonly developer: string;
  readonly version: string | null;
  readonly exists: boolean;
  readonly withdrawn: boolean;
  readonly tiers: TierTable | null;
  /** Effective tier (after incident restrictions); null: developer only. */
  readonly tier: string | null;
  readonly rank: number;
  /** Access kind of the effective tier; null when there is no approval (or no framework). */
  readonly kind: AccessKind | null;
  /** The governing decision (or lapsed review) id. */
  readonly ref: string | null;
  readonly allow: ReadonlySet<string> | null;
  readonly deny: ReadonlySet<string> | null;
  /** The answer for every organisation, the developer included (unknown version, withdrawn), else null. */
  readonly always: AccessAnswer | null;
  /** The answer for every organisation but the developer when it depends on nothing else, else null. */
  readonly others: AccessAnswer | null;
  /** Tiers whose grants cover the effective tier: itself and more restricted `grant` tiers. */
  readonly covers: ReadonlySet<string>;
  readonly answers: Answers;
}

export interface VersionInput {
  model: string;
  developer: string;
  version: string | null;
  exists: boolean;
  withdrawn: boolean;
  tiers: TierTable | null;
  /** Effective tier (see `effectiveTier`). */
  tier: string | null;
  ref: string | null;
  conditions: JurisdictionConditions | null;
}

const answer = (allow: boolean, tier: string | null, rule: AccessRule, ref: string | null): AccessAnswer =>
  Object.freeze({ allow, tier, rule, ref });

export const UNKNOWN_MODEL: AccessAnswer = answer(false, null, 'unknown_model', null);

const NO_TIERS: ReadonlySet<string> = new Set();

export function prepareVersion(v: VersionInput): VersionState {
  const rank = v.tiers ? rankIn(v.tiers, v.tier) : -1;
  const kind = v.tiers && v.tier !== null && rank >= 0 ? v.tiers.kinds[rank]! : null;
  const tier = kind === null ? null : v.tier;
  const j = v.conditions?.jurisdictions;
  const ref = v.ref;
  const allow = j?.allow ? new Set(j.allow) : null;
  const deny = j?.deny ? new Set(j.deny) : null;
  const answers: Answers = Object.freeze({
    developer: answer(true, v.withdrawn ? null : v.tier, 'developer', ref),
    withdrawn: answer(false, null, 'withdrawn', ref),
    noApproval: answer(false, null, 'no_approval', ref),
    jurisdiction: answer(false, tier, 'jurisdiction', ref),
    public: answer(true, tier, 'public', ref),
    verified: answer(true, tier, 'verified', ref),
    unverified: answer(false, tier, 'unverified', ref),
    notGranted: answer(false, tier, 'not_granted', ref),
  });
  // The steps of `decideAccess` that do not look at the organisation, answered once here.
  const always = !v.exists ? UNKNOWN_MODEL : v.withdrawn ? answers.withdrawn : null;
  const conditional = allow !== null || deny !== null;
  const others =
    always ??
    (kind === null
      ? answers.noApproval
      : conditional
        ? null
        : kind === 'public'
          ? answers.public
          : kind === 'developer'
            ? answers.notGranted
            : null);
  let covers = NO_TIERS;
  if (v.tiers !== null && tier !== null && (kind === 'grant' || kind === 'verified')) {
    const set = new Set<string>([tier]);
    for (const [id, r] of v.tiers.rank) if (r < rank && v.tiers.kinds[r] === 'grant') set.add(id);
    covers = set;
  }
  return Object.freeze({
    model: v.model,
    developer: v.developer,
    version: v.version,
    exists: v.exists,
    withdrawn: v.withdrawn,
    tiers: v.tiers,
    tier,
    rank,
    kind,
    ref,
    allow,
    deny,
    always,
    others,
    covers,
    answers,
  });
}

function grantAnswer(g: GrantState, tier: string | null, allow: boolean): AccessAnswer {
  if (g.memoTier !== tier || g.memoAllow === undefined) {
    g.memoTier = tier;
    g.memoAllow = answer(true, tier, 'grant', g.id);
    g.memoExpired = answer(false, tier, 'grant_expired', g.id);
  }
  return allow ? g.memoAllow : g.memoExpired!;
}

/**
 * The access answer for `orgId` (registered as `org`, or undefined) on model version `v` (undefined: unknown
 * model), given the organisation's unrevoked grants for the model in preference order (`compareGrants`), at
 * `now` (epoch milliseconds).
 *
 * The rule in steps, which the in-memory checker composes with its own lookups (done only when a step needs
 * them): `v.always`, the developer, `v.others` (prepared by `prepareVersion`), then `decideForOrg`, then the
 * grants (`decideByGrants` over the index's chains; the loop below over an array).
 */
export function decideAccess(
  v: VersionState | undefined,
  orgId: string,
  org: OrgState | undefined,
  grants: readonly GrantState[] | undefined,
  now: number,
): AccessAnswer {
  if (v === undefined) return UNKNOWN_MODEL;
  if (v.always !== null) return v.always;
  if (orgId === v.developer) return v.answers.developer;
  if (v.others !== null) return v.others;
  const a = decideForOrg(v, org);
  if (a !== null) return a;
  // A live covering grant (most recent first), else the most recent covering one.
  let first: GrantState | undefined;
  if (org !== undefined && grants !== undefined) {
    const tier = v.tier;
    for (let i = 0; i < grants.length; i++) {
      const g = grants[i]!;
      if (g.tier !== tier && !v.covers.has(g.tier)) continue;
      if (g.expiresAt > now) return grantAnswer(g, tier, true);
      if (first === undefined) first = g;
    }
  }
  return withoutLiveGrant(v, first);
}

/**
 * The steps that look at the (registered) organisation but not at its grants: the jurisdiction conditions,
 * `public`, `developer`, a verified organisation at a `verified` tier. Null when the answer rests on grants.
 * Only for an approved version that is not withdrawn, asked about by another organisation than the developer
 * (`v.always` and `v.others` null).
 */
export function decideForOrg(v: VersionState, org: OrgState | undefined): AccessAnswer | null {
  if (v.allow !== null || v.deny !== null) {
    const where = org === undefined ? null : org.jurisdiction;
    if (
      (v.allow !== null && (where === null || !v.allow.has(where))) ||
      (v.deny !== null && where !== null && v.deny.has(where))
    )
      return v.answers.jurisdiction;
  }
  const kind = v.kind;
  if (kind === 'public') return v.answers.public;
  if (kind === 'developer') return v.answers.notGranted;
  if (kind === 'verified' && org !== undefined && org.verified) return v.answers.verified;
  return null;
}

/**
 * The last step (after `decideForOrg` returned null) over a registered organisation's grants for the model as
 * a chain in preference order (`head`, then `next`; null: none or an unregistered organisation).
 */
export function decideByGrants(v: VersionState, head: GrantState | null, now: number): AccessAnswer {
  let first: GrantState | undefined;
  const tier = v.tier;
  for (let g = head; g !== null; g = g.next) {
    if (g.tier !== tier && !v.covers.has(g.tier)) continue;
    if (g.expiresAt > now) return grantAnswer(g, tier, true);
    if (first === undefined) first = g;
  }
  return withoutLiveGrant(v, first);
}

function withoutLiveGrant(v: VersionState, first: GrantState | undefined): AccessAnswer {
  if (v.kind === 'verified') return v.answers.unverified;
  if (first !== undefined) return grantAnswer(first, v.tier, false);
  return v.answers.notGranted;
}
