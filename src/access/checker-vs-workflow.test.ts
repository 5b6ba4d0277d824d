/**
 * The in-memory checker (snapshot from loadAccessSnapshot) against the database-backed workflow `checkAccess`
 * on random data written straight into the tables: every answer ({allow, tier, rule, ref}) must be equal.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { describeOnEachDatabase, freshDatabase } from '../store/test-helpers/databases.js';
import { createWorkflow } from '../workflow/index.js';
import { createAccessChecker } from './checker.js';
import { loadAccessSnapshot } from './sync.js';

const DRILL = readFileSync(
  new URL('../../examples/frameworks/drill-fast-clock.yaml', import.meta.url),
  'utf8',
);
const NOW = Date.parse('2026-06-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const TIERS = ['internal', 'named_institutions', 'vetted_partners', 'general_api', 'public', 'nope'];
const ORGS = ['lab-a', 'lab-b', 'o1', 'o2', 'o3'];
const MODELS = ['lab-a/m1', 'lab-a/m2', 'lab-b/m3'];
const J = ['US', 'FR', 'DE'];

const data = fc.record({
  orgs: fc.tuple(...ORGS.map(() => fc.record({ j: fc.constantFrom(...J), verified: fc.boolean() }))),
  versions: fc.tuple(
    ...MODELS.flatMap(() =>
      ['1', '2'].map(() =>
        fc.record({
          withdrawn: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
          tier: fc.option(fc.constantFrom(...TIERS), { nil: null }),
          fw: fc.boolean(),
          cond: fc.oneof(
            fc.constant(null),
            fc.record({ allow: fc.subarray(J) }, { requiredKeys: [] }),
            fc.record({ deny: fc.subarray(J) }, { requiredKeys: [] }),
          ),
        }),
      ),
    ),
  ),
  current: fc.tuple(...MODELS.map(() => fc.constantFrom(null, '1', '2'))),
  incidents: fc.array(
    fc.record({
      model: fc.constantFrom(...MODELS),
      version: fc.constantFrom(null, '1', '2'),
      max: fc.constantFrom(...TIERS),
      status: fc.constantFrom('classified', 'resolved'),
    }),
    { maxLength: 3 },
  ),
  grants: fc.array(
    fc.record({
      model: fc.constantFrom(...MODELS),
      org: fc.constantFrom(...ORGS),
      tier: fc.constantFrom(...TIERS),
      expires: fc.option(fc.integer({ min: -5000, max: 5000 }), { nil: null }),
      revoked: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
      created: fc.integer({ min: 0, max: 20 }),
    }),
    { maxLength: 15 },
  ),
});

describeOnEachDatabase('in-process checker = workflow checkAccess', (dialect) => {
  it('on random data', async () => {
    const samples = fc.sample(data, { numRuns: 6, seed: 1234 });
    for (const [n, d] of samples.entries()) {
      const db = freshDatabase(dialect);
      const store = await db.open();
      try {
        const wf = createWorkflow(store, { now: () => new Date(NOW) });
        await wf.publishFramework({ kind: 'system' }, DRILL, 'yaml');
        const at = iso(NOW - 100_000);
        await store.db
          .insertInto('orgs')
          .values(
            ORGS.map((id, i) => ({
              id,
              name: id,
              jurisdiction: d.orgs[i]!.j,
              verified: d.orgs[i]!.verified ? 1 : 0,
              created_at: at,
            })),
          )
          .execute();
        for (const [mi, id] of MODELS.entries()) {
          await store.db
            .insertInto('models')
            .values({
              id,
              org_id: id.split('/')[0]!,
              name: id.split('/')[1]!,
              created_at: at,
              current_version: d.current[mi]!,
            })
            .execute();
          for (const [vi, version] of ['1', '2'].entries()) {
            const v = d.versions[mi * 2 + vi]!;
            await store.db
              .insertInto('model_versions')
              .values({
                model_id: id,
                version,
                withdrawn_at: v.withdrawn ? at : null,
                created_at: at,
                conclusion: v.tier ? 'approved' : 'denied',
                approved_tier: v.tier,
                governing_ref: `dec_${n}_${mi}_${vi}`,
                conditions: v.cond ? JSON.stringify({ jurisdictions: v.cond }) : null,
                framework_id: v.fw ? 'drill-fast-clock' : null,
                framework_version: v.fw ? '2026.1' : null,
                concluded_at: at,
              })
              .execute();
          }
        }
        for (const [i, inc] of d.incidents.entries())
          await store.db
            .insertInto('incidents')
            .values({
              id: `inc_${i}`,
              model_id: inc.model,
              version: inc.version,
              class: 'general_jailbreak',
              reported_class: 'general_jailbreak',
              description: 'x',
              description_digest: 'x',
              evidence: null,
              discovered_at: at,
              reported_at: at,
              reported_by: null,
              status: inc.status as 'classified',
              late: 0,
              max_tier: inc.max,
              rereview_id: null,
              resolution: null,
              updated_at: at,
              log_index: null,
            })
            .execute();
        for (const [i, g] of d.grants.entries())
          await store.db
            .insertInto('grants')
            .values({
              id: `grt_${i}`,
              model_id: g.model,
              org_id: g.org,
              tier: g.tier,
              expires_at: g.expires === null ? null : iso(NOW + g.expires),
              reason: 'r',
              granted_by: 'system',
              created_at: iso(NOW - 50_000 + g.created * 1000),
              revoked_at: g.revoked ? at : null,
              log_index: null,
            })
            .execute();
        const checker = createAccessChecker(await loadAccessSnapshot(store));
        for (const model of [...MODELS, 'nobody/x'])
          for (const org of [...ORGS, 'unregistered'])
            for (const version of [undefined, '1', '2', '9']) {
              const q = { model, org, ...(version ? { version } : {}) };
              const ours = checker.check(q, NOW);
              const theirs = await wf.checkAccess(q);
              expect({ q, ...ours }).toEqual({ q, ...theirs });
            }
      } finally {
        await store.close();
        await db.cleanup();
      }
    }
  });
});
