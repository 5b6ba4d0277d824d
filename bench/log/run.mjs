// bench/log: the transparency log's throughput and proof costs, against the built code (dist/; run `npm run build`
// first). Prints a Markdown table with ratios to targets and baselines measured in the same run.
//
//   node bench/log/run.mjs [--entries 1000000] [--seconds 6] [--no-api] [--pg postgres://…] [--profile DIR]
//
// --profile DIR: each server process writes a V8 CPU profile into DIR when it exits (open it in Chrome DevTools).
//
// (a) Integration throughput: a temp SQLite store is pre-filled with --entries realistic ~300-byte canonical JSON
//     entries (incident reports), inserted directly into log_entries and log_state (no events: the integrator
//     reads only log_entries). Then createIntegrator(...).integrateOnce() runs to completion (leaf hashes, tiles,
//     compact range, signed checkpoints at most once a second). The baseline is raw SHA-256 of the
//     same leaf bytes (0x00 ‖ entry) with node:crypto and with @noble/hashes, in the same run. Target ≥ 50 %.
// (c) Inclusion proof at that size: the server's prover (TileProver: the needed tiles in one query unless cached,
//     their inner nodes hashed with node:crypto) for 1,000 random indices from a cold cache, then the same
//     indices with the tiles cached; the pure core prover (inclusionProofFromTiles, @noble/hashes) over loaded
//     tiles for comparison; then GET /v1/log/entries/{i} on the real server (autocannon, 10 connections).
//     Target < 1 ms.
// (d) A full `greenlight verify --url` of that log served by the real server (child process). Target < 30 s.
// (b) End-to-end durable events/s: POST /v1/incidents with a developer token (no rate limit applies), 16
//     autocannon connections for --seconds, on SQLite and on PostgreSQL (--pg or DATABASE_URL, default
//     postgres://postgres@127.0.0.1:5432/postgres; skipped when unreachable). Each 2xx is an incident committed
//     with its sequenced log entry. Target ≥ 500/s (peers: Tessera ≈ 10,000/s on 7 NVMe cores; Trillian on MySQL
//     400–500/s).
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sha256 } from '@noble/hashes/sha2.js';
import autocannon from 'autocannon';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { openStore } = await import(join(ROOT, 'dist/store/db.js'));
const { createWorkflow } = await import(join(ROOT, 'dist/workflow/index.js'));
const { canonicalJson } = await import(join(ROOT, 'dist/core/canonical-json.js'));
const { loadOrCreateLogIdentity } = await import(join(ROOT, 'dist/log/keys.js'));
const { createIntegrator } = await import(join(ROOT, 'dist/log/integrator.js'));
const { TileProver, loadTiles, tileReaderOf } = await import(join(ROOT, 'dist/log/tilestore.js'));
const tlog = await import(join(ROOT, 'dist/core/tlog/index.js'));

const { values: args } = parseArgs({
  options: {
    entries: { type: 'string', default: '1000000' },
    seconds: { type: 'string', default: '6' },
    'no-api': { type: 'boolean', default: false },
    pg: { type: 'string' },
    profile: { type: 'string' },
  },
});
const N = Number(args.entries);
const SECONDS = Number(args.seconds);
const PG_URL = args.pg ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const log = (s) => process.stderr.write(`${s}\n`);
const ms = (t0) => performance.now() - t0;
const rows = [];
const row = (what, value, target, ratio, note = '') => rows.push({ what, value, target, ratio, note });
const fmt = (x, d = 0) => x.toLocaleString('en', { maximumFractionDigits: d, minimumFractionDigits: d });

// ---- realistic entries ----
const t0Date = Date.parse('2026-01-01T00:00:00Z');
function entryText(i) {
  const h = createHash('sha256').update(`e${i}`).digest('hex');
  return canonicalJson({
    v: 1,
    type: 'incident.reported',
    at: new Date(t0Date + i * 1000).toISOString(),
    actor: `person:dev-${i % 97}`,
    subject: { incident: `inc_${h.slice(0, 16)}`, model: `bench-lab/m-${String(i % 5000).padStart(6, '0')}` },
    data: {
      class: 'narrow_jailbreak',
      description_digest: `sha256:${h}`,
      discovered_at: new Date(t0Date + i * 1000 - 3_600_000).toISOString(),
      severity: i % 3 === 0 ? 'moderate' : 'low',
    },
  });
}

