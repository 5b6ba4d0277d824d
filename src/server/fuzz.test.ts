/**
 * Fuzz: thousands of mutated bodies (and raw byte soups) posted to every write route, as every kind of caller.
 * Whatever comes in, the answer is a 2xx or a 4xx in the error contract — never a 500.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../workflow/types.js';
import { ROUTES } from './routes.js';
import {
  bearer,
  FRAMEWORK,
  MODEL,
  OTHER_ORG,
  seedWorld,
  submissionBody,
  type World,
} from './test-helpers/world.js';

const SEEDS: Record<string, unknown> = {
  '/v1/frameworks': { greenlight: 1, id: 'fz', version: '1', title: 't' },
  '/v1/orgs': { id: 'fz-org', name: 'F', jurisdiction: 'DE', verified: true },
  '/v1/people': { id: 'fz-person', name: 'F', role: 'developer', org: OTHER_ORG },
  '/v1/people/{id}/deactivate': undefined,
  '/v1/tokens': { person: 'auditor', expires_at: '2030-01-01T00:00:00.000Z' },
  '/v1/preassess': submissionBody(),
  '/v1/submissions': submissionBody('v-fuzz'),
  '/v1/submissions/{id}/evidence': { evidence: submissionBody('v-fuzz').evidence },
  '/v1/submissions/{id}/withdraw': { reason: 'r' },
  '/v1/submissions/{id}/decision': {
    action: 'approve',
    tier: 'public',
    conditions: { jurisdictions: { allow: ['US'], deny: ['FR'] } },
    rationale: 'r',
    justification: 'j',
  },
  '/v1/decisions/{id}/sign': undefined,
  '/v1/submissions/{id}/appeal': { reasons: 'r', evidence: submissionBody().evidence },
  '/v1/appeals/{id}/decision': { action: 'deny', rationale: 'r' },
  '/v1/models/{org}/{name}/rereview': { reason: 'r' },
  '/v1/models/{org}/{name}/withdraw': { version: 'v', reason: 'r' },
  '/v1/incidents': {
    model: MODEL,
    class: 'general_jailbreak',
    description: 'd',
    discovered_at: '2026-11-01T00:00:00Z',
  },
  '/v1/incidents/{id}/classify': { class: 'narrow_jailbreak' },
  '/v1/incidents/{id}/dismiss': { reason: 'r' },
  '/v1/incidents/{id}/resolve': { reason: 'r' },
  '/v1/grants': { model: MODEL, org: OTHER_ORG, tier: 'vetted_partners', reason: 'r' },
  '/v1/grants/bulk': { model: MODEL, orgs: [OTHER_ORG, 'nobody'], tier: 'vetted_partners', reason: 'r' },
  '/v1/tokens/{id}': undefined,
  '/v1/grants/{id}': undefined,
  '/v1/access/check': { checks: [{ model: MODEL, org: OTHER_ORG, version: 'x' }] },
};

/** A JSON value mutated: a field replaced, removed or added, or the whole thing replaced. */
function mutated(seed: unknown): fc.Arbitrary<unknown> {
  const anything = fc.jsonValue({ maxDepth: 4 });
  const strange = fc.oneof(
    anything,
    fc.constantFrom(
      '',
      ' ',
      '\u0000',
      '𝔘ñí',
      '../../etc/passwd',
      "'; drop table orgs; --",
      '9'.repeat(400),
      -0,
      1e308,
    ),
    fc.string({ maxLength: 300 }),
    fc.integer(),
    fc.double(),
    fc.constantFrom(null, true, [], {}),
  );
  if (seed === null || typeof seed !== 'object') return fc.oneof(strange, fc.constant(seed));
  const mutateOnce = (value: unknown): fc.Arbitrary<unknown> => {
    if (value === null || typeof value !== 'object') return strange;
    const keys = Object.keys(value);
    if (keys.length === 0) return strange;
    return fc.tuple(fc.constantFrom(...keys), fc.integer({ min: 0, max: 3 })).chain(([key, op]) => {
      const inner = (value as Record<string, unknown>)[key];
      const copy = (v: unknown) =>
        Array.isArray(value) ? Object.assign([...value], { [key]: v }) : { ...(value as object), [key]: v };
      if (op === 0) return strange.map(copy);
      if (op === 1) {
        const { [key]: _, ...rest } = value as Record<string, unknown>;
        return fc.constant(Array.isArray(value) ? value.filter((_v, i) => String(i) !== key) : rest);
      }
      if (op === 2)
        return fc
          .tuple(fc.string({ maxLength: 20 }), strange)
          .map(([k, v]) => ({ ...(value as object), [k]: v }));
      return mutateOnce(inner).map(copy);
    });
  };
  return fc.oneof(
    { weight: 6, arbitrary: mutateOnce(seed) },
    { weight: 2, arbitrary: mutateOnce(seed).chain(mutateOnce) },
    { weight: 1, arbitrary: strange },
  );
}

