/**
 * THE route registry: one entry per API route (method, path, schemas, summary). app.ts turns it into Fastify
 * routes, openapi.ts into the OpenAPI document, so the two cannot drift apart.
 */
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { AccessAnswer, Actor } from '../workflow/types.js';
import * as S from './schemas.js';
import type { ServerWorkflow } from './workflow-port.js';

/** An answer with a status other than the route's `status` (e.g. an idempotent replay). */
export class Answer {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

export interface RouteContext {
  workflow: ServerWorkflow;
  actor: Actor;
  // biome-ignore lint/suspicious/noExplicitAny: validated by the route's schemas before the handler runs
  body: any;
  // biome-ignore lint/suspicious/noExplicitAny: validated by the route's schemas
  query: any;
  // biome-ignore lint/suspicious/noExplicitAny: validated by the route's schemas
  params: any;
  request: FastifyRequest;
  /** The in-memory access checker, when the server has one (answers access checks from memory). */
  access?: AccessCheckPort | undefined;
}

/** What the access routes need from an in-memory checker (src/access). */
export interface AccessCheckPort {
  check(query: { model: string; org: string; version?: string | null }): AccessAnswer;
  /** Resolves once the index reflects this server's own acknowledged writes (read-your-writes). */
  fresh?(): Promise<void>;
}

/**
 * An access answer from memory. A model the index does not know yet (created since the last reload, e.g. by a
 * first submission, which changes no other answer) is looked up in the database instead.
 */
async function checkFromMemory(
  access: AccessCheckPort,
  workflow: RouteContext['workflow'],
  query: { model: string; org: string; version?: string | null },
): Promise<AccessAnswer> {
  await access.fresh?.();
  const answer = access.check(query);
  if (answer.rule !== 'unknown_model') return answer;
  const { version, ...rest } = query;
  return workflow.checkAccess(version == null ? rest : { ...rest, version });
}

export type Method = 'GET' | 'POST' | 'DELETE';

export interface RouteDef {
  method: Method;
  /** OpenAPI style: `/v1/frameworks/{id}/{version}`. */
  path: string;
  summary: string;
  tag: string;
  /** Who may call it (documentation; the workflow's policy decides). */
  who: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The body is a framework document: `application/yaml`/`text/yaml` text or JSON. */
  frameworkDocument?: boolean;
  /** Carries evidence: the larger body limit applies. */
  evidence?: boolean;
  rateLimit?: 'preassess' | 'anonymousWrite';
  headers?: { name: string; description: string }[];
  status: number;
  answer: z.ZodType;
  /** Error statuses worth documenting besides 400/401/413/422/429/500. */
  errors?: number[];
  /**
   * The public's answer (no token) may be served from the read cache while this stamp is unchanged: `registry`
   * (any recorded event, the second) or `submission` (the submission's latest event, the second).
   */
  cache?: 'registry' | 'submission';
  /** Answers that are frozen objects (the access checker's) are serialized once per object. */
  frozenAnswers?: boolean;
  handler(ctx: RouteContext): Promise<unknown>;
}

const list = (x: unknown) => (Array.isArray(x) ? { items: x, next_cursor: null } : x);
const modelId = (p: { org: string; name: string }) => `${p.org}/${p.name}`;
const orId = (x: unknown, id: string) => (x === undefined || x === null ? { id } : x);

export const ROUTES: RouteDef[] = [
  // ---- frameworks ----
  {
    method: 'POST',
    path: '/v1/frameworks',
    summary: 'Publish a framework version (YAML or JSON)',
    tag: 'frameworks',
    who: 'admin',
    frameworkDocument: true,
    status: 201,
    answer: S.Published,
    errors: [403, 409],
    handler: async ({ workflow, actor, body }) => {
      const { text, format } = body as { text: string; format: 'yaml' | 'json' };
      const published = await workflow.publishFramework(actor, text, format);
      // Publishing the same document again is idempotent: 200 with the same answer.
      return (published as { created?: boolean }).created === false ? new Answer(200, published) : published;
    },
  },
  {
    method: 'GET',
    path: '/v1/frameworks',
    cache: 'registry',
    summary: 'List frameworks and their versions',
    tag: 'frameworks',
    who: 'anyone',
    status: 200,
    answer: S.ListAnswer,
    handler: async ({ workflow }) => list(await workflow.listFrameworks()),
  },
  {
    method: 'GET',
    path: '/v1/frameworks/{id}/{version}',
    cache: 'registry',
    summary: 'One framework version',
    tag: 'frameworks',
    who: 'anyone',
    params: S.FrameworkParams,
    status: 200,
    answer: S.AnyObject,
    errors: [404],
    handler: async ({ workflow, params }) => workflow.getFramework(params.id, params.version),
  },
  // ---- administration ----
  {
    method: 'POST',
    path: '/v1/orgs',
    summary: 'Register an organisation',
    tag: 'admin',
    who: 'admin',
    body: S.OrgBody,
    status: 201,
    answer: S.Created,
    errors: [403, 409],
    handler: async ({ workflow, actor, body }) => orId(await workflow.createOrg(actor, body), body.id),
  },
  {
    method: 'GET',
    path: '/v1/orgs',
    summary: 'List organisations',
    tag: 'admin',
    who: 'admin, reviewer, auditor',
    status: 200,
    answer: S.ListAnswer,
    errors: [403],
    handler: async ({ workflow, actor }) => list(await workflow.listOrgs(actor)),
  },
  {
    method: 'POST',
    path: '/v1/people',
    summary: 'Register a person with a role; answers their first token (shown only here)',
    tag: 'admin',
    who: 'admin',
    body: S.PersonBody,
    status: 201,
    answer: S.PersonCreated,
    errors: [403, 404, 409],
    handler: async ({ workflow, actor, body }) => workflow.createPerson(actor, body),
  },
  {
    method: 'POST',
    path: '/v1/people/{id}/deactivate',
    summary: 'Deactivate a person (their tokens stop working)',
    tag: 'admin',
    who: 'admin',
    params: S.IdParams,
    status: 200,
    answer: S.Created,
    errors: [403, 404],
    handler: async ({ workflow, actor, params }) =>
      orId(await workflow.deactivatePerson(actor, params.id), params.id),
  },
  {
    method: 'POST',
    path: '/v1/tokens',
    summary: 'Issue a token for a person (shown only here)',
    tag: 'admin',
    who: 'admin',
    body: S.TokenBody,
    status: 201,
    answer: S.TokenIssued,
    errors: [403, 404],
    handler: async ({ workflow, actor, body }) => workflow.issueToken(actor, body),
  },
  {
    method: 'DELETE',
    path: '/v1/tokens/{id}',
    summary: 'Revoke a token',
    tag: 'admin',
    who: 'admin',
    params: S.IdParams,
    status: 200,
    answer: S.Created,
    errors: [403, 404],
    handler: async ({ workflow, actor, params }) =>
      orId(await workflow.revokeToken(actor, params.id), params.id),
  },
  {
    method: 'GET',
    path: '/v1/me',
    summary: 'Who the token belongs to (the public without one)',
    tag: 'admin',
    who: 'anyone',
    status: 200,
    answer: S.AnyObject,
    handler: async ({ actor }) =>
      actor.kind === 'person' ? { kind: 'person', ...actor.person } : { kind: actor.kind },
  },
  // ---- reviews ----
  {
    method: 'POST',
    path: '/v1/preassess',
    summary: 'Compute a determination without storing anything',
    tag: 'reviews',
    who: 'anyone (rate-limited)',
    body: S.AssessBody,
    evidence: true,
    rateLimit: 'preassess',
    status: 200,
    answer: S.AnyObject,
    errors: [404],
    handler: async ({ workflow, body, request }) => workflow.preassess(withRawEvidence(body, request)),
  },
  {
    method: 'POST',
    path: '/v1/submissions',
    summary: 'Submit a model version for review',
    tag: 'reviews',
    who: 'developer of the model’s organisation',
    body: S.AssessBody,
    evidence: true,
    headers: [
      {
        name: 'Idempotency-Key',
        description: 'same key and body within 24 h: the original answer; another body: 409',
      },
    ],
    status: 201,
    answer: S.SubmissionAnswer,
    errors: [403, 404, 409],
    handler: async ({ workflow, actor, body, request }) => {
      const key = request.headers['idempotency-key'];
      const result = await workflow.submit(
        actor,
        withRawEvidence(body, request),
        typeof key === 'string' && key !== '' ? key : undefined,
      );
      return new Answer(result.status, result.body);
    },
  },
  {
    method: 'GET',
    path: '/v1/submissions',
    cache: 'registry',
    summary: 'List submissions and re-reviews',
    tag: 'reviews',
    who: 'anyone (confidential parts per role)',
    query: S.SubmissionsQuery,
    status: 200,
    answer: S.ListAnswer,
    handler: async ({ workflow, actor, query }) => workflow.listSubmissions(actor, query),
  },
  {
    method: 'GET',
    path: '/v1/submissions/{id}',
    cache: 'submission',
    summary: 'A submission or re-review with its determination, decisions, appeals and events',
    tag: 'reviews',
    who: 'anyone (the public sees summaries, no samples)',
    params: S.IdParams,
    status: 200,
    answer: S.SubmissionAnswer,
    errors: [404],
    handler: async ({ workflow, actor, params }) => workflow.getSubmission(actor, params.id),
  },
  {
    method: 'POST',
    path: '/v1/submissions/{id}/evidence',
    summary: 'Add evidence after request_evidence (new determination, fresh clock)',
    tag: 'reviews',
    who: 'developer of the model’s organisation',
    params: S.IdParams,
    body: S.EvidenceBody,
    evidence: true,
    status: 200,
    answer: S.SubmissionAnswer,
    errors: [403, 404, 409],
    handler: async ({ workflow, actor, params, body, request }) =>
      workflow.addEvidence(actor, params.id, withRawEvidence(body, request).evidence),
  },
  {
    method: 'POST',
    path: '/v1/submissions/{id}/withdraw',
    summary: 'Withdraw an open submission',
    tag: 'reviews',
    who: 'developer of the model’s organisation',
    params: S.IdParams,
    body: S.OptionalReasonBody,
    status: 200,
    answer: S.SubmissionAnswer,
    errors: [403, 404, 409],
    handler: async ({ workflow, actor, params, body }) =>
      workflow.withdrawSubmission(actor, params.id, body?.reason),
  },
  {
    method: 'POST',
    path: '/v1/submissions/{id}/decision',
    summary: 'Propose a decision (the proposer’s signature counts)',
    tag: 'reviews',
    who: 'reviewer (not affiliated with the organisation)',
    params: S.IdParams,
    body: S.DecisionBody,
    status: 201,
    answer: S.DecisionAnswer,
    errors: [403, 404, 409],
    handler: async ({ workflow, actor, params, body }) =>
      workflow.proposeDecision(actor, { kind: 'submission', id: params.id }, body),
  },
  {
    method: 'POST',
    path: '/v1/decisions/{id}/sign',
    summary: 'Sign a proposed decision; it takes effect at quorum',
    tag: 'reviews',
    who: 'reviewer (not affiliated; a second signature is 409)',
    params: S.IdParams,
    status: 200,
    answer: S.DecisionAnswer,
    errors: [403, 404, 409],
    handler: async ({ workflow, actor, params }) => workflow.signDecision(actor, params.id),
  },
  {
    method: 'POST',
    path: '/v1/submissions/{id}/appeal',
    summary: 'Appeal a decision or lapse',
    tag: 'reviews',
    who: 'developer of the model’s organisation',
    params: S.IdParams,
    body: S.AppealBody,
    evidence: true,
    status: 201,
    answer: S.AppealAnswer,
    errors: [403, 404, 409],
    handler: async ({ workflow, actor, params, body, request }) =>
      workflow.fileAppeal(actor, params.id, withRawEvidence(body, request)),
  },
  {
    method: 'POST',
    path: '/v1/appeals/{id}/decision',
    summary: 'Propose an appeal decision (signed through /v1/decisions/{id}/sign)',
    tag: 'reviews',
    who: 'reviewer (not affiliated, not a signer of the appealed decision)',
    params: S.IdParams,
    body: S.DecisionBody,
    status: 201,
    answer: S.DecisionAnswer,
    errors: [403, 404, 409],
    handler: async ({ workflow, actor, params, body }) =>
      workflow.proposeDecision(actor, { kind: 'appeal', id: params.id }, body),
  },
  // ---- models ----
  {
    method: 'GET',
    path: '/v1/models',
    cache: 'registry',
    summary: 'The registry: models with their effective tier and status',
    tag: 'models',
    who: 'anyone',
    query: S.ModelsQuery,
    status: 200,
    answer: S.ListAnswer,
    handler: async ({ workflow, actor, query }) => workflow.listModels(actor, query),
  },
  {
    method: 'GET',
    path: '/v1/models/{org}/{name}',
    cache: 'registry',
    summary:
      'A model: versions, effective tier, submissions, incidents (grants for reviewers and its developer)',
    tag: 'models',
    who: 'anyone',
    params: S.ModelParams,
    status: 200,
    answer: S.ModelAnswer,
    errors: [404],
    handler: async ({ workflow, actor, params }) => workflow.getModel(actor, modelId(params)),
  },
  {
    method: 'POST',
    path: '/v1/models/{org}/{name}/rereview',
    summary: 'Open a re-review of the model’s current version',
    tag: 'models',
    who: 'reviewer',
    params: S.ModelParams,
    body: S.ReasonBody,
    status: 201,
    answer: S.SubmissionAnswer,
    errors: [403, 404, 409],
    handler: async ({ workflow, actor, params, body }) =>
      workflow.openRereview(actor, modelId(params), body.reason),
  },
  {
    method: 'POST',
    path: '/v1/models/{org}/{name}/withdraw',
    summary: 'Withdraw a model (or one version)',
    tag: 'models',
    who: 'developer of the model’s organisation, reviewer',
    params: S.ModelParams,
    body: S.WithdrawModelBody,
    status: 200,
    answer: S.AnyObject,
    errors: [403, 404, 409],
    handler: async ({ workflow, actor, params, body }) =>
      workflow.withdrawModel(actor, modelId(params), body),
  },
  // ---- incidents ----
  {
    method: 'POST',
    path: '/v1/incidents',
    summary: 'Report an incident (anyone; anonymous reports are rate-limited)',
    tag: 'incidents',
    who: 'anyone but auditors',
    body: S.IncidentBody,
    rateLimit: 'anonymousWrite',
    status: 201,
    answer: S.Created,
    errors: [403, 404],
    handler: async ({ workflow, actor, body }) => workflow.reportIncident(actor, body),
  },
  {
    method: 'POST',
    path: '/v1/incidents/{id}/classify',
    summary: 'Classify a reported incident (possibly into another class)',
    tag: 'incidents',
    who: 'reviewer',
    params: S.IdParams,
    body: S.ClassifyBody,
    status: 200,
    answer: S.AnyObject,
    errors: [403, 404, 409],
    handler: async ({ workflow, actor, params, body }) =>
      workflow.classifyIncident(actor, params.id, body.class),
  },
  {
    method: 'POST',
    path: '/v1/incidents/{id}/dismiss',
    summary: 'Dismiss a reported incident',
    tag: 'incidents',
    who: 'reviewer',
    params: S.IdParams,
    body: S.ReasonBody,
    status: 200,
    answer: S.AnyObject,
    errors: [403, 404, 409],
    handler: async ({ workflow, actor, params, body }) =>
      workflow.dismissIncident(actor, params.id, body.reason),
  },
  {
    method: 'POST',
    path: '/v1/incidents/{id}/resolve',
    summary: 'Resolve a classified incident',
    tag: 'incidents',
    who: 'reviewer',
    params: S.IdParams,
    body: S.ReasonBody,
    status: 200,
    answer: S.AnyObject,
    errors: [403, 404, 409],
    handler: async ({ workflow, actor, params, body }) =>
      workflow.resolveIncident(actor, params.id, body.reason),
  },
  // ---- grants and access ----
  {
    method: 'POST',
    path: '/v1/grants',
    summary: 'Grant an organisation access to a model at a tier',
    tag: 'access',
    who: 'reviewer',
    body: S.GrantBody,
    status: 201,
    answer: S.Created,
    errors: [403, 404],
    handler: async ({ workflow, actor, body }) => workflow.createGrant(actor, body),
  },
  {
    method: 'POST',
    path: '/v1/grants/bulk',
    summary: 'Grant many organisations access at once',
    tag: 'access',
    who: 'reviewer',
    body: S.GrantsBody,
    status: 201,
    answer: S.AnyObject,
    errors: [403, 404],
    handler: async ({ workflow, actor, body }) => {
      const r = await workflow.createGrants(actor, body);
      return Array.isArray(r) ? { items: r } : r;
    },
  },
  {
    method: 'DELETE',
    path: '/v1/grants/{id}',
    summary: 'Revoke a grant',
    tag: 'access',
    who: 'reviewer',
    params: S.IdParams,
    status: 200,
    answer: S.Created,
    errors: [403, 404, 409],
    handler: async ({ workflow, actor, params }) =>
      orId(await workflow.revokeGrant(actor, params.id), params.id),
  },
  {
    method: 'GET',
    path: '/v1/access/check',
    frozenAnswers: true,
    summary: 'May this organisation use this model (version)?',
    tag: 'access',
    who: 'anyone',
    query: S.AccessQuery,
    status: 200,
    answer: S.AccessAnswer,
    handler: async ({ workflow, access, query }) =>
      access ? checkFromMemory(access, workflow, query) : workflow.checkAccess(query),
  },
  {
    method: 'POST',
    path: '/v1/access/check',
    summary: 'Many access checks at once',
    tag: 'access',
    who: 'anyone',
    body: S.AccessBatchBody,
    status: 200,
    answer: S.AccessBatchAnswer,
    handler: async ({ workflow, access, body }) => {
      const results = [];
      for (const check of body.checks)
        results.push(
          access ? await checkFromMemory(access, workflow, check) : await workflow.checkAccess(check),
        );
      return { results };
    },
  },
  {
    method: 'GET',
    path: '/v1/statistics',
    cache: 'registry',
    summary: 'Time to decision, deadlines met and missed, lapses, overrides, appeals',
    tag: 'models',
    who: 'anyone',
    status: 200,
    answer: S.AnyObject,
    handler: async ({ workflow }) => workflow.statistics(),
  },
];

/**
 * Zod keeps the envelope's fields but the evidence is handed on exactly as received (unknown keys included: the
 * core's validator reports them), so the workflow digests what the client sent.
 */
function withRawEvidence<T extends { evidence?: unknown }>(body: T, request: FastifyRequest): T {
  const raw = request.body as { evidence?: unknown } | undefined;
  return raw && raw.evidence !== undefined ? { ...body, evidence: raw.evidence } : body;
}
