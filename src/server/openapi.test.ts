import { describe, expect, it } from 'vitest';
import { buildServer } from './app.js';
import { ROUTES } from './routes.js';
import { stubWorkflow } from './test-helpers/stub-workflow.js';

type Obj = Record<string, unknown>;

function refs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) refs(n, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

describe('OpenAPI document, /docs, /metrics', () => {
  const app = buildServer({
    workflow: stubWorkflow(),
    logger: false,
    publicUrl: 'https://greenlight.example',
  });

  it('is a valid OpenAPI 3.1 document listing every route', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as Obj;
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(doc.servers).toEqual([{ url: 'https://greenlight.example' }]);
    const paths = doc.paths as Record<string, Record<string, Obj>>;
    for (const route of ROUTES) {
      const op = paths[route.path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
    }
    for (const p of ['/healthz', '/metrics']) expect(paths[p]?.get).toBeDefined();
    // The table's routes are all there.
    const required = [
      'post /v1/frameworks',
      'get /v1/frameworks',
      'get /v1/frameworks/{id}/{version}',
      'post /v1/orgs',
      'post /v1/people',
      'post /v1/tokens',
      'delete /v1/tokens/{id}',
      'post /v1/preassess',
      'post /v1/submissions',
      'get /v1/submissions/{id}',
      'post /v1/submissions/{id}/evidence',
      'post /v1/submissions/{id}/withdraw',
      'post /v1/submissions/{id}/decision',
      'post /v1/decisions/{id}/sign',
      'post /v1/submissions/{id}/appeal',
      'post /v1/appeals/{id}/decision',
      'post /v1/models/{org}/{name}/rereview',
      'post /v1/models/{org}/{name}/withdraw',
      'post /v1/incidents',
      'post /v1/incidents/{id}/classify',
      'post /v1/incidents/{id}/dismiss',
      'post /v1/incidents/{id}/resolve',
      'post /v1/grants',
      'post /v1/grants/bulk',
      'delete /v1/grants/{id}',
      'get /v1/models/{org}/{name}',
      'get /v1/access/check',
      'post /v1/access/check',
    ];
    for (const r of required) {
      const [method, path] = r.split(' ') as [string, string];
      expect(paths[path]?.[method], r).toBeDefined();
    }
    // Structure: unique operation ids, declared path parameters, responses, resolvable $refs.
    const ids = new Set<string>();
    const methods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
    for (const [path, item] of Object.entries(paths)) {
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(item)) {
        expect(methods.has(method)).toBe(true);
        expect(typeof op.operationId).toBe('string');
        expect(ids.has(op.operationId as string)).toBe(false);
        ids.add(op.operationId as string);
        const responses = op.responses as Obj;
        expect(Object.keys(responses).length).toBeGreaterThan(0);
        for (const [status, r] of Object.entries(responses)) {
          expect(status).toMatch(/^[1-5]\d\d$/);
          expect(typeof (r as Obj).description).toBe('string');
        }
        const params = ((op.parameters ?? []) as Obj[]).filter((p) => p.in === 'path').map((p) => p.name);
        expect(params.sort()).toEqual([...templated].sort());
        for (const p of (op.parameters ?? []) as Obj[]) {
          expect(['query', 'path', 'header', 'cookie']).toContain(p.in);
          expect(p.schema).toBeDefined();
        }
      }
    }
    const schemas = (doc.components as Obj).schemas as Obj;
    for (const ref of refs(doc)) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(schemas[ref.slice('#/components/schemas/'.length)], ref).toBeDefined();
    }
    expect(schemas.Error).toBeDefined();
    // Request bodies are generated from the very schemas that validate them.
    const decision = (paths['/v1/submissions/{id}/decision']!.post!.requestBody as Obj).content as Obj;
    expect(JSON.stringify(decision)).toContain('#/components/schemas/DecisionInput');
    const schema = JSON.stringify(schemas.DecisionInput);
    for (const field of ['action', 'tier', 'conditions', 'rationale', 'justification'])
      expect(schema).toContain(field);
  });

  it('/docs renders the document as a self-contained page', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toMatch(/^<!doctype html>/);
    for (const route of ROUTES) expect(res.body).toContain(route.path);
    expect(res.body).not.toMatch(/<script|https?:\/\/(?!greenlight\.example)[a-z]/i);
    const css = await app.inject({ method: 'GET', url: '/docs/docs.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toMatch(/text\/css/);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('/metrics: request counts and durations by route and status, and default metrics', async () => {
    await app.inject({ method: 'GET', url: '/v1/models/a/b' });
    await app.inject({ method: 'GET', url: '/nowhere' });
    await app.inject({ method: 'GET', url: '/v1/me' });
    await app.inject({ method: 'GET', url: '/v1/me' });
    await app.inject({ method: 'GET', url: '/healthz' });
    await app.inject({
      method: 'POST',
      url: '/v1/orgs',
      payload: '{nope',
      headers: { 'content-type': 'application/json' },
    });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    // each answer counted once, whether by the API's own count at send time or by the other scopes' hook
    expect(res.body).toContain(
      'greenlight_http_requests_total{method="GET",route="/v1/me",status="200"} 2\n',
    );
    expect(res.body).toContain(
      'greenlight_http_requests_total{method="GET",route="/healthz",status="200"} 1\n',
    );
    expect(res.body).toContain(
      'greenlight_http_requests_total{method="POST",route="/v1/orgs",status="400"} 1\n',
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.body).toContain(
      'greenlight_http_requests_total{method="GET",route="/v1/models/:org/:name",status="404"} 1',
    );
    expect(res.body).toContain('greenlight_http_request_duration_seconds_bucket');
    expect(res.body).toContain('route="unmatched"');
    expect(res.body).toContain('greenlight_process_cpu_user_seconds_total');
  });

  it('/healthz answers ok', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.json()).toEqual({ status: 'ok' });
  });
});
