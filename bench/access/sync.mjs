// The sync part of bench/access: how long one grant change takes to reach an in-memory checker kept current by
// startAccessSync (dist/), with the benchmark's world (1,000,000 grants by default) in a database.
//
// Seeding: the framework example-frontier 2026.1 is published through the workflow; the world's organisations,
// models (each with one version concluded as approved at the world's tier, without decisions or events) and grants
// are bulk INSERTs through the store's Kysely handle (1,000 rows a statement). A reviewer is created through the
// workflow. SQLite (a temp file) by default; PostgreSQL with --db postgres://… (a fresh schema, dropped at the end).
//
// Measured, with the sync polling every 250 ms (the server's default):
// - the whole load (loadAccessSnapshot + replace): the first load, and what the sync did on every change before it
//   applied changes incrementally;
// - pick-up: a grant created through the workflow (`createGrant`: event, log entry, change recorded, committed),
//   then the time until the checker answers with it (`grant`, its id), polled every millisecond. This includes
//   waiting for the next poll (uniform in 0–250 ms), so it is the figure a second server sees;
// - refresh: after a grant write, `sync.refresh()` alone (what a server does after its own writes).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function measureSync({ world, db, rounds = 7, log = () => {} }) {
  const { openStore } = await import(join(ROOT, 'dist/store/db.js'));
  const { createWorkflow } = await import(join(ROOT, 'dist/workflow/index.js'));
  const { createAccessChecker } = await import(join(ROOT, 'dist/access/checker.js'));
  const { startAccessSync } = await import(join(ROOT, 'dist/access/sync.js'));

  let url = db;
  let tmp;
  let schema;
  if (!url || url.startsWith('sqlite:')) {
    if (!url) {
      tmp = mkdtempSync(join(tmpdir(), 'greenlight-bench-access-'));
      url = `sqlite:${join(tmp, 'bench.sqlite')}`;
    }
  } else schema = `bench_${randomBytes(5).toString('hex')}`;
  const store = await openStore(url, schema ? { schema } : {});
  try {
    const SYSTEM = { kind: 'system' };
    const wf = createWorkflow(store);
    const fwText = readFileSync(join(ROOT, 'examples/frameworks/example-frontier-2026.1.yaml'), 'utf8');
    await wf.publishFramework(SYSTEM, fwText, 'yaml');
    const fw = world.frameworks[0];
    const at = new Date().toISOString();
    let t = performance.now();
    const batched = async (table, rows) => {
      for (let i = 0; i < rows.length; i += 20_000)
        await store.db.transaction().execute(async (tx) => {
          for (let j = i; j < Math.min(rows.length, i + 20_000); j += 1000)
            await tx
              .insertInto(table)
              .values(rows.slice(j, j + 1000))
              .execute();
        });
    };
    await batched(
      'orgs',
      world.orgs.map((o) => ({
        id: o.id,
        name: o.id,
        jurisdiction: o.jurisdiction,
        verified: o.verified ? 1 : 0,
        created_at: at,
      })),
    );
    await batched(
      'models',
      world.models.map((m) => ({
        id: m.id,
        org_id: m.org,
        name: m.id.split('/')[1],
        created_at: at,
        current_version: m.current_version,
      })),
    );
    await batched(
      'model_versions',
      world.models.flatMap((m) =>
        m.versions.map((v) => ({
          model_id: m.id,
          version: v.version,
          withdrawn_at: null,
          created_at: at,
          conclusion: 'approved',
          approved_tier: v.approved_tier,
          governing_ref: v.ref,
          conditions: v.conditions ? JSON.stringify(v.conditions) : null,
          framework_id: fw.id,
          framework_version: fw.version,
          concluded_at: at,
        })),
      ),
    );
    for (let i = 0; i < world.grants.length; i += 100_000) {
      await batched(
        'grants',
        world.grants.slice(i, i + 100_000).map((g) => ({
          id: g.id,
          model_id: g.model,
          org_id: g.org,
          tier: g.tier,
          expires_at: g.expires_at,
          reason: 'bench',
          granted_by: 'system',
          created_at: g.created_at,
          revoked_at: null,
          log_index: null,
        })),
      );
      log(`  seeded ${Math.min(world.grants.length, i + 100_000).toLocaleString('en-US')} grants`);
    }
    const seeded = performance.now() - t;
    const created = await wf.createPerson(SYSTEM, {
      id: 'bench-reviewer',
      name: 'r',
      role: 'reviewer',
      org: 'org-0',
    });
    const reviewer = { kind: 'person', person: await wf.authenticate(created.token) };

    const checker = createAccessChecker(null);
    t = performance.now();
    const sync = startAccessSync(store, checker, { intervalMs: 250 });
    await sync.ready;
    const firstLoad = performance.now() - t;
    const wholeLoads = [];
    for (let i = 0; i < 2; i++) {
      t = performance.now();
      await sync.refresh(true);
      wholeLoads.push(performance.now() - t);
    }

    // Questions that a new grant turns from not_granted into grant: a `grant`-tier model without conditions.
    const model = world.models.find((m, i) => i % 4 < 2 && m.versions[0].conditions === null);
    const free = world.orgs.filter(
      (o) => checker.check({ model: model.id, org: o.id }).rule === 'not_granted',
    );
    const grantTo = async (org) =>
      wf.createGrant(reviewer, {
        model: model.id,
        org: org.id,
        tier: model.versions[0].approved_tier,
        reason: 'bench',
      });
    const pickups = [];
    for (let i = 0; i < rounds; i++) {
      const org = free[i];
      const g = await grantTo(org);
      t = performance.now();
      while (checker.check({ model: model.id, org: org.id }).ref !== g.id)
        await new Promise((r) => setTimeout(r, 1));
      pickups.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, Math.random() * 100));
    }
    const refreshes = [];
    for (let i = 0; i < rounds; i++) {
      const org = free[rounds + i];
      const g = await grantTo(org);
      t = performance.now();
      await sync.refresh();
      refreshes.push(performance.now() - t);
      if (checker.check({ model: model.id, org: org.id }).ref !== g.id)
        throw new Error('refresh missed the grant');
    }
    await sync.stop();
    return {
      dialect: store.dialect,
      seeded,
      firstLoad,
      wholeLoad: median(wholeLoads),
      pickup: median(pickups),
      pickupMax: Math.max(...pickups),
      refresh: median(refreshes),
      refreshMax: Math.max(...refreshes),
    };
  } finally {
    await store.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    if (schema) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    }
  }
}
