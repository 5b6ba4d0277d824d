/** Submissions and re-reviews: pre-assess, submit (idempotent), read, add evidence, withdraw; model withdrawal. */

import { determineDocuments } from '../core/determination/index.js';
import type { Determination } from '../core/determination/types.js';
import { digestOf } from '../core/digest.js';
import { GreenlightError } from '../core/errors.js';
import type { Framework } from '../core/framework/types.js';
import { nodeSha256 } from '../node/sha256.js';
import type { Tx } from '../store/db.js';
import { addDuration, secondsUntil } from './clock.js';
import {
  asInvalid,
  bumpChangeCounter,
  type Ctx,
  decodeCursor,
  encodeCursor,
  isObject,
  isUniqueViolation,
  newId,
  nonEmptyString,
  Problems,
  pageLimit,
} from './context.js';
import { recordEvent } from './events.js';
import { currentVersionOf, supersedingVersion } from './frameworks.js';
import { actorString, authorize, can, personId } from './policy.js';
import {
  type Actor,
  type Page,
  ServiceError,
  type SubmissionStatus,
  type SubmissionSummaryView,
  type SubmissionView,
} from './types.js';
import {
  modelOrgsOf,
  OPEN_SUBMISSION,
  SUMMARY_COLUMNS,
  submissionSummaries,
  submissionViews,
} from './views.js';

export interface SubmissionInput {
  framework: { id: string; version: string };
  evidence: unknown;
  tier?: string;
}

function checkInput(input: SubmissionInput): void {
  const p = new Problems();
  if (!isObject(input)) {
    p.add('', 'expected an object {framework, evidence, tier?}');
    p.throwIfAny();
  }
  if (
    !isObject(input.framework) ||
    !nonEmptyString(input.framework.id) ||
    !nonEmptyString(input.framework.version)
  ) {
    p.add('framework', 'expected {id, version}');
  }
  if (!isObject(input.evidence)) p.add('evidence', 'expected native evidence (an object)');
  if (input.tier !== undefined && typeof input.tier !== 'string') p.add('tier', 'expected a tier id');
  p.throwIfAny();
}

async function loadFramework(
  ctx: Ctx,
  q: Ctx['store']['db'] | Tx,
  ref: { id: string; version: string },
): Promise<Framework> {
  try {
    return await ctx.framework(q, ref.id, ref.version);
  } catch (e) {
    if (e instanceof ServiceError && e.code === 'not_found') {
      throw new ServiceError('invalid', 'unknown framework', [
        { path: 'framework', message: `no framework ${ref.id} ${ref.version} is published` },
      ]);
    }
    throw e;
  }
}

/** Evidence this large (as JSON text) is determined on a worker thread when the pool is there (./determine-pool.ts). */
const POOL_MIN_CHARS = 16 * 1024;

/**
 * The core's determination, with the core's errors as `invalid` answers. `evidenceText` is the evidence as JSON
 * text when the caller has it (it is what gets stored).
 */
export async function determineOrInvalid(
  ctx: Ctx,
  fw: Framework,
  evidence: unknown,
  tier?: string,
  evidenceText?: string,
): Promise<Determination> {
  try {
    const pool = ctx.determinePool();
    if (pool !== null) {
      const text = evidenceText ?? JSON.stringify(evidence);
      if (text !== undefined && text.length >= POOL_MIN_CHARS) return await pool.determine(fw, text, tier);
    }
    return determineDocuments(fw, [{ value: evidence }], tier, nodeSha256);
  } catch (e) {
    // A request problem (an unknown tier) is about the request, not the evidence.
    return asInvalid(e, e instanceof GreenlightError && e.code === 'invalid_request' ? '' : 'evidence');
  }
}

export async function preassess(ctx: Ctx, input: SubmissionInput): Promise<Determination> {
  checkInput(input);
  const fw = await loadFramework(ctx, ctx.store.db, input.framework);
  return determineOrInvalid(ctx, fw, input.evidence, input.tier);
}

interface NewReview {
  kind: 'submission' | 'rereview';
  model: string;
  version: string;
  fw: Framework;
  evidence: unknown;
  /** `evidence` as JSON text, when the caller has it already. */
  evidenceText?: string;
  determination: Determination;
  actor: Actor;
  at: string;
  reason?: string | null;
}

