/** The registry: a model's page and the list of models with their effective tier, status and open clocks. */

import { secondsUntil } from './clock.js';
import { type Ctx, decodeCursor, encodeCursor, pageLimit, type Queryable } from './context.js';
import { type Effective, effectiveFrom, effectiveOf } from './effective-tier.js';
import { grantView } from './grants.js';
import { incidentView } from './incidents.js';
import { authorize, can } from './policy.js';
import {
  type Actor,
  type ModelView,
  type OpenClock,
  type Page,
  type RegistryRow,
  ServiceError,
} from './types.js';

export type { OpenClock, RegistryRow };

import { submissionViews } from './views.js';

export function statusOf(eff: Effective, openReviews: number): string {
  if (eff.withdrawn) return 'withdrawn';
  if (eff.conclusion === 'approved') return eff.restricted_by.length > 0 ? 'restricted' : 'approved';
  if (eff.conclusion === 'denied') return 'denied';
  return openReviews > 0 ? 'in_review' : 'unreviewed';
}

/**
 * The registry rows of some models in the order given, with one query per kind for the whole batch (models,
 * current versions, open reviews, open appeals, open incidents) whatever its size.
 */
async function rowsOf(ctx: Ctx, q: Queryable, modelIds: string[]): Promise<RegistryRow[]> {
  if (modelIds.length === 0) return [];
  const now = ctx.now();
  const models = await q
    .selectFrom('models')
    .select(['id', 'org_id', 'current_version'])
    .where('id', 'in', modelIds)
    .execute();
  const current = models.filter((m) => m.current_version !== null);
  const versions = current.length
    ? await q
        .selectFrom('model_versions')
        .selectAll()
        .where((eb) =>
          eb.or(
            current.map((m) => eb.and([eb('model_id', '=', m.id), eb('version', '=', m.current_version)])),
          ),
        )
        .execute()
    : [];
  const subs = await q
    .selectFrom('submissions')
    .select(['id', 'kind', 'model_id', 'status', 'decision_due'])
    .where('model_id', 'in', modelIds)
    .where('status', 'in', ['in_review', 'escalated', 'evidence_requested'])
    .execute();
  const appeals = await q
    .selectFrom('appeals')
    .innerJoin('submissions', 'submissions.id', 'appeals.submission_id')
    .select(['appeals.id', 'appeals.decision_due', 'submissions.model_id'])
    .where('submissions.model_id', 'in', modelIds)
    .where('appeals.status', 'in', ['appealed', 'appeal_escalated'])
    .execute();
  const incidents = await q
    .selectFrom('incidents')
    .select(['id', 'model_id', 'version', 'status', 'max_tier'])
    .where('model_id', 'in', modelIds)
    .where('status', 'in', ['reported', 'classified'])
    .execute();
  const byId = new Map(models.map((m) => [m.id, m]));
  const rows: RegistryRow[] = [];
  for (const id of modelIds) {
    const model = byId.get(id);
    if (!model) continue;
    const v = model.current_version;
    const mv = versions.find((r) => r.model_id === id && r.version === v);
    const fw =
      mv?.framework_id && mv.framework_version
        ? await ctx.framework(q, mv.framework_id, mv.framework_version)
        : null;
    const restricting = incidents.filter(
      (i) => i.model_id === id && i.status === 'classified' && i.max_tier !== null,
    );
    const eff = effectiveFrom(model, v, mv, fw, restricting);
    const mine = subs.filter((s) => s.model_id === id);
    const clocks: OpenClock[] = [
      ...mine
        .filter((s) => s.status !== 'evidence_requested')
        .map((s) => ({
          review: s.id,
          kind: s.kind,
          decision_due: s.decision_due,
          time_left_seconds: secondsUntil(s.decision_due, now),
        })),
      ...appeals
        .filter((a) => a.model_id === id)
        .map((a) => ({
          review: a.id,
          kind: 'appeal' as const,
          decision_due: a.decision_due,
          time_left_seconds: secondsUntil(a.decision_due, now),
        })),
    ].sort((a, b) => (a.decision_due < b.decision_due ? -1 : 1));
    rows.push({
      id,
      current_version: eff.version,
      effective_tier: eff.tier,
      status: statusOf(eff, clocks.length + mine.filter((s) => s.status === 'evidence_requested').length),
      open_clocks: clocks,
      open_incidents: incidents.filter((i) => i.model_id === id).length,
    });
  }
  return rows;
}

export async function listModels(
  ctx: Ctx,
  actor: Actor,
  opts: { limit?: number; cursor?: string | null; q?: string } = {},
): Promise<Page<RegistryRow>> {
  authorize(actor, 'registry.read');
  const limit = pageLimit(opts.limit);
  const after = decodeCursor<string>(opts.cursor);
  let query = ctx.store.db
    .selectFrom('models')
    .select('id')
    .orderBy('id')
    .limit(limit + 1);
  if (after) query = query.where('id', '>', after);
  if (opts.q) query = query.where('id', 'like', `%${opts.q.replace(/[%_\\]/g, '')}%`);
  const ids = await query.execute();
  const page = ids.slice(0, limit);
  const items = await rowsOf(
    ctx,
    ctx.store.db,
    page.map((m) => m.id),
  );
  return { items, next_cursor: ids.length > limit && page.length ? encodeCursor(page.at(-1)!.id) : null };
}

export async function getModel(
  ctx: Ctx,
  actor: Actor,
  id: string,
): Promise<ModelView & { open_clocks: OpenClock[] }> {
  authorize(actor, 'registry.read');
  const q = ctx.store.db;
  const model = await q.selectFrom('models').selectAll().where('id', '=', id).executeTakeFirst();
  if (!model) throw new ServiceError('not_found', 'model not found');
  const row = (await rowsOf(ctx, q, [id]))[0]!;
  const versions = await q
    .selectFrom('model_versions')
    .select(['version', 'withdrawn_at'])
    .where('model_id', '=', id)
    .orderBy('created_at')
    .execute();
  const versionViews = [];
  for (const v of versions) {
    const eff = (await effectiveOf(ctx, q, id, v.version))!;
    versionViews.push({
      version: v.version,
      effective_tier: eff.tier,
      status: statusOf(eff, 0),
      withdrawn: v.withdrawn_at !== null,
    });
  }
  const subs = await q
    .selectFrom('submissions')
    .selectAll()
    .where('model_id', '=', id)
    .orderBy('received_at')
    .orderBy('log_index')
    .execute();
  const submissions = await submissionViews(q, subs, actor, ctx.now(), new Map([[id, model.org_id]]));
  const incidents = (
    await q.selectFrom('incidents').selectAll().where('model_id', '=', id).orderBy('reported_at').execute()
  ).map((r) => incidentView(r));
  const view: ModelView & { open_clocks: OpenClock[] } = {
    id,
    current_version: row.current_version,
    effective_tier: row.effective_tier,
    status: row.status,
    versions: versionViews,
    submissions,
    incidents,
    open_clocks: row.open_clocks,
  };
  if (can(actor, 'grant.read', { org: model.org_id })) {
    const grants = await q
      .selectFrom('grants')
      .selectAll()
      .where('model_id', '=', id)
      .orderBy('created_at')
      .execute();
    view.grants = grants.map((g) => grantView(g));
  }
  return view;
}
