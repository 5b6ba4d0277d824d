/** Rows → the API views of types.ts; what a viewer may see is decided here through the policy table. */
import type { Determination } from '../core/determination/types.js';
import type { AppealsTable, DecisionsTable, SubmissionsTable } from '../store/schema.js';
import { secondsUntil } from './clock.js';
import { parseJson, type Queryable } from './context.js';
import { can } from './policy.js';
import type {
  Actor,
  AppealStatus,
  AppealView,
  DecisionView,
  EventType,
  EventView,
  JurisdictionConditions,
  SubmissionStatus,
  SubmissionView,
} from './types.js';

export const OPEN_SUBMISSION: readonly SubmissionStatus[] = ['in_review', 'evidence_requested', 'escalated'];
export const OPEN_APPEAL: readonly AppealStatus[] = ['appealed', 'appeal_escalated'];

export async function decisionViews(
  q: Queryable,
  kind: 'submission' | 'appeal',
  reviewIds: string[],
): Promise<Map<string, DecisionView[]>> {
  const out = new Map<string, DecisionView[]>();
  if (reviewIds.length === 0) return out;
  const rows = await q
    .selectFrom('decisions')
    .selectAll()
    .where('review_kind', '=', kind)
    .where('review_id', 'in', reviewIds)
    .orderBy('proposed_at')
    .orderBy('log_index')
    .execute();
  const sigs = rows.length
    ? await q
        .selectFrom('signatures')
        .selectAll()
        .where(
          'decision_id',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('signed_at')
        .execute()
    : [];
  for (const r of rows) {
    const signers = sigs.filter((s) => s.decision_id === r.id).map((s) => s.person_id);
    const list = out.get(r.review_id) ?? [];
    list.push(decisionView(r, signers));
    out.set(r.review_id, list);
  }
  return out;
}

export function decisionView(r: DecisionsTable, signers: string[], logIndex?: number): DecisionView {
  return {
    id: r.id,
    review: { kind: r.review_kind, id: r.review_id },
    action: r.action,
    tier: r.tier,
    conditions: parseJson<JurisdictionConditions>(r.conditions),
    rationale: r.rationale,
    justification: r.justification,
    override: r.override === 1,
    status: r.status,
    signatures: signers.length,
    signers,
    effective: r.status === 'effective',
    proposed_by: r.proposed_by,
    proposed_at: r.proposed_at,
    effective_at: r.effective_at,
    log_index: logIndex ?? r.log_index ?? -1,
  };
}

export async function eventViews(
  q: Queryable,
  where: { submission?: string; model?: string; incident?: string },
): Promise<EventView[]> {
  let query = q
    .selectFrom('events')
    .select(['type', 'at', 'actor', 'reason', 'log_index'])
    .orderBy('log_index');
  if (where.submission) query = query.where('submission_id', '=', where.submission);
  if (where.model) query = query.where('model_id', '=', where.model);
  if (where.incident) query = query.where('incident_id', '=', where.incident);
  const rows = await query.execute();
  return rows.map((r) => ({
    type: r.type as EventType,
    at: r.at,
    actor: r.actor,
    ...(r.reason ? { reason: r.reason } : {}),
    log_index: r.log_index,
  }));
}

export function appealView(a: AppealsTable, decisions: DecisionView[], logIndex?: number): AppealView {
  return {
    id: a.id,
    submission_id: a.submission_id,
    status: a.status as AppealStatus,
    reasons: a.reasons,
    result: (a.result as 'upheld' | 'reversed' | null) ?? null,
    approved_tier: a.approved_tier,
    determination: parseJson<Determination>(a.determination),
    decision_due: a.decision_due,
    filed_at: a.filed_at,
    concluded_at: a.concluded_at,
    decisions,
    log_index: logIndex ?? a.log_index,
  };
}

export async function submissionViews(
  q: Queryable,
  rows: SubmissionsTable[],
  actor: Actor,
  now: Date,
  modelOrgs: Map<string, string>,
  opts: { events?: boolean } = {},
): Promise<SubmissionView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const decisions = await decisionViews(q, 'submission', ids);
  const appeals = await q
    .selectFrom('appeals')
    .selectAll()
    .where('submission_id', 'in', ids)
    .orderBy('filed_at')
    .execute();
  const appealDecisions = await decisionViews(
    q,
    'appeal',
    appeals.map((a) => a.id),
  );
  const out: SubmissionView[] = [];
  for (const r of rows) {
    const running = r.status === 'in_review' || r.status === 'escalated';
    const view: SubmissionView = {
      id: r.id,
      kind: r.kind,
      status: r.status as SubmissionStatus,
      model: { id: r.model_id, version: r.version },
      framework: {
        id: r.framework_id,
        version: r.framework_version,
        digest: (JSON.parse(r.determination) as Determination).framework.digest,
      },
      requested_tier: r.requested_tier,
      determination: JSON.parse(r.determination) as Determination,
      decision_due: r.decision_due,
      received_at: r.received_at,
      concluded_at: r.concluded_at,
      approved_tier: r.approved_tier,
      time_left_seconds: running ? secondsUntil(r.decision_due, now) : null,
      decisions: decisions.get(r.id) ?? [],
      appeals: appeals
        .filter((a) => a.submission_id === r.id)
        .map((a) => appealView(a, appealDecisions.get(a.id) ?? [])),
      events: opts.events === false ? [] : await eventViews(q, { submission: r.id }),
      log_index: r.log_index,
    };
    if (can(actor, 'submission.evidence.read', { org: modelOrgs.get(r.model_id) ?? null })) {
      view.evidence = JSON.parse(r.evidence);
    }
    out.push(view);
  }
  return out;
}

export async function modelOrgsOf(q: Queryable, modelIds: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(modelIds)];
  if (unique.length === 0) return new Map();
  const rows = await q.selectFrom('models').select(['id', 'org_id']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r.org_id]));
}
