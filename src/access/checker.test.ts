/**
 * `apply` (incremental changes) against a whole rebuild: on random worlds, after random sequences of changes of
 * every kind, the checker that applied them answers every question exactly as a checker built from the resulting
 * snapshot. Also the grant table under many insertions and deletions.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type {
  AccessChange,
  AccessSnapshot,
  SnapshotFramework,
  SnapshotGrant,
  SnapshotIncident,
  SnapshotModel,
  SnapshotOrg,
} from './checker.js';
import { createAccessChecker } from './checker.js';
import { GrantTable } from './grant-table.js';
import { type AccessKind, grantState } from './rules.js';

const T0 = Date.parse('2026-06-01T00:00:00.000Z');
const KINDS: AccessKind[] = ['developer', 'grant', 'verified', 'public'];
const ORGS = ['o0', 'o1', 'o2', 'o3'];
const ASK_ORGS = [...ORGS, 'unregistered'];
const MODELS = ['o0/m0', 'o1/m1', 'o0/m2', 'o2/new'];
const VERSIONS = ['v1', 'v2'];
const TIER_IDS = ['a', 'b', 'c', 'd', 'e'];
const J = ['US', 'FR', 'DE'];
const FWS = ['fa', 'fb', 'fc'];
const iso = (ms: number) => new Date(ms).toISOString();

const framework = (id: string): fc.Arbitrary<SnapshotFramework> =>
  fc.array(fc.constantFrom(...KINDS), { minLength: 1, maxLength: 5 }).map((ks) => ({
    id,
    version: '1',
    tiers: ks
      .sort((x, y) => KINDS.indexOf(x) - KINDS.indexOf(y))
      .map((access, i) => ({ id: TIER_IDS[i]!, access })),
  }));
const tier = fc.constantFrom(...TIER_IDS, 'zz');
const org = (id: string): fc.Arbitrary<SnapshotOrg> =>
  fc.record({ id: fc.constant(id), jurisdiction: fc.constantFrom(...J), verified: fc.boolean() });
const model = (id: string): fc.Arbitrary<SnapshotModel> =>
  fc.record({
    id: fc.constant(id),
    org: fc.constant(id.split('/')[0]!),
    current_version: fc.constantFrom(null, ...VERSIONS),
    versions: fc.subarray(VERSIONS).chain((vs) =>
      fc.tuple(
        ...vs.map((version) =>
          fc.record({
            version: fc.constant(version),
            withdrawn: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
            approved_tier: fc.option(tier, { nil: null }),
            ref: fc.constant(`dec_${id}_${version}`),
            conditions: fc.oneof(
              fc.constant(null),
              fc.record({ jurisdictions: fc.record({ deny: fc.subarray(J) }, { requiredKeys: [] }) }),
              fc.record({ jurisdictions: fc.record({ allow: fc.subarray(J) }, { requiredKeys: [] }) }),
            ),
            framework: fc.constantFrom(null, ...FWS.map((f) => ({ id: f, version: '1' }))),
          }),
        ),
      ),
    ),
  });
const incident = (n: number): fc.Arbitrary<SnapshotIncident> =>
  fc.record({
    id: fc.constant(`inc_${n}`),
    model: fc.constantFrom(...MODELS),
    version: fc.constantFrom(null, ...VERSIONS),
    max_tier: tier,
  });
const grant = (n: number): fc.Arbitrary<SnapshotGrant> =>
  fc.record({
    id: fc.constant(`grt_${n}`),
    model: fc.constantFrom(...MODELS),
    org: fc.constantFrom(...ASK_ORGS),
    tier,
    expires_at: fc.option(
      fc.integer({ min: -60_000, max: 60_000 }).map((d) => iso(T0 + d)),
      { nil: null },
    ),
    created_at: fc.integer({ min: 0, max: 30 }).map((d) => iso(T0 - 100_000 + d)),
  });
const idN = fc.integer({ min: 0, max: 11 });

const world: fc.Arbitrary<AccessSnapshot> = fc.record({
  counter: fc.constant(1),
  frameworks: fc.tuple(framework('fa'), framework('fb')).map((f) => [...f]),
  orgs: fc.subarray(ORGS).chain((ids) => fc.tuple(...ids.map(org))),
  models: fc.subarray(MODELS.slice(0, 3)).chain((ids) => fc.tuple(...ids.map(model))),
  incidents: fc.uniqueArray(idN, { maxLength: 3 }).chain((ns) => fc.tuple(...ns.map(incident))),
  grants: fc.uniqueArray(idN, { maxLength: 8 }).chain((ns) => fc.tuple(...ns.map(grant))),
});

const change: fc.Arbitrary<AccessChange> = fc.oneof(
  fc
    .constantFrom(...FWS)
    .chain((f) => framework(f).map((framework) => ({ kind: 'framework' as const, framework }))),
  fc.constantFrom(...ORGS).chain((o) => org(o).map((o) => ({ kind: 'org' as const, org: o }))),
  fc.constantFrom(...MODELS).chain((id) =>
    fc
      .tuple(
        model(id),
        fc
          .option(fc.uniqueArray(idN, { maxLength: 2 }), { nil: undefined })
          .chain((ns) =>
            ns === undefined
              ? fc.constant(undefined)
              : fc.tuple(...ns.map((n) => incident(n).map((i) => ({ ...i, model: id })))),
          ),
      )
      .map(([m, incidents]) => ({ kind: 'model' as const, model: m, ...(incidents ? { incidents } : {}) })),
  ),
  idN.chain((n) => incident(n).map((incident) => ({ kind: 'incident_opened' as const, incident }))),
  idN.map((n) => ({ kind: 'incident_closed' as const, id: `inc_${n}` })),
  idN.chain((n) => grant(n).map((g) => ({ kind: 'grant_created' as const, grant: g }))),
  idN.chain((n) => grant(n).map((g) => ({ kind: 'grant_created' as const, grant: g }))),
  idN.map((n) => ({ kind: 'grant_revoked' as const, id: `grt_${n}` })),
);

/** The same change applied to plain snapshot data. */
function applyToSnapshot(s: AccessSnapshot, c: AccessChange): AccessSnapshot {
  const upsert = <T extends { id: string }>(list: T[], x: T) => [...list.filter((y) => y.id !== x.id), x];
  switch (c.kind) {
    case 'framework':
      return {
        ...s,
        frameworks: [
          ...s.frameworks.filter((f) => !(f.id === c.framework.id && f.version === c.framework.version)),
          c.framework,
        ],
      };
    case 'org':
      return { ...s, orgs: upsert(s.orgs, c.org) };
    case 'model': {
      let incidents = s.incidents;
      if (c.incidents) {
        const ids = new Set(c.incidents.map((i) => i.id));
        incidents = [...incidents.filter((i) => i.model !== c.model.id && !ids.has(i.id)), ...c.incidents];
      }
      return { ...s, models: upsert(s.models, c.model), incidents };
    }
    case 'incident_opened':
      return { ...s, incidents: upsert(s.incidents, c.incident) };
    case 'incident_closed':
      return { ...s, incidents: s.incidents.filter((i) => i.id !== c.id) };
    case 'grant_created':
      return { ...s, grants: upsert(s.grants, c.grant) };
    case 'grant_revoked':
      return { ...s, grants: s.grants.filter((g) => g.id !== c.id) };
  }
}

