/** Effective tier of a model version (service.md "Effective tier") and recording how a review concluded. */
import type { Framework } from '../core/framework/types.js';
import type { Tx } from '../store/db.js';
import type { ModelVersionsTable } from '../store/schema.js';
import { bumpChangeCounter, type Ctx, type Queryable, rankOf } from './context.js';
import type { JurisdictionConditions } from './types.js';

export interface Conclusion {
  model: string;
  version: string;
  approved: boolean;
  tier: string | null;
  /** Decision id, or the review id for a lapse. */
  ref: string;
  conditions: JurisdictionConditions | null;
  framework: { id: string; version: string };
  at: string;
}

/** Records the latest concluding outcome of a version; an approval makes it the model's current version. */
export async function concludeVersion(tx: Tx, c: Conclusion): Promise<void> {
  await tx
    .updateTable('model_versions')
    .set({
      conclusion: c.approved ? 'approved' : 'denied',
      approved_tier: c.approved ? c.tier : null,
      governing_ref: c.ref,
      conditions: c.conditions ? JSON.stringify(c.conditions) : null,
      framework_id: c.framework.id,
      framework_version: c.framework.version,
      concluded_at: c.at,
    })
    .where('model_id', '=', c.model)
    .where('version', '=', c.version)
    .execute();
  if (c.approved)
    await tx.updateTable('models').set({ current_version: c.version }).where('id', '=', c.model).execute();
  await bumpChangeCounter(tx, { models: [c.model] });
}

export interface Effective {
  model: string;
  org: string;
  version: string | null;
  exists: boolean;
  withdrawn: boolean;
  conclusion: 'approved' | 'denied' | null;
  /** The approved tier before incident restrictions. */
  approved_tier: string | null;
  /** After incident restrictions and withdrawal; null = developer only. */
  tier: string | null;
  ref: string | null;
  conditions: JurisdictionConditions | null;
  framework: Framework | null;
  restricted_by: string[];
}

export async function effectiveOf(
  ctx: Ctx,
  q: Queryable,
  modelId: string,
  version?: string | null,
): Promise<Effective | null> {
  const model = await q
    .selectFrom('models')
    .select(['id', 'org_id', 'current_version'])
    .where('id', '=', modelId)
    .executeTakeFirst();
  if (!model) return null;
  const v = version ?? model.current_version;
  const mv =
    v == null
      ? undefined
      : await q
          .selectFrom('model_versions')
          .selectAll()
          .where('model_id', '=', modelId)
          .where('version', '=', v)
          .executeTakeFirst();
  const fw =
    mv?.framework_id && mv.framework_version
      ? await ctx.framework(q, mv.framework_id, mv.framework_version)
      : null;
  const incidents =
    mv && fw && mv.withdrawn_at === null && mv.approved_tier !== null
      ? await q
          .selectFrom('incidents')
          .select(['id', 'max_tier', 'version'])
          .where('model_id', '=', modelId)
          .where('status', '=', 'classified')
          .where('max_tier', 'is not', null)
          .execute()
      : [];
  return effectiveFrom(model, v ?? null, mv, fw, incidents);
}

/**
 * The effective tier from rows already loaded: the model, the version asked for (or its current version), that
 * version's row (undefined when there is none), its governing framework, and the model's classified incidents
 * with a max tier (only consulted for an approved, not withdrawn version).
 */
export function effectiveFrom(
  model: { id: string; org_id: string },
  v: string | null,
  mv: ModelVersionsTable | undefined,
  fw: Framework | null,
  incidents: { id: string; max_tier: string | null; version: string | null }[],
): Effective {
  const base: Effective = {
    model: model.id,
    org: model.org_id,
    version: v,
    exists: true,
    withdrawn: false,
    conclusion: null,
    approved_tier: null,
    tier: null,
    ref: null,
    conditions: null,
    framework: null,
    restricted_by: [],
  };
  if (v == null) return base;
  if (!mv) return { ...base, exists: false };
  base.withdrawn = mv.withdrawn_at !== null;
  base.conclusion = (mv.conclusion as 'approved' | 'denied' | null) ?? null;
  base.approved_tier = mv.approved_tier;
  base.ref = mv.governing_ref;
  base.conditions = mv.conditions ? (JSON.parse(mv.conditions) as JurisdictionConditions) : null;
  base.framework = fw;
  if (base.withdrawn || mv.approved_tier === null || !fw) return base;
  let rank = rankOf(fw, mv.approved_tier);
  for (const inc of incidents) {
    if (inc.version !== null && inc.version !== v) continue;
    const r = Math.max(0, rankOf(fw, inc.max_tier));
    if (r <= rank) {
      base.restricted_by.push(inc.id);
      rank = r;
    }
  }
  base.tier = fw.tiers[rank]?.id ?? null;
  return base;
}
