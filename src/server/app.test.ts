import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { describeOnEachDatabase } from '../store/test-helpers/databases.js';
import { buildServer } from './app.js';
import { stubWorkflow } from './test-helpers/stub-workflow.js';
import {
  bearer,
  EVIDENCE,
  FRAMEWORK,
  FRAMEWORK_V2_YAML,
  FRAMEWORK_YAML,
  MODEL,
  OTHER_ORG,
  OWN_ORG,
  seedWorld,
  submissionBody,
  timeFields,
  type World,
} from './test-helpers/world.js';

const RFC3339_MS_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const json = { 'content-type': 'application/json' };

function expectError(res: { statusCode: number; json(): unknown }, status: number, code: string): void {
  expect(res.statusCode, JSON.stringify(res.json())).toBe(status);
  const body = res.json() as {
    error: { code: string; message: string; details: { path: string; message: string }[] };
  };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(Array.isArray(body.error.details)).toBe(true);
  for (const d of body.error.details) expect(Object.keys(d).sort()).toEqual(['message', 'path']);
}

describeOnEachDatabase('HTTP API', (dialect) => {
  let w: World;
  beforeAll(async () => {
    w = await seedWorld(dialect, { limits: { bodyLimit: 64 * 1024, evidenceBodyLimit: 512 * 1024 } });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('authenticates: no token is the public, a bad token is 401, never silently public', async () => {
    const pub = await w.app.inject({ method: 'GET', url: '/v1/me' });
    expect(pub.json()).toEqual({ kind: 'public' });
    const me = await w.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(w.tokens.reviewer) });
    expect(me.json()).toMatchObject({ kind: 'person', id: 'reviewer', role: 'reviewer' });
    for (const authorization of ['Bearer glt_forged', 'Basic abc', 'Bearer', '']) {
      const r = await w.app.inject({ method: 'GET', url: '/v1/models', headers: { authorization } });
      expectError(r, 401, 'unauthorized');
    }
  });

  it('401 for the public, 403 for a person without the right, 404 for what does not exist', async () => {
    const org = { id: 'x-org', name: 'X', jurisdiction: 'DE', verified: false };
    expectError(await w.app.inject({ method: 'POST', url: '/v1/orgs', payload: org }), 401, 'unauthorized');
    expectError(
      await w.app.inject({
        method: 'POST',
        url: '/v1/orgs',
        payload: org,
        headers: bearer(w.tokens.reviewer),
      }),
      403,
      'forbidden',
    );
    expectError(
      await w.app.inject({ method: 'GET', url: '/v1/submissions/sub_nope', headers: bearer(w.tokens.admin) }),
      404,
      'not_found',
    );
    expectError(await w.app.inject({ method: 'GET', url: '/no/such/route' }), 404, 'not_found');
    expectError(await w.app.inject({ method: 'PATCH', url: '/v1/orgs' }), 404, 'not_found');
    const created = await w.app.inject({
      method: 'POST',
      url: '/v1/orgs',
      payload: org,
      headers: bearer(w.tokens.admin),
    });
    expect(created.statusCode).toBe(201);
    expectError(
      await w.app.inject({ method: 'POST', url: '/v1/orgs', payload: org, headers: bearer(w.tokens.admin) }),
      409,
      'conflict',
    );
  });

  it('400 for malformed JSON and wrong content types; 422 with JSON paths for invalid bodies', async () => {
    const h = { ...json, ...bearer(w.tokens.developer) };
    expectError(
      await w.app.inject({ method: 'POST', url: '/v1/submissions', payload: '{"a":', headers: h }),
      400,
      'bad_request',
    );
    expectError(
      await w.app.inject({
        method: 'POST',
        url: '/v1/submissions',
        payload: 'a=b',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...bearer(w.tokens.developer) },
      }),
      400,
      'bad_request',
    );
    expectError(
      await w.app.inject({
        method: 'POST',
        url: '/v1/orgs',
        payload: 'id: x',
        headers: { 'content-type': 'application/yaml', ...bearer(w.tokens.admin) },
      }),
      400,
      'bad_request',
    );
    const bad = {
      framework: FRAMEWORK,
      evidence: { ...EVIDENCE, evaluations: [{ metric: 7, successes: 1, trials: 2 }] },
    };
    const r = await w.app.inject({ method: 'POST', url: '/v1/submissions', payload: bad, headers: h });
    expectError(r, 422, 'invalid');
    expect(r.json().error.details.map((d: { path: string }) => d.path)).toContain(
      'evidence.evaluations[0].metric',
    );
    const many = await w.app.inject({
      method: 'POST',
      url: '/v1/orgs',
      payload: {},
      headers: bearer(w.tokens.admin),
    });
    expectError(many, 422, 'invalid');
    expect(
      many
        .json()
        .error.details.map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(['id', 'jurisdiction', 'name', 'verified']);
    expectError(await w.app.inject({ method: 'GET', url: '/v1/models?limit=0' }), 422, 'invalid');
    expectError(await w.app.inject({ method: 'GET', url: '/v1/access/check?model=a/b' }), 422, 'invalid');
  });

  it('413 beyond the body limit (larger for evidence routes)', async () => {
    const big = JSON.stringify({ id: 'x'.repeat(100 * 1024) });
    expectError(
      await w.app.inject({
        method: 'POST',
        url: '/v1/orgs',
        payload: big,
        headers: { ...json, ...bearer(w.tokens.admin) },
      }),
      413,
      'payload_too_large',
    );
    // 100 KiB is fine on an evidence route (limit 512 KiB here) …
    const padded = { ...submissionBody(), tier: 'x'.repeat(100) };
    const ok = await w.app.inject({
      method: 'POST',
      url: '/v1/preassess',
      payload: {
        ...padded,
        evidence: {
          ...EVIDENCE,
          evaluations: [...EVIDENCE.evaluations, ...Array(300).fill(EVIDENCE.evaluations[1])],
        },
      },
    });
    expect(ok.statusCode).not.toBe(413);
    // … but not 600 KiB.
    const huge = JSON.stringify({ ...submissionBody(), pad: 'y'.repeat(600 * 1024) });
    expectError(
      await w.app.inject({ method: 'POST', url: '/v1/preassess', payload: huge, headers: json }),
      413,
      'payload_too_large',
    );
  });

  it('a review end to end: submit (idempotent), read, decide, sign, second signature 409, access', async () => {
    const dev = bearer(w.tokens.developer);
    const body = submissionBody('2026-05-12');
    const first = await w.app.inject({
      method: 'POST',
      url: '/v1/submissions',
      payload: body,
      headers: { ...dev, 'idempotency-key': 'k-1' },
    });
    expect(first.statusCode, first.body).toBe(201);
    const sub = first.json();
    expect(sub).toMatchObject({ status: 'in_review', model: EVIDENCE.model });
    for (const k of ['id', 'status', 'model', 'determination', 'decision_due', 'log_index'])
      expect(sub).toHaveProperty(k);
    for (const t of timeFields(sub)) expect(t).toMatch(RFC3339_MS_UTC);
    const replay = await w.app.inject({
      method: 'POST',
      url: '/v1/submissions',
      payload: body,
      headers: { ...dev, 'idempotency-key': 'k-1' },
    });
    expect(replay.json().id).toBe(sub.id);
    const other = await w.app.inject({
      method: 'POST',
      url: '/v1/submissions',
      payload: { ...body, tier: 'internal' },
      headers: { ...dev, 'idempotency-key': 'k-1' },
    });
    expectError(other, 409, 'conflict');

    const publicView = await w.app.inject({ method: 'GET', url: `/v1/submissions/${sub.id}` });
    expect(publicView.statusCode).toBe(200);
    expect(publicView.json()).not.toHaveProperty('evidence');
    const list = await w.app.inject({ method: 'GET', url: '/v1/submissions?limit=1' });
    expect(list.json()).toHaveProperty('items');
    expect(list.json()).toHaveProperty('next_cursor');

    const tier = sub.determination.granted_tier as string;
    const proposed = await w.app.inject({
      method: 'POST',
      url: `/v1/submissions/${sub.id}/decision`,
      payload: { action: 'approve', tier, rationale: 'meets every threshold' },
      headers: bearer(w.tokens.reviewer),
    });
    expect(proposed.statusCode, proposed.body).toBe(201);
    const decision = proposed.json();
    expect(decision).toMatchObject({ action: 'approve', tier, signatures: 1, effective: false });
    expectError(
      await w.app.inject({
        method: 'POST',
        url: `/v1/decisions/${decision.id}/sign`,
        headers: bearer(w.tokens.reviewer),
      }),
      409,
      'conflict',
    );
    expectError(
      await w.app.inject({
        method: 'POST',
        url: `/v1/decisions/${decision.id}/sign`,
        headers: bearer(w.tokens.developer),
      }),
      403,
      'forbidden',
    );
    const signed = await w.app.inject({
      method: 'POST',
      url: `/v1/decisions/${decision.id}/sign`,
      headers: { ...json, ...bearer(w.tokens.reviewer2) },
      payload: '',
    });
    expect(signed.statusCode, signed.body).toBe(200);
    expect(signed.json()).toMatchObject({ id: decision.id, signatures: 2, effective: true });

    const check = await w.app.inject({
      method: 'GET',
      url: `/v1/access/check?model=${MODEL}&org=${OWN_ORG}`,
    });
    expect(check.json()).toMatchObject({ allow: true, rule: 'developer' });
    const batch = await w.app.inject({
      method: 'POST',
      url: '/v1/access/check',
      payload: {
        checks: [
          { model: MODEL, org: OTHER_ORG },
          { model: 'nobody/nothing', org: OTHER_ORG },
        ],
      },
    });
    expect(batch.statusCode).toBe(200);
    expect(batch.json().results).toHaveLength(2);
    expect(batch.json().results[1]).toMatchObject({ allow: false, rule: 'unknown_model' });

    const model = await w.app.inject({ method: 'GET', url: `/v1/models/${MODEL}` });
    expect(model.statusCode).toBe(200);
    expect(model.json()).toMatchObject({ id: MODEL, current_version: '2026-05-12' });
    expect(model.json()).not.toHaveProperty('grants');
    const asDev = await w.app.inject({ method: 'GET', url: `/v1/models/${MODEL}`, headers: dev });
    expect(asDev.json()).toHaveProperty('grants');
  });

  it('tokens: issue, revoke, and a revoked token is 401', async () => {
    const issued = await w.app.inject({
      method: 'POST',
      url: '/v1/tokens',
      payload: { person: 'auditor' },
      headers: bearer(w.tokens.admin),
    });
    expect(issued.statusCode).toBe(201);
    const { id, token } = issued.json();
    expect((await w.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(token) })).statusCode).toBe(
      200,
    );
    const revoked = await w.app.inject({
      method: 'DELETE',
      url: `/v1/tokens/${id}`,
      headers: bearer(w.tokens.admin),
    });
    expect(revoked.statusCode).toBe(200);
    expectError(
      await w.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(token) }),
      401,
      'unauthorized',
    );
    const person = await w.app.inject({
      method: 'POST',
      url: '/v1/people',
      payload: { id: 'newbie', name: 'New', role: 'developer', org: OTHER_ORG },
      headers: bearer(w.tokens.admin),
    });
    expect(person.statusCode).toBe(201);
    expect(person.json()).toMatchObject({ id: 'newbie', role: 'developer', org: OTHER_ORG });
    expect(typeof person.json().token).toBe('string');
  });

  it('incidents: anyone reports (201 {id}); the auditor writes nothing', async () => {
    const report = {
      model: MODEL,
      class: 'general_jailbreak',
      description: 'a universal jailbreak',
      discovered_at: '2026-11-01T00:00:00.000Z',
    };
    const r = await w.app.inject({ method: 'POST', url: '/v1/incidents', payload: report });
    expect(r.statusCode, r.body).toBe(201);
    expect(typeof r.json().id).toBe('string');
    expectError(
      await w.app.inject({
        method: 'POST',
        url: '/v1/incidents',
        payload: report,
        headers: bearer(w.tokens.auditor),
      }),
      403,
      'forbidden',
    );
    const dismissed = await w.app.inject({
      method: 'POST',
      url: `/v1/incidents/${r.json().id}/dismiss`,
      payload: { reason: 'not reproducible' },
      headers: bearer(w.tokens.reviewer),
    });
    expect(dismissed.statusCode, dismissed.body).toBe(200);
  });

  it('frameworks: YAML and JSON publishing, 409 on other content, listing and reading', async () => {
    const admin = bearer(w.tokens.admin);
    const again = await w.app.inject({
      method: 'POST',
      url: '/v1/frameworks',
      payload: FRAMEWORK_YAML,
      headers: { 'content-type': 'application/yaml', ...admin },
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject(FRAMEWORK);
    const changed = FRAMEWORK_YAML.replace(/^title: .*$/m, 'title: Something else');
    expectError(
      await w.app.inject({
        method: 'POST',
        url: '/v1/frameworks',
        payload: changed,
        headers: { 'content-type': 'text/yaml', ...admin },
      }),
      409,
      'conflict',
    );
    expectError(
      await w.app.inject({
        method: 'POST',
        url: '/v1/frameworks',
        payload: 'a: [1, 2\nb: }',
        headers: { 'content-type': 'application/yaml', ...admin },
      }),
      400,
      'bad_request',
    );
    expectError(
      await w.app.inject({
        method: 'POST',
        url: '/v1/frameworks',
        payload: 'greenlight: 1\nid: nope\n',
        headers: { 'content-type': 'application/yaml', ...admin },
      }),
      422,
      'invalid',
    );
    expectError(
      await w.app.inject({
        method: 'POST',
        url: '/v1/frameworks',
        payload: FRAMEWORK_V2_YAML,
        headers: { 'content-type': 'application/yaml', ...bearer(w.tokens.reviewer) },
      }),
      403,
      'forbidden',
    );
    const v2 = await w.app.inject({
      method: 'POST',
      url: '/v1/frameworks',
      payload: JSON.stringify(parseYaml(FRAMEWORK_V2_YAML)),
      headers: { ...json, ...admin },
    });
    expect(v2.statusCode, v2.body).toBe(201);
    expect(v2.json()).toMatchObject({ id: 'example-frontier', version: '2026.2' });
    expect(typeof v2.json().digest).toBe('string');
    expect(typeof v2.json().log_index).toBe('number');
    const list = await w.app.inject({ method: 'GET', url: '/v1/frameworks' });
    expect(list.json()).toHaveProperty('items');
    const one = await w.app.inject({ method: 'GET', url: '/v1/frameworks/example-frontier/2026.2' });
    expect(one.statusCode).toBe(200);
    expectError(
      await w.app.inject({ method: 'GET', url: '/v1/frameworks/example-frontier/9.9' }),
      404,
      'not_found',
    );
  });

  it('serves over a real port', async () => {
    const app = buildServer({ workflow: w.workflow, store: w.store, logger: false });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const health = await fetch(`${address}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const bad = await fetch(`${address}/v1/orgs`, {
        method: 'POST',
        headers: { ...json, ...bearer(w.tokens.admin) },
        body: '{nope',
      });
      expect(bad.status).toBe(400);
      expect((await bad.json()).error.code).toBe('bad_request');
      const models = await fetch(`${address}/v1/models`);
      expect(models.status).toBe(200);
      // API answers: the OWASP REST set (nothing to load, never framed, no sniffing, HSTS)
      expect(models.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
      expect(models.headers.get('x-content-type-options')).toBe('nosniff');
      expect(models.headers.get('x-frame-options')).toBe('DENY');
      expect(models.headers.get('strict-transport-security')).toContain('max-age=');
      // documents (the dashboard): helmet's full set with a same-origin CSP
      const home = await fetch(`${address}/`);
      expect(home.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(home.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(home.headers.get('x-content-type-options')).toBe('nosniff');
      const missing = await fetch(`${address}/v1/nope`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-security-policy')).toBe(
        "default-src 'none';frame-ancestors 'none'",
      );
    } finally {
      await app.close();
    }
  });
});

describe('HTTP API without a database', () => {
  it('500 is generic: no message, stack or SQL of the cause', async () => {
    const logged: unknown[] = [];
    const app = buildServer({
      workflow: stubWorkflow({
        listModels: async () => {
          throw new Error('SQLITE_ERROR: near "SELECT * FROM secrets": syntax error');
        },
      }),
      logger: { level: 'error', stream: { write: (s: string) => logged.push(s) } },
    });
    const r = await app.inject({ method: 'GET', url: '/v1/models' });
    expectError(r, 500, 'internal');
    expect(r.body).not.toMatch(/SQL|SELECT|secrets|at .*\.ts/);
    expect(JSON.stringify(logged)).toContain('SELECT * FROM secrets');
    await app.close();
  });

  it('close() waits for a request in flight, then closes its keep-alive connection at once', async () => {
    let started!: () => void;
    const handlerStarted = new Promise<void>((r) => {
      started = r;
    });
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const app = buildServer({
      workflow: stubWorkflow({
        listModels: async () => {
          started();
          await gate;
          return { items: [], next_cursor: null } as never;
        },
      }),
      logger: false,
    });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const inFlight = fetch(`${address}/v1/models`);
    await handlerStarted;
    let closed = false;
    const closing = app.close().then(() => {
      closed = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(false);
    release();
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.headers.get('connection')).toBe('keep-alive');
    // Without the idle sweep, close() would wait for the connection's keep-alive timeout (72 s).
    const timedOut = Symbol('timed out');
    const outcome = await Promise.race([
      closing.then(() => 'closed'),
      new Promise((r) => setTimeout(() => r(timedOut), 5_000)),
    ]);
    expect(outcome).toBe('closed');
  });

  it('429 when rate-limited: preassess and anonymous incident reports (not token holders)', async () => {
    const app = buildServer({
      workflow: stubWorkflow({
        reportIncident: async () => ({ id: 'inc_1' }),
        preassess: async () => ({}) as never,
      }),
      logger: false,
      limits: { preassess: { max: 2, timeWindow: 60_000 }, anonymousWrite: { max: 1, timeWindow: 60_000 } },
    });
    const report = { model: 'a/b', class: 'c', description: 'd', discovered_at: '2026-01-01T00:00:00Z' };
    expect((await app.inject({ method: 'POST', url: '/v1/incidents', payload: report })).statusCode).toBe(
      201,
    );
    const limited = await app.inject({ method: 'POST', url: '/v1/incidents', payload: report });
    expectError(limited, 429, 'rate_limited');
    expect(limited.headers['retry-after']).toBeDefined();
    const withToken = await app.inject({
      method: 'POST',
      url: '/v1/incidents',
      payload: report,
      headers: bearer('reviewer-token'),
    });
    expect(withToken.statusCode).toBe(201);
    const body = submissionBody();
    expect((await app.inject({ method: 'POST', url: '/v1/preassess', payload: body })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/v1/preassess', payload: body })).statusCode).toBe(200);
    expectError(
      await app.inject({ method: 'POST', url: '/v1/preassess', payload: body }),
      429,
      'rate_limited',
    );
    await app.close();
  });
});
