/**
 * Authorization: ONE policy table. Every workflow method asks `authorize(actor, action, resource)`; views ask
 * `can(...)` to decide what to show. Denials: `unauthorized` for the public where a person is needed,
 * `forbidden` for a person without the right; callers use `not_found` where existence itself is confidential.
 */
import type { Actor, Role } from './types.js';
import { ServiceError } from './types.js';

type Who = Role | 'public' | 'system' | 'clock';

export type Action =
  | 'framework.publish'
  | 'org.create'
  | 'org.list'
  | 'person.create'
  | 'person.deactivate'
  | 'token.issue'
  | 'token.revoke'
  | 'preassess'
  | 'submission.create'
  | 'submission.evidence.read'
  | 'submission.evidence.add'
  | 'submission.withdraw'
  | 'decision.propose'
  | 'decision.sign'
  | 'appeal.file'
  | 'rereview.open'
  | 'model.withdraw'
  | 'incident.report'
  | 'incident.classify'
  | 'incident.dismiss'
  | 'incident.resolve'
  | 'grant.manage'
  | 'grant.read'
  | 'registry.read'
  | 'clock.sweep';

interface Rule {
  /** Who may, regardless of organisation. */
  anyOf: readonly Who[];
  /** Developers may too, but only for their own organisation's resource. */
  ownOrgDeveloper?: boolean;
}

const ADMIN: readonly Who[] = ['admin', 'system'];
const READ_ALL: readonly Who[] = ['reviewer', 'auditor', 'admin', 'system'];
const EVERYONE: readonly Who[] = ['public', 'admin', 'reviewer', 'developer', 'auditor', 'system'];

export const POLICY: Readonly<Record<Action, Rule>> = {
  'framework.publish': { anyOf: ADMIN },
  'org.create': { anyOf: ADMIN },
  'org.list': { anyOf: READ_ALL },
  'person.create': { anyOf: ADMIN },
  'person.deactivate': { anyOf: ADMIN },
  'token.issue': { anyOf: ADMIN },
  'token.revoke': { anyOf: ADMIN },
  preassess: { anyOf: EVERYONE },
  'submission.create': { anyOf: [], ownOrgDeveloper: true },
  'submission.evidence.read': { anyOf: READ_ALL, ownOrgDeveloper: true },
  'submission.evidence.add': { anyOf: [], ownOrgDeveloper: true },
  'submission.withdraw': { anyOf: [], ownOrgDeveloper: true },
  'decision.propose': { anyOf: ['reviewer'] },
  'decision.sign': { anyOf: ['reviewer'] },
  'appeal.file': { anyOf: [], ownOrgDeveloper: true },
  'rereview.open': { anyOf: ['reviewer', 'system'] },
  'model.withdraw': { anyOf: ['reviewer', 'system'], ownOrgDeveloper: true },
  'incident.report': { anyOf: ['public', 'admin', 'reviewer', 'developer', 'system'] },
  'incident.classify': { anyOf: ['reviewer', 'system'] },
  'incident.dismiss': { anyOf: ['reviewer', 'system'] },
  'incident.resolve': { anyOf: ['reviewer', 'system'] },
  'grant.manage': { anyOf: ['reviewer', 'system'] },
  'grant.read': { anyOf: READ_ALL, ownOrgDeveloper: true },
  'registry.read': { anyOf: EVERYONE },
  'clock.sweep': { anyOf: ['clock', 'system'] },
};

export interface Resource {
  /** The organisation that owns the resource (a model's developing organisation). */
  org?: string | null;
}

function whoOf(actor: Actor): Who {
  return actor.kind === 'person' ? actor.person.role : actor.kind;
}

export function can(actor: Actor, action: Action, resource: Resource = {}): boolean {
  const rule = POLICY[action];
  const who = whoOf(actor);
  if (rule.anyOf.includes(who)) return true;
  if (rule.ownOrgDeveloper && actor.kind === 'person' && who === 'developer') {
    return resource.org === undefined || (actor.person.org !== null && actor.person.org === resource.org);
  }
  return false;
}

/** Throws unless allowed: `unauthorized` for the public (a token would be needed), else `forbidden`. */
export function authorize(actor: Actor, action: Action, resource: Resource = {}): void {
  if (can(actor, action, resource)) return;
  if (actor.kind === 'public') throw new ServiceError('unauthorized', 'authentication required');
  throw new ServiceError('forbidden', 'not allowed');
}

/** The person's id when the actor is a person. */
export function personId(actor: Actor): string | null {
  return actor.kind === 'person' ? actor.person.id : null;
}

export function actorString(actor: Actor): string {
  switch (actor.kind) {
    case 'person':
      return `person:${actor.person.id}`;
    case 'public':
      return 'public';
    case 'clock':
      return 'clock';
    case 'system':
      return 'system';
  }
}