/** Inserts a review with its clock and records `submission.received`/`review.opened` + `determination.computed`. */
export async function createReview(
  ctx: Ctx,
  tx: Tx,
  r: NewReview,
): Promise<{ id: string; log_index: number; view: (viewer: Actor, org: string | null) => SubmissionView }> {
  const id = newId(r.kind === 'submission' ? 'sub' : 'rr');
  const due = addDuration(new Date(r.at), r.fw.review.decision_within, r.fw.review).toISOString();
  const d = r.determination;
  const actor = actorString(r.actor);
  const log_index = await recordEvent(tx, {
    type: r.kind === 'submission' ? 'submission.received' : 'review.opened',
    at: r.at,
    actor,
    reason: r.reason ?? null,
    subject: { submission: id, model: r.model, version: r.version },
    data: {
      kind: r.kind,
      framework: { id: r.fw.id, version: r.fw.version, digest: r.fw.digest },
      requested_tier: d.requested_tier,
      evidence_digest: d.evidence_digest,
      decision_due: due,
    },
    submission_id: id,
    model_id: r.model,
  });
  const evidence = r.evidenceText ?? JSON.stringify(r.evidence);
  const determination = JSON.stringify(d);
  await tx
    .insertInto('submissions')
    .values({
      id,
      kind: r.kind,
      model_id: r.model,
      version: r.version,
      framework_id: r.fw.id,
      framework_version: r.fw.version,
      requested_tier: d.requested_tier,
      status: 'in_review',
      evidence,
      determination,
      determination_digest: d.digest,
      evidence_digest: d.evidence_digest,
      outcome: d.outcome,
      granted_tier: d.granted_tier,
      decision_due: due,
      received_at: r.at,
      concluded_at: null,
      approved_tier: null,
      conditions: null,
      submitted_by: personId(r.actor),
      reason: r.reason ?? null,
      log_index,
    })
    .execute();
  const computed = await recordDetermination(tx, id, r.model, d, r.at, actor);
  // The new review's view, as viewIn would read it back (no decisions or appeals yet; its two events).
  const view = (viewer: Actor, org: string | null): SubmissionView => {
    const v: SubmissionView = {
      id,
      kind: r.kind,
      status: 'in_review',
      model: { id: r.model, version: r.version },
      framework: { id: r.fw.id, version: r.fw.version, digest: d.framework.digest },
      requested_tier: d.requested_tier,
      determination: d, // as stored (JSON text of the same value); not copied: views are not mutated
      decision_due: due,
      received_at: r.at,
      concluded_at: null,
      approved_tier: null,
      time_left_seconds: secondsUntil(due, ctx.now()),
      decisions: [],
      appeals: [],
      events: [
        {
          type: r.kind === 'submission' ? 'submission.received' : 'review.opened',
          at: r.at,
          actor,
          ...(r.reason ? { reason: r.reason } : {}),
          log_index,
        },
        { type: 'determination.computed', at: r.at, actor, log_index: computed },
      ],
      log_index,
    };
    if (can(viewer, 'submission.evidence.read', { org })) v.evidence = r.evidence;
    return v;
  };
  return { id, log_index, view };
}

export async function recordDetermination(
  tx: Tx,
  submission: string,
  model: string,
  d: Determination,
  at: string,
  actor: string,
): Promise<number> {
  return recordEvent(tx, {
    type: 'determination.computed',
    at,
    actor,
    subject: { submission, model, version: d.model.version },
    data: {
      determination_digest: d.digest,
      evidence_digest: d.evidence_digest,
      inputs_digest: d.inputs_digest,
      outcome: d.outcome,
      max_tier: d.max_tier,
      granted_tier: d.granted_tier,
      missing_safeguards: d.safeguards.missing,
    },
    submission_id: submission,
    model_id: model,
  });
}

