/**
 * Differential test: the access rule (./rules.ts via the in-memory checker) against an independent Cedar policy
 * set (./cedar-model.ts) on random worlds — orgs, frameworks with random tier access kinds, models and versions
 * (withdrawn, approved at random tiers, jurisdiction conditions), open incidents, grants with expiries — and
 * random questions at random times. Every allow/deny must agree, and the rule wherever Cedar determines it.
 */
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { cedarPolicies, cedarRule, cedarWorld } from './cedar-model.js';
import type { AccessSnapshot } from './checker.js';
import { createAccessChecker } from './checker.js';
import type { AccessKind } from './rules.js';

const T0 = Date.parse('2026-06-01T00:00:00.000Z');
const KINDS: AccessKind[] = ['developer', 'grant', 'verified', 'public'];
const ORGS = ['o0', 'o1', 'o2', 'o3', 'o4'];
const ASK_ORGS = [...ORGS, 'unregistered'];
const MODELS = ['o0/m0', 'o1/m1', 'o0/m2'];
const VERSIONS = ['v1', 'v2'];
const TIER_IDS = ['a', 'b', 'c', 'd', 'e', 'f'];
const J = ['US', 'FR', 'DE'];

const iso = (ms: number) => new Date(ms).toISOString();

const framework = (id: string) =>
  fc.array(fc.constantFrom(...KINDS), { minLength: 1, maxLength: 6 }).map((ks) => ({
    id,
    version: '1',
    tiers: ks
      .sort((x, y) => KINDS.indexOf(x) - KINDS.indexOf(y))
      .map((access, i) => ({ id: TIER_IDS[i]!, access })),
  }));

const tierName = fc.constantFrom(...TIER_IDS, 'zz');
const subset = fc.subarray(J);

const world: fc.Arbitrary<AccessSnapshot> = fc
  .record({
    frameworks: fc.tuple(framework('fa'), framework('fb')),
    orgs: fc
      .subarray(ORGS)
      .chain((ids) =>
        fc.tuple(
          ...ids.map((id) =>
            fc.record({ id: fc.constant(id), jurisdiction: fc.constantFrom(...J), verified: fc.boolean() }),
          ),
        ),
      ),
    models: fc.tuple(
      ...MODELS.map((id) =>
        fc.record({
          id: fc.constant(id),
          org: fc.constant(id.split('/')[0]!),
          current_version: fc.constantFrom(null, ...VERSIONS),
          versions: fc.tuple(
            ...VERSIONS.map((version) =>
              fc.record({
                version: fc.constant(version),
                withdrawn: fc.integer({ min: 0, max: 9 }).map((n) => n < 3),
                approved_tier: fc.option(tierName, { nil: null }),
                ref: fc.constant(`dec_${id}_${version}`),
                conditions: fc.oneof(
                  fc.constant(null),
                  fc.record({ jurisdictions: fc.record({ allow: subset }, { requiredKeys: [] }) }),
                  fc.record({ jurisdictions: fc.record({ deny: subset }, { requiredKeys: [] }) }),
                  fc.record({ jurisdictions: fc.record({ allow: subset, deny: subset }) }),
                ),
                framework: fc.constantFrom(null, { id: 'fa', version: '1' }, { id: 'fb', version: '1' }),
              }),
            ),
          ),
        }),
      ),
    ),
    incidents: fc.array(
      fc.record({
        model: fc.constantFrom(...MODELS),
        version: fc.constantFrom(null, ...VERSIONS),
        max_tier: tierName,
      }),
      { maxLength: 3 },
    ),
    grants: fc.array(
      fc.record({
        model: fc.constantFrom(...MODELS),
        org: fc.constantFrom(...ASK_ORGS),
        tier: tierName,
        expires_at: fc.option(fc.integer({ min: -60_000, max: 60_000 }), { nil: null }),
        created: fc.integer({ min: 0, max: 1000 }),
      }),
      { maxLength: 10 },
    ),
  })
  .map((w) => ({
    frameworks: [...w.frameworks],
    orgs: [...w.orgs],
    models: w.models.map((m) => ({ ...m, versions: [...m.versions] })),
    incidents: w.incidents.map((i, n) => ({ id: `inc_${n}`, ...i })),
    grants: w.grants.map((g, n) => ({
      id: `grt_${n}`,
      model: g.model,
      org: g.org,
      tier: g.tier,
      expires_at: g.expires_at === null ? null : iso(T0 + g.expires_at),
      created_at: iso(T0 - 100_000 + g.created),
    })),
  }));

const question = fc.record({
  model: fc.constantFrom(...MODELS, 'nobody/none'),
  org: fc.constantFrom(...ASK_ORGS),
  version: fc.constantFrom(undefined, ...VERSIONS, 'v9'),
  dt: fc.integer({ min: -70_000, max: 70_000 }),
  /** Ask about an existing grant's (model, org) half of the time. */
  grant: fc.option(fc.nat(), { nil: undefined }),
});

beforeAll(() => {
  const r = cedar.preparsePolicySet('greenlight-access', { staticPolicies: cedarPolicies() });
  if (r.type !== 'success') throw new Error(JSON.stringify(r));
});

it('agrees with Cedar on ≥ 10,000 random situations', () => {
  let checks = 0;
  const rules = new Map<string, number>();
  fc.assert(
    fc.property(world, fc.array(question, { minLength: 10, maxLength: 10 }), (w, qs) => {
      const checker = createAccessChecker(w);
      const ask = cedarWorld(w);
      for (const asked of qs) {
        const g =
          asked.grant !== undefined ? w.grants[asked.grant % Math.max(1, w.grants.length)] : undefined;
        const q = g ? { ...asked, model: g.model, org: g.org } : asked;
        const now = T0 + q.dt;
        const ours = checker.check(q, now);
        const req = ask(q, now);
        const res = cedar.statefulIsAuthorized({
          ...(req as unknown as cedar.StatefulAuthorizationCall),
          preparsedPolicySetId: 'greenlight-access',
        });
        if (res.type !== 'success') throw new Error(JSON.stringify(res.errors));
        if (res.response.diagnostics.errors.length > 0) expect(res.response.diagnostics.errors).toEqual([]);
        const allow = res.response.decision === 'allow';
        const rule = cedarRule(allow, res.response.diagnostics.reason);
        const ruleOk =
          rule !== null
            ? ours.rule === rule
            : ['no_approval', 'unverified', 'not_granted', 'grant_expired'].includes(ours.rule);
        if (ours.allow !== allow || !ruleOk)
          expect({ q, ours, reasons: res.response.diagnostics.reason }).toEqual({ q, allow, rule });
        rules.set(ours.rule, (rules.get(ours.rule) ?? 0) + 1);
        checks++;
      }
    }),
    { numRuns: 1100, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) },
  );
  expect(checks).toBeGreaterThanOrEqual(10_000);
  // every rule occurred
  for (const r of [
    'developer',
    'public',
    'verified',
    'grant',
    'unverified',
    'not_granted',
    'grant_expired',
    'jurisdiction',
    'withdrawn',
    'no_approval',
    'unknown_model',
  ])
    expect(rules.get(r) ?? 0, r).toBeGreaterThan(0);
});
