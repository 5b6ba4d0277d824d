/**
 * The authorization matrix: every route × every role, with the expected class of answer. The policy itself is
 * the workflow's (src/workflow/policy.ts); this checks that the HTTP layer authenticates and maps its answers:
 * a denied public caller gets 401, a denied person 403 (or 404 where existence is confidential), an allowed
 * caller never 401/403 (2xx, or 409 when the state no longer permits the action).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnEachDatabase } from '../store/test-helpers/databases.js';
import type { Actor } from '../workflow/types.js';
import { ROUTES } from './routes.js';
import {
  bearer,
  FRAMEWORK,
  MODEL,
  OTHER_ORG,
  OWN_ORG,
  seedWorld,
  submissionBody,
  type World,
} from './test-helpers/world.js';

type MatrixRole = 'public' | 'admin' | 'reviewer' | 'developer' | 'otherDeveloper' | 'auditor';
/** Denied roles first, so that an allowed caller's state change cannot mask a denial. */
const ROLES: MatrixRole[] = ['public', 'auditor', 'otherDeveloper', 'developer', 'reviewer', 'admin'];
const ALL = new Set<MatrixRole>(ROLES);
const ADMIN = new Set<MatrixRole>(['admin']);
const REVIEWER = new Set<MatrixRole>(['reviewer']);
const OWN_DEV = new Set<MatrixRole>(['developer']);

interface Fixture {
  approved: string;
  open: string;
  decision: string;
  denied: string;
  appeal: string;
  incident: string;
  grant: string;
  token: string;
}

interface Case {
  allowed: Set<MatrixRole>;
  url: (f: Fixture) => string;
  body?: (f: Fixture, role: MatrixRole) => unknown;
  contentType?: string;
}

