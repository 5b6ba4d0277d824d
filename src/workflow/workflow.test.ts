import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Store } from '../store/db.js';
import { describeOnEachDatabase, freshDatabase, type TestDatabase } from '../store/test-helpers/databases.js';
import { type Actor, createWorkflow, type Person, ServiceError, type Workflow } from './index.js';

const DRILL = readFileSync(
  new URL('../../examples/frameworks/drill-fast-clock.yaml', import.meta.url),
  'utf8',
);
const ev = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../examples/evidence/${name}`, import.meta.url), 'utf8'));
const FW = { id: 'drill-fast-clock', version: '2026.1' };
const SYSTEM: Actor = { kind: 'system' };
const PUBLIC: Actor = { kind: 'public' };

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof ServiceError) return e.code;
    throw e;
  }
}

describeOnEachDatabase('workflow', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  let wf: Workflow;
  let t = Date.parse('2026-11-02T12:00:00.000Z');
  const tick = (s: number) => {
    t += s * 1000;
  };
  const people: Record<string, Actor> = {};
  const as = (id: string) => people[id]!;

  beforeAll(async () => {
    db = freshDatabase(dialect);
    store = await db.open();
    wf = createWorkflow(store, { now: () => new Date(t) });
    await wf.publishFramework(SYSTEM, DRILL, 'yaml');
    for (const [id, j, verified] of [
      ['larkspur-ai', 'US', true],
      ['example-lab', 'US', true],
      ['board', 'GB', true],
      ['uni-de', 'DE', false],
      ['vetted-fr', 'FR', true],
      ['partner', 'JP', false],
    ] as const) {
      await wf.createOrg(SYSTEM, { id, name: id, jurisdiction: j, verified });
    }
    const mk = async (id: string, role: Person['role'], org?: string) => {
      const created = await wf.createPerson(SYSTEM, { id, name: id, role, ...(org ? { org } : {}) });
      const person = await wf.authenticate(created.token);
      people[id] = { kind: 'person', person };
    };
    await mk('dev-l', 'developer', 'larkspur-ai');
    await mk('dev-e', 'developer', 'example-lab');
    await mk('rev-aff', 'reviewer', 'larkspur-ai');
    for (const r of ['r1', 'r2', 'r3', 'r4', 'r5']) await mk(r, 'reviewer', 'board');
    await mk('aud', 'auditor');
  });
  afterAll(async () => {
    await store?.close();
    await db?.cleanup();
  });

  it('authenticates by token hash; revoked and deactivated tokens fail', async () => {
    const p = await wf.createPerson(SYSTEM, { id: 'tmp', name: 'Tmp', role: 'auditor' });
    expect((await wf.authenticate(p.token)).id).toBe('tmp');
    await wf.revokeToken(SYSTEM, p.token_id);
    expect(await code(wf.authenticate(p.token))).toBe('unauthorized');
    const t2 = await wf.issueToken(SYSTEM, { person: 'tmp', expires_at: new Date(t + 1000).toISOString() });
    expect((await wf.authenticate(t2.token)).id).toBe('tmp');
    tick(2);
    expect(await code(wf.authenticate(t2.token))).toBe('unauthorized');
    const t3 = await wf.issueToken(SYSTEM, { person: 'tmp' });
    await wf.deactivatePerson(SYSTEM, 'tmp');
    expect(await code(wf.authenticate(t3.token))).toBe('unauthorized');
    expect(
      await code(wf.createOrg(as('dev-l'), { id: 'x', name: 'x', jurisdiction: 'US', verified: true })),
    ).toBe('forbidden');
    expect(await code(wf.createOrg(PUBLIC, { id: 'x', name: 'x', jurisdiction: 'US', verified: true }))).toBe(
      'unauthorized',
    );
    const b = await wf.bootstrapAdmin('glt_bootstrap-secret');
    expect(b?.role).toBe('admin');
    const again = await wf.bootstrapAdmin('glt_bootstrap-secret');
    expect(again?.id).toBe(b?.id);
    expect((await wf.authenticate('glt_bootstrap-secret')).role).toBe('admin');
  });

  it('publishing is idempotent for the same content and conflicts otherwise', async () => {
    const again = await wf.publishFramework(SYSTEM, DRILL, 'yaml');
    expect(again.created).toBe(false);
    expect(await code(wf.publishFramework(SYSTEM, DRILL.replace('quorum: 2', 'quorum: 3'), 'yaml'))).toBe(
      'conflict',
    );
    expect(await code(wf.publishFramework(SYSTEM, 'greenlight: 1\nid: x\n', 'yaml'))).toBe('invalid');
    const f = await wf.getFramework(FW.id, FW.version);
    expect(f.superseded_by).toBeNull();
    expect(f.source).toBe(DRILL);
  });

  it('submit, affiliated reviewer refused, quorum, second effective decision impossible, idempotency', async () => {
    expect(await code(wf.submit(as('dev-e'), { framework: FW, evidence: ev('01-approve.json') }))).toBe(
      'forbidden',
    );
    expect(await code(wf.submit(as('r1'), { framework: FW, evidence: ev('01-approve.json') }))).toBe(
      'forbidden',
    );
    const bad = await wf.submit(as('dev-l'), { framework: FW, evidence: { greenlight: 1 } }).catch((e) => e);
    expect(bad.code).toBe('invalid');
    expect(bad.details.length).toBeGreaterThan(0);
    const r = await wf.submit(as('dev-l'), { framework: FW, evidence: ev('01-approve.json') }, 'key-1');
    expect(r.status).toBe(201);
    expect(r.body.status).toBe('in_review');
    expect(r.body.determination.outcome).toBe('approve');
    expect(r.body.decision_due).toBe(new Date(t + 30_000).toISOString());
    const replay = await wf.submit(as('dev-l'), { framework: FW, evidence: ev('01-approve.json') }, 'key-1');
    expect(replay.body.id).toBe(r.body.id);
    expect(
      await code(
        wf.submit(as('dev-l'), { framework: FW, evidence: ev('03-safeguards-missing.json') }, 'key-1'),
      ),
    ).toBe('conflict');
    const id = r.body.id;
    expect(
      await code(
        wf.proposeDecision(
          as('rev-aff'),
          { kind: 'submission', id },
          { action: 'approve', tier: 'public', rationale: 'x' },
        ),
      ),
    ).toBe('forbidden');
    // two competing proposals, each signed concurrently: exactly one takes effect
    const a = await wf.proposeDecision(
      as('r1'),
      { kind: 'submission', id },
      { action: 'approve', tier: 'public', rationale: 'fine' },
    );
    const d = await wf.proposeDecision(
      as('r2'),
      { kind: 'submission', id },
      { action: 'deny', rationale: 'no' },
    );
    expect(a.effective).toBe(false);
    expect(await code(wf.signDecision(as('r1'), a.id))).toBe('conflict');
    expect(await code(wf.signDecision(as('rev-aff'), a.id))).toBe('forbidden');
    const results = await Promise.allSettled([
      wf.signDecision(as('r3'), a.id),
      wf.signDecision(as('r4'), d.id),
    ]);
    expect(results.filter((x) => x.status === 'fulfilled').length).toBe(1);
    const s = await wf.getSubmission(as('aud'), id);
    expect(s.status).toBe('decided');
    expect(s.decisions.filter((x) => x.effective).length).toBe(1);
    expect(s.decisions.filter((x) => x.status === 'void').length).toBe(1);
    const m = await wf.getModel(PUBLIC, 'larkspur-ai/atlas-3');
    expect(m.current_version).toBe(s.approved_tier === null ? null : '2026-05-12');
  });

  it('override needs a justification; request evidence pauses and adding evidence restarts the clock', async () => {
    const r = await wf.submit(as('dev-l'), { framework: FW, evidence: ev('03-safeguards-missing.json') });
    const id = r.body.id;
    expect(r.body.determination.outcome).toBe('safeguards_missing');
    const no = await wf
      .proposeDecision(
        as('r1'),
        { kind: 'submission', id },
        { action: 'approve', tier: 'general_api', rationale: 'x' },
      )
      .catch((e) => e);
    expect(no.code).toBe('invalid');
    expect(no.details[0].path).toBe('justification');
    const req = await wf.proposeDecision(
      as('r1'),
      { kind: 'submission', id },
      { action: 'request_evidence', rationale: 'attest bio-classifiers' },
    );
    await wf.signDecision(as('r2'), req.id);
    let s = await wf.getSubmission(as('dev-l'), id);
    expect(s.status).toBe('evidence_requested');
    expect(s.time_left_seconds).toBeNull();
    tick(100);
    expect(await wf.sweep()).toBe(0);
    expect(await code(wf.addEvidence(as('dev-e'), id, ev('03-safeguards-missing.json')))).toBe('forbidden');
    s = await wf.addEvidence(as('dev-l'), id, ev('03-safeguards-missing.json'));
    expect(s.status).toBe('in_review');
    expect(s.decision_due).toBe(new Date(t + 30_000).toISOString());
    const ov = await wf.proposeDecision(
      as('r1'),
      { kind: 'submission', id },
      {
        action: 'approve',
        tier: 'general_api',
        rationale: 'ok',
        justification: 'classifier deployed, attested out of band',
      },
    );
    expect(ov.override).toBe(true);
    const eff = await wf.signDecision(as('r3'), ov.id);
    expect(eff.effective).toBe(true);
    expect((await wf.statistics()).overrides).toBe(1);
  });

  it('lapse: deemed approval fires once; sweeping twice fires once', async () => {
    const r = await wf.submit(as('dev-e'), { framework: FW, evidence: ev('02-approve-restricted.json') });
    tick(31);
    const [x, y] = await Promise.all([wf.sweep(), wf.sweep()]);
    expect(x + y).toBe(1);
    expect(await wf.sweep()).toBe(0);
    const s = await wf.getSubmission(PUBLIC, r.body.id);
    expect(s.status).toBe('deemed_approved');
    expect(s.approved_tier).toBe('vetted_partners');
    expect(s.evidence).toBeUndefined();
    expect(s.events.map((e) => e.type)).toContain('clock.lapsed');
    expect(s.events.every((e) => e.actor !== 'clock' || e.type === 'clock.lapsed')).toBe(true);
    const m = await wf.getModel(PUBLIC, 'example-lab/model-x');
    expect(m.effective_tier).toBe('vetted_partners');
    expect(m.grants).toBeUndefined();
  });

  it('appeal to fresh reviewers: signer of the appealed decision refused; reversed', async () => {
    const list = await wf.listSubmissions(PUBLIC, { model: 'example-lab/model-x' });
    const sub = list.items[0]!;
    const ap = await wf.fileAppeal(as('dev-e'), sub.id, {
      reasons: 'the CTF result is an elicitation artefact',
    });
    expect(ap.status).toBe('appealed');
    const p = await wf.proposeDecision(
      as('r4'),
      { kind: 'appeal', id: ap.id },
      { action: 'approve', tier: 'general_api', rationale: 'x', justification: 'y' },
    );
    const done = await wf.signDecision(as('r5'), p.id);
    expect(done.effective).toBe(true);
    const s = await wf.getSubmission(as('dev-e'), sub.id);
    expect(s.appeals[0]!.status).toBe('appeal_decided');
    expect(s.appeals[0]!.result).toBe('reversed');
    expect((await wf.getModel(PUBLIC, 'example-lab/model-x')).effective_tier).toBe('general_api');
  });

  it('appeal upheld; signers of the appealed decision may not decide', async () => {
    const r = await wf.submit(as('dev-e'), {
      framework: FW,
      evidence: ev('02-approve-restricted.json'),
      tier: 'public',
    });
    const id = r.body.id;
    // a fresh submission of the same version supersedes nothing now (previous concluded)
    const p = await wf.proposeDecision(
      as('r1'),
      { kind: 'submission', id },
      { action: 'approve', tier: 'vetted_partners', rationale: 'x' },
    );
    await wf.signDecision(as('r2'), p.id);
    const ap = await wf.fileAppeal(as('dev-e'), id, { reasons: 'please' });
    expect(
      await code(
        wf.proposeDecision(as('r1'), { kind: 'appeal', id: ap.id }, { action: 'deny', rationale: 'x' }),
      ),
    ).toBe('forbidden');
    const q = await wf.proposeDecision(
      as('r3'),
      { kind: 'appeal', id: ap.id },
      { action: 'approve', tier: 'vetted_partners', rationale: 'same' },
    );
    expect(await code(wf.signDecision(as('r2'), q.id))).toBe('forbidden');
    await wf.signDecision(as('r4'), q.id);
    const s = await wf.getSubmission(PUBLIC, id);
    expect(s.appeals[0]!.result).toBe('upheld');
    tick(3600);
    expect(await code(wf.fileAppeal(as('dev-e'), id, { reasons: 'late' }))).toBe('conflict');
  });

  it('incident classified restricts at once, opens a re-review which resolves it; late developer report', async () => {
    const model = 'example-lab/model-x';
    const inc = await wf.reportIncident(PUBLIC, {
      model,
      class: 'narrow_jailbreak',
      description: 'secret text',
      discovered_at: new Date(t - 1000).toISOString(),
    });
    expect(inc.late).toBe(false);
    const c = await wf.classifyIncident(as('r1'), inc.id, 'general_jailbreak');
    expect(c.max_tier).toBe('named_institutions');
    expect(c.rereview_id).not.toBeNull();
    expect((await wf.getModel(PUBLIC, model)).effective_tier).toBe('named_institutions');
    const late = await wf.reportIncident(as('dev-e'), {
      model,
      class: 'general_jailbreak',
      description: 'ours',
      discovered_at: new Date(t - 60_000).toISOString(),
    });
    expect(late.late).toBe(true);
    await wf.dismissIncident(as('r1'), late.id, 'duplicate');
    // re-review lapse escalates, never restores
    tick(31);
    expect(await wf.sweep()).toBe(1);
    const rr = await wf.getSubmission(PUBLIC, c.rereview_id!);
    expect(rr.status).toBe('escalated');
    expect(rr.time_left_seconds).toBeLessThan(0);
    const reg = await wf.listModels(PUBLIC, { q: 'model-x' });
    expect(reg.items[0]!.open_clocks[0]!.time_left_seconds).toBeLessThan(0);
    const d = await wf.proposeDecision(
      as('r2'),
      { kind: 'submission', id: rr.id },
      { action: 'approve', tier: 'vetted_partners', rationale: 'patched' },
    );
    await wf.signDecision(as('r3'), d.id);
    const m = await wf.getModel(PUBLIC, model);
    expect(m.incidents.find((i) => i.id === inc.id)!.status).toBe('resolved');
    expect(m.effective_tier).toBe('vetted_partners');
    const entries = await store.db.selectFrom('log_entries').select('entry').execute();
    expect(entries.some((e) => e.entry.includes('secret text'))).toBe(false);
  });

  it('grants and every access rule', async () => {
    const model = 'example-lab/model-x';
    expect(await wf.checkAccess({ model: 'nobody/none', org: 'x' })).toMatchObject({
      allow: false,
      rule: 'unknown_model',
    });
    expect(await wf.checkAccess({ model, org: 'example-lab' })).toMatchObject({
      allow: true,
      rule: 'developer',
    });
    expect(await wf.checkAccess({ model, org: 'uni-de' })).toMatchObject({
      allow: false,
      rule: 'not_granted',
      tier: 'vetted_partners',
    });
    const [g1, g2] = await wf.createGrants(as('r1'), {
      model,
      orgs: ['uni-de', 'partner'],
      tier: 'named_institutions',
      reason: 'limited restoration',
    });
    expect(await wf.checkAccess({ model, org: 'uni-de' })).toMatchObject({
      allow: true,
      rule: 'grant',
      ref: g1!.id,
    });
    await wf.revokeGrant(as('r1'), g2!.id);
    expect(await wf.checkAccess({ model, org: 'partner' })).toMatchObject({
      allow: false,
      rule: 'not_granted',
    });
    const g3 = await wf.createGrant(as('r1'), {
      model,
      org: 'partner',
      tier: 'vetted_partners',
      expires_at: new Date(t + 5000).toISOString(),
      reason: 'trial',
    });
    expect(await wf.checkAccess({ model, org: 'partner' })).toMatchObject({
      allow: true,
      rule: 'grant',
      ref: g3.id,
    });
    tick(6);
    expect(await wf.checkAccess({ model, org: 'partner' })).toMatchObject({
      allow: false,
      rule: 'grant_expired',
      ref: g3.id,
    });
    expect(
      await code(wf.createGrant(as('dev-e'), { model, org: 'partner', tier: 'public', reason: 'x' })),
    ).toBe('forbidden');
    expect((await wf.getModel(as('dev-e'), model)).grants?.length).toBe(3);
    expect((await wf.getModel(as('dev-l'), model)).grants).toBeUndefined();
    // verified / unverified / jurisdiction on a general_api approval with conditions
    const r = await wf.submit(as('dev-l'), { framework: FW, evidence: ev('03-safeguards-missing.json') });
    const p = await wf.proposeDecision(
      as('r1'),
      { kind: 'submission', id: r.body.id },
      {
        action: 'approve',
        tier: 'general_api',
        rationale: 'x',
        justification: 'y',
        conditions: { jurisdictions: { deny: ['FR'] } },
      },
    );
    await wf.signDecision(as('r2'), p.id);
    const atlas4 = 'larkspur-ai/atlas-4';
    expect(await wf.checkAccess({ model: atlas4, org: 'board' })).toMatchObject({
      allow: true,
      rule: 'verified',
      ref: p.id,
    });
    expect(await wf.checkAccess({ model: atlas4, org: 'uni-de' })).toMatchObject({
      allow: false,
      rule: 'unverified',
    });
    expect(await wf.checkAccess({ model: atlas4, org: 'vetted-fr' })).toMatchObject({
      allow: false,
      rule: 'jurisdiction',
      ref: p.id,
    });
    // public, no_approval, withdrawn
    expect(await wf.checkAccess({ model: 'larkspur-ai/atlas-3', org: 'uni-de' })).toMatchObject({
      rule: expect.stringMatching(/public|no_approval/),
    });
    const pending = await wf.submit(as('dev-l'), {
      framework: FW,
      evidence: { ...ev('01-approve.json'), model: { id: 'larkspur-ai/atlas-5', version: 'v1' } },
    });
    expect(await wf.checkAccess({ model: 'larkspur-ai/atlas-5', org: 'board' })).toMatchObject({
      allow: false,
      rule: 'no_approval',
    });
    expect(await code(wf.withdrawModel(as('dev-e'), atlas4, { reason: 'x' }))).toBe('forbidden');
    await wf.withdrawModel(as('dev-l'), atlas4, { reason: 'retired' });
    expect(await wf.checkAccess({ model: atlas4, org: 'board' })).toMatchObject({
      allow: false,
      rule: 'withdrawn',
    });
    const w = await wf.withdrawSubmission(as('dev-l'), pending.body.id, 'not ready');
    expect(w.status).toBe('withdrawn');
  });

  it('confidentiality: another organisation never sees evidence; 404 for unknown', async () => {
    const list = await wf.listSubmissions(as('dev-e'), { model: 'larkspur-ai/atlas-3', limit: 1 });
    expect(list.items[0]!.evidence).toBeUndefined();
    const first = await wf.listSubmissions(as('dev-e'), { limit: 2 });
    expect(first.next_cursor).not.toBeNull();
    const next = await wf.listSubmissions(as('dev-e'), { limit: 2, cursor: first.next_cursor });
    expect(next.items.map((i) => i.id)).not.toContain(first.items[0]!.id);
    expect(next.items.length).toBe(2);
    const own = await wf.getSubmission(as('dev-l'), list.items[0]!.id);
    expect(own.evidence).toBeDefined();
    expect((await wf.getSubmission(as('r1'), own.id)).evidence).toBeDefined();
    expect(JSON.stringify(await wf.getModel(as('dev-e'), 'larkspur-ai/atlas-3'))).not.toContain('"samples"');
    expect(await code(wf.getSubmission(PUBLIC, 'sub_nope'))).toBe('not_found');
    expect(await code(wf.withdrawSubmission(as('dev-e'), own.id))).toBe('forbidden');
    expect(await code(wf.addEvidence(as('dev-e'), 'sub_nope', {}))).toBe('not_found');
  });

  it('every event has a log index and the log is gap-free', async () => {
    const events = await store.db
      .selectFrom('events')
      .select(['log_index', 'type'])
      .orderBy('log_index')
      .execute();
    const entries = await store.db
      .selectFrom('log_entries')
      .select(['idx', 'entry'])
      .orderBy('idx')
      .execute();
    expect(entries.map((e) => Number(e.idx))).toEqual(entries.map((_, i) => i));
    expect(events.map((e) => Number(e.log_index))).toEqual(entries.map((e) => Number(e.idx)));
    for (const [i, e] of entries.entries()) expect(JSON.parse(e.entry).type).toBe(events[i]!.type);
    const stats = await wf.statistics();
    expect(stats.decided).toBeGreaterThan(0);
    expect(stats.lapses.deemed_approved).toBe(1);
    expect(stats.lapses.escalated).toBe(1);
    expect(stats.appeals).toMatchObject({ filed: 2, upheld: 1, reversed: 1, pending: 0 });
  });

  if (dialect === 'postgres') {
    it('two stores sweeping concurrently fire each clock once', async () => {
      const other = await db.open();
      try {
        const wf2 = createWorkflow(other, { now: () => new Date(t) });
        await wf.submit(as('dev-l'), {
          framework: FW,
          evidence: { ...ev('01-approve.json'), model: { id: 'larkspur-ai/atlas-6', version: 'v1' } },
        });
        await wf.submit(as('dev-l'), {
          framework: FW,
          evidence: { ...ev('01-approve.json'), model: { id: 'larkspur-ai/atlas-7', version: 'v1' } },
        });
        tick(31);
        const counts = await Promise.all([wf.sweep(), wf2.sweep(), wf.sweep(), wf2.sweep()]);
        expect(counts.reduce((a, b) => a + b, 0)).toBe(2);
      } finally {
        await other.close();
      }
    });
  }
});
