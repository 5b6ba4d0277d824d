// bench/api: HTTP throughput and p99 latency of the built server (dist/; run `npm run build` first) against a bare
// Fastify route measured in the same run, with N submissions (default 100,000) in the database.
//
//   node bench/api/run.mjs [--db sqlite:PATH | postgres://…] [--seconds 5] [--submissions 100000] [--keep]
//
// SQLite (a temp file) by default; PostgreSQL with --db or DATABASE_URL (a fresh schema, dropped at the end).
//
// Seeding. One real submission is made through the workflow (framework example-frontier 2026.1, evidence
// examples/evidence/01-approve.json): it has its events and log entries and is the one GET /v1/submissions/{id}
// reads. The N others are bulk INSERTs through the store's Kysely handle (500 rows a statement, 5,000 a
// transaction) into models (N/10 models of 10 versions each), model_versions and submissions: copies of the real
// row with their own id, model and version, the real determination (its model rewritten), concluded as approved
// at `public`. They bypass the workflow, so they have no events and no log entries of their own (their log_index
// is the template's), and to keep the file at ~1.2 GB instead of ~4 GB their stored evidence is a stub (evidence is
// confidential and never in the public answers measured here).
//
// Measurements (autocannon, 10 connections for reads, 16 for writes; each --seconds long): the bare route, GET
// /v1/submissions/{id}, GET /v1/models, GET /v1/submissions?limit=50, POST /v1/preassess, and two durable writes
// (POST /v1/submissions with a new model version each time — determination computed, event and log entry
// committed; POST /v1/incidents by the developer). Each read is also measured against the bare app answering the
// same bytes. Prints a Markdown table with ratios to the bare route.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { openStore } = await import(join(ROOT, 'dist/store/db.js'));
const { createWorkflow } = await import(join(ROOT, 'dist/workflow/index.js'));

