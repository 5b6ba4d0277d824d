/** The registry: a model's page and the list of models with their effective tier, status and open clocks. */

import { secondsUntil } from './clock.js';
import { type Ctx, decodeCursor, encodeCursor, pageLimit, type Queryable } from './context.js';
import { type Effective, effectiveOf } from './effective-tier.js';
import { grantView } from './grants.js';
import { incidentView } from './incidents.js';
import { authorize, can } from './policy.js';
import { type Actor, type ModelView, type Page, ServiceError } from './types.js';
import { submissionViews } from './views.js';

export interface OpenClock {
  review: string;
  kind: 'submission' | 'rereview' | 'appeal';
  decision_due: string;
  time_left_seconds: number;
}

export interface RegistryRow {
  id: string;
  current_version: string | null;
  effective_tier: string | null;
  status: string;
  open_clocks: OpenClock[];
  open_incidents: number;
}

export function statusOf(eff: Effective, openReviews: number): string {
  if (eff.withdrawn) return 'withdrawn';
  if (eff.conclusion === 'approved') return eff.restricted_by.length > 0 ? 'restricted' : 'approved';
  if (eff.conclusion === 'denied') return 'denied';
  return openReviews > 0 ? 'in_review' : 'unreviewed';
}

async function openClocks(q: Queryable, modelId: string, now: Date): Promise<OpenClock[]> {
  const subs = await q
    .selectFrom('submissions')
    .select(['id', 'kind', 'decision_due'])
    .where('model_id', '=', modelId)
    .where('status', 'in', ['in_review', 'escalated'])
    .execute();
  const appeals = await q
    .selectFrom('appeals')
    .innerJoin('submissions', 'submissions.id', 'appeals.submission_id')
    .select(['appeals.id', 'appeals.decision_due'])
    .where('submissions.model_id', '=', modelId)
    .where('appeals.status', 'in', ['appealed', 'appeal_escalated'])
    .execute();
  return [
    ...subs.map((s) => ({
      review: s.id,
      kind: s.kind,
      decision_due: s.decision_due,
      time_left_seconds: secondsUntil(s.decision_due, now),
    })),
    ...appeals.map((a) => ({
      review: a.id,
      kind: 'appeal' as const,
      decision_due: a.decision_due,
      time_left_seconds: secondsUntil(a.decision_due, now),
    })),
  ].sort((a, b) => (a.decision_due < b.decision_due ? -1 : 1));
}

async function rowOf(ctx: Ctx, q: Queryable, modelId: string): Promise<RegistryRow> {
  const eff = (await effectiveOf(ctx, q, modelId))!;
  const clocks = await openClocks(q, modelId, ctx.now());
  const openEvidence = await q
    .selectFrom('submissions')
    .select('id')
    .where('model_id', '=', modelId)
    .where('status', '=', 'evidence_requested')
    .execute();
  const incidents = await q
    .selectFrom('incidents')
    .select('id')
    .where('model_id', '=', modelId)
    .where('status', 'in', ['reported', 'classified'])
    .execute();
  return {
    id: modelId,
    current_version: eff.version,
    effective_tier: eff.tier,
    status: statusOf(eff, clocks.length + openEvidence.length),
    open_clocks: clocks,
    open_incidents: incidents.length,
  };
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
  const items: RegistryRow[] = [];
  for (const m of page) items.push(await rowOf(ctx, ctx.store.db, m.id));
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
  const row = await rowOf(ctx, q, id);
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
