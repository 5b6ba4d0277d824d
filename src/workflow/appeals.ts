/** Appeals (service.md Reviews §4): filed by the developer within appeal_within of a decision or lapse. */
import type { Determination } from '../core/determination/types.js';
import { addDuration } from './clock.js';
import { type Ctx, isObject, newId, nonEmptyString, Problems, rankOf } from './context.js';
import { recordEvent } from './events.js';
import { actorString } from './policy.js';
import { determineOrInvalid, ownSubmission, recordDetermination } from './submissions.js';
import { type Actor, type AppealView, ServiceError } from './types.js';
import { appealView } from './views.js';

export async function fileAppeal(
  ctx: Ctx,
  actor: Actor,
  submissionId: string,
  input: { reasons: string; evidence?: unknown },
): Promise<AppealView> {
  const p = new Problems();
  if (!isObject(input) || !nonEmptyString(input.reasons))
    p.add('reasons', 'expected the reasons for the appeal');
  if (isObject(input) && input.evidence !== undefined && input.evidence !== null && !isObject(input.evidence))
    p.add('evidence', 'expected native evidence (an object)');
  const now = ctx.now();
  const at = now.toISOString();
  return ctx.write(async (tx) => {
    const s = await ownSubmission(tx, actor, submissionId, 'appeal.file');
    p.throwIfAny();
    if (s.status !== 'decided' && s.status !== 'deemed_approved') {
      throw new ServiceError('conflict', `only a concluded review can be appealed (status ${s.status})`);
    }
    const fw = await ctx.framework(tx, s.framework_id, s.framework_version);
    const restrictive =
      s.approved_tier !== null && rankOf(fw, s.approved_tier) < rankOf(fw, s.requested_tier);
    if (!(s.approved_tier === null || restrictive || s.conditions !== null)) {
      throw new ServiceError('conflict', 'only a denial, a restrictive tier or conditions can be appealed');
    }
    const closes = addDuration(new Date(s.concluded_at!), fw.review.appeal_within, fw.review);
    if (now.getTime() > closes.getTime())
      throw new ServiceError('conflict', `the appeal window closed at ${closes.toISOString()}`);
    const existing = await tx
      .selectFrom('appeals')
      .select('id')
      .where('submission_id', '=', s.id)
      .executeTakeFirst();
    if (existing) throw new ServiceError('conflict', 'this review has already been appealed');
    let determination: Determination | null = null;
    let evidenceText: string | null = null;
    if (input.evidence !== undefined && input.evidence !== null) {
      evidenceText = JSON.stringify(input.evidence);
      determination = await determineOrInvalid(ctx, fw, input.evidence, s.requested_tier, evidenceText);
      if (determination.model.id !== s.model_id || determination.model.version !== s.version) {
        throw new ServiceError('invalid', 'evidence is for another model version', [
          { path: 'evidence.model', message: `expected ${s.model_id} ${s.version}` },
        ]);
      }
    }
    const id = newId('apl');
    const due = addDuration(now, fw.review.appeal_decision_within, fw.review).toISOString();
    const log_index = await recordEvent(tx, {
      type: 'appeal.filed',
      at,
      actor: actorString(actor),
      subject: { appeal: id, submission: s.id, model: s.model_id, version: s.version },
      data: { decision_due: due, evidence_digest: determination?.evidence_digest },
      submission_id: s.id,
      appeal_id: id,
      model_id: s.model_id,
    });
    const row = {
      id,
      submission_id: s.id,
      status: 'appealed',
      reasons: input.reasons,
      evidence: determination ? evidenceText : null,
      determination: determination ? JSON.stringify(determination) : null,
      decision_due: due,
      filed_at: at,
      filed_by: (actor as { kind: 'person'; person: { id: string } }).person.id,
      concluded_at: null,
      result: null,
      approved_tier: null,
      log_index,
    };
    await tx.insertInto('appeals').values(row).execute();
    if (determination) await recordDetermination(tx, s.id, s.model_id, determination, at, actorString(actor));
    return appealView(row, []);
  });
}