// ---- (a) fill and integrate ----
const tmp = mkdtempSync(join(tmpdir(), 'greenlight-bench-log-'));
const dbUrl = `sqlite:${join(tmp, 'log.sqlite')}`;
const ORIGIN = 'bench.example/log';
log(`bench/log: ${fmt(N)} entries in ${dbUrl}`);
const store = await openStore(dbUrl);
const identity = await loadOrCreateLogIdentity(store, { origin: ORIGIN });

const CHUNK = 50_000;
let bytesTotal = 0;
let tFill = 0;
let tNode = 0;
let tNoble = 0;
const zero = new Uint8Array([0]);
for (let start = 0; start < N; start += CHUNK) {
  const end = Math.min(N, start + CHUNK);
  const texts = [];
  for (let i = start; i < end; i++) texts.push(entryText(i));
  const bufs = texts.map((t) => Buffer.from(t, 'utf8'));
  for (const b of bufs) bytesTotal += b.length;
  // Baselines: the leaf hash SHA-256(0x00 ‖ entry) of the same bytes.
  let t = performance.now();
  for (const b of bufs) createHash('sha256').update(zero).update(b).digest();
  tNode += ms(t);
  t = performance.now();
  for (const b of bufs) sha256.create().update(zero).update(b).digest();
  tNoble += ms(t);
  t = performance.now();
  await store.db.transaction().execute(async (tx) => {
    for (let i = 0; i < texts.length; i += 1000) {
      await tx
        .insertInto('log_entries')
        .values(texts.slice(i, i + 1000).map((entry, j) => ({ idx: start + i + j, entry })))
        .execute();
    }
    await tx.updateTable('log_state').set({ next_index: end }).where('id', '=', 1).execute();
  });
  tFill += ms(t);
  if ((end / CHUNK) % 4 === 0 || end === N) log(`  inserted ${fmt(end)}`);
}
log(`  filled in ${(tFill / 1000).toFixed(1)} s; mean entry ${fmt(bytesTotal / N, 0)} bytes`);