export async function submit(
  ctx: Ctx,
  actor: Actor,
  input: SubmissionInput,
  idempotencyKey?: string,
): Promise<{ status: 201 | 200; body: SubmissionView }> {
  if (actor.kind !== 'person' || actor.person.role !== 'developer')
    authorize(actor, 'submission.create', { org: '\u0000' });
  checkInput(input);
  const person = (actor as { kind: 'person'; person: { id: string; org: string | null } }).person;
  const now = ctx.now();
  const at = now.toISOString();
  // Only an Idempotency-Key needs the body's digest (a canonical walk of the whole evidence).
  const bodyDigest =
    idempotencyKey === undefined
      ? ''
      : digestOf(
          { framework: input.framework, evidence: input.evidence, tier: input.tier ?? null },
          nodeSha256,
        );
  if (idempotencyKey !== undefined) {
    const replay = await idempotentReplay(ctx, person.id, idempotencyKey, bodyDigest, now);
    if (replay) return replay;
  }
  const fw = await loadFramework(ctx, ctx.store.db, input.framework);
  const newer = await supersedingVersion(ctx.store.db, fw.id, fw.version, at.slice(0, 10));
  if (newer) {
    throw new ServiceError('invalid', 'framework version superseded', [
      { path: 'framework.version', message: `superseded by ${fw.id} ${newer} for new submissions` },
    ]);
  }
  const evidenceText = JSON.stringify(input.evidence);
  const d = await determineOrInvalid(ctx, fw, input.evidence, input.tier, evidenceText);
  const modelId = d.model.id;
  const version = d.model.version;
  const orgOfModel = modelId.split('/')[0]!;
  authorize(actor, 'submission.create', { org: orgOfModel });
  const run = () =>
    ctx.write(async (tx) => {
      if (idempotencyKey !== undefined) {
        const again = await idempotentReplay(ctx, person.id, idempotencyKey, bodyDigest, now, tx);
        if (again) return again;
      }
      await tx
        .insertInto('models')
        .values({ id: modelId, org_id: orgOfModel, name: modelId.split('/')[1]!, created_at: at })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      await tx
        .insertInto('model_versions')
        .values({ model_id: modelId, version, withdrawn_at: null, created_at: at })
        .onConflict((oc) => oc.columns(['model_id', 'version']).doNothing())
        .execute();
      const { org_id: orgOfModelRow } = await tx
        .selectFrom('models')
        .select('org_id')
        .where('id', '=', modelId)
        .executeTakeFirstOrThrow();
      const mv = await tx
        .selectFrom('model_versions')
        .select('withdrawn_at')
        .where('model_id', '=', modelId)
        .where('version', '=', version)
        .executeTakeFirstOrThrow();
      if (mv.withdrawn_at !== null)
        throw new ServiceError('conflict', `version ${version} of ${modelId} was withdrawn`);
      const open = await tx
        .selectFrom('submissions')
        .select(['id'])
        .where('model_id', '=', modelId)
        .where('version', '=', version)
        .where('kind', '=', 'submission')
        .where('status', 'in', OPEN_SUBMISSION as SubmissionStatus[])
        .execute();
      for (const o of open) {
        await tx
          .updateTable('submissions')
          .set({ status: 'superseded', concluded_at: at })
          .where('id', '=', o.id)
          .execute();
      }
      const created = await createReview(ctx, tx, {
        kind: 'submission',
        model: modelId,
        version,
        fw,
        evidence: input.evidence,
        evidenceText,
        determination: d,
        actor,
        at,
      });
      for (const o of open) {
        await recordEvent(tx, {
          type: 'submission.superseded',
          at,
          actor: actorString(actor),
          subject: { submission: o.id, model: modelId, version, by: created.id },
          submission_id: o.id,
          model_id: modelId,
        });
      }
      const body = created.view(actor, orgOfModelRow);
      if (idempotencyKey !== undefined) {
        await tx
          .deleteFrom('idempotency')
          .where('person_id', '=', person.id)
          .where('key', '=', idempotencyKey)
          .execute();
        await tx
          .insertInto('idempotency')
          .values({
            key: idempotencyKey,
            person_id: person.id,
            body_digest: bodyDigest,
            status: 201,
            response: JSON.stringify(body),
            created_at: at,
          })
          .execute();
      }
      return { status: 201 as const, body };
    });
  try {
    return await run();
  } catch (e) {
    if (idempotencyKey !== undefined && isUniqueViolation(e)) {
      const replay = await idempotentReplay(ctx, person.id, idempotencyKey, bodyDigest, now);
      if (replay) return replay;
    }
    throw e;
  }
}

const DAY_MS = 24 * 3600 * 1000;

async function idempotentReplay(
  ctx: Ctx,
  person: string,
  key: string,
  bodyDigest: string,
  now: Date,
  q: Ctx['store']['db'] | Tx = ctx.store.db,
): Promise<{ status: 201 | 200; body: SubmissionView } | null> {
  const row = await q
    .selectFrom('idempotency')
    .selectAll()
    .where('person_id', '=', person)
    .where('key', '=', key)
    .executeTakeFirst();
  if (!row || Date.parse(row.created_at) + DAY_MS <= now.getTime()) return null;
  if (row.body_digest !== bodyDigest)
    throw new ServiceError('conflict', 'Idempotency-Key reused with another body');
  return { status: row.status as 201 | 200, body: JSON.parse(row.response) as SubmissionView };
}

