/**
 * The incremental sync against a whole reload: after every kind of workflow write (organisations, approvals,
 * grants single and bulk, revocation, incidents classified and resolved — also by a concluding re-review —,
 * withdrawal, a model first created by a submission and granted before its approval), the synced checker answers
 * every question exactly as one built from a fresh snapshot, without reloading; a bump that recorded nothing (or
 * a gap) makes it reload.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Store } from '../store/db.js';
import { describeOnEachDatabase, freshDatabase, type TestDatabase } from '../store/test-helpers/databases.js';
import { type Actor, createWorkflow, type Workflow } from '../workflow/index.js';
import { type AccessChecker, createAccessChecker } from './checker.js';
import {
  type AccessDelta,
  type AccessSync,
  loadAccessChanges,
  loadAccessSnapshot,
  startAccessSync,
} from './sync.js';

const root = new URL('../../', import.meta.url);
const DRILL = readFileSync(new URL('examples/frameworks/drill-fast-clock.yaml', root), 'utf8');
const EVIDENCE = JSON.parse(readFileSync(new URL('examples/evidence/01-approve.json', root), 'utf8'));
const FW = { id: 'drill-fast-clock', version: '2026.1' };
const SYSTEM: Actor = { kind: 'system' };
const DEV = 'larkspur-ai';
const ORGS = [DEV, 'board', 'partner', 'lab', 'jp-lab', 'late'];
const MODELS = [`${DEV}/a`, `${DEV}/b`, `${DEV}/c`, 'nobody/x'];

describeOnEachDatabase('access sync applies what changed', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  let wf: Workflow;
  let checker: AccessChecker;
  let sync: AccessSync;
  const people: Record<string, Actor> = {};
  let reloads = 0;
  const deltas: AccessDelta[] = [];

  const submit = async (model: string, version = '1') =>
    wf.submit(people.dev!, {
      framework: FW,
      evidence: { ...EVIDENCE, model: { id: model, version } },
    } as never);
  const decide = async (submission: string, tier: string, conditions?: unknown) => {
    const d = await wf.proposeDecision(people.r1!, { kind: 'submission', id: submission }, {
      action: 'approve',
      tier,
      rationale: 'ok',
      ...(conditions ? { conditions } : {}),
    } as never);
    await wf.signDecision(people.r2!, d.id);
  };
  const approve = async (model: string, tier: string, conditions?: unknown) =>
    decide((await submit(model)).body.id, tier, conditions);

  /** Syncs, then compares every answer with a checker built from a fresh snapshot. */
  const same = async (expectDelta = true) => {
    const before = reloads;
    const n = deltas.length;
    await sync.refresh();
    if (expectDelta) {
      expect(reloads).toBe(before);
      expect(deltas.length).toBeGreaterThan(n);
    }
    const whole = createAccessChecker(await loadAccessSnapshot(store));
    // A model created by a submission bumps nothing (it changes no answer but its developer's, and the server
    // looks models unknown to the index up in the database): the index learns of it at its first conclusion.
    const { models, ...rest } = checker.stats();
    const { models: allModels, ...wholeRest } = whole.stats();
    expect(rest).toEqual(wholeRest);
    expect(models).toBeLessThanOrEqual(allModels);
    const now = Date.now();
    for (const model of MODELS)
      for (const org of [...ORGS, 'stranger'])
        for (const version of [undefined, '1', '2']) {
          const q = { model, org, version };
          const ours = checker.check(q, now);
          const theirs = whole.check(q, now);
          if (
            ours.rule === 'unknown_model' &&
            theirs.tier === null &&
            ['no_approval', 'developer'].includes(theirs.rule)
          )
            continue;
          expect({ q, ...ours }).toEqual({ q, ...theirs });
        }
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
      ['lab', 'DE', false],
      ['jp-lab', 'JP', true],
    ] as const)
      await wf.createOrg(SYSTEM, { id, name: id, jurisdiction: j, verified });
    const mk = async (id: string, role: 'developer' | 'reviewer', org: string) => {
      const created = await wf.createPerson(SYSTEM, { id, name: id, role, org });
      people[id] = { kind: 'person', person: await wf.authenticate(created.token) };
    };
    await mk('dev', 'developer', DEV);
    await mk('r1', 'reviewer', 'board');
    await mk('r2', 'reviewer', 'board');
    checker = createAccessChecker(null);
    sync = startAccessSync(store, checker, {
      intervalMs: 0,
      onReload: () => reloads++,
      onChanges: (d) => deltas.push(d),
    });
    await sync.ready;
  });
  afterAll(async () => {
    await sync?.stop();
    await store?.close();
    await db?.cleanup();
  });

  it('every kind of write, incrementally', async () => {
    expect(reloads).toBe(1);
    await approve(MODELS[0]!, 'vetted_partners', { jurisdictions: { deny: ['JP'] } });
    await same();
    const g = await wf.createGrant(people.r1!, {
      model: MODELS[0]!,
      org: 'partner',
      tier: 'vetted_partners',
      reason: 'x',
    });
    await same();
    const bulk = await wf.createGrants(people.r1!, {
      model: MODELS[0]!,
      orgs: ['lab', 'jp-lab'],
      tier: 'named_institutions',
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      reason: 'bulk',
    });
    await same();
    expect(checker.check({ model: MODELS[0]!, org: 'partner' })).toMatchObject({ rule: 'grant', ref: g.id });
    await wf.createOrg(SYSTEM, { id: 'late', name: 'late', jurisdiction: 'FR', verified: true });
    await same();
    // a model created by a submission (no bump), granted, then approved
    const sub = await submit(MODELS[1]!);
    await wf.createGrant(people.r1!, {
      model: MODELS[1]!,
      org: 'lab',
      tier: 'named_institutions',
      reason: 'early',
    });
    await same();
    await decide(sub.body.id, 'named_institutions');
    await same();
    expect(checker.check({ model: MODELS[1]!, org: 'lab' })).toMatchObject({ allow: true, rule: 'grant' });
    // an incident restricts; a concluding re-review resolves it
    const inc = await wf.reportIncident(people.dev!, {
      model: MODELS[0]!,
      class: 'general_jailbreak',
      description: 'a general jailbreak',
      discovered_at: new Date().toISOString(),
    });
    await wf.classifyIncident(people.r1!, inc.id, 'general_jailbreak');
    await same();
    expect(checker.check({ model: MODELS[0]!, org: 'partner' })).toMatchObject({ rule: 'not_granted' });
    const rereview = (await wf.getModel(people.r1!, MODELS[0]!)).submissions.find(
      (s: { kind: string; status: string }) => s.kind === 'rereview' && s.status !== 'approved',
    ) as { id: string } | undefined;
    expect(rereview).toBeDefined();
    await decide(rereview!.id, 'vetted_partners');
    await same();
    expect(checker.check({ model: MODELS[0]!, org: 'partner' })).toMatchObject({ rule: 'grant' });
    // another incident, resolved by hand
    const inc2 = await wf.reportIncident(people.dev!, {
      model: MODELS[1]!,
      class: 'general_jailbreak',
      description: 'again',
      discovered_at: new Date().toISOString(),
    });
    await wf.classifyIncident(people.r1!, inc2.id, 'general_jailbreak');
    await same();
    await wf.resolveIncident(people.r1!, inc2.id, 'fixed');
    await same();
    // revocation, a second version, withdrawal
    await wf.revokeGrant(people.r1!, bulk[0]!.id);
    await same();
    await approve(MODELS[2]!, 'general_api');
    const v2 = await submit(MODELS[2]!, '2');
    await decide(v2.body.id, 'public');
    await same();
    await wf.withdrawModel(people.dev!, MODELS[2]!, { version: '2', reason: 'bug' });
    await same();
    expect(reloads).toBe(1);
  });

  it('reloads everything when a bump recorded nothing', async () => {
    await sql`update change_counter set value = value + 1 where id = 1`.execute(store.db);
    const counter = Number(
      (await sql<{ v: unknown }>`select value as v from change_counter`.execute(store.db)).rows[0]!.v,
    );
    expect(await loadAccessChanges(store, counter - 1)).toBeNull();
    expect(await loadAccessChanges(store, counter)).toEqual({ counter, changes: [] });
    const before = reloads;
    await sync.refresh();
    expect(reloads).toBe(before + 1);
    expect(checker.stats().counter).toBe(counter);
    await wf.createGrant(people.r1!, {
      model: MODELS[0]!,
      org: 'late',
      tier: 'vetted_partners',
      reason: 'y',
    });
    await same();
  });

  it('reloads everything when a recorded change cannot be read', async () => {
    await wf.createGrant(people.r1!, {
      model: MODELS[1]!,
      org: 'late',
      tier: 'vetted_partners',
      reason: 'z',
    });
    const counter = Number(
      (await sql<{ v: unknown }>`select value as v from change_counter`.execute(store.db)).rows[0]!.v,
    );
    await sql`update access_changes set changes = ${'{not json'} where counter = ${counter}`.execute(
      store.db,
    );
    expect(await loadAccessChanges(store, counter - 1)).toBeNull();
    const before = reloads;
    await sync.refresh();
    expect(reloads).toBe(before + 1);
    expect(checker.stats().counter).toBe(counter);
    await same(false);
  });
});
