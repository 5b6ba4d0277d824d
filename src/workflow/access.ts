/** The access check (service.md "Access"): {allow, tier, rule, ref}. */
import { type Ctx, type Queryable, rankOf } from './context.js';
import { effectiveOf } from './effective-tier.js';
import type { AccessAnswer } from './types.js';

export interface AccessQuery {
  model: string;
  org: string;
  version?: string | null;
}

export async function checkAccess(
  ctx: Ctx,
  query: AccessQuery,
  q: Queryable = ctx.store.db,
): Promise<AccessAnswer> {
  const deny = (
    rule: AccessAnswer['rule'],
    tier: string | null = null,
    ref: string | null = null,
  ): AccessAnswer => ({ allow: false, tier, rule, ref });
  if (typeof query?.model !== 'string' || typeof query.org !== 'string') return deny('unknown_model');
  const eff = await effectiveOf(ctx, q, query.model, query.version ?? null);
  if (!eff?.exists) return deny('unknown_model');
  if (eff.withdrawn) return deny('withdrawn', null, eff.ref);
  if (query.org === eff.org) return { allow: true, tier: eff.tier, rule: 'developer', ref: eff.ref };
  if (eff.tier === null || !eff.framework) return deny('no_approval', null, eff.ref);
  const tier = eff.tier;
  const fw = eff.framework;
  const org = await q
    .selectFrom('orgs')
    .select(['id', 'jurisdiction', 'verified'])
    .where('id', '=', query.org)
    .executeTakeFirst();
  const j = eff.conditions?.jurisdictions;
  if (j) {
    const where = org?.jurisdiction ?? null;
    if (
      (j.allow && (where === null || !j.allow.includes(where))) ||
      (j.deny && where !== null && j.deny.includes(where))
    ) {
      return deny('jurisdiction', tier, eff.ref);
    }
  }
  const kind = fw.tiers[rankOf(fw, tier)]!.access;
  if (kind === 'public') return { allow: true, tier, rule: 'public', ref: eff.ref };
  const now = ctx.now().toISOString();
  const grants = org
    ? await q
        .selectFrom('grants')
        .select(['id', 'tier', 'expires_at'])
        .where('model_id', '=', eff.model)
        .where('org_id', '=', org.id)
        .where('revoked_at', 'is', null)
        .orderBy('created_at', 'desc')
        .execute()
    : [];
  const rank = rankOf(fw, tier);
  const covering = grants.filter((g) => {
    const r = rankOf(fw, g.tier);
    return g.tier === tier || (r >= 0 && r < rank && fw.tiers[r]!.access === 'grant');
  });
  const live = covering.find((g) => g.expires_at === null || g.expires_at > now);
  if (kind === 'verified') {
    if (org && org.verified === 1) return { allow: true, tier, rule: 'verified', ref: eff.ref };
    if (live) return { allow: true, tier, rule: 'grant', ref: live.id };
    return deny('unverified', tier, eff.ref);
  }
  if (kind === 'grant') {
    if (live) return { allow: true, tier, rule: 'grant', ref: live.id };
    const expired = covering[0];
    if (expired) return deny('grant_expired', tier, expired.id);
    return deny('not_granted', tier, eff.ref);
  }
  return deny('not_granted', tier, eff.ref);
}
