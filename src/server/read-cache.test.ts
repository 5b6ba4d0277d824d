import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store/db.js';
import { describeOnEachDatabase, freshDatabase, type TestDatabase } from '../store/test-helpers/databases.js';
import { createWorkflow, type Workflow } from '../workflow/index.js';
import { buildServer } from './app.js';
import { createReadCache } from './read-cache.js';
import { bearer, FRAMEWORK_YAML, MODEL, OWN_ORG, submissionBody } from './test-helpers/world.js';

describe('read cache', () => {
  it('evicts the least recently used entries past its entry and size bounds, and checks the stamp', () => {
    const cache = createReadCache(2, 800);
    cache.set('/a', 's1', 'A');
    cache.set('/b', 's1', 'B');
    expect(cache.get('/a', 's1')?.toString()).toBe('A'); // /a is now the most recently used
    cache.set('/c', 's1', 'C');
    expect(cache.get('/b', 's1')).toBeUndefined();
    expect(cache.get('/a', 's1')?.toString()).toBe('A');
    expect(cache.get('/a', 's2')).toBeUndefined(); // another stamp: stale
    cache.set('/big', 's1', 'x'.repeat(200)); // over an eighth of the size bound: not kept
    expect(cache.get('/big', 's1')).toBeUndefined();

    const small = createReadCache(10, 300); // 300 characters (keys included)
    for (const k of ['/1', '/2', '/3']) small.set(k, 's', 'y'.repeat(30));
    small.set('/4', 's', 'y'.repeat(30));
    expect(small.get('/1', 's')?.toString()).toBe('y'.repeat(30)); // 4 × 32 = 128 characters: all kept
    for (const k of ['/5', '/6', '/7', '/8', '/9']) small.set(k, 's', 'y'.repeat(30));
    // 9 × 32 = 288 ≤ 300 still; one more evicts the least recently used (/2, as /1 was just read)
    small.set('/10', 's', 'y'.repeat(30));
    expect(small.get('/2', 's')).toBeUndefined();
    expect(small.get('/1', 's')?.toString()).toBe('y'.repeat(30));
  });
});

describeOnEachDatabase('cached public reads stay exact', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  let workflow: Workflow;
  let app: ReturnType<typeof buildServer>;
  let now = new Date('2026-06-01T10:00:00.000Z');
  const calls = { getSubmission: 0, listModels: 0 };
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    db = freshDatabase(dialect);
    store = await db.open();
    workflow = createWorkflow(store, { now: () => now });
    const system = { kind: 'system' } as const;
    await workflow.publishFramework(system, FRAMEWORK_YAML, 'yaml');
    await workflow.createOrg(system, {
      id: OWN_ORG,
      name: 'Larkspur AI',
      jurisdiction: 'US',
      verified: true,
    });
    for (const [id, role, org] of [
      ['dev', 'developer', OWN_ORG],
      ['rev', 'reviewer', null],
    ] as const)
      tokens[id] = (await workflow.createPerson(system, { id, name: id, role, org })).token;
    const counted: Workflow = {
      ...workflow,
      getSubmission: (actor, id) => {
        calls.getSubmission++;
        return workflow.getSubmission(actor, id);
      },
      listModels: (actor, opts) => {
        calls.listModels++;
        return workflow.listModels(actor, opts);
      },
    };
    app = buildServer({ workflow: counted, store, logger: false, log: false });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    await db?.cleanup();
  });

  it('serves a repeated public read from the cache, and rebuilds it when the second or the submission changes', async () => {
    const posted = await app.inject({
      method: 'POST',
      url: '/v1/submissions',
      payload: submissionBody('2026-05-12'),
      headers: bearer(tokens.dev!),
    });
    expect(posted.statusCode, posted.body).toBe(201);
    const id = posted.json().id as string;
    const url = `/v1/submissions/${id}`;

    const first = await app.inject({ method: 'GET', url });
    const before = calls.getSubmission;
    const second = await app.inject({ method: 'GET', url });
    expect(second.statusCode).toBe(200);
    expect(second.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(second.body).toBe(first.body);
    expect(calls.getSubmission).toBe(before); // answered from the cache

    now = new Date(now.getTime() + 3000);
    const later = await app.inject({ method: 'GET', url });
    expect(calls.getSubmission).toBe(before + 1);
    expect(later.json().time_left_seconds).toBe(first.json().time_left_seconds - 3);

    // A change to the submission (a proposed decision) is seen at once.
    const proposed = await app.inject({
      method: 'POST',
      url: `/v1/submissions/${id}/decision`,
      payload: { action: 'approve', tier: 'public', rationale: 'meets every threshold' },
      headers: bearer(tokens.rev!),
    });
    expect(proposed.statusCode, proposed.body).toBe(201);
    const after = await app.inject({ method: 'GET', url });
    expect(after.json().decisions).toHaveLength(1);
    expect(later.json().decisions).toHaveLength(0);

    // A token holder is never answered from the public cache: the developer sees the evidence.
    const own = await app.inject({ method: 'GET', url, headers: bearer(tokens.dev!) });
    expect(own.json()).toHaveProperty('evidence');
    expect(after.json()).not.toHaveProperty('evidence');
  });

  it('rebuilds the registry list after any recorded event', async () => {
    const a = await app.inject({ method: 'GET', url: '/v1/models' });
    const n = calls.listModels;
    const b = await app.inject({ method: 'GET', url: '/v1/models' });
    expect(b.body).toBe(a.body);
    expect(calls.listModels).toBe(n);
    const row = () =>
      (JSON.parse(b.body) as { items: { id: string; open_incidents: number }[] }).items.find(
        (m) => m.id === MODEL,
      );
    expect(row()?.open_incidents).toBe(0);
    const reported = await app.inject({
      method: 'POST',
      url: '/v1/incidents',
      payload: {
        model: MODEL,
        class: 'narrow_jailbreak',
        description: 'a jailbreak',
        discovered_at: now.toISOString(),
      },
    });
    expect(reported.statusCode, reported.body).toBe(201);
    const c = await app.inject({ method: 'GET', url: '/v1/models' });
    expect(calls.listModels).toBe(n + 1);
    const fresh = (c.json() as { items: { id: string; open_incidents: number }[] }).items.find(
      (m) => m.id === MODEL,
    );
    expect(fresh?.open_incidents).toBe(1);
  });
});