const reason = () => ({ reason: 'matrix' });
const CASES: Record<string, Case> = {
  'POST /v1/frameworks': { allowed: ADMIN, url: () => '/v1/frameworks', body: () => '', contentType: 'yaml' },
  'GET /v1/frameworks': { allowed: ALL, url: () => '/v1/frameworks' },
  'GET /v1/frameworks/{id}/{version}': {
    allowed: ALL,
    url: () => `/v1/frameworks/${FRAMEWORK.id}/${FRAMEWORK.version}`,
  },
  'POST /v1/orgs': {
    allowed: ADMIN,
    url: () => '/v1/orgs',
    body: (_f, r) => ({ id: `org-${r.toLowerCase()}`, name: 'M', jurisdiction: 'GB', verified: false }),
  },
  'GET /v1/orgs': { allowed: new Set(['admin', 'reviewer', 'auditor']), url: () => '/v1/orgs' },
  'POST /v1/people': {
    allowed: ADMIN,
    url: () => '/v1/people',
    body: (_f, r) => ({ id: `p-${r.toLowerCase()}`, name: 'P', role: 'auditor' }),
  },
  'POST /v1/people/{id}/deactivate': { allowed: ADMIN, url: () => '/v1/people/victim/deactivate' },
  'POST /v1/tokens': { allowed: ADMIN, url: () => '/v1/tokens', body: () => ({ person: 'auditor' }) },
  'DELETE /v1/tokens/{id}': { allowed: ADMIN, url: (f) => `/v1/tokens/${f.token}` },
  'GET /v1/me': { allowed: ALL, url: () => '/v1/me' },
  'POST /v1/preassess': { allowed: ALL, url: () => '/v1/preassess', body: () => submissionBody() },
  'POST /v1/submissions': {
    allowed: OWN_DEV,
    url: () => '/v1/submissions',
    body: () => submissionBody('v-matrix'),
  },
  'GET /v1/submissions': { allowed: ALL, url: () => '/v1/submissions' },
  'GET /v1/submissions/{id}': { allowed: ALL, url: (f) => `/v1/submissions/${f.approved}` },
  'POST /v1/submissions/{id}/evidence': {
    allowed: OWN_DEV,
    url: (f) => `/v1/submissions/${f.open}/evidence`,
    body: () => ({ evidence: submissionBody('v-open').evidence }),
  },
  'POST /v1/submissions/{id}/withdraw': {
    allowed: OWN_DEV,
    url: (f) => `/v1/submissions/${f.open}/withdraw`,
    body: reason,
  },
  'POST /v1/submissions/{id}/decision': {
    allowed: REVIEWER,
    url: (f) => `/v1/submissions/${f.open}/decision`,
    body: () => ({ action: 'request_evidence', rationale: 'more please' }),
  },
  'POST /v1/decisions/{id}/sign': { allowed: REVIEWER, url: (f) => `/v1/decisions/${f.decision}/sign` },
  'POST /v1/submissions/{id}/appeal': {
    allowed: OWN_DEV,
    url: (f) => `/v1/submissions/${f.denied}/appeal`,
    body: () => ({ reasons: 'we disagree' }),
  },
  'POST /v1/appeals/{id}/decision': {
    allowed: REVIEWER,
    url: (f) => `/v1/appeals/${f.appeal}/decision`,
    body: () => ({ action: 'deny', rationale: 'upheld' }),
  },
  'GET /v1/models': { allowed: ALL, url: () => '/v1/models' },
  'GET /v1/models/{org}/{name}': { allowed: ALL, url: () => `/v1/models/${MODEL}` },
  'POST /v1/models/{org}/{name}/rereview': {
    allowed: REVIEWER,
    url: () => `/v1/models/${MODEL}/rereview`,
    body: reason,
  },
  'POST /v1/models/{org}/{name}/withdraw': {
    allowed: new Set(['developer', 'reviewer']),
    url: () => `/v1/models/${MODEL}/withdraw`,
    body: (_f, r) => ({ version: r === 'reviewer' ? 'v-withdrawn-r' : 'v-withdrawn-d', reason: 'matrix' }),
  },
  'POST /v1/incidents': {
    allowed: new Set(['public', 'admin', 'reviewer', 'developer', 'otherDeveloper']),
    url: () => '/v1/incidents',
    body: () => ({
      model: MODEL,
      class: 'general_jailbreak',
      description: 'matrix',
      discovered_at: '2026-11-01T00:00:00.000Z',
    }),
  },
  'POST /v1/incidents/{id}/classify': {
    allowed: REVIEWER,
    url: (f) => `/v1/incidents/${f.incident}/classify`,
    body: () => ({ class: 'narrow_jailbreak' }),
  },
  'POST /v1/incidents/{id}/dismiss': {
    allowed: REVIEWER,
    url: (f) => `/v1/incidents/${f.incident}/dismiss`,
    body: reason,
  },
  'POST /v1/incidents/{id}/resolve': {
    allowed: REVIEWER,
    url: (f) => `/v1/incidents/${f.incident}/resolve`,
    body: reason,
  },
  'POST /v1/grants': {
    allowed: REVIEWER,
    url: () => '/v1/grants',
    body: () => ({ model: MODEL, org: OTHER_ORG, tier: 'named_institutions', reason: 'matrix' }),
  },
  'POST /v1/grants/bulk': {
    allowed: REVIEWER,
    url: () => '/v1/grants/bulk',
    body: () => ({ model: MODEL, orgs: [OTHER_ORG], tier: 'named_institutions', reason: 'matrix' }),
  },
  'DELETE /v1/grants/{id}': { allowed: REVIEWER, url: (f) => `/v1/grants/${f.grant}` },
  'GET /v1/access/check': { allowed: ALL, url: () => `/v1/access/check?model=${MODEL}&org=${OTHER_ORG}` },
  'POST /v1/access/check': {
    allowed: ALL,
    url: () => '/v1/access/check',
    body: () => ({ checks: [{ model: MODEL, org: OWN_ORG }] }),
  },
  'GET /v1/statistics': { allowed: ALL, url: () => '/v1/statistics' },
};

