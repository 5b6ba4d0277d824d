/** People, organisations and tokens (service.md "Roles and tokens"). */
import { createHash } from 'node:crypto';
import {
  bumpChangeCounter,
  type Ctx,
  isIsoTime,
  newId,
  newSecret,
  nonEmptyString,
  Problems,
} from './context.js';
import { recordEvent } from './events.js';
import { actorString, authorize } from './policy.js';
import { type Actor, type Person, type Role, ServiceError } from './types.js';

const ROLES: readonly Role[] = ['admin', 'reviewer', 'developer', 'auditor'];
const PERSON_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const ORG_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

function toPerson(row: {
  id: string;
  name: string;
  role: Role;
  org_id: string | null;
  active: number;
}): Person {
  return { id: row.id, name: row.name, role: row.role, org: row.org_id, active: row.active === 1 };
}

export async function authenticate(ctx: Ctx, secret: string): Promise<Person> {
  if (typeof secret !== 'string' || secret.length === 0)
    throw new ServiceError('unauthorized', 'invalid token');
  const row = await ctx.store.db
    .selectFrom('tokens')
    .innerJoin('people', 'people.id', 'tokens.person_id')
    .select([
      'people.id',
      'people.name',
      'people.role',
      'people.org_id',
      'people.active',
      'tokens.expires_at',
      'tokens.revoked_at',
    ])
    .where('tokens.hash', '=', hashSecret(secret))
    .executeTakeFirst();
  const now = ctx.now().toISOString();
  if (
    !row ||
    row.revoked_at !== null ||
    (row.expires_at !== null && row.expires_at <= now) ||
    row.active !== 1
  ) {
    throw new ServiceError('unauthorized', 'invalid token');
  }
  return toPerson(row);
}

export async function getPerson(ctx: Ctx, id: string): Promise<Person | null> {
  const row = await ctx.store.db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toPerson(row) : null;
}

export async function bootstrapAdmin(ctx: Ctx, secret: string): Promise<Person | null> {
  if (!nonEmptyString(secret)) throw new ServiceError('invalid', 'bootstrap token must not be empty');
  return ctx.write(async (tx) => {
    const admin = await tx.selectFrom('people').select('id').where('role', '=', 'admin').executeTakeFirst();
    const hash = hashSecret(secret);
    if (admin) {
      const existing = await tx
        .selectFrom('tokens')
        .innerJoin('people', 'people.id', 'tokens.person_id')
        .select(['people.id', 'people.name', 'people.role', 'people.org_id', 'people.active'])
        .where('tokens.hash', '=', hash)
        .executeTakeFirst();
      return existing ? toPerson(existing) : null;
    }
    const at = ctx.now().toISOString();
    const taken = await tx.selectFrom('people').select('id').where('id', '=', 'admin').executeTakeFirst();
    const id = taken ? newId('admin') : 'admin';
    await tx
      .insertInto('people')
      .values({ id, name: 'Administrator', role: 'admin', org_id: null, active: 1, created_at: at })
      .execute();
    const tokenId = newId('tok');
    await tx
      .insertInto('tokens')
      .values({ id: tokenId, person_id: id, hash, expires_at: null, revoked_at: null, created_at: at })
      .execute();
    await recordEvent(tx, {
      type: 'token.issued',
      at,
      actor: 'system',
      subject: { token: tokenId, person: id },
      data: { role: 'admin' },
    });
    return { id, name: 'Administrator', role: 'admin', org: null, active: true };
  });
}

export interface OrgInput {
  id: string;
  name: string;
  jurisdiction: string;
  verified: boolean;
}

export interface OrgView extends OrgInput {
  created_at: string;
}

export async function createOrg(ctx: Ctx, actor: Actor, input: OrgInput): Promise<OrgView> {
  authorize(actor, 'org.create');
  const p = new Problems();
  if (typeof input?.id !== 'string' || !ORG_ID.test(input.id))
    p.add('id', 'expected an organisation id ([A-Za-z0-9._-])');
  if (!nonEmptyString(input?.name)) p.add('name', 'expected a non-empty name');
  if (typeof input?.jurisdiction !== 'string' || !/^[A-Z]{2}$/.test(input.jurisdiction))
    p.add('jurisdiction', 'expected an ISO 3166-1 alpha-2 code such as "US"');
  if (typeof input?.verified !== 'boolean') p.add('verified', 'expected true or false');
  p.throwIfAny();
  const at = ctx.now().toISOString();
  return ctx.write(async (tx) => {
    const exists = await tx.selectFrom('orgs').select('id').where('id', '=', input.id).executeTakeFirst();
    if (exists) throw new ServiceError('conflict', `organisation ${input.id} exists`);
    await tx
      .insertInto('orgs')
      .values({
        id: input.id,
        name: input.name,
        jurisdiction: input.jurisdiction,
        verified: input.verified ? 1 : 0,
        created_at: at,
      })
      .execute();
    await bumpChangeCounter(tx, { orgs: [input.id] });
    return {
      id: input.id,
      name: input.name,
      jurisdiction: input.jurisdiction,
      verified: input.verified,
      created_at: at,
    };
  });
}

