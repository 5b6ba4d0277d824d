// bench/access: the access checker (dist/; run `npm run build` first), all in one run (< 3 min):
//
//   node bench/access/run.mjs [--grants 1000000] [--seconds 5]
//
// 1. In-process: `checker.check` over 1,000,000 precomputed questions (half about an existing grant's
//    (model, org), half random pairs) on a world of 1,000,000 grants, 20,000 orgs, 1,000 models.
// 2. Cedar: `statefulIsAuthorized` (policy set pre-parsed once; src/access/cedar-model.ts) on the same questions,
//    requests (entities, context) built beforehand so only Cedar's evaluation is timed.
// 3. HTTP on loopback (autocannon, 10 connections, --seconds each): GET /v1/access/check on the real server
//    (buildServer with the in-memory checker, same world) vs a bare Fastify route, both in one child process.
// Prints a Markdown table with ratios.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import autocannon from 'autocannon';
import { cedarPolicies, cedarWorld } from '../../dist/access/cedar-model.js';
import { createAccessChecker } from '../../dist/access/checker.js';
import { buildQuestions, buildWorld } from './world.mjs';

const { values: args } = parseArgs({
  options: { grants: { type: 'string', default: '1000000' }, seconds: { type: 'string', default: '5' } },
});
const GRANTS = Number(args.grants);
const SECONDS = Number(args.seconds);
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
for (let i = 0; i < 200_000; i++) if (checker.check(questions[i % N], now).allow) allowed++; // warm-up
allowed = 0;
let checks = 0;
t = performance.now();
const until = t + 2000;
while (performance.now() < until) {
  for (let i = 0; i < N; i++) if (checker.check(questions[i], now).allow) allowed++;
  checks += N;
}
const inProcessRate = checks / ((performance.now() - t) / 1000);
const allowShare = allowed / checks;

// ---- Cedar ----
const pre = cedar.preparsePolicySet('access', { staticPolicies: cedarPolicies() });
if (pre.type !== 'success') throw new Error(JSON.stringify(pre));
const ask = cedarWorld(world);
const CEDAR_N = 5_000;
const requests = questions.slice(0, CEDAR_N).map((q) => ({ ...ask(q, now), preparsedPolicySetId: 'access' }));
let agree = 0;
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
const cedarRate = cedarChecks / ((performance.now() - t) / 1000);
const agreeN = Math.min(cedarChecks, CEDAR_N);
questions.length = 0;
world.grants.length = 0;

// ---- HTTP ----
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
await cannon({ url: bare, duration: 1 }); // warm-up both
await cannon({ url, requests: checkRequests, duration: 1 });
const bareRes = await cannon({ url: `${bare}/bare` });
const checkRes = await cannon({ url, requests: checkRequests });
const batch = {
  method: 'POST',
  path: '/v1/access/check',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ checks: sample.slice(0, 50) }),
};
const batchRes = await cannon({ url, requests: [batch] });
child.kill('SIGTERM');

const errors = (r) => r.errors + r.timeouts + r.non2xx;
const rows = [
  ['in-process `checker.check`', fmt(inProcessRate), '—', `${(inProcessRate / cedarRate).toFixed(0)}× Cedar`],
  ['Cedar `statefulIsAuthorized` (pre-parsed)', fmt(cedarRate), '—', '1×'],
  ['HTTP bare Fastify route', fmt(bareRes.requests.average), `${bareRes.latency.p99} ms`, '1.00 (baseline)'],
  [
    'HTTP GET /v1/access/check',
    fmt(checkRes.requests.average),
    `${checkRes.latency.p99} ms`,
    `${(checkRes.requests.average / bareRes.requests.average).toFixed(2)} of bare`,
  ],
  [
    'HTTP POST /v1/access/check (50 a request)',
    `${fmt(batchRes.requests.average * 50)} checks/s (${fmt(batchRes.requests.average)} req/s)`,
    `${batchRes.latency.p99} ms`,
    `${((batchRes.requests.average * 50) / bareRes.requests.average).toFixed(1)}× bare req/s`,
  ],
];
console.log(
  `\n## Access checker — ${fmt(GRANTS)} grants, ${fmt(world.orgs.length)} orgs, ${fmt(world.models.length)} models\n`,
);
console.log(
  `World built in ${fmt(built)} ms, indexed in ${fmt(indexed)} ms; ${(allowShare * 100).toFixed(1)}% of questions allowed; Cedar agreed on ${agree}/${agreeN}.\n`,
);
console.log('| measurement | checks/s | p99 | ratio |');
console.log('|---|---:|---:|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
const targets = [
  ['in-process ≥ 1,000,000 checks/s', inProcessRate >= 1_000_000],
  ['HTTP ≥ 70% of the bare route', checkRes.requests.average >= 0.7 * bareRes.requests.average],
  ['≥ 100× Cedar per check', inProcessRate >= 100 * cedarRate],
  ['no HTTP errors', errors(bareRes) + errors(checkRes) + errors(batchRes) === 0],
];
console.log('');
for (const [name, ok] of targets) console.log(`- ${ok ? 'met' : 'NOT met'}: ${name}`);
console.log(`\n(total ${((Date.now() - started) / 1000).toFixed(0)} s)`);
