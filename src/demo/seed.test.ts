import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Store } from '../store/db.js';
import { describeOnEachDatabase, freshDatabase, type TestDatabase } from '../store/test-helpers/databases.js';
import { createWorkflow, type Workflow } from '../workflow/index.js';
import { type SeedResult, seedDemo } from './seed.js';

const NOW = new Date('2026-11-27T12:00:00.000Z');

describeOnEachDatabase('demo seed', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  let wf: Workflow;
  let result: SeedResult;

  beforeAll(async () => {
    db = freshDatabase(dialect);
    store = await db.open();
    result = await seedDemo(store, { now: NOW });
    wf = createWorkflow(store, { now: () => NOW });
  });
  afterAll(async () => {
    await store?.close();
    await db?.cleanup();
  });

  const subsOf = (model: string, kind: 'submission' | 'rereview' = 'submission') =>
    store.db
      .selectFrom('submissions')
      .selectAll()
      .where('model_id', '=', model)
      .where('kind', '=', kind)
      .execute();
  const one = async (model: string, kind: 'submission' | 'rereview' = 'submission') => {
    const rows = await subsOf(model, kind);
    expect(rows).toHaveLength(1);
    return rows[0]!;
  };
  const eventsOf = async (id: string) =>
    (await wf.getSubmission({ kind: 'system' }, id)).events.map((e) => e.type);

  it('seeds the frameworks, organisations and people, and returns one token per role', async () => {
    expect(result.status).toBe('seeded');
    if (result.status !== 'seeded') return;
    expect(result.counts.frameworks).toBe(3);
    expect(result.counts.institutions).toBeGreaterThanOrEqual(100);
    const fws = await wf.listFrameworks();
    expect(fws.map((f) => `${f.id} ${f.version}`).sort()).toEqual([
      'example-frontier 2026.1',
      'example-frontier 2026.2',
      'northwind-capability-levels 2026.1',
    ]);
    const roles = new Set(result.tokens.map((t) => t.role));
    expect([...roles].sort()).toEqual(['admin', 'auditor', 'developer', 'reviewer']);
    expect(result.tokens.filter((t) => t.role === 'reviewer').length).toBeGreaterThanOrEqual(4);
    // Every returned token authenticates as its person.
    for (const t of result.tokens) expect((await wf.authenticate(t.token)).id).toBe(t.person);
    const orgs = await wf.listOrgs({ kind: 'system' });
    expect(orgs.some((o) => o.verified)).toBe(true);
    expect(orgs.some((o) => !o.verified)).toBe(true);
  });

  it('has an approval with quorum 2 and a restricted approval with an upheld appeal', async () => {
    const atlas3 = await one('larkspur-ai/atlas-3');
    expect(atlas3.status).toBe('decided');
    const view = await wf.getSubmission({ kind: 'system' }, atlas3.id);
    expect(view.decisions.find((d) => d.effective)?.signatures).toBe(2);

    const x = await wf.getSubmission({ kind: 'system' }, (await one('example-lab/model-x')).id);
    expect(x.status).toBe('decided');
    expect(x.approved_tier).toBe('vetted_partners');
    expect(x.determination.outcome).toBe('approve_restricted');
    expect(x.appeals.map((a) => a.result)).toEqual(['upheld']);
  });

  it('has an override, a denial reversed on appeal, and evidence requested then added', async () => {
    const tern = await wf.getSubmission({ kind: 'system' }, (await one('fernhollow-ai/tern-2')).id);
    const effective = tern.decisions.find((d) => d.effective)!;
    expect(effective.override).toBe(true);
    expect(effective.justification).toBeTruthy();

    const atlas4 = await wf.getSubmission({ kind: 'system' }, (await one('larkspur-ai/atlas-4')).id);
    expect(atlas4.decisions.find((d) => d.effective)?.action).toBe('deny');
    expect(atlas4.appeals.map((a) => a.result)).toEqual(['reversed']);

    const y = await one('example-lab/model-y');
    expect(y.status).toBe('decided');
    const types = await eventsOf(y.id);
    expect(types).toContain('evidence.added');
    const requested = (await wf.getSubmission({ kind: 'system' }, y.id)).decisions.filter(
      (d) => d.action === 'request_evidence' && d.effective,
    );
    expect(requested).toHaveLength(1);
  });

  it('has lapses: deemed approved, escalated then denied, and escalated still open and late', async () => {
    expect((await one('quillon-ai/sparrow-1')).status).toBe('deemed_approved');
    const kestrel = await one('halcyon-loom/kestrel-1');
    expect(kestrel.status).toBe('decided');
    expect(await eventsOf(kestrel.id)).toContain('review.escalated');
    const heron = await wf.getSubmission({ kind: 'system' }, (await one('fernhollow-ai/heron-1')).id);
    expect(heron.status).toBe('escalated');
    expect(heron.time_left_seconds).toBeLessThan(0);
  });

  it('has an open review with time left, a withdrawn submission and a withdrawn model', async () => {
    const atlas5 = await wf.getSubmission({ kind: 'system' }, (await one('larkspur-ai/atlas-5')).id);
    expect(atlas5.status).toBe('in_review');
    expect(atlas5.time_left_seconds).toBeGreaterThan(0);
    expect(atlas5.decisions[0]?.signatures).toBe(1);
    expect((await one('halcyon-loom/kestrel-2')).status).toBe('withdrawn');
    const w = await wf.getModel({ kind: 'system' }, 'example-lab/model-w');
    expect(w.versions.every((v) => v.withdrawn)).toBe(true);
  });

  it('has the incident story: restriction, re-review, ~100 grants, resolution; and a dismissal', async () => {
    const incidents = await store.db.selectFrom('incidents').selectAll().execute();
    const atlas = incidents.find((i) => i.model_id === 'larkspur-ai/atlas-3')!;
    expect(atlas.status).toBe('resolved');
    expect(atlas.max_tier).toBe('named_institutions');
    const rereview = await one('larkspur-ai/atlas-3', 'rereview');
    expect(rereview.id).toBe(atlas.rereview_id);
    expect(rereview.status).toBe('decided');
    const grants = await store.db
      .selectFrom('grants')
      .selectAll()
      .where('model_id', '=', 'larkspur-ai/atlas-3')
      .execute();
    expect(grants.length).toBeGreaterThanOrEqual(100);
    expect(grants.every((g) => g.tier === 'named_institutions')).toBe(true);
    expect(incidents.some((i) => i.status === 'dismissed')).toBe(true);

    // Restricting right now: tern-2 is held to named_institutions while its re-review runs.
    const tern = incidents.find((i) => i.model_id === 'fernhollow-ai/tern-2')!;
    expect(tern.status).toBe('classified');
    const model = await wf.getModel({ kind: 'system' }, 'fernhollow-ai/tern-2');
    expect(model.effective_tier).toBe('named_institutions');
    expect((await one('fernhollow-ai/tern-2', 'rereview')).status).toBe('in_review');
  });

  it('has an expired grant and a revoked grant, visible to the access check', async () => {
    const grants = await store.db
      .selectFrom('grants')
      .selectAll()
      .where('model_id', '=', 'example-lab/model-x')
      .execute();
    const expired = grants.find((g) => g.expires_at !== null && g.expires_at < NOW.toISOString())!;
    expect(expired).toBeDefined();
    expect(grants.some((g) => g.revoked_at !== null)).toBe(true);
    const answer = await wf.checkAccess({ model: 'example-lab/model-x', org: expired.org_id });
    expect(answer).toMatchObject({ allow: false, rule: 'grant_expired' });
    const partner = await wf.checkAccess({ model: 'example-lab/model-x', org: 'harbourlight-security' });
    expect(partner).toMatchObject({ allow: true, rule: 'grant' });
  });

  it('refuses the affiliated reviewer (conflict of interest)', async () => {
    const atlas5 = await one('larkspur-ai/atlas-5');
    const decision = (await wf.getSubmission({ kind: 'system' }, atlas5.id)).decisions[0]!;
    const elin = await wf.authenticate(
      (result.status === 'seeded' ? result.tokens : []).find((t) => t.person === 'rev-elin')!.token,
    );
    await expect(wf.signDecision({ kind: 'person', person: elin }, decision.id)).rejects.toMatchObject({
      code: 'forbidden',
    });
  });

  it('is idempotent: seeding again does nothing', async () => {
    const before = await store.db.selectFrom('events').select('log_index').execute();
    const again = await seedDemo(store, { now: new Date(NOW.getTime() + 86_400_000) });
    expect(again.status).toBe('already_seeded');
    const after = await store.db.selectFrom('events').select('log_index').execute();
    expect(after.length).toBe(before.length);
    expect(await store.db.selectFrom('submissions').select('id').execute()).toHaveLength(14);
  });

  it('refuses to seed a database that holds something else', async () => {
    const other = freshDatabase(dialect);
    const s = await other.open();
    try {
      await createWorkflow(s).createOrg(
        { kind: 'system' },
        {
          id: 'someone',
          name: 'Someone',
          jurisdiction: 'US',
          verified: true,
        },
      );
      expect((await seedDemo(s, { now: NOW })).status).toBe('not_empty');
    } finally {
      await s.close();
      await other.cleanup();
    }
  });
});
