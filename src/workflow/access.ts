/** The access check (service.md "Access"): {allow, tier, rule, ref}, by the shared rule in src/access/rules.ts. */
import {
  compareGrants,
  decideAccess,
  grantState,
  prepareVersion,
  type TierTable,
  tierTable,
  UNKNOWN_MODEL,
} from '../access/rules.js';
import type { Framework } from '../core/framework/types.js';
import type { Ctx, Queryable } from './context.js';
import { effectiveOf } from './effective-tier.js';
import type { AccessAnswer } from './types.js';

export interface AccessQuery {
  model: string;
  org: string;
  version?: string | null;
}

const tables = new WeakMap<Framework, TierTable>();
function tiersOf(fw: Framework): TierTable {
  let t = tables.get(fw);
  if (!t) {
    t = tierTable(fw.tiers);
    tables.set(fw, t);
  }
  return t;
}

export async function checkAccess(
  ctx: Ctx,
  query: AccessQuery,
  q: Queryable = ctx.store.db,
): Promise<AccessAnswer> {
  if (typeof query?.model !== 'string' || typeof query.org !== 'string') return UNKNOWN_MODEL;
  const eff = await effectiveOf(ctx, q, query.model, query.version ?? null);
  if (!eff?.exists) return UNKNOWN_MODEL;
  const v = prepareVersion({
    model: eff.model,
    developer: eff.org,
    version: eff.version,
    exists: true,
    withdrawn: eff.withdrawn,
    tiers: eff.framework ? tiersOf(eff.framework) : null,
    tier: eff.tier,
    ref: eff.ref,
    conditions: eff.conditions,
  });
  const row = await q
    .selectFrom('orgs')
    .select(['id', 'jurisdiction', 'verified'])
    .where('id', '=', query.org)
    .executeTakeFirst();
  const org = row
    ? { id: row.id, jurisdiction: row.jurisdiction, verified: Number(row.verified) === 1 }
    : undefined;
  const grants = org
    ? (
        await q
          .selectFrom('grants')
          .select(['id', 'tier', 'expires_at', 'created_at'])
          .where('model_id', '=', eff.model)
          .where('org_id', '=', org.id)
          .where('revoked_at', 'is', null)
          .execute()
      )
        .map((g) => grantState({ ...g, model: eff.model, org: org.id }))
        .sort(compareGrants)
    : undefined;
  return decideAccess(v, query.org, org, grants, ctx.now().getTime());
}
