/**
 * End to end over HTTP on a real port: `startServer` answers /v1/access/check from the in-memory checker kept
 * current by the sync loop. Setup (framework, orgs, approvals, incidents) goes through the workflow on the same
 * database; grants and checks go over HTTP. On PostgreSQL a second server sees the first one's change within 1 s.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../cli/commands/serve.js';
import type { Store } from '../store/db.js';
import { describeOnEachDatabase, freshDatabase, type TestDatabase } from '../store/test-helpers/databases.js';
import { type Actor, createWorkflow, type Workflow } from '../workflow/index.js';

const root = new URL('../../', import.meta.url);
const DRILL = readFileSync(new URL('examples/frameworks/drill-fast-clock.yaml', root), 'utf8');
const EVIDENCE = JSON.parse(readFileSync(new URL('examples/evidence/01-approve.json', root), 'utf8'));
const FW = { id: 'drill-fast-clock', version: '2026.1' };
const SYSTEM: Actor = { kind: 'system' };
const DEV = 'larkspur-ai';
const M_GRANT = `${DEV}/access-grant`;
const M_VERIFIED = `${DEV}/access-verified`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeOnEachDatabase('access checks over HTTP', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  let wf: Workflow;
  let server: RunningServer;
  let reviewerToken = '';
  const people: Record<string, Actor> = {};

  const check = async (base: string, model: string, org: string) => {
    const r = await fetch(`${base}/v1/access/check?model=${encodeURIComponent(model)}&org=${org}`);
    expect(r.status).toBe(200);
    return (await r.json()) as { allow: boolean; rule: string; tier: string | null; ref: string | null };
  };
  /** Polls until the answer has `rule`; fails after 1 s. */
  const becomes = async (base: string, model: string, org: string, rule: string) => {
    const start = Date.now();
    for (;;) {
      const a = await check(base, model, org);
      if (a.rule === rule) return { ...a, ms: Date.now() - start };
      if (Date.now() - start > 1000) expect(a.rule).toBe(rule);
      await sleep(20);
    }
  };
  const api = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${reviewerToken}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await r.json()) as Record<string, unknown>;
    expect(r.status, JSON.stringify(json)).toBeLessThan(300);
    return json;
  };
  const approve = async (model: string, tier: string, conditions?: unknown) => {
    const s = await wf.submit(people.dev!, {
      framework: FW,
      evidence: { ...EVIDENCE, model: { id: model, version: '1' } },
    } as never);
    const d = await wf.proposeDecision(people.r1!, { kind: 'submission', id: s.body.id }, {
      action: 'approve',
      tier,
      rationale: 'ok',
      ...(conditions ? { conditions } : {}),
    } as never);
    await wf.signDecision(people.r2!, d.id);
  };

  beforeAll(async () => {
    db = freshDatabase(dialect);
    store = await db.open();
    wf = createWorkflow(store);
    await wf.publishFramework(SYSTEM, DRILL, 'yaml');
    for (const [id, j, verified] of [
      [DEV, 'US', true],
      ['board', 'GB', true],
      ['partner', 'FR', true],
      ['unverified-lab', 'FR', false],
      ['jp-lab', 'JP', true],
      ['uni-a', 'DE', false],
      ['uni-b', 'DE', false],
      ['short', 'DE', false],
    ] as const)
      await wf.createOrg(SYSTEM, { id, name: id, jurisdiction: j, verified });
    const mk = async (id: string, role: 'developer' | 'reviewer', org: string) => {
      const created = await wf.createPerson(SYSTEM, { id, name: id, role, org });
      people[id] = { kind: 'person', person: await wf.authenticate(created.token) };
      return created.token;
    };
    await mk('dev', 'developer', DEV);
    reviewerToken = await mk('r1', 'reviewer', 'board');
    await mk('r2', 'reviewer', 'board');
    await approve(M_GRANT, 'vetted_partners', { jurisdictions: { deny: ['JP'] } });
    await approve(M_VERIFIED, 'general_api');
    server = await startServer({
      store,
      port: 0,
      logger: false,
      sweepIntervalMs: 0,
      access: { intervalMs: 100 },
    });
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
    await db?.cleanup();
  });

  it('grants, verification, jurisdiction, incidents, bulk restoration, expiry, revocation', async () => {
    const u = server.url;
    expect(await check(u, M_GRANT, DEV)).toMatchObject({ allow: true, rule: 'developer' });
    expect(await check(u, M_GRANT, 'partner')).toMatchObject({ allow: false, rule: 'not_granted' });
    expect(await check(u, 'nobody/none', 'partner')).toMatchObject({ allow: false, rule: 'unknown_model' });
    // a partner grant allows
    const g = await api('POST', '/v1/grants', {
      model: M_GRANT,
      org: 'partner',
      tier: 'vetted_partners',
      reason: 'partner',
    });
    expect(await becomes(u, M_GRANT, 'partner', 'grant')).toMatchObject({ allow: true, ref: g.id });
    expect(await check(u, M_GRANT, 'uni-a')).toMatchObject({ allow: false, rule: 'not_granted' });
    // jurisdiction condition of the governing decision
    await api('POST', '/v1/grants', { model: M_GRANT, org: 'jp-lab', tier: 'vetted_partners', reason: 'x' });
    await sleep(300);
    expect(await check(u, M_GRANT, 'jp-lab')).toMatchObject({ allow: false, rule: 'jurisdiction' });
    // verified tier
    expect(await check(u, M_VERIFIED, 'unverified-lab')).toMatchObject({ allow: false, rule: 'unverified' });
    expect(await check(u, M_VERIFIED, 'partner')).toMatchObject({ allow: true, rule: 'verified' });
    // an incident restricts at once: the partner is denied, a named institution allowed
    await api('POST', '/v1/grants', {
      model: M_GRANT,
      org: 'uni-b',
      tier: 'named_institutions',
      reason: 'named',
    });
    const inc = await wf.reportIncident(people.dev!, {
      model: M_GRANT,
      class: 'general_jailbreak',
      description: 'a general jailbreak',
      discovered_at: new Date().toISOString(),
    });
    await wf.classifyIncident(people.r1!, inc.id, 'general_jailbreak');
    const restricted = await becomes(u, M_GRANT, 'partner', 'not_granted');
    expect(restricted).toMatchObject({ allow: false, tier: 'named_institutions' });
    expect(await check(u, M_GRANT, 'uni-b')).toMatchObject({ allow: true, rule: 'grant' });
    // limited restoration via bulk grants
    const bulk = (await api('POST', '/v1/grants/bulk', {
      model: M_GRANT,
      orgs: ['uni-a', 'partner'],
      tier: 'named_institutions',
      reason: 'limited restoration',
    })) as { items: { id: string; org: string }[] };
    expect(await becomes(u, M_GRANT, 'uni-a', 'grant')).toMatchObject({ allow: true });
    expect(await check(u, M_GRANT, 'partner')).toMatchObject({ allow: true, rule: 'grant' });
    // expiry takes effect on time, with no change to the database
    await api('POST', '/v1/grants', {
      model: M_GRANT,
      org: 'short',
      tier: 'named_institutions',
      expires_at: new Date(Date.now() + 1200).toISOString(),
      reason: 'short',
    });
    expect(await becomes(u, M_GRANT, 'short', 'grant')).toMatchObject({ allow: true });
    await sleep(1300);
    expect(await check(u, M_GRANT, 'short')).toMatchObject({ allow: false, rule: 'grant_expired' });
    // revocation
    const uniA = bulk.items.find((x) => x.org === 'uni-a')!;
    await api('DELETE', `/v1/grants/${uniA.id}`);
    expect(await becomes(u, M_GRANT, 'uni-a', 'not_granted')).toMatchObject({ allow: false });
    // batch
    const r = await fetch(`${u}/v1/access/check`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        checks: [
          { model: M_GRANT, org: 'uni-b' },
          { model: M_GRANT, org: 'uni-a' },
        ],
      }),
    });
    expect(((await r.json()) as { results: { allow: boolean }[] }).results.map((x) => x.allow)).toEqual([
      true,
      false,
    ]);
  });

  // Several servers share one database only on PostgreSQL (SQLite is one server's embedded file).
  if (dialect === 'postgres')
    it('a change on one server is seen by a second within a second', async () => {
      const other = await startServer({
        db: db.url,
        storeOptions: db.schema ? { schema: db.schema } : {},
        port: 0,
        logger: false,
        sweepIntervalMs: 0,
      });
      try {
        expect(await check(other.url, M_VERIFIED, 'uni-a')).toMatchObject({
          allow: false,
          rule: 'unverified',
        });
        await api('POST', '/v1/grants', {
          model: M_VERIFIED,
          org: 'uni-a',
          tier: 'general_api',
          reason: 'x',
        });
        const seen = await becomes(other.url, M_VERIFIED, 'uni-a', 'grant');
        expect(seen.ms).toBeLessThan(1000);
      } finally {
        await other.close();
      }
    });
});