describeOnEachDatabase('authorization matrix', (dialect) => {
  let w: World;
  let f: Fixture;
  const tokenOf = (role: MatrixRole) => (role === 'public' ? undefined : w.tokens[role]);

  beforeAll(async () => {
    w = await seedWorld(dialect);
    const wf = w.workflow;
    const as = async (role: 'reviewer' | 'reviewer2' | 'developer'): Promise<Actor> => ({
      kind: 'person',
      person: await wf.authenticate(w.tokens[role]),
    });
    const [dev, r1, r2] = [await as('developer'), await as('reviewer'), await as('reviewer2')];
    const submit = async (version: string) => (await wf.submit(dev, submissionBody(version) as never)).body;
    // A third reviewer, so that the matrix's reviewer did not sign the appealed decision.
    const system = { kind: 'system' } as const;
    const r3token = (await wf.createPerson(system, { id: 'reviewer3', name: 'R3', role: 'reviewer' })).token;
    const r3: Actor = { kind: 'person', person: await wf.authenticate(r3token) };
    const decide = async (id: string, action: 'approve' | 'deny', tier?: string) => {
      const d = await wf.proposeDecision(
        r3,
        { kind: 'submission', id },
        { action, tier, rationale: 'setup' },
      );
      await wf.signDecision(r2, d.id);
    };
    const approved = await submit('v-approved');
    await decide(approved.id, 'approve', approved.determination.granted_tier);
    const denied = await submit('v-denied');
    await decide(denied.id, 'deny');
    const appeal = await wf.fileAppeal(dev, denied.id, { reasons: 'setup' });
    const open = await submit('v-open');
    const decision = await wf.proposeDecision(
      r2,
      { kind: 'submission', id: open.id },
      {
        action: 'request_evidence',
        rationale: 'setup',
      },
    );
    await submit('v-withdrawn-r');
    await submit('v-withdrawn-d');
    const incident = (await wf.reportIncident(
      { kind: 'public' },
      {
        model: MODEL,
        class: 'general_jailbreak',
        description: 'setup',
        discovered_at: '2026-11-01T00:00:00.000Z',
      },
    )) as { id: string };
    const grant = (await wf.createGrant(r1, {
      model: MODEL,
      org: OTHER_ORG,
      tier: 'vetted_partners',
      reason: 'setup',
    })) as {
      id: string;
    };
    await wf.createPerson(system, { id: 'victim', name: 'V', role: 'auditor' });
    const token = await wf.issueToken(system, { person: 'victim' });
    f = {
      approved: approved.id,
      open: open.id,
      decision: decision.id,
      denied: denied.id,
      appeal: appeal.id,
      incident: incident.id,
      grant: grant.id,
      token: token.id,
    };
  });
  afterAll(async () => {
    await w?.close();
  });

  it('covers every route of the registry', () => {
    expect(Object.keys(CASES).sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('every route × every role', async () => {
    const failures: string[] = [];
    for (const route of ROUTES) {
      const key = `${route.method} ${route.path}`;
      const c = CASES[key]!;
      for (const role of ROLES) {
        const token = tokenOf(role);
        const body = c.body?.(f, role);
        const res = await w.app.inject({
          method: route.method,
          url: c.url(f),
          headers: {
            ...(token ? bearer(token) : {}),
            ...(body !== undefined
              ? { 'content-type': c.contentType === 'yaml' ? 'application/yaml' : 'application/json' }
              : {}),
          },
          ...(body !== undefined
            ? { payload: typeof body === 'string' ? body || 'id: x' : JSON.stringify(body) }
            : {}),
        });
        const s = res.statusCode;
        const allowed = c.allowed.has(role);
        const ok = allowed
          ? (s >= 200 && s < 300) || s === 409 || (key === 'POST /v1/frameworks' && s === 422)
          : role === 'public'
            ? s === 401
            : s === 403 || s === 404;
        if (!ok) failures.push(`${key} as ${role}: ${s} ${res.body.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('confidential data: evidence and grants only for the organisation, reviewers, auditors and admins', async () => {
    for (const role of ROLES) {
      const token = tokenOf(role);
      const headers = token ? bearer(token) : {};
      const sub = await w.app.inject({ method: 'GET', url: `/v1/submissions/${f.approved}`, headers });
      const model = await w.app.inject({ method: 'GET', url: `/v1/models/${MODEL}`, headers });
      const sees = role !== 'public' && role !== 'otherDeveloper';
      expect(sub.statusCode).toBe(200);
      expect('evidence' in sub.json(), `evidence as ${role}`).toBe(sees);
      expect('grants' in model.json(), `grants as ${role}`).toBe(sees);
      expect(sub.body.includes('"samples"'), `samples as ${role}`).toBe(sees);
    }
  });
});