const { values: args } = parseArgs({
  options: {
    db: { type: 'string' },
    seconds: { type: 'string', default: '5' },
    submissions: { type: 'string', default: '100000' },
    keep: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(args.seconds);
const N = Number(args.submissions);
const PER_MODEL = 10;
const FRAMEWORK = { id: 'example-frontier', version: '2026.1' };
const ORG = 'bench-lab';
const TEMPLATE_VERSION = 'TEMPLATE-VERSION-0';

let url = args.db ?? process.env.DATABASE_URL;
let tmp;
let schema;
if (!url || url.startsWith('sqlite:')) {
  if (!url) {
    tmp = mkdtempSync(join(tmpdir(), 'greenlight-bench-api-'));
    url = `sqlite:${join(tmp, 'bench.sqlite')}`;
  }
} else {
  schema = `bench_${randomBytes(5).toString('hex')}`;
}
const dialect = url.startsWith('sqlite:') ? 'sqlite' : 'postgres';
const log = (s) => process.stderr.write(`${s}\n`);

// ---- seed ----
async function seed() {
  const t0 = performance.now();
  const store = await openStore(url, schema ? { schema } : {});
  try {
    const wf = createWorkflow(store);
    const system = { kind: 'system' };
    await wf.publishFramework(
      system,
      readFileSync(join(ROOT, 'examples/frameworks/example-frontier-2026.1.yaml'), 'utf8'),
      'yaml',
    );
    await wf.createOrg(system, { id: ORG, name: 'Bench Lab', jurisdiction: 'US', verified: true });
    const dev = await wf.createPerson(system, { id: 'dev', name: 'Dev', role: 'developer', org: ORG });
    const actor = {
      kind: 'person',
      person: { id: 'dev', name: 'Dev', role: 'developer', org: ORG, active: true },
    };
    const evidence = JSON.parse(readFileSync(join(ROOT, 'examples/evidence/01-approve.json'), 'utf8'));
    const real = await wf.submit(actor, {
      framework: FRAMEWORK,
      evidence: { ...evidence, model: { id: `${ORG}/template`, version: TEMPLATE_VERSION } },
    });
    const template = await store.db
      .selectFrom('submissions')
      .selectAll()
      .where('id', '=', real.body.id)
      .executeTakeFirstOrThrow();
    const determination = JSON.parse(template.determination);
    const now = new Date().toISOString();
    const models = N / PER_MODEL;
    const CHUNK = 500;
    const TX = 5000;
    const pad = (i) => String(i).padStart(6, '0');
    for (let start = 0; start < N; start += TX) {
      await store.db.transaction().execute(async (tx) => {
        const end = Math.min(N, start + TX);
        const firstModel = Math.floor(start / PER_MODEL);
        const lastModel = Math.floor((end - 1) / PER_MODEL);
        const modelRows = [];
        for (let m = firstModel; m <= lastModel; m++)
          modelRows.push({
            id: `${ORG}/m-${pad(m)}`,
            org_id: ORG,
            name: `m-${pad(m)}`,
            created_at: now,
            current_version: `v${PER_MODEL - 1}`,
          });
        for (let i = 0; i < modelRows.length; i += CHUNK)
          await tx
            .insertInto('models')
            .values(modelRows.slice(i, i + CHUNK))
            .execute();
        for (let c = start; c < end; c += CHUNK) {
          const subs = [];
          const versions = [];
          for (let n = c; n < Math.min(end, c + CHUNK); n++) {
            const model = `${ORG}/m-${pad(Math.floor(n / PER_MODEL))}`;
            const version = `v${n % PER_MODEL}`;
            const id = `sub_seed_${pad(n)}`;
            subs.push({
              ...template,
              id,
              model_id: model,
              version,
              status: 'decided',
              evidence: JSON.stringify({ greenlight: 1, model: { id: model, version }, seeded: true }),
              determination: JSON.stringify({
                ...determination,
                model: { ...determination.model, id: model, version },
              }),
              concluded_at: now,
              approved_tier: 'public',
            });
            versions.push({
              model_id: model,
              version,
              withdrawn_at: null,
              created_at: now,
              conclusion: 'approved',
              approved_tier: 'public',
              governing_ref: id,
              conditions: null,
              framework_id: FRAMEWORK.id,
              framework_version: FRAMEWORK.version,
              concluded_at: now,
            });
          }
          await tx.insertInto('model_versions').values(versions).execute();
          await tx.insertInto('submissions').values(subs).execute();
        }
      });
      if ((start / TX) % 4 === 3) log(`  seeded ${Math.min(N, start + TX)} / ${N}`);
    }
    if (dialect === 'postgres') await sqlAnalyze(store);
    return { submission: real.body.id, token: dev.token, models, ms: performance.now() - t0, evidence };
  } finally {
    await store.close();
  }
}

async function sqlAnalyze(store) {
  const { sql } = await import('kysely');
  await sql`analyze`.execute(store.db);
}

// ---- server (child process) ----
function startServerProcess() {
  const child = spawn(process.execPath, [join(ROOT, 'bench/lib/api-server.mjs')], {
    env: { ...process.env, BENCH_DB: url, BENCH_SCHEMA: schema ?? '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, ...JSON.parse(out.slice(0, nl)) });
    });
    child.on('exit', (code) => reject(new Error(`bench server exited ${code}`)));
  });
}

/** Waits until the server has worked off the previous measurement's backlog (a slow route keeps it busy). */
async function drain() {
  const t0 = performance.now();
  let quick = 0;
  while (quick < 3 && performance.now() - t0 < 120_000) {
    const t = performance.now();
    await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(120_000) }).catch(() => {});
    quick = performance.now() - t < 20 ? quick + 1 : 0;
    await new Promise((r) => setTimeout(r, 50));
  }
  const ms = performance.now() - t0;
  if (ms > 500) log(`  (drained a backlog for ${(ms / 1000).toFixed(1)} s)`);
}

async function measure(name, opts) {
  if (server) await drain();
  const result = await autocannon({ duration: SECONDS, connections: 10, ...opts });
  const ok = result['2xx'];
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) log(`  ${name}: ${bad} non-2xx/errors of ${ok + bad}`);
  const row = { name, rps: ok / SECONDS, p50: result.latency.p50, p99: result.latency.p99, ok, bad };
  log(`  ${name}: ${row.rps.toFixed(0)} req/s, p99 ${row.p99} ms`);
  return row;
}

