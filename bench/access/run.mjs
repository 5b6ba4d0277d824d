// bench/access: the access checker (dist/; run `npm run build` first), all in one run (< 4 min):
//
//   node bench/access/run.mjs [--grants 1000000] [--seconds 5] [--only inprocess,cedar,sync,http] [--db URL]
//
// 1. In-process: `checker.check` over 1,000,000 precomputed questions (half about an existing grant's
//    (model, org), half random pairs) on a world of 1,000,000 grants, 20,000 orgs, 1,000 models; five rounds of
//    about 1.5 s, the median reported (and the range).
// 2. Cedar: `statefulIsAuthorized` (policy set pre-parsed once; src/access/cedar-model.ts) on the same questions,
//    requests (entities, context) built beforehand so only Cedar's evaluation is timed.
// 3. Sync (./sync.mjs): the same world seeded into a database (SQLite temp file, or --db postgres://…), kept in
//    memory by startAccessSync; the time a grant created through the workflow takes to be answered by the checker
//    (with the 250 ms poll; and `refresh()` alone), against the whole reload the sync did on every change before.
// 4. HTTP on loopback (autocannon, 10 connections, --seconds each): GET /v1/access/check on the real server
//    (buildServer with the in-memory checker, same world) vs a bare Fastify route, both in one child process.
// Prints a Markdown table with ratios. `--only` runs some parts (Cedar's rate is needed for the ratio; without it
// the ratio is left out).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import autocannon from 'autocannon';
import { cedarPolicies, cedarWorld } from '../../dist/access/cedar-model.js';
import { createAccessChecker } from '../../dist/access/checker.js';
import { measureSync } from './sync.mjs';
import { buildQuestions, buildWorld } from './world.mjs';

const { values: args } = parseArgs({
  options: {
    grants: { type: 'string', default: '1000000' },
    seconds: { type: 'string', default: '5' },
    only: { type: 'string', default: 'inprocess,cedar,sync,http' },
    db: { type: 'string' },
  },
});
const GRANTS = Number(args.grants);
const SECONDS = Number(args.seconds);
const ONLY = new Set(args.only.split(','));
for (const part of ONLY)
  if (!['inprocess', 'cedar', 'sync', 'http'].includes(part)) throw new Error(`--only: unknown part ${part}`);
const log = (s) => process.stderr.write(`${s}\n`);
const started = Date.now();
const fmt = (n) => Math.round(n).toLocaleString('en-US');

// ---- in-process ----
let t = performance.now();
const world = buildWorld({ grants: GRANTS });
const built = performance.now() - t;
t = performance.now();
const checker = createAccessChecker(world);
const indexed = performance.now() - t;
const N = 1_000_000;
const questions = buildQuestions(world, N);
const now = Date.now();
let allowed = 0;
let inProcessRate = Number.NaN;
let inProcessRates = [];
let allowShare = Number.NaN;
if (ONLY.has('inprocess')) {
  for (let i = 0; i < N; i++) if (checker.check(questions[i], now).allow) allowed++; // warm-up: one pass
  let checks = 0;
  allowed = 0;
  for (let round = 0; round < 5; round++) {
    let n = 0;
    t = performance.now();
    const until = t + 1500;
    while (performance.now() < until) {
      for (let i = 0; i < N; i++) if (checker.check(questions[i], now).allow) allowed++;
      n += N;
    }
    inProcessRates.push(n / ((performance.now() - t) / 1000));
    checks += n;
  }
  inProcessRates = inProcessRates.sort((a, b) => a - b);
  inProcessRate = inProcessRates[2];
  allowShare = allowed / checks;
  log(`in-process rounds: ${inProcessRates.map(fmt).join(', ')} checks/s`);
}

