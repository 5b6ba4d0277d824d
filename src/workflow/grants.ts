/** Grants (service.md "Access"): reviewers create and revoke them, singly or in bulk (one transaction). */
import type { Tx } from '../store/db.js';
import type { GrantsTable } from '../store/schema.js';
import { bumpChangeCounter, type Ctx, isIsoTime, newId, nonEmptyString, Problems } from './context.js';
import { recordEvent } from './events.js';
import { modelFramework } from './incidents.js';
import { actorString, authorize } from './policy.js';
import { type Actor, type GrantView, ServiceError } from './types.js';

export function grantView(r: GrantsTable, logIndex?: number): GrantView {
  return {
    id: r.id,
    model: r.model_id,
    org: r.org_id,
    tier: r.tier,
    expires_at: r.expires_at,
    reason: r.reason,
    granted_by: r.granted_by,
    created_at: r.created_at,
    revoked_at: r.revoked_at,
    log_index: logIndex ?? r.log_index ?? -1,
  };
}

export interface GrantInput {
  model: string;
  tier: string;
  expires_at?: string | null;
  reason: string;
}

async function insertGrants(
  ctx: Ctx,
  tx: Tx,
  actor: Actor,
  input: GrantInput,
  orgs: string[],
): Promise<GrantView[]> {
  const at = ctx.now().toISOString();
  const p = new Problems();
  const model = await tx.selectFrom('models').select('id').where('id', '=', input.model).executeTakeFirst();
  if (!model) p.add('model', `unknown model ${input.model}`);
  else {
    const fw = await modelFramework(ctx, tx, model.id);
    if (fw && !fw.tiers.some((t) => t.id === input.tier)) p.add('tier', `unknown tier "${input.tier}"`);
  }
  const known = orgs.length ? await tx.selectFrom('orgs').select('id').where('id', 'in', orgs).execute() : [];
  const knownSet = new Set(known.map((o) => o.id));
  orgs.forEach((o, i) => {
    if (!knownSet.has(o)) p.add(orgs.length === 1 ? 'org' : `orgs[${i}]`, `unknown organisation ${o}`);
  });
  p.throwIfAny('invalid grant');
  const expires = input.expires_at ? new Date(input.expires_at).toISOString() : null;
  const out: GrantView[] = [];
  for (const org of orgs) {
    const id = newId('grt');
    const log_index = await recordEvent(tx, {
      type: 'grant.created',
      at,
      actor: actorString(actor),
      reason: input.reason,
      subject: { grant: id, model: input.model, org },
      data: { tier: input.tier, expires_at: expires ?? undefined },
      model_id: input.model,
    });
    const row: GrantsTable = {
      id,
      model_id: input.model,
      org_id: org,
      tier: input.tier,
      expires_at: expires,
      reason: input.reason,
      granted_by: actorString(actor),
      created_at: at,
      revoked_at: null,
      log_index,
    };
    await tx.insertInto('grants').values(row).execute();
    out.push(grantView(row));
  }
  await bumpChangeCounter(tx, { grants: out.map((g) => g.id) });
  return out;
}

function check(input: GrantInput, orgs: unknown, bulk: boolean): string[] {
  const p = new Problems();
  if (!nonEmptyString(input?.model)) p.add('model', 'expected a model id');
  if (!nonEmptyString(input?.tier)) p.add('tier', 'expected a tier id');
  if (!nonEmptyString(input?.reason)) p.add('reason', 'expected a reason');
  if (input?.expires_at != null && !isIsoTime(input.expires_at))
    p.add('expires_at', 'expected an RFC 3339 time');
  const list = bulk ? orgs : [orgs];
  if (!Array.isArray(list) || list.length === 0 || !list.every((o) => nonEmptyString(o)))
    p.add(bulk ? 'orgs' : 'org', 'expected organisation ids');
  else if (new Set(list).size !== list.length) p.add('orgs', 'duplicate organisation');
  p.throwIfAny('invalid grant');
  return list as string[];
}

export async function createGrant(
  ctx: Ctx,
  actor: Actor,
  input: GrantInput & { org: string },
): Promise<GrantView> {
  authorize(actor, 'grant.manage');
  const orgs = check(input, input?.org, false);
  const [g] = await ctx.write((tx) => insertGrants(ctx, tx, actor, input, orgs));
  return g!;
}

export async function createGrants(
  ctx: Ctx,
  actor: Actor,
  input: GrantInput & { orgs: string[] },
): Promise<GrantView[]> {
  authorize(actor, 'grant.manage');
  const orgs = check(input, input?.orgs, true);
  return ctx.write((tx) => insertGrants(ctx, tx, actor, input, orgs));
}

export async function revokeGrant(ctx: Ctx, actor: Actor, id: string): Promise<GrantView> {
  authorize(actor, 'grant.manage');
  const at = ctx.now().toISOString();
  return ctx.write(async (tx) => {
    const row = await tx.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new ServiceError('not_found', 'grant not found');
    const res = await tx
      .updateTable('grants')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new ServiceError('conflict', 'grant already revoked');
    const log_index = await recordEvent(tx, {
      type: 'grant.revoked',
      at,
      actor: actorString(actor),
      subject: { grant: id, model: row.model_id, org: row.org_id },
      model_id: row.model_id,
    });
    await bumpChangeCounter(tx, { grants: [id] });
    return grantView({ ...row, revoked_at: at }, log_index);
  });
}