// ---- main ----
log(
  `bench/api on ${dialect} (${url.replace(/\/\/[^@]*@/, '//')}${schema ? `, schema ${schema}` : ''}), ${N} submissions`,
);
const seeded = await seed();
log(`  seeded in ${(seeded.ms / 1000).toFixed(1)} s`);
const server = await startServerProcess();
const auth = { authorization: `Bearer ${seeded.token}`, 'content-type': 'application/json' };
const rows = [];
try {
  // Warm-up (JIT, caches, connection pools).
  await autocannon({
    url: `${server.url}/v1/submissions/${seeded.submission}`,
    duration: 1,
    connections: 10,
  });
  await autocannon({ url: `${server.bare}/bare`, duration: 1, connections: 10 });

  const bare = await measure('GET /bare (bare Fastify)', { url: `${server.bare}/bare` });
  rows.push(bare);
  // Each read twice: the real route, then the bare app answering the same bytes (the `same bytes` column).
  for (const [name, path] of [
    ['GET /v1/submissions/{id}', `/v1/submissions/${seeded.submission}`],
    ['GET /v1/models', '/v1/models'],
    ['GET /v1/submissions?limit=50', '/v1/submissions?limit=50'],
  ]) {
    const row = await measure(name, { url: `${server.url}${path}` });
    await autocannon({ url: `${server.bare}/copy${path}`, duration: 1, connections: 10 }); // fetch + warm
    const copy = await measure(`${name} (same bytes, bare Fastify)`, { url: `${server.bare}/copy${path}` });
    const size = (await (await fetch(`${server.url}${path}`)).arrayBuffer()).byteLength;
    rows.push({ ...row, same: copy.rps, size });
  }
  rows.push(
    await measure('POST /v1/preassess', {
      url: `${server.url}/v1/preassess`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ framework: FRAMEWORK, evidence: seeded.evidence }),
    }),
  );
  // Durable writes, 16 clients; each submission is a new version of one model (no supersession).
  const [head, tail] = JSON.stringify({
    framework: FRAMEWORK,
    evidence: { ...seeded.evidence, model: { id: `${ORG}/writes`, version: '@@V@@' } },
  }).split('@@V@@');
  let w = 0;
  rows.push(
    await measure('POST /v1/submissions (durable, 16 clients)', {
      url: `${server.url}/v1/submissions`,
      connections: 16,
      requests: [
        {
          method: 'POST',
          headers: auth,
          setupRequest: (req) => ({ ...req, body: `${head}w-${w++}${tail}` }),
        },
      ],
    }),
  );
  let k = 0;
  rows.push(
    await measure('POST /v1/incidents (durable, 16 clients)', {
      url: `${server.url}/v1/incidents`,
      connections: 16,
      requests: [
        {
          method: 'POST',
          headers: auth,
          setupRequest: (req) => ({
            ...req,
            body: JSON.stringify({
              model: `${ORG}/template`,
              class: 'narrow_jailbreak',
              description: `bench report ${k++}`,
              discovered_at: new Date().toISOString(),
            }),
          }),
        },
      ],
    }),
  );
} finally {
  server.child.kill('SIGTERM');
  await new Promise((r) => server.child.once('exit', r));
  if (!args.keep) {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    if (schema) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    }
  }
}

const bareRps = rows[0].rps;
const lines = [
  `## bench/api — ${dialect}, ${N.toLocaleString('en')} submissions (${seeded.models.toLocaleString('en')} models), ${SECONDS} s each`,
  '',
  `Node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ')} at the end (shared machine).`,
  '',
  '| measurement | body bytes | req/s | ratio to bare | ratio to bare, same bytes | p50 ms | p99 ms | non-2xx/errors |',
  '|---|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.size ?? ''} | ${r.rps.toFixed(0)} | ${(r.rps / bareRps).toFixed(2)} | ${
        r.same ? (r.rps / r.same).toFixed(2) : ''
      } | ${r.p50} | ${r.p99} | ${r.bad} |`,
  ),
  '',
  'Targets: reads ≥ 0.50 of bare with p99 < 20 ms at 100,000 submissions on SQLite; durable writes ≥ 500/s on SQLite.',
  '`ratio to bare` compares with GET /bare (a 42-byte JSON); `same bytes` with the bare app answering the very bytes',
  'the route answered (what the kernel and the load generator cost for a body that size, without Greenlight).',
  'Public reads (no token) of the registry routes are served from serialized answers checked against a read stamp',
  '(one indexed lookup per request): these figures are that path; a changed stamp costs one rebuild.',
];
process.stdout.write(`${lines.join('\n')}\n`);