// ---- Cedar ----
let cedarRate = Number.NaN;
let agree = 0;
let agreeN = 0;
if (ONLY.has('cedar')) {
  const pre = cedar.preparsePolicySet('access', { staticPolicies: cedarPolicies() });
  if (pre.type !== 'success') throw new Error(JSON.stringify(pre));
  const ask = cedarWorld(world);
  const CEDAR_N = 5_000;
  const requests = questions
    .slice(0, CEDAR_N)
    .map((q) => ({ ...ask(q, now), preparsedPolicySetId: 'access' }));
  for (let i = 0; i < 500; i++) cedar.statefulIsAuthorized(requests[i]); // warm-up
  t = performance.now();
  let cedarChecks = 0;
  const cedarUntil = t + 3000;
  while (performance.now() < cedarUntil) {
    for (let i = 0; i < CEDAR_N && performance.now() < cedarUntil; i++) {
      const r = cedar.statefulIsAuthorized(requests[i]);
      cedarChecks++;
      if (
        cedarChecks <= CEDAR_N &&
        r.type === 'success' &&
        (r.response.decision === 'allow') === checker.check(questions[i], now).allow
      )
        agree++;
    }
  }
  cedarRate = cedarChecks / ((performance.now() - t) / 1000);
  agreeN = Math.min(cedarChecks, CEDAR_N);
}
questions.length = 0;
checker.replace({ frameworks: [], orgs: [], models: [], incidents: [], grants: [] });

// ---- sync ----
let syncRes;
if (ONLY.has('sync')) {
  log('sync: seeding the database…');
  syncRes = await measureSync({ world, db: args.db, log });
}
world.grants.length = 0;

// ---- HTTP ----
let http;
if (ONLY.has('http')) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./server.mjs', import.meta.url))], {
    env: { ...process.env, BENCH_GRANTS: String(GRANTS) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  const { url, bare, sample } = JSON.parse(line);
  const cannon = (opts) =>
    new Promise((resolve, reject) => {
      autocannon({ connections: 10, pipelining: 1, duration: SECONDS, ...opts }, (err, res) =>
        err ? reject(err) : resolve(res),
      );
    });
  const checkRequests = sample.map((q) => ({
    method: 'GET',
    path: `/v1/access/check?model=${encodeURIComponent(q.model)}&org=${encodeURIComponent(q.org)}`,
  }));
  const asBare = (path) =>
    checkRequests.map((r) => ({ ...r, path: r.path.replace('/v1/access/check', path) }));
  await cannon({ url: bare, duration: 1 }); // warm-up both
  await cannon({ url, requests: checkRequests, duration: 1 });
  // Three alternating rounds of SECONDS/3 each, medians: a shared machine's load drifts between measurements.
  const rounds = { bare: [], headers: [], check: [] };
  for (let i = 0; i < 3; i++) {
    const d = Math.max(1, Math.round(SECONDS / 3));
    // The baselines get the same 64 request lines (their query ignored), so the load generator's own cost of
    // cycling through them is the same on both sides.
    rounds.bare.push(await cannon({ url: bare, requests: asBare('/bare'), duration: d }));
    rounds.headers.push(await cannon({ url: bare, requests: asBare('/bare-headers'), duration: d }));
    rounds.check.push(await cannon({ url, requests: checkRequests, duration: d }));
  }
  const median = (list) => [...list].sort((a, b) => a.requests.average - b.requests.average)[1];
  const bareRes = median(rounds.bare);
  const headersRes = median(rounds.headers);
  const checkRes = median(rounds.check);
  const batch = {
    method: 'POST',
    path: '/v1/access/check',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ checks: sample.slice(0, 50) }),
  };
  const batchRes = await cannon({ url, requests: [batch] });
  child.kill('SIGTERM');
  http = { bareRes, headersRes, checkRes, batchRes };
}

const errors = (r) => r.errors + r.timeouts + r.non2xx;
const ms = (x) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;
const rows = [];
if (ONLY.has('inprocess'))
  rows.push([
    'in-process `checker.check`',
    `${fmt(inProcessRate)} (${fmt(inProcessRates[0])}–${fmt(inProcessRates[4])})`,
    '—',
    ONLY.has('cedar') ? `${(inProcessRate / cedarRate).toFixed(0)}× Cedar` : '—',
  ]);
