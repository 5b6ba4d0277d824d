/** Incidents (service.md "Incidents"): report (anyone), classify / dismiss / resolve (reviewers). */
import { sha256Hex } from '../core/digest.js';
import type { Framework } from '../core/framework/types.js';
import type { IncidentsTable } from '../store/schema.js';
import { addDuration } from './clock.js';
import {
  bumpChangeCounter,
  type Ctx,
  isIsoTime,
  isObject,
  newId,
  nonEmptyString,
  Problems,
  type Queryable,
} from './context.js';
import { recordEvent } from './events.js';
import { actorString, authorize, personId } from './policy.js';
import { openRereviewIn } from './submissions.js';
import { type Actor, type IncidentView, ServiceError } from './types.js';

/**
 * A model's row with the framework governing it: that of its current version's conclusion, else that of its
 * latest review (both null when it has neither). One query: it runs under the writers' lock.
 */
interface GoverningRow {
  id: string;
  org_id: string;
  current_version: string | null;
  framework_id: string | null;
  framework_version: string | null;
}

async function governingRow(q: Queryable, modelId: string): Promise<GoverningRow | undefined> {
  const row = await q
    .selectFrom('models as m')
    .leftJoin('model_versions as mv', (j) =>
      j.onRef('mv.model_id', '=', 'm.id').onRef('mv.version', '=', 'm.current_version'),
    )
    .select(['m.id', 'm.org_id', 'm.current_version', 'mv.framework_id', 'mv.framework_version'])
    .select((eb) => {
      const latest = (column: 'framework_id' | 'framework_version') =>
        eb
          .selectFrom('submissions as s')
          .select(`s.${column}`)
          .whereRef('s.model_id', '=', 'm.id')
          .orderBy('s.received_at', 'desc')
          .orderBy('s.id', 'desc')
          .limit(1);
      return [latest('framework_id').as('latest_id'), latest('framework_version').as('latest_version')];
    })
    .where('m.id', '=', modelId)
    .executeTakeFirst();
  if (!row) return undefined;
  const concluded = row.framework_id !== null && row.framework_version !== null;
  return {
    id: row.id,
    org_id: row.org_id,
    current_version: row.current_version,
    framework_id: concluded ? row.framework_id : (row.latest_id ?? null),
    framework_version: concluded ? row.framework_version : (row.latest_version ?? null),
  };
}

/** The framework governing a model (see governingRow). */
export async function modelFramework(
  ctx: Ctx,
  q: Queryable,
  modelId: string,
  /** The model's governing row when the caller has just read it. */
  known?: GoverningRow,
): Promise<Framework | null> {
  const model = known ?? (await governingRow(q, modelId));
  return model?.framework_id && model.framework_version
    ? ctx.framework(q, model.framework_id, model.framework_version)
    : null;
}

export function incidentView(r: IncidentsTable, logIndex?: number): IncidentView {
  return {
    id: r.id,
    model: r.model_id,
    version: r.version,
    class: r.class,
    status: r.status,
    late: r.late === 1,
    discovered_at: r.discovered_at,
    reported_at: r.reported_at,
    description_digest: r.description_digest,
    description: r.description,
    max_tier: r.max_tier,
    rereview_id: r.rereview_id,
    log_index: logIndex ?? r.log_index ?? -1,
  };
}

export interface IncidentInput {
  model: string;
  class: string;
  description: string;
  discovered_at: string;
  evidence?: string[];
}

export async function reportIncident(ctx: Ctx, actor: Actor, input: IncidentInput): Promise<IncidentView> {
  authorize(actor, 'incident.report');
  const p = new Problems();
  if (!isObject(input)) p.add('', 'expected {model, class, description, discovered_at, evidence?}');
  else {
    if (!nonEmptyString(input.model)) p.add('model', 'expected a model id');
    if (!nonEmptyString(input.class)) p.add('class', 'expected an incident class');
    if (!nonEmptyString(input.description)) p.add('description', 'expected a description');
    else if (input.description.length > 100_000) p.add('description', 'at most 100000 characters');
    if (!isIsoTime(input.discovered_at)) p.add('discovered_at', 'expected an RFC 3339 time');
    if (
      input.evidence !== undefined &&
      (!Array.isArray(input.evidence) || !input.evidence.every((e) => typeof e === 'string'))
    )
      p.add('evidence', 'expected a list of links');
  }
  p.throwIfAny();
  const now = ctx.now();
  const at = now.toISOString();
  return ctx.write(async (tx) => {
    const model = await governingRow(tx, input.model);
    if (!model) throw new ServiceError('not_found', 'model not found');
    const fw = await modelFramework(ctx, tx, model.id, model);
    const cls = fw?.incidents.find((c) => c.id === input.class);
    if (!fw || !cls) {
      throw new ServiceError('invalid', 'unknown incident class', [
        {
          path: 'class',
          message: `expected one of ${(fw?.incidents ?? []).map((c) => c.id).join(', ') || '(none)'}`,
        },
      ]);
    }
    const discovered = new Date(input.discovered_at);
    if (discovered.getTime() > now.getTime())
      throw new ServiceError('invalid', 'discovered in the future', [
        { path: 'discovered_at', message: 'must not be in the future' },
      ]);
    const own =
      actor.kind === 'person' && actor.person.role === 'developer' && actor.person.org === model.org_id;
    const late = own && now.getTime() > addDuration(discovered, cls.report_within, fw.review).getTime();
    const id = newId('inc');
    const digest = `sha256:${sha256Hex(input.description)}`;
    const values: Omit<IncidentsTable, 'log_index'> = {
      id,
      model_id: model.id,
      version: model.current_version,
      class: cls.id,
      reported_class: cls.id,
      description: input.description,
      description_digest: digest,
      evidence: input.evidence ? JSON.stringify(input.evidence) : null,
      discovered_at: discovered.toISOString(),
      reported_at: at,
      reported_by: personId(actor),
      status: 'reported',
      late: late ? 1 : 0,
      max_tier: null,
      rereview_id: null,
      resolution: null,
      updated_at: at,
    };
    const log_index = await recordEvent(
      tx,
      {
        type: 'incident.reported',
        at,
        actor: actorString(actor),
        subject: {
          incident: id,
          model: model.id,
          ...(model.current_version ? { version: model.current_version } : {}),
        },
        data: {
          class: cls.id,
          description_digest: digest,
          discovered_at: discovered.toISOString(),
          late,
          evidence_digest: input.evidence ? `sha256:${sha256Hex(JSON.stringify(input.evidence))}` : undefined,
        },
        incident_id: id,
        model_id: model.id,
      },
      { table: 'incidents', indexColumn: 'log_index', values },
    );
    return incidentView({ ...values, log_index });
  });
}

