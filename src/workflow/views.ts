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
  SubmissionSummaryView,
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

/** The decisions and appeals (with their decisions) of some submissions: four queries for the whole batch. */
async function reviewParts(
  q: Queryable,
  ids: string[],
): Promise<{ decisions: Map<string, DecisionView[]>; appeals: Map<string, AppealView[]> }> {
  const decisions = await decisionViews(q, 'submission', ids);
  const appealRows = await q
    .selectFrom('appeals')
    .selectAll()
    .where('submission_id', 'in', ids)
    .orderBy('filed_at')
    .execute();
  const appealDecisions = await decisionViews(
    q,
    'appeal',
    appealRows.map((a) => a.id),
  );
  const appeals = new Map<string, AppealView[]>();
  for (const a of appealRows) {
    const list = appeals.get(a.submission_id) ?? [];
    list.push(appealView(a, appealDecisions.get(a.id) ?? []));
    appeals.set(a.submission_id, list);
  }
  return { decisions, appeals };
}

/** The events of some submissions, by submission, in log order (one query). */
async function eventsOf(q: Queryable, ids: string[]): Promise<Map<string, EventView[]>> {
  const rows = await q
    .selectFrom('events')
    .select(['submission_id', 'type', 'at', 'actor', 'reason', 'log_index'])
    .where('submission_id', 'in', ids)
    .orderBy('log_index')
    .execute();
  const out = new Map<string, EventView[]>();
  for (const r of rows) {
    const list = out.get(r.submission_id!) ?? [];
    list.push({
      type: r.type as EventType,
      at: r.at,
      actor: r.actor,
      ...(r.reason ? { reason: r.reason } : {}),
      log_index: r.log_index,
    });
    out.set(r.submission_id!, list);
  }
  return out;
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
  const { decisions, appeals } = await reviewParts(q, ids);
  const events = opts.events === false ? new Map<string, EventView[]>() : await eventsOf(q, ids);
  const out: SubmissionView[] = [];
  for (const r of rows) {
    const running = r.status === 'in_review' || r.status === 'escalated';
    const determination = JSON.parse(r.determination) as Determination;
    const view: SubmissionView = {
      id: r.id,
      kind: r.kind,
      status: r.status as SubmissionStatus,
      model: { id: r.model_id, version: r.version },
      framework: {
        id: r.framework_id,
        version: r.framework_version,
        digest: determination.framework.digest,
      },
      requested_tier: r.requested_tier,
      determination,
      decision_due: r.decision_due,
      received_at: r.received_at,
      concluded_at: r.concluded_at,
      approved_tier: r.approved_tier,
      time_left_seconds: running ? secondsUntil(r.decision_due, now) : null,
      decisions: decisions.get(r.id) ?? [],
      appeals: appeals.get(r.id) ?? [],
      events: events.get(r.id) ?? [],
      log_index: r.log_index,
    };
    if (can(actor, 'submission.evidence.read', { org: modelOrgs.get(r.model_id) ?? null })) {
      view.evidence = JSON.parse(r.evidence);
    }
    out.push(view);
  }
  return out;
}

/** The columns a list item needs: everything but the evidence and the determination document. */
export const SUMMARY_COLUMNS = [
  'id',
  'kind',
  'status',
  'model_id',
  'version',
  'framework_id',
  'framework_version',
  'requested_tier',
  'outcome',
  'granted_tier',
  'determination_digest',
  'evidence_digest',
  'decision_due',
  'received_at',
  'concluded_at',
  'approved_tier',
  'log_index',
] as const;

export type SummaryRow = Pick<SubmissionsTable, (typeof SUMMARY_COLUMNS)[number]>;

/**
 * List items: a submission without its evidence and events, its determination reduced to the outcome and
 * digests (the full view is GET /v1/submissions/{id}). `frameworkDigest` maps `id@version` to the digest.
 */
export async function submissionSummaries(
  q: Queryable,
  rows: SummaryRow[],
  now: Date,
  frameworkDigest: (id: string, version: string) => Promise<string>,
): Promise<SubmissionSummaryView[]> {
  if (rows.length === 0) return [];
  const { decisions, appeals } = await reviewParts(
    q,
    rows.map((r) => r.id),
  );
  const out: SubmissionSummaryView[] = [];
  for (const r of rows) {
    const running = r.status === 'in_review' || r.status === 'escalated';
    out.push({
      id: r.id,
      kind: r.kind,
      status: r.status as SubmissionStatus,
      model: { id: r.model_id, version: r.version },
      framework: {
        id: r.framework_id,
        version: r.framework_version,
        digest: await frameworkDigest(r.framework_id, r.framework_version),
      },
      requested_tier: r.requested_tier,
      determination: {
        outcome: r.outcome as Determination['outcome'],
        requested_tier: r.requested_tier,
        granted_tier: r.granted_tier,
        digest: r.determination_digest,
        evidence_digest: r.evidence_digest,
      },
      decision_due: r.decision_due,
      received_at: r.received_at,
      concluded_at: r.concluded_at,
      approved_tier: r.approved_tier,
      time_left_seconds: running ? secondsUntil(r.decision_due, now) : null,
      decisions: decisions.get(r.id) ?? [],
      appeals: appeals.get(r.id) ?? [],
      events: [],
      log_index: r.log_index,
    });
  }
  return out;
}

export async function modelOrgsOf(q: Queryable, modelIds: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(modelIds)];
  if (unique.length === 0) return new Map();
  const rows = await q.selectFrom('models').select(['id', 'org_id']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r.org_id]));
}
