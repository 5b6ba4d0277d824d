/**
 * An independent statement of the access rule in Cedar (https://www.cedarpolicy.com), used by the differential
 * test and the benchmark as a reference. It does not import ./rules.ts: the policies encode service.md "Access"
 * and "Effective tier" directly, generically over tier positions (no tier id is special), and the entities carry
 * the raw data of an `AccessSnapshot`:
 *
 * - `Org::"id"`: `registered`, `verified`, `jurisdiction`; tags `<model>|<tier>` → the latest expiry (epoch ms;
 *   NEVER for none) of its unrevoked grants for that model at that tier;
 * - `Model::"id"`: the asked version's `exists`, `withdrawn`, `approved` (concluded with a framework),
 *   `approvedRank` (rank of the approved tier, -1 when none/unknown), `caps` (ranks the applicable open incident
 *   responses restrict to), tiers `t0..t{n-1}` `{kind, key}`, jurisdiction `allow`/`deny` sets, `developer`;
 * - `context.now` (epoch ms).
 *
 * The effective rank e is min(approvedRank, caps); policy `*_e` applies when e is the effective rank.
 * Policy ids name the rule: `developer`, `public_e`, `verified_e`, `grant_e_i` (permits) and `unknown_model`,
 * `withdrawn`, `jurisdiction` (forbids).
 */
import type { AccessSnapshot } from './checker.js';

export const CEDAR_MAX_TIERS = 8;
export const NEVER = 8_640_000_000_000_000;

function effective(e: number): string {
  const below = Array.from({ length: e }, (_, i) => i).join(', ');
  return `resource.approved && resource.approvedRank >= ${e} && (resource.approvedRank == ${e} || resource.caps.contains(${e})) && !resource.caps.containsAny([${below}]) && resource has t${e}`;
}

/** The policy set, by policy id (Cedar's `staticPolicies` record). */
export function cedarPolicies(maxTiers = CEDAR_MAX_TIERS): Record<string, string> {
  const out: string[] = [
    `@id("developer")
permit(principal, action == Action::"use", resource) when { resource.exists && principal == resource.developer };`,
    `@id("unknown_model")
forbid(principal, action, resource) when { !resource.exists };`,
    `@id("withdrawn")
forbid(principal, action, resource) when { resource.exists && resource.withdrawn };`,
    `@id("jurisdiction")
forbid(principal, action, resource) when {
  resource.exists && !resource.withdrawn && principal != resource.developer && resource.approved && resource.approvedRank >= 0 &&
  ((resource.hasAllow && (!principal.registered || !resource.allow.contains(principal.jurisdiction))) ||
   (resource.hasDeny && principal.registered && resource.deny.contains(principal.jurisdiction)))
};`,
  ];
  for (let e = 0; e < maxTiers; e++) {
    out.push(`@id("public_${e}")
permit(principal, action == Action::"use", resource) when { ${effective(e)} && resource.t${e}.kind == "public" };`);
    out.push(`@id("verified_${e}")
permit(principal, action == Action::"use", resource) when {
  ${effective(e)} && resource.t${e}.kind == "verified" && principal.registered && principal.verified
};`);
    for (let i = 0; i <= e; i++) {
      out.push(`@id("grant_${e}_${i}")
permit(principal, action == Action::"use", resource) when {
  ${effective(e)} && ["grant", "verified"].contains(resource.t${e}.kind) && resource has t${i} &&
  ${i === e ? 'true' : `resource.t${i}.kind == "grant"`} && principal.registered &&
  principal.hasTag(resource.t${i}.key) && principal.getTag(resource.t${i}.key) > context.now
};`);
    }
  }
  const byId: Record<string, string> = {};
  for (const p of out) byId[/@id\("([^"]+)"\)/.exec(p)![1]!] = p;
  return byId;
}

type CedarValue =
  | boolean
  | number
  | string
  | CedarValue[]
  | { [k: string]: CedarValue }
  | { __entity: object };

export interface CedarEntity {
  uid: { type: string; id: string };
  attrs: Record<string, CedarValue>;
  parents: never[];
  tags?: Record<string, CedarValue>;
}

