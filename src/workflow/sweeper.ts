/**
 * The clock: every review whose decision_due has passed with nothing effective gets the lapse row of
 * service.md applied exactly once (conditional UPDATE on the open status; on PostgreSQL due rows are selected
 * with FOR UPDATE SKIP LOCKED), recorded as `clock` events.
 */
import type { Determination } from '../core/determination/types.js';
import type { Tx } from '../store/db.js';
import type { AppealsTable, SubmissionsTable } from '../store/schema.js';
import type { Ctx } from './context.js';
import { concludeVersion } from './effective-tier.js';
import { recordEvent } from './events.js';

const BATCH = 100;

export async function sweep(ctx: Ctx): Promise<number> {
  let fired = 0;
  for (;;) {
    const n = await ctx.write((tx) => sweepBatch(ctx, tx));
    fired += n.fired;
    if (!n.more) return fired;
  }
}

async function sweepBatch(ctx: Ctx, tx: Tx): Promise<{ fired: number; more: boolean }> {
  const now = ctx.now();
  const at = now.toISOString();
  const pg = ctx.store.dialect === 'postgres';
  let sq = tx
    .selectFrom('submissions')
    .selectAll()
    .where('status', '=', 'in_review')
    .where('decision_due', '<=', at)
    .orderBy('decision_due')
    .limit(BATCH);
  if (pg) sq = sq.forUpdate().skipLocked();
  const subs = await sq.execute();
  let aq = tx
    .selectFrom('appeals')
    .selectAll()
    .where('status', '=', 'appealed')
    .where('decision_due', '<=', at)
    .orderBy('decision_due')
    .limit(BATCH);
  if (pg) aq = aq.forUpdate().skipLocked();
  const appeals = await aq.execute();
  let fired = 0;
  for (const s of subs) if (await lapseSubmission(ctx, tx, s, at)) fired++;
  for (const a of appeals) if (await lapseAppeal(ctx, tx, a, at)) fired++;
  return { fired, more: subs.length === BATCH || appeals.length === BATCH };
}

const APPROVABLE = ['approve', 'approve_restricted'];

async function lapseSubmission(ctx: Ctx, tx: Tx, s: SubmissionsTable, at: string): Promise<boolean> {
  const fw = await ctx.framework(tx, s.framework_id, s.framework_version);
  const deemed =
    fw.review.on_lapse === 'deemed_approved' && s.kind === 'submission' && APPROVABLE.includes(s.outcome);
  const res = await tx
    .updateTable('submissions')
    .set(
      deemed
        ? { status: 'deemed_approved', concluded_at: s.decision_due, approved_tier: s.granted_tier }
        : { status: 'escalated' },
    )
    .where('id', '=', s.id)
    .where('status', '=', 'in_review')
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) return false;
  const links = { submission_id: s.id, model_id: s.model_id };
  const subject = { submission: s.id, model: s.model_id, version: s.version };
  await recordLapse(tx, {
    at,
    subject,
    links,
    decisionDue: s.decision_due,
    onLapse: fw.review.on_lapse,
    result: deemed ? 'deemed_approved' : 'escalated',
    conclude: deemed ? { tier: s.granted_tier, ref: s.id } : null,
    model: s.model_id,
    version: s.version,
    framework: { id: fw.id, version: fw.version },
  });
  return true;
}

async function lapseAppeal(ctx: Ctx, tx: Tx, a: AppealsTable, at: string): Promise<boolean> {
  const s = await tx
    .selectFrom('submissions')
    .selectAll()
    .where('id', '=', a.submission_id)
    .executeTakeFirstOrThrow();
  const fw = await ctx.framework(tx, s.framework_id, s.framework_version);
  const d = JSON.parse(a.determination ?? s.determination) as Determination;
  const deemed = fw.review.on_lapse === 'deemed_approved' && APPROVABLE.includes(d.outcome);
  const result = deemed
    ? s.approved_tier === d.granted_tier && s.conditions === null
      ? 'upheld'
      : 'reversed'
    : null;
  const res = await tx
    .updateTable('appeals')
    .set(
      deemed
        ? { status: 'appeal_deemed', concluded_at: a.decision_due, approved_tier: d.granted_tier, result }
        : { status: 'appeal_escalated' },
    )
    .where('id', '=', a.id)
    .where('status', '=', 'appealed')
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) return false;
  const links = { submission_id: s.id, appeal_id: a.id, model_id: s.model_id };
  const subject = { appeal: a.id, submission: s.id, model: s.model_id, version: s.version };
  await recordLapse(tx, {
    at,
    subject,
    links,
    decisionDue: a.decision_due,
    onLapse: fw.review.on_lapse,
    result: deemed ? 'appeal_deemed' : 'appeal_escalated',
    conclude: deemed ? { tier: d.granted_tier, ref: a.id } : null,
    model: s.model_id,
    version: s.version,
    framework: { id: fw.id, version: fw.version },
    // A deemed appeal is also the appeal's decision, recorded before the version concludes.
    ...(deemed ? { beforeConclude: { type: 'appeal.decided', data: { result, tier: d.granted_tier } } } : {}),
  });
  return true;
}

interface LapseRecord {
  at: string;
  subject: Record<string, string>;
  links: { submission_id: string; model_id: string; appeal_id?: string };
  decisionDue: string;
  onLapse: string;
  result: string;
  /** Deemed approval: the tier and the review it rests on; null when the review escalates. */
  conclude: { tier: string; ref: string } | null;
  model: string;
  version: string;
  framework: { id: string; version: string };
  beforeConclude?: { type: 'appeal.decided'; data: Record<string, unknown> };
}

/** The events and effects of a lapse, the same for a submission and an appeal: deemed approval or escalation. */
async function recordLapse(tx: Tx, l: LapseRecord): Promise<void> {
  const event = { at: l.at, actor: 'clock', subject: l.subject, ...l.links } as const;
  await recordEvent(tx, {
    ...event,
    type: 'clock.lapsed',
    data: {
      decision_due: l.decisionDue,
      on_lapse: l.onLapse,
      result: l.result,
      tier: l.conclude ? l.conclude.tier : undefined,
    },
  });
  if (l.conclude === null) {
    await recordEvent(tx, { ...event, type: 'review.escalated', data: { decision_due: l.decisionDue } });
    return;
  }
  if (l.beforeConclude) await recordEvent(tx, { ...event, ...l.beforeConclude });
  await concludeVersion(tx, {
    model: l.model,
    version: l.version,
    approved: true,
    tier: l.conclude.tier,
    ref: l.conclude.ref,
    conditions: null,
    framework: l.framework,
    at: l.decisionDue,
  });
}