it('apply(changes) answers exactly as a rebuild from the resulting snapshot', () => {
  let compared = 0;
  fc.assert(
    fc.property(
      world,
      fc.array(change, { minLength: 1, maxLength: 12 }),
      fc.boolean(),
      (w, changes, batch) => {
        const incremental = createAccessChecker(w);
        let s = w;
        if (batch) incremental.apply(changes, 7);
        for (const c of changes) {
          if (!batch) incremental.apply(c);
          s = applyToSnapshot(s, c);
        }
        const rebuilt = createAccessChecker(s);
        for (const m of [...MODELS, 'nobody/x'])
          for (const o of ASK_ORGS)
            for (const version of [undefined, ...VERSIONS, 'v9'])
              for (const dt of [-70_000, -30_000, 0, 30_000, 70_000]) {
                const q = { model: m, org: o, version };
                expect({ q, dt, ...incremental.check(q, T0 + dt) }).toEqual({
                  q,
                  dt,
                  ...rebuilt.check(q, T0 + dt),
                });
                compared++;
              }
        expect(incremental.stats().grants).toBe(s.grants.length);
        if (batch) expect(incremental.stats().counter).toBe(7);
      },
    ),
    { numRuns: 400, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) },
  );
  expect(compared).toBeGreaterThan(100_000);
});