export interface CedarQuestion {
  principal: { type: string; id: string };
  action: { type: string; id: string };
  resource: { type: string; id: string };
  context: { now: number };
  entities: CedarEntity[];
}

/**
 * Indexes a snapshot for building Cedar requests (entity slicing: each request carries the asked org and model
 * only, the org with its grant tags for that model).
 */
export function cedarWorld(s: AccessSnapshot) {
  const orgs = new Map(s.orgs.map((o) => [o.id, o]));
  const models = new Map(s.models.map((m) => [m.id, m]));
  const frameworks = new Map(s.frameworks.map((f) => [`${f.id}@${f.version}`, f]));
  const incidents = new Map<string, AccessSnapshot['incidents']>();
  for (const i of s.incidents) incidents.set(i.model, [...(incidents.get(i.model) ?? []), i]);
  const tags = new Map<string, Record<string, number>>();
  for (const g of s.grants) {
    const k = `${g.org}\u0000${g.model}`;
    const t = tags.get(k) ?? {};
    const exp = g.expires_at === null ? NEVER : Date.parse(g.expires_at);
    const key = `${g.model}|${g.tier}`;
    t[key] = Math.max(t[key] ?? Number.NEGATIVE_INFINITY, exp);
    tags.set(k, t);
  }

  return (q: { model: string; org: string; version?: string | null }, now: number): CedarQuestion => {
    const o = orgs.get(q.org);
    const org: CedarEntity = {
      uid: { type: 'Org', id: q.org },
      attrs: {
        registered: o !== undefined,
        verified: o?.verified ?? false,
        jurisdiction: o?.jurisdiction ?? '',
      },
      parents: [],
      tags: o ? (tags.get(`${q.org}\u0000${q.model}`) ?? {}) : {},
    };
    const m = models.get(q.model);
    const name = q.version ?? m?.current_version ?? null;
    const v = m && name !== null ? m.versions.find((x) => x.version === name) : undefined;
    const exists = m !== undefined && (name === null || v !== undefined);
    const fw = v?.framework ? frameworks.get(`${v.framework.id}@${v.framework.version}`) : undefined;
    const rankOf = (t: string | null) => (fw && t !== null ? fw.tiers.findIndex((x) => x.id === t) : -1);
    const attrs: Record<string, CedarValue> = {
      exists,
      withdrawn: v?.withdrawn ?? false,
      approved: v !== undefined && fw !== undefined && !v.withdrawn,
      approvedRank: v ? rankOf(v.approved_tier) : -1,
      caps: (incidents.get(q.model) ?? [])
        .filter((i) => i.version === null || i.version === name)
        .map((i) => Math.max(0, rankOf(i.max_tier))),
      developer: { __entity: { type: 'Org', id: m?.org ?? '' } },
      hasAllow: v?.conditions?.jurisdictions?.allow !== undefined,
      allow: v?.conditions?.jurisdictions?.allow ?? [],
      hasDeny: v?.conditions?.jurisdictions?.deny !== undefined,
      deny: v?.conditions?.jurisdictions?.deny ?? [],
    };
    fw?.tiers.forEach((t, i) => {
      attrs[`t${i}`] = { kind: t.access, key: `${q.model}|${t.id}` };
    });
    const model: CedarEntity = { uid: { type: 'Model', id: q.model }, attrs, parents: [] };
    return {
      principal: { type: 'Org', id: q.org },
      action: { type: 'Action', id: 'use' },
      resource: { type: 'Model', id: q.model },
      context: { now },
      entities: [org, model],
    };
  };
}

const PERMIT_ORDER = ['developer', 'public', 'verified', 'grant'] as const;
const FORBID_ORDER = ['unknown_model', 'withdrawn', 'jurisdiction'] as const;

/** The rule a Cedar answer implies: exact for allows and forbids; `null` for a deny no forbid explains. */
export function cedarRule(allow: boolean, reasons: readonly string[]): string | null {
  const names = new Set(
    reasons.map((r) => (r.split('_')[0] === 'unknown' ? 'unknown_model' : r.replace(/_\d+(_\d+)?$/, ''))),
  );
  for (const r of allow ? PERMIT_ORDER : FORBID_ORDER) if (names.has(r)) return r;
  return null;
}
