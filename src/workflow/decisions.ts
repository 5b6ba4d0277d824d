/**
 * Decisions on a review (a submission, a re-review, or an appeal): propose, sign, take effect at quorum.
 * At most one approve/deny takes effect per review, ever: the state change is a conditional UPDATE on the
 * review's open status inside the transaction, so concurrent signatures (even on two servers) cannot make two
 * decisions effective.
 */
import type { Determination } from '../core/determination/types.js';
import { sha256Hex } from '../core/digest.js';
import type { Framework } from '../core/framework/types.js';
import type { Tx } from '../store/db.js';
import type { AppealsTable, DecisionsTable, SubmissionsTable } from '../store/schema.js';
import { type Ctx, isObject, newId, nonEmptyString, Problems, rankOf } from './context.js';
import { concludeVersion } from './effective-tier.js';
import { recordEvent } from './events.js';
import { actorString, authorize } from './policy.js';
import {
  type Actor,
  type AppealStatus,
  type DecisionInput,
  type DecisionView,
  type JurisdictionConditions,
  ServiceError,
  type SubmissionStatus,
} from './types.js';
import { decisionView, OPEN_APPEAL, OPEN_SUBMISSION } from './views.js';

export interface Review {
  kind: 'submission' | 'appeal';
  id: string;
  submission: SubmissionsTable;
  appeal: AppealsTable | null;
  fw: Framework;
  modelOrg: string;
  determination: Determination;
}