export async function listOrgs(ctx: Ctx, actor: Actor): Promise<OrgView[]> {
  authorize(actor, 'org.list');
  const rows = await ctx.store.db.selectFrom('orgs').selectAll().orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    jurisdiction: r.jurisdiction,
    verified: r.verified === 1,
    created_at: r.created_at,
  }));
}

export interface PersonInput {
  id: string;
  name: string;
  role: Role;
  org?: string | null;
}

export async function createPerson(
  ctx: Ctx,
  actor: Actor,
  input: PersonInput,
): Promise<{
  id: string;
  role: Role;
  org: string | null;
  token: string;
  token_id: string;
  log_index: number;
}> {
  authorize(actor, 'person.create');
  const p = new Problems();
  if (typeof input?.id !== 'string' || !PERSON_ID.test(input.id))
    p.add('id', 'expected a person id ([A-Za-z0-9._-])');
  if (!nonEmptyString(input?.name)) p.add('name', 'expected a non-empty name');
  if (!ROLES.includes(input?.role)) p.add('role', `expected one of ${ROLES.join(', ')}`);
  const org = input?.org ?? null;
  if (org !== null && typeof org !== 'string') p.add('org', 'expected an organisation id');
  if (input?.role === 'developer' && org === null) p.add('org', 'a developer belongs to an organisation');
  p.throwIfAny();
  const at = ctx.now().toISOString();
  return ctx.write(async (tx) => {
    if (org !== null) {
      const o = await tx.selectFrom('orgs').select('id').where('id', '=', org).executeTakeFirst();
      if (!o)
        throw new ServiceError('invalid', 'unknown organisation', [
          { path: 'org', message: `unknown organisation ${org}` },
        ]);
    }
    const exists = await tx.selectFrom('people').select('id').where('id', '=', input.id).executeTakeFirst();
    if (exists) throw new ServiceError('conflict', `person ${input.id} exists`);
    await tx
      .insertInto('people')
      .values({ id: input.id, name: input.name, role: input.role, org_id: org, active: 1, created_at: at })
      .execute();
    const token = newSecret();
    const tokenId = newId('tok');
    await tx
      .insertInto('tokens')
      .values({
        id: tokenId,
        person_id: input.id,
        hash: hashSecret(token),
        expires_at: null,
        revoked_at: null,
        created_at: at,
      })
      .execute();
    const log_index = await recordEvent(tx, {
      type: 'token.issued',
      at,
      actor: actorString(actor),
      subject: { token: tokenId, person: input.id },
      data: { role: input.role, ...(org ? { org } : {}) },
    });
    return { id: input.id, role: input.role, org, token, token_id: tokenId, log_index };
  });
}

export async function issueToken(
  ctx: Ctx,
  actor: Actor,
  input: { person: string; expires_at?: string | null },
): Promise<{ id: string; token: string; expires_at: string | null; log_index: number }> {
  authorize(actor, 'token.issue');
  const p = new Problems();
  if (!nonEmptyString(input?.person)) p.add('person', 'expected a person id');
  const expires = input?.expires_at ?? null;
  if (expires !== null && !isIsoTime(expires)) p.add('expires_at', 'expected an RFC 3339 time');
  p.throwIfAny();
  const at = ctx.now().toISOString();
  return ctx.write(async (tx) => {
    const person = await tx
      .selectFrom('people')
      .select(['id', 'active'])
      .where('id', '=', input.person)
      .executeTakeFirst();
    if (!person) throw new ServiceError('not_found', 'person not found');
    if (person.active !== 1) throw new ServiceError('conflict', 'person is deactivated');
    const token = newSecret();
    const id = newId('tok');
    const expiresIso = expires === null ? null : new Date(expires).toISOString();
    await tx
      .insertInto('tokens')
      .values({
        id,
        person_id: person.id,
        hash: hashSecret(token),
        expires_at: expiresIso,
        revoked_at: null,
        created_at: at,
      })
      .execute();
    const log_index = await recordEvent(tx, {
      type: 'token.issued',
      at,
      actor: actorString(actor),
      subject: { token: id, person: person.id },
      data: expiresIso ? { expires_at: expiresIso } : {},
    });
    return { id, token, expires_at: expiresIso, log_index };
  });
}

export async function revokeToken(
  ctx: Ctx,
  actor: Actor,
  id: string,
): Promise<{ id: string; revoked_at: string; log_index: number }> {
  authorize(actor, 'token.revoke');
  const at = ctx.now().toISOString();
  return ctx.write(async (tx) => {
    const row = await tx
      .selectFrom('tokens')
      .select(['id', 'person_id', 'revoked_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new ServiceError('not_found', 'token not found');
    if (row.revoked_at !== null) throw new ServiceError('conflict', 'token already revoked');
    await tx
      .updateTable('tokens')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
    const log_index = await recordEvent(tx, {
      type: 'token.revoked',
      at,
      actor: actorString(actor),
      subject: { token: id, person: row.person_id },
    });
    return { id, revoked_at: at, log_index };
  });
}

export async function deactivatePerson(
  ctx: Ctx,
  actor: Actor,
  id: string,
): Promise<{ id: string; active: false }> {
  authorize(actor, 'person.deactivate');
  return ctx.write(async (tx) => {
    const res = await tx.updateTable('people').set({ active: 0 }).where('id', '=', id).executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw new ServiceError('not_found', 'person not found');
    return { id, active: false };
  });
}