it('the grant table keeps every pair through growth and backward-shift deletion', () => {
  const table = new GrantTable();
  const ref = new Map<string, ReturnType<typeof grantState>>();
  let seed = 1;
  const rnd = (n: number) => {
    seed = (Math.imul(seed, 48271) + 11) % 2147483647;
    return seed % n;
  };
  for (let step = 0; step < 60_000; step++) {
    const m = rnd(64);
    const o = rnd(500);
    const key = `${m}:${o}`;
    if (rnd(3) === 0) {
      table.set(m, o, null);
      ref.delete(key);
    } else {
      const g = grantState({
        id: `g${step}`,
        model: String(m),
        org: String(o),
        tier: 't',
        expires_at: null,
        created_at: iso(T0),
      });
      table.set(m, o, g);
      ref.set(key, g);
    }
    if (step % 5000 === 0 || step === 59_999) {
      expect(table.size).toBe(ref.size);
      for (let mm = 0; mm < 64; mm++)
        for (let oo = 0; oo < 500; oo++) expect(table.get(mm, oo)).toBe(ref.get(`${mm}:${oo}`) ?? null);
    }
  }
});

it('prefers the most recently created live covering grant of a pair, whatever the order grants arrive in', () => {
  const fw: SnapshotFramework = {
    id: 'f',
    version: '1',
    tiers: [
      { id: 'a', access: 'grant' },
      { id: 'b', access: 'grant' },
      { id: 'c', access: 'grant' },
      { id: 'd', access: 'public' },
    ],
  };
  const base: AccessSnapshot = {
    frameworks: [fw],
    orgs: [{ id: 'u', jurisdiction: 'FR', verified: true }],
    models: [
      {
        id: 'dev/m',
        org: 'dev',
        current_version: '1',
        versions: [
          {
            version: '1',
            withdrawn: false,
            approved_tier: 'b',
            ref: 'dec',
            conditions: null,
            framework: { id: 'f', version: '1' },
          },
        ],
      },
    ],
    incidents: [],
    grants: [],
  };
  const pairGrant = fc.record({
    id: fc.integer({ min: 0, max: 30 }).map((n) => `grt_${String(n).padStart(2, '0')}`),
    tier: fc.constantFrom('a', 'b', 'c', 'zz'),
    created: fc.integer({ min: 0, max: 4 }),
    expires: fc.option(fc.constantFrom(-1000, 1000), { nil: null }),
  });
  fc.assert(
    fc.property(
      fc.uniqueArray(pairGrant, { selector: (g) => g.id, maxLength: 8 }),
      fc.array(fc.nat(), { maxLength: 4 }),
      (gs, revoke) => {
        const grants: SnapshotGrant[] = gs.map((g) => ({
          id: g.id,
          model: 'dev/m',
          org: 'u',
          tier: g.tier,
          expires_at: g.expires === null ? null : iso(T0 + g.expires),
          created_at: iso(T0 - 10_000 + g.created),
        }));
        const revoked = new Set(revoke.map((n) => grants[n % Math.max(1, grants.length)]?.id));
        const live = grants.filter((g) => !revoked.has(g.id));
        const sorted = live
          .filter((g) => g.tier === 'a' || g.tier === 'b')
          .sort((x, y) =>
            x.created_at !== y.created_at ? (x.created_at < y.created_at ? 1 : -1) : x.id < y.id ? 1 : -1,
          );
        const allowed = sorted.find((g) => g.expires_at === null || Date.parse(g.expires_at) > T0);
        const expected = allowed
          ? { allow: true, tier: 'b', rule: 'grant', ref: allowed.id }
          : sorted[0]
            ? { allow: false, tier: 'b', rule: 'grant_expired', ref: sorted[0].id }
            : { allow: false, tier: 'b', rule: 'not_granted', ref: 'dec' };
        const whole = createAccessChecker({ ...base, grants: live });
        const incremental = createAccessChecker(base);
        incremental.apply(grants.map((grant) => ({ kind: 'grant_created' as const, grant })));
        incremental.apply([...revoked].map((id) => ({ kind: 'grant_revoked' as const, id: id! })));
        expect(whole.check({ model: 'dev/m', org: 'u' }, T0)).toEqual(expected);
        expect(incremental.check({ model: 'dev/m', org: 'u' }, T0)).toEqual(expected);
      },
    ),
    { numRuns: 500, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) },
  );
});