export async function loadReview(
  ctx: Ctx,
  tx: Tx,
  kind: 'submission' | 'appeal',
  id: string,
): Promise<Review> {
  let appeal: AppealsTable | null = null;
  let submissionId = id;
  if (kind === 'appeal') {
    appeal = (await tx.selectFrom('appeals').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
    if (!appeal) throw new ServiceError('not_found', 'appeal not found');
    submissionId = appeal.submission_id;
  } else if (kind !== 'submission') {
    throw new ServiceError('invalid', 'unknown review kind', [
      { path: 'kind', message: 'expected submission or appeal' },
    ]);
  }
  const submission = await tx
    .selectFrom('submissions')
    .selectAll()
    .where('id', '=', submissionId)
    .executeTakeFirst();
  if (!submission) throw new ServiceError('not_found', 'submission not found');
  const model = await tx
    .selectFrom('models')
    .select('org_id')
    .where('id', '=', submission.model_id)
    .executeTakeFirstOrThrow();
  const fw = await ctx.framework(tx, submission.framework_id, submission.framework_version);
  const determination = JSON.parse(appeal?.determination ?? submission.determination) as Determination;
  return { kind, id, submission, appeal, fw, modelOrg: model.org_id, determination };
}

function isOpen(r: Review): boolean {
  return r.kind === 'appeal'
    ? OPEN_APPEAL.includes(r.appeal!.status as AppealStatus)
    : OPEN_SUBMISSION.includes(r.submission.status as SubmissionStatus);
}

/** The effective approve/deny decision a submission concluded with (null for a lapse). */
export async function effectiveDecisionOf(
  tx: Tx,
  kind: 'submission' | 'appeal',
  id: string,
): Promise<DecisionsTable | null> {
  return (
    (await tx
      .selectFrom('decisions')
      .selectAll()
      .where('review_kind', '=', kind)
      .where('review_id', '=', id)
      .where('status', '=', 'effective')
      .where('action', 'in', ['approve', 'deny'])
      .executeTakeFirst()) ?? null
  );
}

/** Conflict of interest: affiliated reviewers, and (for appeals) signers of the appealed decision. */
async function checkEligible(tx: Tx, actor: Actor, r: Review): Promise<void> {
  if (actor.kind !== 'person') throw new ServiceError('forbidden', 'not allowed');
  if (actor.person.org !== null && actor.person.org === r.modelOrg) {
    throw new ServiceError(
      'forbidden',
      'a reviewer affiliated with the submitting organisation may not decide its reviews',
    );
  }
  if (r.kind === 'appeal') {
    const appealed = await effectiveDecisionOf(tx, 'submission', r.submission.id);
    if (appealed) {
      const signed = await tx
        .selectFrom('signatures')
        .select('person_id')
        .where('decision_id', '=', appealed.id)
        .where('person_id', '=', actor.person.id)
        .executeTakeFirst();
      if (signed)
        throw new ServiceError(
          'forbidden',
          'a reviewer who signed the appealed decision may not decide the appeal',
        );
    }
  }
}

const ISO_COUNTRY = /^[A-Z]{2}$/;

function checkDecisionInput(input: DecisionInput, kind: 'submission' | 'appeal'): Problems {
  const p = new Problems();
  if (!isObject(input)) {
    p.add('', 'expected a decision object');
    return p;
  }
  const actions = kind === 'appeal' ? ['approve', 'deny'] : ['approve', 'deny', 'request_evidence'];
  if (!actions.includes(input.action)) p.add('action', `expected one of ${actions.join(', ')}`);
  if (!nonEmptyString(input.rationale)) p.add('rationale', 'a rationale is required');
  if (
    input.justification !== undefined &&
    input.justification !== null &&
    typeof input.justification !== 'string'
  )
    p.add('justification', 'expected text');
  if (input.action === 'approve' && !nonEmptyString(input.tier)) p.add('tier', 'an approval names a tier');
  if (input.action !== 'approve' && input.tier !== undefined && input.tier !== null)
    p.add('tier', 'only an approval names a tier');
  if (input.conditions !== undefined && input.conditions !== null) {
    if (input.action !== 'approve') p.add('conditions', 'only an approval carries conditions');
    else if (!isObject(input.conditions)) p.add('conditions', 'expected {jurisdictions?: {allow?, deny?}}');
    else {
      for (const k of Object.keys(input.conditions))
        if (k !== 'jurisdictions') p.add(`conditions.${k}`, 'unknown condition');
      const j = input.conditions.jurisdictions;
      if (j !== undefined) {
        if (!isObject(j)) p.add('conditions.jurisdictions', 'expected {allow?, deny?}');
        else
          for (const [k, v] of Object.entries(j)) {
            if (k !== 'allow' && k !== 'deny')
              p.add(`conditions.jurisdictions.${k}`, 'expected allow or deny');
            else if (!Array.isArray(v) || !v.every((c) => typeof c === 'string' && ISO_COUNTRY.test(c)))
              p.add(`conditions.jurisdictions.${k}`, 'expected a list of ISO 3166-1 alpha-2 codes');
          }
      }
    }
  }
  return p;
}

function normalConditions(c: JurisdictionConditions | null | undefined): JurisdictionConditions | null {
  const j = c?.jurisdictions;
  if (!j || (!j.allow && !j.deny)) return null;
  return {
    jurisdictions: {
      ...(j.allow ? { allow: [...j.allow].sort() } : {}),
      ...(j.deny ? { deny: [...j.deny].sort() } : {}),
    },
  };
}

async function signersOf(tx: Tx, decisionId: string): Promise<string[]> {
  const rows = await tx
    .selectFrom('signatures')
    .select('person_id')
    .where('decision_id', '=', decisionId)
    .orderBy('signed_at')
    .execute();
  return rows.map((r) => r.person_id);
}

export async function proposeDecision(
  ctx: Ctx,
  actor: Actor,
  target: { kind: 'submission' | 'appeal'; id: string },
  input: DecisionInput,
): Promise<DecisionView> {
  authorize(actor, 'decision.propose');
  const p = checkDecisionInput(input, target?.kind);
  const at = ctx.now().toISOString();
  return ctx.write(async (tx) => {
    const r = await loadReview(ctx, tx, target.kind, target.id);
    await checkEligible(tx, actor, r);
    p.throwIfAny('invalid decision');
    if (input.action === 'approve' && rankOf(r.fw, input.tier) < 0) {
      throw new ServiceError('invalid', 'unknown tier', [
        {
          path: 'tier',
          message: `unknown tier "${input.tier}" (tiers: ${r.fw.tiers.map((t) => t.id).join(', ')})`,
        },
      ]);
    }
    if (!isOpen(r)) throw new ServiceError('conflict', 'the review is not open for decisions');
    if (input.action === 'request_evidence' && r.submission.status === 'evidence_requested') {
      throw new ServiceError('conflict', 'evidence has already been requested');
    }
    const d = r.determination;
    const override =
      input.action === 'approve' &&
      (rankOf(r.fw, input.tier) > rankOf(r.fw, d.granted_tier) ||
        d.outcome === 'safeguards_missing' ||
        d.outcome === 'more_evidence');
    if (override && !nonEmptyString(input.justification)) {
      throw new ServiceError('invalid', 'an override needs a justification', [
        {
          path: 'justification',
          message:
            'required: this approval is more open than the determination allows or safeguards/evidence are missing',
        },
      ]);
    }
    const id = newId('dec');
    const conditions = input.action === 'approve' ? normalConditions(input.conditions) : null;
    const log_index = await recordEvent(tx, {
      type: 'decision.proposed',
      at,
      actor: actorString(actor),
      subject: { decision: id, [r.kind]: r.id, model: r.submission.model_id, version: r.submission.version },
      data: {
        action: input.action,
        tier: input.action === 'approve' ? input.tier : undefined,
        conditions: conditions ?? undefined,
        override,
        rationale_digest: `sha256:${sha256Hex(input.rationale)}`,
        justification_digest: nonEmptyString(input.justification)
          ? `sha256:${sha256Hex(input.justification)}`
          : undefined,
      },
      submission_id: r.submission.id,
      appeal_id: r.appeal?.id ?? null,
      model_id: r.submission.model_id,
    });
    const row: DecisionsTable = {
      id,
      review_kind: r.kind,
      review_id: r.id,
      action: input.action,
      tier: input.action === 'approve' ? input.tier! : null,
      conditions: conditions ? JSON.stringify(conditions) : null,
      rationale: input.rationale,
      justification: nonEmptyString(input.justification) ? input.justification : null,
      override: override ? 1 : 0,
      status: 'proposed',
      proposed_by: (actor as { kind: 'person'; person: { id: string } }).person.id,
      proposed_at: at,
      effective_at: null,
      log_index,
    };
    await tx.insertInto('decisions').values(row).execute();
    await tx
      .insertInto('signatures')
      .values({ decision_id: id, person_id: row.proposed_by, signed_at: at })
      .execute();
    const signers = [row.proposed_by];
    if (signers.length >= r.fw.review.quorum) await takeEffect(ctx, tx, r, row, at, actorString(actor));
    return decisionView(row, signers, log_index);
  });
}

export async function signDecision(ctx: Ctx, actor: Actor, decisionId: string): Promise<DecisionView> {
  authorize(actor, 'decision.sign');
  const at = ctx.now().toISOString();
  return ctx.write(async (tx) => {
    const row = await tx.selectFrom('decisions').selectAll().where('id', '=', decisionId).executeTakeFirst();
    if (!row) throw new ServiceError('not_found', 'decision not found');
    const r = await loadReview(ctx, tx, row.review_kind, row.review_id);
    await checkEligible(tx, actor, r);
    const me = (actor as { kind: 'person'; person: { id: string } }).person.id;
    let signers = await signersOf(tx, row.id);
    if (signers.includes(me)) throw new ServiceError('conflict', 'already signed by this reviewer');
    if (row.status !== 'proposed') throw new ServiceError('conflict', `the decision is ${row.status}`);
    if (!isOpen(r)) throw new ServiceError('conflict', 'the review is no longer open');
    await tx.insertInto('signatures').values({ decision_id: row.id, person_id: me, signed_at: at }).execute();
    const log_index = await recordEvent(tx, {
      type: 'decision.signed',
      at,
      actor: actorString(actor),
      subject: {
        decision: row.id,
        [r.kind]: r.id,
        model: r.submission.model_id,
        version: r.submission.version,
      },
      submission_id: r.submission.id,
      appeal_id: r.appeal?.id ?? null,
      model_id: r.submission.model_id,
    });
    signers = [...signers, me];
    let view = row;
    if (signers.length >= r.fw.review.quorum) {
      await takeEffect(ctx, tx, r, row, at, actorString(actor));
      view = { ...row, status: 'effective', effective_at: at };
    }
    return decisionView(view, signers, log_index);
  });
}

/** Applies a decision that reached quorum. Throws `conflict` (rolling the transaction back) when the review was concluded meanwhile. */
async function takeEffect(
  _ctx: Ctx,
  tx: Tx,
  r: Review,
  d: DecisionsTable,
  at: string,
  actor: string,
): Promise<void> {
  const conditions = d.conditions ? (JSON.parse(d.conditions) as JurisdictionConditions) : null;
  const approve = d.action === 'approve';
  let result: 'upheld' | 'reversed' | null = null;
  if (r.kind === 'submission') {
    const res =
      d.action === 'request_evidence'
        ? await tx
            .updateTable('submissions')
            .set({ status: 'evidence_requested' })
            .where('id', '=', r.id)
            .where('status', 'in', ['in_review', 'escalated'])
            .executeTakeFirst()
        : await tx
            .updateTable('submissions')
            .set({
              status: 'decided',
              concluded_at: at,
              approved_tier: approve ? d.tier : null,
              conditions: d.conditions,
            })
            .where('id', '=', r.id)
            .where('status', 'in', OPEN_SUBMISSION as SubmissionStatus[])
            .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      throw new ServiceError('conflict', 'another decision already took effect for this review');
  } else {
    const s = r.submission;
    const before = { tier: s.approved_tier, conditions: s.conditions ?? null };
    const after = { tier: approve ? d.tier : null, conditions: d.conditions ?? null };
    result = before.tier === after.tier && before.conditions === after.conditions ? 'upheld' : 'reversed';
    const res = await tx
      .updateTable('appeals')
      .set({ status: 'appeal_decided', concluded_at: at, result, approved_tier: after.tier })
      .where('id', '=', r.id)
      .where('status', 'in', OPEN_APPEAL as AppealStatus[])
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      throw new ServiceError('conflict', 'another decision already took effect for this appeal');
  }
  const upd = await tx
    .updateTable('decisions')
    .set({ status: 'effective', effective_at: at })
    .where('id', '=', d.id)
    .where('status', '=', 'proposed')
    .executeTakeFirst();
  if (Number(upd.numUpdatedRows) !== 1)
    throw new ServiceError('conflict', 'the decision is no longer proposed');
  const voided = await tx
    .selectFrom('decisions')
    .select('id')
    .where('review_kind', '=', r.kind)
    .where('review_id', '=', r.id)
    .where('status', '=', 'proposed')
    .where('id', '!=', d.id)
    .execute();
  if (voided.length > 0) {
    await tx
      .updateTable('decisions')
      .set({ status: 'void' })
      .where(
        'id',
        'in',
        voided.map((v) => v.id),
      )
      .execute();
  }
  const subject = {
    decision: d.id,
    [r.kind]: r.id,
    model: r.submission.model_id,
    version: r.submission.version,
  };
  const links = {
    submission_id: r.submission.id,
    appeal_id: r.appeal?.id ?? null,
    model_id: r.submission.model_id,
  };
  await recordEvent(tx, {
    type: 'decision.effective',
    at,
    actor,
    subject,
    data: {
      action: d.action,
      tier: d.tier ?? undefined,
      conditions: conditions ?? undefined,
      override: d.override === 1,
      voided: voided.map((v) => v.id),
    },
    ...links,
  });
  if (r.kind === 'appeal') {
    await recordEvent(tx, {
      type: 'appeal.decided',
      at,
      actor,
      subject: { appeal: r.id, submission: r.submission.id, decision: d.id },
      data: { result, tier: d.tier ?? undefined },
      ...links,
    });
  }
  if (d.action !== 'request_evidence') {
    await concludeVersion(tx, {
      model: r.submission.model_id,
      version: r.submission.version,
      approved: approve,
      tier: d.tier,
      ref: d.id,
      conditions,
      framework: { id: r.fw.id, version: r.fw.version },
      at,
    });
    if (r.kind === 'submission' && r.submission.kind === 'rereview')
      await resolveByRereview(tx, r.submission, at, actor);
  }
}

/** Incidents whose re-review concluded are resolved. */
export async function resolveByRereview(
  tx: Tx,
  s: SubmissionsTable,
  at: string,
  actor: string,
): Promise<void> {
  const incidents = await tx
    .selectFrom('incidents')
    .select('id')
    .where('rereview_id', '=', s.id)
    .where('status', '=', 'classified')
    .execute();
  for (const inc of incidents) {
    await tx
      .updateTable('incidents')
      .set({ status: 'resolved', resolution: `re-review ${s.id} concluded`, updated_at: at })
      .where('id', '=', inc.id)
      .where('status', '=', 'classified')
      .execute();
    await recordEvent(tx, {
      type: 'incident.resolved',
      at,
      actor,
      reason: `re-review ${s.id} concluded`,
      subject: { incident: inc.id, model: s.model_id, rereview: s.id },
      incident_id: inc.id,
      model_id: s.model_id,
    });
  }
}
