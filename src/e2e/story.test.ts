/**
 * The whole story through HTTP on a real port, as a client would (fetch), on SQLite and PostgreSQL: bootstrap,
 * publish, register, submit, conflict of interest, quorum, overrides, lapses both ways, evidence requested and
 * added, appeals upheld and reversed, an incident restricting the tier at once, grants, restoration, resolution.
 * Every event-recording answer carries a log_index, and the log has no gap.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../cli/commands/serve.js';
import { describeOnEachDatabase, freshDatabase, type TestDatabase } from '../store/test-helpers/databases.js';
import {
  Client,
  checkLogInvariants,
  DRILL,
  DRILL_YAML,
  drillVariant,
  evidence,
  expectStatus,
  type Reply,
  waitFor,
} from './helpers.js';

const BOOT = 'e2e-bootstrap-secret';
const ORG = 'larkspur-ai';
const LAPSE_DEEMED = { id: 'e2e-lapse-deemed', version: '2026.1' };
const LAPSE_ESCALATE = { id: 'e2e-lapse-escalate', version: '2026.1' };
const INSTITUTIONS = Array.from({ length: 5 }, (_, i) => `institute-${i + 1}`);

describeOnEachDatabase('e2e: the whole story over HTTP', (dialect) => {
  let db: TestDatabase;
  let server: RunningServer;
  let anon: Client;
  /** Every log_index an event-recording answer carried. */
  const acked: number[] = [];
  const logged = (r: Reply): Reply => {
    expect(typeof r.body?.log_index, `log_index in ${JSON.stringify(r.body).slice(0, 200)}`).toBe('number');
    acked.push(r.body.log_index);
    return r;
  };

  beforeAll(async () => {
    db = freshDatabase(dialect);
    server = await startServer({
      db: db.url,
      storeOptions: db.schema ? { schema: db.schema } : {},
      port: 0,
      bootstrapToken: BOOT,
      logger: false,
      sweepIntervalMs: 250,
    });
    anon = new Client(server.url);
  });
  afterAll(async () => {
    await server?.close();
    await db?.cleanup();
  });

  it('drives every step of the review, incident and access story', async () => {
    // ---- bootstrap and administration ----
    const admin = anon.as(BOOT);
    expect((await admin.get('/v1/me')).body).toMatchObject({ kind: 'person', role: 'admin' });
    logged(
      expectStatus(
        await admin.request('POST', '/v1/frameworks', DRILL_YAML, { 'content-type': 'application/yaml' }),
        201,
      ),
    );
    for (const [fw, seconds, lapse] of [
      [LAPSE_DEEMED, 2, 'deemed_approved'],
      [LAPSE_ESCALATE, 2, 'escalate'],
    ] as const) {
      const r = logged(
        expectStatus(
          await admin.request('POST', '/v1/frameworks', drillVariant(fw.id, seconds, lapse), {
            'content-type': 'application/yaml',
          }),
          201,
        ),
      );
      expect(r.body).toMatchObject(fw);
    }
    expectStatus(await anon.get(`/v1/frameworks/${DRILL.id}/${DRILL.version}`), 200);

    const orgs = [
      { id: ORG, name: 'Larkspur AI', jurisdiction: 'US', verified: true },
      { id: 'other-lab', name: 'Other Lab', jurisdiction: 'FR', verified: false },
      { id: 'verified-corp', name: 'Verified Corp', jurisdiction: 'DE', verified: true },
      ...INSTITUTIONS.map((id) => ({ id, name: id, jurisdiction: 'GB', verified: false })),
    ];
    for (const o of orgs) expectStatus(await admin.post('/v1/orgs', o), 201);
    const tokens: Record<string, string> = {};
    const people = [
      { id: 'rev-1', role: 'reviewer' },
      { id: 'rev-2', role: 'reviewer' },
      { id: 'rev-3', role: 'reviewer' },
      { id: 'rev-4', role: 'reviewer' },
      { id: 'rev-affiliated', role: 'reviewer', org: ORG },
      { id: 'dev', role: 'developer', org: ORG },
    ];
    for (const p of people) {
      const r = logged(expectStatus(await admin.post('/v1/people', { name: p.id, ...p }), 201));
      expect(r.body).toMatchObject({ id: p.id, role: p.role });
      tokens[p.id] = r.body.token;
    }
    const [r1, r2, r3, r4] = ['rev-1', 'rev-2', 'rev-3', 'rev-4'].map((id) => anon.as(tokens[id])) as [
      Client,
      Client,
      Client,
      Client,
    ];
    const affiliated = anon.as(tokens['rev-affiliated']);
    const dev = anon.as(tokens.dev);
    expectStatus(await anon.post('/v1/orgs', orgs[1]), 401);
    expectStatus(await dev.post('/v1/orgs', { ...orgs[1], id: 'x' }), 403);

    const submit = async (fw: { id: string; version: string }, ev: Record<string, unknown>) => {
      const r = logged(expectStatus(await dev.post('/v1/submissions', { framework: fw, evidence: ev }), 201));
      expect(r.body.status).toBe('in_review');
      expect(r.body.decision_due).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      return r.body as { id: string; determination: { outcome: string; granted_tier: string } };
    };
    const status = async (id: string) => (await anon.get(`/v1/submissions/${id}`)).body.status as string;
    /** Proposes with `a`, signs with `b`: the decision takes effect at quorum 2. */
    const decide = async (path: string, a: Client, b: Client, body: Record<string, unknown>) => {
      const proposed = logged(expectStatus(await a.post(path, body), 201));
      expect(proposed.body).toMatchObject({ signatures: 1, effective: false });
      const signed = logged(expectStatus(await b.post(`/v1/decisions/${proposed.body.id}/sign`), 200));
      expect(signed.body).toMatchObject({ signatures: 2, effective: true });
      return proposed.body.id as string;
    };

    // ---- submit; the affiliated reviewer is refused; quorum ----
    const MODEL = `${ORG}/atlas-3`;
    const s1 = await submit(DRILL, evidence('01-approve', MODEL, 'v1'));
    expect(s1.determination.outcome).toBe('approve');
    const refused = await affiliated.post(`/v1/submissions/${s1.id}/decision`, {
      action: 'approve',
      tier: 'public',
      rationale: 'conflicted',
    });
    expectStatus(refused, 403);
    expect(refused.body.error.code).toBe('forbidden');
    const p1 = logged(
      expectStatus(
        await r1.post(`/v1/submissions/${s1.id}/decision`, {
          action: 'approve',
          tier: 'public',
          rationale: 'below every threshold',
        }),
        201,
      ),
    );
    expect(p1.body).toMatchObject({ action: 'approve', tier: 'public', override: false, effective: false });
    expect(await status(s1.id)).toBe('in_review');
    expectStatus(await r1.post(`/v1/decisions/${p1.body.id}/sign`), 409);
    expectStatus(await affiliated.post(`/v1/decisions/${p1.body.id}/sign`), 403);
    const signed = logged(expectStatus(await r2.post(`/v1/decisions/${p1.body.id}/sign`), 200));
    expect(signed.body).toMatchObject({ signatures: 2, effective: true });
    expect(signed.body.signers).toEqual(expect.arrayContaining(['rev-1', 'rev-2']));
    expect(await status(s1.id)).toBe('decided');
    expectStatus(await r3.post(`/v1/decisions/${p1.body.id}/sign`), 409);

    // ---- override: more open than the determination allows needs a justification ----
    const s2 = await submit(DRILL, evidence('02-approve-restricted', MODEL, 'v2'));
    expect(s2.determination.granted_tier).toBe('vetted_partners');
    const noJust = await r1.post(`/v1/submissions/${s2.id}/decision`, {
      action: 'approve',
      tier: 'public',
      rationale: 'we disagree',
    });
    expectStatus(noJust, 422);
    expect(noJust.body.error.details.map((d: { path: string }) => d.path)).toContain('justification');
    const ov = logged(
      expectStatus(
        await r1.post(`/v1/submissions/${s2.id}/decision`, {
          action: 'approve',
          tier: 'public',
          rationale: 'we disagree',
          justification: 'the cyber canary is contaminated',
        }),
        201,
      ),
    );
    expect(ov.body.override).toBe(true);
    logged(expectStatus(await r2.post(`/v1/decisions/${ov.body.id}/sign`), 200));
    expect(await status(s2.id)).toBe('decided');

    // ---- request evidence, add it: a new determination and a fresh clock ----
    const s3 = await submit(DRILL, evidence('04-more-evidence', MODEL, 'v3'));
    expect(s3.determination.outcome).toBe('more_evidence');
    await decide(`/v1/submissions/${s3.id}/decision`, r1, r2, {
      action: 'request_evidence',
      rationale: 'self-improvement unsettled',
    });
    expect(await status(s3.id)).toBe('evidence_requested');
    const added = logged(
      expectStatus(
        await dev.post(`/v1/submissions/${s3.id}/evidence`, {
          evidence: evidence('01-approve', MODEL, 'v3'),
        }),
        200,
      ),
    );
    expect(added.body.status).toBe('in_review');
    expect(added.body.determination.outcome).toBe('approve');
    // Approved at a tier more restricted than requested: appealable.
    await decide(`/v1/submissions/${s3.id}/decision`, r1, r2, {
      action: 'approve',
      tier: 'vetted_partners',
      rationale: 'cautious',
    });

    // ---- appeal reversed by fresh reviewers (the signers may not decide it) ----
    const a3 = logged(
      expectStatus(await dev.post(`/v1/submissions/${s3.id}/appeal`, { reasons: 'too cautious' }), 201),
    );
    expect(a3.body.status).toBe('appealed');
    expectStatus(
      await r1.post(`/v1/appeals/${a3.body.id}/decision`, { action: 'deny', rationale: 'I signed it' }),
      403,
    );
    await decide(`/v1/appeals/${a3.body.id}/decision`, r3, r4, {
      action: 'approve',
      tier: 'public',
      rationale: 'the determination supports public',
    });
    const s3view = (await anon.get(`/v1/submissions/${s3.id}`)).body;
    expect(s3view.appeals[0]).toMatchObject({ status: 'appeal_decided', result: 'reversed' });

    // ---- appeal upheld ----
    const s4 = await submit(DRILL, evidence('01-approve', MODEL, 'v4'));
    await decide(`/v1/submissions/${s4.id}/decision`, r1, r2, { action: 'deny', rationale: 'no' });
    const a4 = logged(
      expectStatus(await dev.post(`/v1/submissions/${s4.id}/appeal`, { reasons: 'why' }), 201),
    );
    expectStatus(
      await r2.post(`/v1/appeals/${a4.body.id}/decision`, { action: 'deny', rationale: 'I signed it' }),
      403,
    );
    await decide(`/v1/appeals/${a4.body.id}/decision`, r3, r4, { action: 'deny', rationale: 'still no' });
    expect((await anon.get(`/v1/submissions/${s4.id}`)).body.appeals[0]).toMatchObject({
      status: 'appeal_decided',
      result: 'upheld',
    });

    // ---- clocks lapse both ways (durations in seconds; the sweeper runs every 250 ms) ----
    const deemed = await submit(LAPSE_DEEMED, evidence('02-approve-restricted', MODEL, 'v5'));
    const escalated = await submit(LAPSE_ESCALATE, evidence('01-approve', MODEL, 'v6'));
    await waitFor(async () => (await status(deemed.id)) === 'deemed_approved', 10_000, 'deemed approval');
    await waitFor(async () => (await status(escalated.id)) === 'escalated', 10_000, 'escalation');
    const dv = (await anon.get(`/v1/submissions/${deemed.id}`)).body;
    expect(dv.approved_tier).toBe('vetted_partners');
    const lapsed = dv.events.filter((e: { type: string }) => e.type === 'clock.lapsed');
    expect(lapsed).toHaveLength(1);
    expect(lapsed[0]).toMatchObject({ actor: 'clock' });
    const ev = (await anon.get(`/v1/submissions/${escalated.id}`)).body.events.map(
      (e: { type: string }) => e.type,
    );
    expect(ev.filter((t: string) => t === 'clock.lapsed')).toHaveLength(1);
    expect(ev).toContain('review.escalated');
    // An escalated review is still open: reviewers can decide it.
    await decide(`/v1/submissions/${escalated.id}/decision`, r1, r2, {
      action: 'approve',
      tier: 'public',
      rationale: 'late but fine',
    });
    expect(await status(escalated.id)).toBe('decided');

    // ---- incident: restricted at once, grants, bulk restoration, resolution ----
    const NOVA = `${ORG}/nova`;
    const n1 = await submit(DRILL, evidence('01-approve', NOVA, '1.0'));
    await decide(`/v1/submissions/${n1.id}/decision`, r1, r2, {
      action: 'approve',
      tier: 'public',
      rationale: 'fine',
    });
    const model = async () => (await anon.get(`/v1/models/${NOVA}`)).body;
    const check = async (org: string) =>
      (await anon.get(`/v1/access/check?model=${encodeURIComponent(NOVA)}&org=${org}`)).body;
    expect(await model()).toMatchObject({ current_version: '1.0', effective_tier: 'public' });
    expect(await check('other-lab')).toMatchObject({ allow: true, tier: 'public', rule: 'public' });

    const inc = logged(
      expectStatus(
        await anon.post('/v1/incidents', {
          model: NOVA,
          class: 'general_jailbreak',
          description: 'a universal jailbreak disables the bio classifiers',
          discovered_at: new Date(Date.now() - 1000).toISOString(),
        }),
        201,
      ),
    );
    // Reported, not yet classified: nothing restricted.
    expect((await model()).effective_tier).toBe('public');
    logged(
      expectStatus(
        await r1.post(`/v1/incidents/${inc.body.id}/classify`, { class: 'general_jailbreak' }),
        200,
      ),
    );
    // Restricted immediately, on the model and on the access check.
    expect((await model()).effective_tier).toBe('named_institutions');
    expect(await check('other-lab')).toMatchObject({ allow: false, tier: 'named_institutions' });
    expect(await check('verified-corp')).toMatchObject({ allow: false });
    expect(await check(ORG)).toMatchObject({ allow: true, rule: 'developer' });

    const grant = logged(
      expectStatus(
        await r1.post('/v1/grants', {
          model: NOVA,
          org: 'other-lab',
          tier: 'named_institutions',
          reason: 'incident responder',
        }),
        201,
      ),
    );
    expect(await check('other-lab')).toMatchObject({ allow: true, rule: 'grant', ref: grant.body.id });
    const bulk = expectStatus(
      await r2.post('/v1/grants/bulk', {
        model: NOVA,
        orgs: INSTITUTIONS,
        tier: 'named_institutions',
        reason: 'limited restoration to these institutions',
      }),
      201,
    );
    expect(bulk.body.items).toHaveLength(INSTITUTIONS.length);
    for (const g of bulk.body.items) logged({ status: 201, body: g });
    for (const org of INSTITUTIONS) expect(await check(org)).toMatchObject({ allow: true, rule: 'grant' });
    expect(await check('verified-corp')).toMatchObject({ allow: false });
    const withGrants = (await r1.get(`/v1/models/${NOVA}`)).body;
    expect(withGrants.grants.length).toBe(INSTITUTIONS.length + 1);

    logged(
      expectStatus(
        await r2.post(`/v1/incidents/${inc.body.id}/resolve`, { reason: 'classifier patched' }),
        200,
      ),
    );
    expect((await model()).effective_tier).toBe('public');
    expect(await check('verified-corp')).toMatchObject({ allow: true, rule: 'public' });

    // ---- the log: every acknowledged index is distinct and the log has no gap ----
    expect(new Set(acked).size).toBe(acked.length);
    const store = await db.open();
    try {
      const log = await checkLogInvariants(store);
      for (const i of acked) expect(i).toBeLessThan(log.size);
      // The acknowledged indexes are of the events the answers describe.
      const types = new Map(log.events.map((e) => [e.log_index, e.type]));
      expect(types.get(inc.body.log_index)).toBe('incident.reported');
      expect(types.get(grant.body.log_index)).toBe('grant.created');
      expect(types.get(a4.body.log_index)).toBe('appeal.filed');
    } finally {
      await store.close();
    }
  });
});