const integrator = createIntegrator(store, { signer: identity.signer, origin: ORIGIN });
let tInt = performance.now();
let at200k;
let checkpoints = 0;
for (;;) {
  const r = await integrator.integrateOnce();
  if (r.checkpoint) checkpoints++;
  if (at200k === undefined && r.to >= Math.min(200_000, N)) at200k = { n: r.to, ms: ms(tInt) };
  if (r.to === N) break;
}
const integrateMs = ms(tInt);
// The final checkpoint (signed once the interval since the previous one has passed).
tInt = performance.now();
for (;;) {
  const r = await integrator.integrateOnce();
  if (r.checkpoint) {
    checkpoints++;
    break;
  }
  const last = await store.db
    .selectFrom('log_checkpoints')
    .select('size')
    .orderBy('size', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (Number(last?.size) === N) break;
  await new Promise((r) => setTimeout(r, 100));
}
const finalCpWait = ms(tInt);
const perSec = (n, t) => n / (t / 1000);
const intRate = perSec(N, integrateMs);
const nodeRate = perSec(N, tNode);
const nobleRate = perSec(N, tNoble);
log(
  `  integrated ${fmt(N)} in ${(integrateMs / 1000).toFixed(1)} s (${fmt(intRate)}/s, ${checkpoints} checkpoints); node:crypto ${fmt(nodeRate)}/s, noble ${fmt(nobleRate)}/s`,
);
row(
  `(a) integration, ${fmt(N)} entries (SQLite)`,
  `${fmt(intRate)} entries/s (${(integrateMs / 1000).toFixed(1)} s)`,
  '≥ 50 % of raw SHA-256',
  `${((100 * intRate) / nodeRate).toFixed(1)} % of node:crypto, ${((100 * intRate) / nobleRate).toFixed(1)} % of @noble/hashes`,
  `${checkpoints} checkpoints signed; final checkpoint +${fmt(finalCpWait)} ms (1 s interval)`,
);
if (at200k) {
  const r = perSec(at200k.n, at200k.ms);
  row(
    `(a) integration, first ${fmt(at200k.n)} entries`,
    `${fmt(r)} entries/s`,
    '≥ 50 % of raw SHA-256',
    `${((100 * r) / nodeRate).toFixed(1)} % of node:crypto, ${((100 * r) / nobleRate).toFixed(1)} % of @noble/hashes`,
  );
}
row(
  '(a) baseline: raw SHA-256, node:crypto',
  `${fmt(nodeRate)} hashes/s`,
  '',
  '100 %',
  `${fmt(bytesTotal / N)} B mean entry`,
);
row(
  '(a) baseline: raw SHA-256, @noble/hashes',
  `${fmt(nobleRate)} hashes/s`,
  '',
  `${((100 * nobleRate) / nodeRate).toFixed(1)} % of node:crypto`,
);

// ---- (c) inclusion proofs over stored tiles ----
const cpRow = await store.db
  .selectFrom('log_checkpoints')
  .select('note')
  .orderBy('size', 'desc')
  .limit(1)
  .executeTakeFirstOrThrow();
const cp = tlog.openCheckpoint(cpRow.note, identity.verifierKey).checkpoint;
if (cp.size !== N) throw new Error(`final checkpoint has size ${cp.size}, expected ${N}`);
const PROOFS = 1000;
const indices = Array.from({ length: PROOFS }, () => Math.floor(Math.random() * N));
// The server's prover (what GET /v1/log/entries/{i} runs): the tiles a proof needs, read in one query unless in
// its cache of tiles' inner nodes (hashed once with node:crypto); a fresh prover, so the first proofs read
// everything and level-0 tiles mostly miss (1,000 random indices over ⌈N/256⌉ tiles).
const prover = new TileProver();
let t = performance.now();
const proofs = [];
for (const i of indices) proofs.push(await prover.inclusionProof(store.db, i, N));
const proofWithReads = ms(t) / PROOFS;
// The same indices again: every tile in the cache (the prover alone).
t = performance.now();
for (const i of indices) await prover.inclusionProof(store.db, i, N);
const proofCached = ms(t) / PROOFS;
// The pure core prover (@noble/hashes; the browser's code) over tiles already loaded, for comparison.
const loaded = [];
for (const i of indices)
  loaded.push(tileReaderOf(await loadTiles(store.db, tlog.tilesForInclusionProof(i, N))));
t = performance.now();
for (let k = 0; k < PROOFS; k++) tlog.inclusionProofFromTiles(indices[k], N, loaded[k]);
const proofOnly = ms(t) / PROOFS;
// Sanity: the proofs verify.
for (let k = 0; k < 20; k++) {
  const e = await store.db
    .selectFrom('log_entries')
    .select('entry')
    .where('idx', '=', indices[k])
    .executeTakeFirstOrThrow();
  if (!tlog.verifyInclusion(tlog.leafHash(tlog.utf8(e.entry)), indices[k], N, proofs[k], cp.root))
    throw new Error(`inclusion proof of ${indices[k]} does not verify`);
}
log(
  `  inclusion proof: ${proofWithReads.toFixed(3)} ms with tile reads, ${(proofCached * 1000).toFixed(1)} µs tiles cached, ${(proofOnly * 1000).toFixed(1)} µs core prover`,
);
row(
  `(c) inclusion proof at ${fmt(N)}, tile reads + prover`,
  `${proofWithReads.toFixed(3)} ms`,
  '< 1 ms',
  `${(proofWithReads / 1).toFixed(2)}× target`,
  `mean of ${PROOFS} random indices, SQLite, server prover from a cold cache`,
);
row(
  `(c) inclusion proof at ${fmt(N)}, prover only`,
  `${(proofCached * 1000).toFixed(1)} µs`,
  '< 1 ms',
  `${proofCached.toFixed(4)}× target`,
  "same indices again, tiles in the server prover's cache",
);
row(
  `(c) inclusion proof at ${fmt(N)}, pure core prover`,
  `${(proofOnly * 1000).toFixed(1)} µs`,
  '',
  '',
  'tiles already loaded; @noble/hashes, the code the browser runs',
);
await store.close();

// ---- server processes ----
function startServerProcess(db, schema) {
  const child = spawn(
    process.execPath,
    [
      ...(args.profile ? ['--cpu-prof', `--cpu-prof-dir=${args.profile}`] : []),
      join(ROOT, 'bench/lib/api-server.mjs'),
    ],
    {
      env: { ...process.env, BENCH_DB: db, BENCH_SCHEMA: schema ?? '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
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
async function stopServer(s) {
  s.child.removeAllListeners('exit');
  s.child.kill('SIGTERM');
  await new Promise((r) => s.child.once('exit', r));
}

const server = await startServerProcess(dbUrl);
try {
  // /v1/log/entries/{i} over HTTP.
  await autocannon({ url: `${server.url}/v1/log/entries/0`, duration: 1, connections: 10 });
  const http = await autocannon({
    url: server.url,
    duration: SECONDS,
    connections: 10,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({ ...req, path: `/v1/log/entries/${Math.floor(Math.random() * N)}` }),
      },
    ],
  });
  const rps = http['2xx'] / SECONDS;
  log(`  GET /v1/log/entries/{i}: ${fmt(rps)} req/s, p50 ${http.latency.p50} ms, p99 ${http.latency.p99} ms`);
  row(
    `(c) GET /v1/log/entries/{i} at ${fmt(N)} (10 connections)`,
    `p50 ${http.latency.p50} ms, p99 ${http.latency.p99} ms`,
    '< 1 ms (proof)',
    `${fmt(rps)} req/s → ${(1000 / rps).toFixed(3)} ms of server time each`,
    `${http.non2xx + http.errors} non-2xx/errors`,
  );

  // (d) full verify.
  const state = join(tmp, 'verify-state.json');
  t = performance.now();
  const v = await new Promise((resolve) =>
    execFile(
      process.execPath,
      [
        join(ROOT, 'bin/greenlight'),
        'verify',
        '--url',
        server.url,
        '--state',
        state,
        '--key',
        identity.verifierKey,
      ],
      { maxBuffer: 1e8 },
      (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout, stderr }),
    ),
  );
  const verifyMs = ms(t);
  log(
    `  verify: exit ${v.code} in ${(verifyMs / 1000).toFixed(1)} s: ${v.stdout.trim().split('\n').join(' | ')}`,
  );
  row(
    `(d) \`greenlight verify --url\` of ${fmt(N)} entries`,
    `${(verifyMs / 1000).toFixed(1)} s (exit ${v.code})`,
    '< 30 s',
    `${(verifyMs / 30_000).toFixed(2)}× budget`,
    `${fmt(Math.ceil(N / 256))} bundles + hash tiles over HTTP, ${fmt(perSec(N, verifyMs))} entries/s`,
  );
} finally {
  await stopServer(server);
}

// ---- (b) durable events/s through the API ----
async function durable(dialect) {
  let db;
  let schema;
  let dir;
  if (dialect === 'sqlite') {
    dir = mkdtempSync(join(tmpdir(), 'greenlight-bench-log-api-'));
    db = `sqlite:${join(dir, 'api.sqlite')}`;
  } else {
    db = PG_URL;
    schema = `bench_${randomBytes(5).toString('hex')}`;
  }
  try {
    const s = await openStore(db, schema ? { schema } : {});
    let token;
    try {
      const wf = createWorkflow(s);
      const system = { kind: 'system' };
      await wf.publishFramework(
        system,
        readFileSync(join(ROOT, 'examples/frameworks/example-frontier-2026.1.yaml'), 'utf8'),
        'yaml',
      );
      await wf.createOrg(system, { id: 'bench-lab', name: 'Bench Lab', jurisdiction: 'US', verified: true });
      token = (await wf.createPerson(system, { id: 'dev', name: 'Dev', role: 'developer', org: 'bench-lab' }))
        .token;
      const actor = {
        kind: 'person',
        person: { id: 'dev', name: 'Dev', role: 'developer', org: 'bench-lab', active: true },
      };
      const evidence = JSON.parse(readFileSync(join(ROOT, 'examples/evidence/01-approve.json'), 'utf8'));
      await wf.submit(actor, {
        framework: { id: 'example-frontier', version: '2026.1' },
        evidence: { ...evidence, model: { id: 'bench-lab/m', version: '1' } },
      });
    } finally {
      await s.close();
    }
    const srv = await startServerProcess(db, schema);
    try {
      let k = 0;
      const opts = (duration) => ({
        url: `${srv.url}/v1/incidents`,
        duration,
        connections: 16,
        requests: [
          {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            setupRequest: (req) => ({
              ...req,
              body: JSON.stringify({
                model: 'bench-lab/m',
                class: 'narrow_jailbreak',
                description: `bench report ${k++}`,
                discovered_at: new Date().toISOString(),
              }),
            }),
          },
        ],
      });
      await autocannon(opts(1));
      const r = await autocannon(opts(SECONDS));
      const rps = r['2xx'] / SECONDS;
      const bad = r.non2xx + r.errors + r.timeouts;
      // The log keeps up: wait until a checkpoint covers every entry.
      const s2 = await openStore(db, schema ? { schema } : {});
      let lagMs;
      try {
        const next = Number(
          (await s2.db.selectFrom('log_state').select('next_index').executeTakeFirstOrThrow()).next_index,
        );
        const tl = performance.now();
        for (;;) {
          const c = await s2.db
            .selectFrom('log_checkpoints')
            .select('size')
            .orderBy('size', 'desc')
            .limit(1)
            .executeTakeFirst();
          if (Number(c?.size) >= next) break;
          if (ms(tl) > 60_000) throw new Error('integration did not catch up within 60 s');
          await new Promise((res) => setTimeout(res, 50));
        }
        lagMs = ms(tl);
      } finally {
        await s2.close();
      }
      log(
        `  POST /v1/incidents [${dialect}]: ${fmt(rps)}/s, p99 ${r.latency.p99} ms, ${bad} bad; checkpoint caught up ${fmt(lagMs)} ms after`,
      );
      row(
        `(b) durable events/s, POST /v1/incidents, 16 clients, ${dialect}`,
        `${fmt(rps)}/s (p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms)`,
        '≥ 500/s',
        `${(rps / 500).toFixed(2)}× target; ${((100 * rps) / 10_000).toFixed(1)} % of Tessera, ${(rps / 450).toFixed(2)}× Trillian/MySQL`,
        `${bad} non-2xx/errors; checkpoint covered all ${fmt(lagMs)} ms after the burst`,
      );
    } finally {
      await stopServer(srv);
    }
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (schema) {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    }
  }
}

if (!args['no-api']) {
  await durable('sqlite');
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  c.on('error', () => {});
  let pgOk = true;
  try {
    await c.connect();
    await c.end();
  } catch (e) {
    pgOk = false;
    log(`  PostgreSQL not reachable (${e.message}): skipped`);
  }
  if (pgOk) await durable('postgres');
}
rmSync(tmp, { recursive: true, force: true });

const lines = [
  `## bench/log — ${fmt(N)} entries`,
  '',
  `Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ')} at the end (shared, loaded machine).`,
  '',
  '| measurement | value | target | ratio | notes |',
  '|---|---:|---|---|---|',
  ...rows.map((r) => `| ${r.what} | ${r.value} | ${r.target} | ${r.ratio} | ${r.note} |`),
];
process.stdout.write(`${lines.join('\n')}\n`);