async function loadIncident(q: Queryable, id: string): Promise<IncidentsTable> {
  const row = await q.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new ServiceError('not_found', 'incident not found');
  return row;
}

export async function classifyIncident(
  ctx: Ctx,
  actor: Actor,
  id: string,
  cls: string,
): Promise<IncidentView> {
  authorize(actor, 'incident.classify');
  if (!nonEmptyString(cls))
    throw new ServiceError('invalid', 'expected a class', [
      { path: 'class', message: 'expected an incident class' },
    ]);
  const at = ctx.now().toISOString();
  return ctx.write(async (tx) => {
    const inc = await loadIncident(tx, id);
    if (inc.status !== 'reported') throw new ServiceError('conflict', `the incident is ${inc.status}`);
    const fw = await modelFramework(ctx, tx, inc.model_id);
    const c = fw?.incidents.find((x) => x.id === cls);
    if (!c)
      throw new ServiceError('invalid', 'unknown incident class', [
        { path: 'class', message: `unknown class "${cls}"` },
      ]);
    const maxTier = c.response.max_tier ?? null;
    const res = await tx
      .updateTable('incidents')
      .set({ status: 'classified', class: c.id, max_tier: maxTier, updated_at: at })
      .where('id', '=', id)
      .where('status', '=', 'reported')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1)
      throw new ServiceError('conflict', 'the incident changed concurrently');
    const log_index = await recordEvent(tx, {
      type: 'incident.classified',
      at,
      actor: actorString(actor),
      subject: { incident: id, model: inc.model_id },
      data: {
        class: c.id,
        reported_class: inc.reported_class,
        max_tier: maxTier ?? undefined,
        rereview: c.response.rereview,
      },
      incident_id: id,
      model_id: inc.model_id,
    });
    let rereviewId: string | null = null;
    if (c.response.rereview) {
      const open = await tx
        .selectFrom('submissions')
        .select('id')
        .where('model_id', '=', inc.model_id)
        .where('kind', '=', 'rereview')
        .where('status', 'in', ['in_review', 'evidence_requested', 'escalated'])
        .executeTakeFirst();
      rereviewId =
        open?.id ?? (await openRereviewIn(ctx, tx, actor, inc.model_id, `incident ${id} (${c.id})`, at)).id;
      await tx.updateTable('incidents').set({ rereview_id: rereviewId }).where('id', '=', id).execute();
    }
    await bumpChangeCounter(tx, { incidents: [id] });
    return incidentView(
      {
        ...inc,
        status: 'classified',
        class: c.id,
        max_tier: maxTier,
        rereview_id: rereviewId,
        updated_at: at,
      },
      log_index,
    );
  });
}

async function closeIncident(
  ctx: Ctx,
  actor: Actor,
  id: string,
  reason: string,
  from: 'reported' | 'classified',
  to: 'dismissed' | 'resolved',
): Promise<IncidentView> {
  authorize(actor, to === 'dismissed' ? 'incident.dismiss' : 'incident.resolve');
  if (!nonEmptyString(reason))
    throw new ServiceError('invalid', 'a reason is required', [
      { path: 'reason', message: 'expected a reason' },
    ]);
  const at = ctx.now().toISOString();
  return ctx.write(async (tx) => {
    const inc = await loadIncident(tx, id);
    const res = await tx
      .updateTable('incidents')
      .set({ status: to, resolution: reason, updated_at: at })
      .where('id', '=', id)
      .where('status', '=', from)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new ServiceError('conflict', `the incident is ${inc.status}`);
    const log_index = await recordEvent(tx, {
      type: to === 'dismissed' ? 'incident.dismissed' : 'incident.resolved',
      at,
      actor: actorString(actor),
      reason,
      subject: { incident: id, model: inc.model_id },
      incident_id: id,
      model_id: inc.model_id,
    });
    if (to === 'resolved') await bumpChangeCounter(tx, { incidents: [id] });
    return incidentView({ ...inc, status: to, resolution: reason, updated_at: at }, log_index);
  });
}

export const dismissIncident = (ctx: Ctx, actor: Actor, id: string, reason: string) =>
  closeIncident(ctx, actor, id, reason, 'reported', 'dismissed');
export const resolveIncident = (ctx: Ctx, actor: Actor, id: string, reason: string) =>
  closeIncident(ctx, actor, id, reason, 'classified', 'resolved');