describe('fuzzing the write routes [sqlite]', () => {
  let w: World;
  let ids: Record<string, string>;
  beforeAll(async () => {
    w = await seedWorld('sqlite', {
      limits: {
        preassess: { max: 1e9, timeWindow: 60_000 },
        anonymousWrite: { max: 1e9, timeWindow: 60_000 },
      },
    });
    const dev: Actor = { kind: 'person', person: await w.workflow.authenticate(w.tokens.developer) };
    const sub = (await w.workflow.submit(dev, submissionBody('v-seed') as never)).body;
    const rev: Actor = { kind: 'person', person: await w.workflow.authenticate(w.tokens.reviewer) };
    const d = await w.workflow.proposeDecision(
      rev,
      { kind: 'submission', id: sub.id },
      {
        action: 'request_evidence',
        rationale: 'r',
      },
    );
    const inc = await w.workflow.reportIncident(
      { kind: 'public' },
      {
        model: MODEL,
        class: 'general_jailbreak',
        description: 'd',
        discovered_at: '2026-11-01T00:00:00Z',
      },
    );
    ids = { submission: sub.id, decision: d.id, incident: inc.id };
  });
  afterAll(async () => {
    await w?.close();
  });

  const writes = ROUTES.filter((r) => r.method !== 'GET');

  it('has a seed for every write route', () => {
    for (const r of writes) expect(Object.hasOwn(SEEDS, r.path), r.path).toBe(true);
  });

  it('never answers 500, and every error is in the contract', async () => {
    const callers = fc.constantFrom<string | undefined>(
      undefined,
      w.tokens.admin,
      w.tokens.reviewer,
      w.tokens.developer,
      w.tokens.auditor,
    );
    const idArb = fc.oneof(
      fc.constantFrom(ids.submission!, ids.decision!, ids.incident!, 'nope', '%00', '..', 'a'.repeat(90)),
      fc.stringMatching(/^[A-Za-z0-9._~-]{1,40}$/),
    );
    let runs = 0;
    for (const route of writes) {
      const seed = SEEDS[route.path];
      const body = fc.oneof(
        { weight: 8, arbitrary: mutated(seed ?? {}).map((v) => ({ raw: false as const, v })) },
        {
          weight: 2,
          arbitrary: fc
            .oneof(
              fc.string({ maxLength: 200 }),
              fc.constantFrom('{', '[1,', '{"a":1}}', 'null', '"x"', '\u0000', '{"__proto__":{"x":1}}'),
            )
            .map((v) => ({ raw: true as const, v })),
        },
      );
      await fc.assert(
        fc.asyncProperty(
          callers,
          idArb,
          body,
          fc.constantFrom('application/json', 'application/yaml', 'text/plain'),
          async (token, id, b, type) => {
            runs++;
            const url = route.path
              .replace('{org}/{name}', MODEL)
              .replace('{id}', encodeURIComponent(id))
              .replace('{version}', FRAMEWORK.version);
            const payload = b.raw ? (b.v as string) : b.v === undefined ? '' : JSON.stringify(b.v);
            const res = await w.app.inject({
              method: route.method,
              url,
              headers: { ...(token ? bearer(token) : {}), 'content-type': b.raw ? type : 'application/json' },
              payload,
            });
            if (res.statusCode >= 500)
              throw new Error(
                `${route.method} ${url} ${payload.slice(0, 300)} → ${res.statusCode} ${res.body}`,
              );
            if (res.statusCode >= 400) {
              const e = res.json().error;
              if (
                !e ||
                typeof e.code !== 'string' ||
                typeof e.message !== 'string' ||
                !Array.isArray(e.details)
              )
                throw new Error(`not the error contract: ${res.body}`);
            }
          },
        ),
        { numRuns: 110, seed: 4242 },
      );
    }
    expect(runs).toBeGreaterThan(2000);
  });
});