if (ONLY.has('cedar')) rows.push(['Cedar `statefulIsAuthorized` (pre-parsed)', fmt(cedarRate), '—', '1×']);
if (http) {
  const { bareRes, headersRes, checkRes, batchRes } = http;
  rows.push(
    [
      'HTTP bare Fastify route',
      fmt(bareRes.requests.average),
      `${bareRes.latency.p99} ms`,
      '1.00 (baseline)',
    ],
    [
      'HTTP bare route + the API’s headers',
      fmt(headersRes.requests.average),
      `${headersRes.latency.p99} ms`,
      `${(headersRes.requests.average / bareRes.requests.average).toFixed(2)} of bare`,
    ],
    [
      'HTTP GET /v1/access/check',
      fmt(checkRes.requests.average),
      `${checkRes.latency.p99} ms`,
      `${(checkRes.requests.average / bareRes.requests.average).toFixed(2)} of bare, ${(
        checkRes.requests.average / headersRes.requests.average
      ).toFixed(2)} of bare + headers`,
    ],
    [
      'HTTP POST /v1/access/check (50 a request)',
      `${fmt(batchRes.requests.average * 50)} checks/s (${fmt(batchRes.requests.average)} req/s)`,
      `${batchRes.latency.p99} ms`,
      `${((batchRes.requests.average * 50) / bareRes.requests.average).toFixed(1)}× bare req/s`,
    ],
  );
}
console.log(
  `\n## Access checker — ${fmt(GRANTS)} grants, ${fmt(world.orgs.length)} orgs, ${fmt(world.models.length)} models\n`,
);
console.log(
  `World built in ${fmt(built)} ms, indexed in ${fmt(indexed)} ms` +
    (ONLY.has('inprocess') ? `; ${(allowShare * 100).toFixed(1)}% of questions allowed` : '') +
    (ONLY.has('cedar') ? `; Cedar agreed on ${agree}/${agreeN}` : '') +
    '.\n',
);
if (rows.length > 0) {
  console.log('| measurement | checks/s | p99 | ratio |');
  console.log('|---|---:|---:|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}
if (syncRes) {
  const r = syncRes;
  console.log(
    `\nSync (${r.dialect}, ${fmt(GRANTS)} grants in the database, seeded in ${(r.seeded / 1000).toFixed(1)} s; poll every 250 ms):\n`,
  );
  console.log('| measurement | median | max | ratio |');
  console.log('|---|---:|---:|---|');
  console.log(
    `| whole load (loadAccessSnapshot + replace; first load ${ms(r.firstLoad)}) | ${ms(r.wholeLoad)} | — | 1× |`,
  );
  console.log(
    `| one grant change picked up (commit → answered; includes the poll wait) | ${ms(r.pickup)} | ${ms(r.pickupMax)} | ${(r.wholeLoad / r.pickup).toFixed(0)}× faster than a whole load |`,
  );
  console.log(
    `| \`sync.refresh()\` after one grant change (read + apply the change) | ${ms(r.refresh)} | ${ms(r.refreshMax)} | ${(r.wholeLoad / r.refresh).toFixed(0)}× faster |`,
  );
}
const targets = [];
if (ONLY.has('inprocess')) targets.push(['in-process ≥ 1,000,000 checks/s', inProcessRate >= 1_000_000]);
if (ONLY.has('cedar')) targets.push(['Cedar agrees on every question', agree === agreeN]);
if (ONLY.has('inprocess') && ONLY.has('cedar'))
  targets.push(['≥ 100× Cedar per check', inProcessRate >= 100 * cedarRate]);
if (syncRes) targets.push(['a change seen within a second', syncRes.pickupMax < 1000]);
if (http) {
  const { bareRes, checkRes, batchRes } = http;
  targets.push(
    ['HTTP ≥ 70% of the bare route', checkRes.requests.average >= 0.7 * bareRes.requests.average],
    ['no HTTP errors', errors(bareRes) + errors(checkRes) + errors(batchRes) === 0],
  );
}
console.log('');
for (const [name, ok] of targets) console.log(`- ${ok ? 'met' : 'NOT met'}: ${name}`);
console.log(`\n(total ${((Date.now() - started) / 1000).toFixed(0)} s)`);