export async function viewIn(
  ctx: Ctx,
  q: Ctx['store']['db'] | Tx,
  id: string,
  actor: Actor,
  logIndex?: number,
): Promise<SubmissionView> {
  const row = await q.selectFrom('submissions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new ServiceError('not_found', 'submission not found');
  const orgs = await modelOrgsOf(q, [row.model_id]);
  const [view] = await submissionViews(q, [row], actor, ctx.now(), orgs);
  if (logIndex !== undefined) view!.log_index = logIndex;
  return view!;
}

/**
 * A submission's view as last built, with what is the same for every reader: no evidence, no clock. Valid while
 * the submission's latest event is `key`: every change to a submission, its decisions, signatures and appeals
 * records an event with its `submission_id` in the same transaction, so a newer event means a newer view, on any
 * server sharing the database.
 */
interface CachedView {
  key: number | null;
  org: string | null;
  view: SubmissionView;
}

const VIEW_CACHE_SIZE = 2000;
const viewCaches = new WeakMap<Ctx, Map<string, CachedView>>();

async function latestEventOf(q: Ctx['store']['db'], id: string): Promise<number | null> {
  const row = await q
    .selectFrom('events')
    .select((eb) => eb.fn.max('log_index').as('latest'))
    .where('submission_id', '=', id)
    .executeTakeFirst();
  return row?.latest == null ? null : Number(row.latest);
}

export async function getSubmission(ctx: Ctx, actor: Actor, id: string): Promise<SubmissionView> {
  authorize(actor, 'registry.read');
  let cache = viewCaches.get(ctx);
  if (!cache) {
    cache = new Map();
    viewCaches.set(ctx, cache);
  }
  // The key is read before the rows: a change committed in between only makes the entry stale-keyed (rebuilt on
  // the next read), never a newer key on older rows.
  const key = await latestEventOf(ctx.store.db, id);
  let hit = cache.get(id);
  if (!hit || hit.key !== key) {
    const row = await ctx.store.db
      .selectFrom('submissions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new ServiceError('not_found', 'submission not found');
    const orgs = await modelOrgsOf(ctx.store.db, [row.model_id]);
    const [view] = await submissionViews(ctx.store.db, [row], { kind: 'public' }, ctx.now(), orgs);
    hit = { key, org: orgs.get(row.model_id) ?? null, view: view! };
    cache.delete(id);
    if (cache.size >= VIEW_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(id, hit);
  }
  const v = hit.view;
  const running = v.status === 'in_review' || v.status === 'escalated';
  const view: SubmissionView = {
    ...v,
    time_left_seconds: running ? secondsUntil(v.decision_due, ctx.now()) : null,
  };
  if (can(actor, 'submission.evidence.read', { org: hit.org })) {
    const row = await ctx.store.db
      .selectFrom('submissions')
      .select('evidence')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    view.evidence = JSON.parse(row.evidence);
  }
  return view;
}

export async function listSubmissions(
  ctx: Ctx,
  actor: Actor,
  opts: { limit?: number; cursor?: string | null; status?: string; model?: string } = {},
): Promise<Page<SubmissionSummaryView>> {
  authorize(actor, 'registry.read');
  const limit = pageLimit(opts.limit);
  const after = decodeCursor<{ at: string; id: string }>(opts.cursor);
  // Served by the indexes (received_at, id), (status, received_at, id) and (model_id, received_at, id).
  let q = ctx.store.db
    .selectFrom('submissions')
    .select(SUMMARY_COLUMNS)
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (opts.status) q = q.where('status', '=', opts.status);
  if (opts.model) q = q.where('model_id', '=', opts.model);
  if (after)
    q = q.where((eb) =>
      eb.or([
        eb('received_at', '<', after.at),
        eb.and([eb('received_at', '=', after.at), eb('id', '<', after.id)]),
      ]),
    );
  const rows = await q.execute();
  const page = rows.slice(0, limit);
  const items = await submissionSummaries(
    ctx.store.db,
    page,
    ctx.now(),
    async (fwId, fwVersion) => (await ctx.framework(ctx.store.db, fwId, fwVersion)).digest,
  );
  const last = page.at(-1);
  return {
    items,
    next_cursor: rows.length > limit && last ? encodeCursor({ at: last.received_at, id: last.id }) : null,
  };
}

/** Loads a submission for a developer action: not_found when unknown, forbidden for another organisation. */
async function ownSubmission(
  tx: Tx,
  actor: Actor,
  id: string,
  action: 'submission.evidence.add' | 'submission.withdraw' | 'appeal.file',
) {
  const row = await tx.selectFrom('submissions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new ServiceError('not_found', 'submission not found');
  const model = await tx
    .selectFrom('models')
    .select('org_id')
    .where('id', '=', row.model_id)
    .executeTakeFirstOrThrow();
  authorize(actor, action, { org: model.org_id });
  return row;
}

export { ownSubmission };

export async function addEvidence(
  ctx: Ctx,
  actor: Actor,
  id: string,
  evidence: unknown,
): Promise<SubmissionView> {
  if (!isObject(evidence))
    throw new ServiceError('invalid', 'invalid evidence', [
      { path: 'evidence', message: 'expected native evidence (an object)' },
    ]);
  const at = ctx.now().toISOString();
  return ctx.write(async (tx) => {
    const row = await ownSubmission(tx, actor, id, 'submission.evidence.add');
    if (row.status !== 'evidence_requested')
      throw new ServiceError('conflict', `evidence can be added only after a request (status ${row.status})`);
    const fw = await ctx.framework(tx, row.framework_id, row.framework_version);
    const evidenceText = JSON.stringify(evidence);
    const d = await determineOrInvalid(ctx, fw, evidence, row.requested_tier, evidenceText);
    if (d.model.id !== row.model_id || d.model.version !== row.version) {
      throw new ServiceError('invalid', 'evidence is for another model version', [
        { path: 'evidence.model', message: `expected ${row.model_id} ${row.version}` },
      ]);
    }
    const due = addDuration(new Date(at), fw.review.decision_within, fw.review).toISOString();
    const res = await tx
      .updateTable('submissions')
      .set({
        status: 'in_review',
        evidence: evidenceText,
        determination: JSON.stringify(d),
        determination_digest: d.digest,
        evidence_digest: d.evidence_digest,
        outcome: d.outcome,
        granted_tier: d.granted_tier,
        decision_due: due,
      })
      .where('id', '=', id)
      .where('status', '=', 'evidence_requested')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      throw new ServiceError('conflict', 'submission changed concurrently');
    const log_index = await recordEvent(tx, {
      type: 'evidence.added',
      at,
      actor: actorString(actor),
      subject: { submission: id, model: row.model_id, version: row.version },
      data: { evidence_digest: d.evidence_digest, decision_due: due },
      submission_id: id,
      model_id: row.model_id,
    });
    await recordDetermination(tx, id, row.model_id, d, at, actorString(actor));
    return viewIn(ctx, tx, id, actor, log_index);
  });
}

export async function withdrawSubmission(
  ctx: Ctx,
  actor: Actor,
  id: string,
  reason?: string,
): Promise<SubmissionView> {
  const at = ctx.now().toISOString();
  return ctx.write(async (tx) => {
    const row = await ownSubmission(tx, actor, id, 'submission.withdraw');
    if (row.kind !== 'submission')
      throw new ServiceError('forbidden', 'a re-review cannot be withdrawn by the developer');
    const res = await tx
      .updateTable('submissions')
      .set({ status: 'withdrawn', concluded_at: at, reason: reason ?? null })
      .where('id', '=', id)
      .where('status', 'in', OPEN_SUBMISSION as SubmissionStatus[])
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      throw new ServiceError('conflict', `only an open submission can be withdrawn (status ${row.status})`);
    const log_index = await recordEvent(tx, {
      type: 'submission.withdrawn',
      at,
      actor: actorString(actor),
      reason: reason ?? null,
      subject: { submission: id, model: row.model_id, version: row.version },
      submission_id: id,
      model_id: row.model_id,
    });
    return viewIn(ctx, tx, id, actor, log_index);
  });
}

/** Opens a re-review of the model's current version inside `tx` (reviewers, and classified incidents). */
export async function openRereviewIn(
  ctx: Ctx,
  tx: Tx,
  actor: Actor,
  modelId: string,
  reason: string,
  at: string,
): Promise<{ id: string; log_index: number }> {
  const model = await tx
    .selectFrom('models')
    .select(['id', 'current_version'])
    .where('id', '=', modelId)
    .executeTakeFirst();
  if (!model) throw new ServiceError('not_found', 'model not found');
  if (model.current_version === null)
    throw new ServiceError('conflict', 'the model has no approved version to re-review');
  const version = model.current_version;
  const latest = await tx
    .selectFrom('submissions')
    .select(['evidence', 'framework_id', 'framework_version', 'requested_tier'])
    .where('model_id', '=', modelId)
    .where('version', '=', version)
    .orderBy('received_at', 'desc')
    .orderBy('log_index', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  const appealEvidence = await tx
    .selectFrom('appeals')
    .innerJoin('submissions', 'submissions.id', 'appeals.submission_id')
    .select(['appeals.evidence', 'appeals.filed_at'])
    .where('submissions.model_id', '=', modelId)
    .where('submissions.version', '=', version)
    .where('appeals.evidence', 'is not', null)
    .orderBy('appeals.filed_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const evidenceText = appealEvidence?.evidence ?? latest.evidence;
  const evidence = JSON.parse(evidenceText) as unknown;
  const fwVersion = await currentVersionOf(
    tx,
    latest.framework_id,
    latest.framework_version,
    at.slice(0, 10),
  );
  const fw = await ctx.framework(tx, latest.framework_id, fwVersion);
  let tier: string | undefined = latest.requested_tier;
  if (!fw.tiers.some((t) => t.id === tier)) tier = undefined;
  const d = await determineOrInvalid(ctx, fw, evidence, tier, evidenceText);
  return createReview(ctx, tx, {
    kind: 'rereview',
    model: modelId,
    version,
    fw,
    evidence,
    evidenceText,
    determination: d,
    actor,
    at,
    reason,
  });
}

export async function openRereview(
  ctx: Ctx,
  actor: Actor,
  modelId: string,
  reason: string,
): Promise<SubmissionView> {
  authorize(actor, 'rereview.open');
  if (!nonEmptyString(reason))
    throw new ServiceError('invalid', 'a reason is required', [
      { path: 'reason', message: 'expected a non-empty reason' },
    ]);
  const at = ctx.now().toISOString();
  return ctx.write(async (tx) => {
    const created = await openRereviewIn(ctx, tx, actor, modelId, reason, at);
    return viewIn(ctx, tx, created.id, actor);
  });
}

export async function withdrawModel(
  ctx: Ctx,
  actor: Actor,
  modelId: string,
  input: { version?: string; reason: string },
): Promise<{ model: string; versions: string[]; log_index: number }> {
  const p = new Problems();
  if (!nonEmptyString(input?.reason)) p.add('reason', 'expected a non-empty reason');
  if (input?.version !== undefined && !nonEmptyString(input.version)) p.add('version', 'expected a version');
  const at = ctx.now().toISOString();
  return ctx.write(async (tx) => {
    const model = await tx
      .selectFrom('models')
      .select(['id', 'org_id'])
      .where('id', '=', modelId)
      .executeTakeFirst();
    if (!model) throw new ServiceError('not_found', 'model not found');
    authorize(actor, 'model.withdraw', { org: model.org_id });
    p.throwIfAny();
    let q = tx
      .selectFrom('model_versions')
      .select('version')
      .where('model_id', '=', modelId)
      .where('withdrawn_at', 'is', null);
    if (input.version !== undefined) q = q.where('version', '=', input.version);
    const versions = (await q.execute()).map((r) => r.version);
    if (versions.length === 0)
      throw new ServiceError(input.version !== undefined ? 'not_found' : 'conflict', 'nothing to withdraw');
    await tx
      .updateTable('model_versions')
      .set({ withdrawn_at: at })
      .where('model_id', '=', modelId)
      .where('version', 'in', versions)
      .execute();
    const open = await tx
      .selectFrom('submissions')
      .select(['id', 'version'])
      .where('model_id', '=', modelId)
      .where('version', 'in', versions)
      .where('status', 'in', OPEN_SUBMISSION as SubmissionStatus[])
      .execute();
    for (const o of open) {
      await tx
        .updateTable('submissions')
        .set({ status: 'withdrawn', concluded_at: at, reason: input.reason })
        .where('id', '=', o.id)
        .execute();
    }
    const log_index = await recordEvent(tx, {
      type: 'model.withdrawn',
      at,
      actor: actorString(actor),
      reason: input.reason,
      subject: { model: modelId },
      data: { versions },
      model_id: modelId,
    });
    for (const o of open) {
      await recordEvent(tx, {
        type: 'submission.withdrawn',
        at,
        actor: actorString(actor),
        reason: input.reason,
        subject: { submission: o.id, model: modelId, version: o.version },
        submission_id: o.id,
        model_id: modelId,
      });
    }
    await bumpChangeCounter(tx, { models: [modelId] });
    return { model: modelId, versions, log_index };
  });
}
