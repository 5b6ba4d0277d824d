// bench/determine: `greenlight determine` on 1,000,000 per-sample records (10 metrics × 100,000 samples,
// some clustered, some with epochs) against a process that only reads and JSON.parses the same file.
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mb, measureNode, median } from '../lib/measure.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const METRICS = 10;
const PER_METRIC = 100_000;

// Deterministic PRNG (mulberry32) so every run measures the same file.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function writeEvidence(file) {
  const out = createWriteStream(file);
  const write = (s) => (out.write(s) ? undefined : new Promise((r) => out.once('drain', r)));
  const rand = rng(42);
  await write(
    '{"greenlight":1,"model":{"id":"bench-lab/model-b","version":"1"},"safeguards":["s1"],"evaluations":[',
  );
  for (let m = 0; m < METRICS; m++) {
    // metrics 0-3: 0/1 single epoch; 4-5: 0/1 with 4 epochs; 6-7: clustered partial credit; 8-9: clustered + 2 epochs
    const epochs = m >= 4 && m <= 5 ? 4 : m >= 8 ? 2 : 1;
    const clustered = m >= 6;
    const ids = PER_METRIC / epochs;
    await write(`${m ? ',' : ''}{"metric":"bench.m${m}","label":"metric ${m}","samples":[`);
    let chunk = '';
    for (let i = 0; i < ids; i++) {
      for (let e = 1; e <= epochs; e++) {
        const p = 0.3 + 0.04 * m;
        const value = clustered ? Math.floor(rand() * 4) / 4 : rand() < p ? 1 : 0;
        // The layout `greenlight evidence import` writes: one compact sample per indented line, epochs explicit.
        const cluster = clustered ? `,"cluster":"c${i % 500}"` : '';
        const id = `task${m}-sample-${String(i).padStart(6, '0')}`;
        chunk += `${i || e > 1 ? ',' : ''}\n        {"id":"${id}","epoch":${e},"value":${value}${cluster}}`;
      }
      if (chunk.length > 1 << 16) {
        await write(chunk);
        chunk = '';
      }
    }
    await write(`${chunk}]}`);
  }
  await write(']}\n');
  await new Promise((r) => out.end(r));
}

function writeFramework(file) {
  const indicators = Array.from(
    { length: METRICS },
    (_, m) => `          - { metric: bench.m${m}, above: 0.5 }`,
  ).join('\n');
  writeFileSync(
    file,
    `greenlight: 1
id: bench
version: "1"
title: Benchmark framework
publisher: Bench
effective: "2026-01-01"
statistics: { confidence: 0.95, min_samples: 100, interval: wilson }
tiers:
  - { id: internal, access: developer, title: Internal }
  - { id: public, access: public, title: Public }
safeguards:
  - { id: s1, title: S1 }
domains:
  - id: bench
    title: Bench
    thresholds:
      - id: high
        text: Any metric above one half.
        rule: any
        indicators:
${indicators}
        requires: { max_tier: internal, safeguards: [s1] }
review:
  decision_within: { business_days: 30 }
  on_lapse: escalate
  appeal_within: { days: 15 }
  appeal_decision_within: { business_days: 20 }
`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'greenlight-bench-determine-'));
try {
  const evidence = join(dir, 'evidence.json');
  const framework = join(dir, 'framework.yaml');
  await writeEvidence(evidence);
  writeFramework(framework);
  const size = statSync(evidence).size;
  const bin = join(ROOT, 'bin/greenlight');
  const baselineArgs = [
    '-e',
    `JSON.parse(require('node:fs').readFileSync(${JSON.stringify(evidence)}, 'utf8'))`,
  ];
  const determineArgs = [bin, 'determine', '--framework', framework, '--evidence', evidence, '--json'];
  const base = [];
  const det = [];
  for (let i = 0; i < RUNS; i++) {
    base.push(await measureNode(baselineArgs));
    det.push(await measureNode(determineArgs));
  }
  const bt = median(base.map((r) => r.ms));
  const dt = median(det.map((r) => r.ms));
  const brss = Math.max(...base.map((r) => r.maxRSS));
  const drss = Math.max(...det.map((r) => r.maxRSS));
  console.log(
    `bench/determine: ${METRICS * PER_METRIC} per-sample records, file ${mb(size)} MiB, median of ${RUNS} runs`,
  );
  console.log('| process | time (ms) | × baseline | peak RSS (MiB) | × file size |');
  console.log('|---|---:|---:|---:|---:|');
  console.log(
    `| read + JSON.parse (baseline) | ${bt.toFixed(0)} | 1.00 | ${mb(brss)} | ${(brss / size).toFixed(2)} |`,
  );
  console.log(
    `| greenlight determine --json | ${dt.toFixed(0)} | ${(dt / bt).toFixed(2)} | ${mb(drss)} | ${(drss / size).toFixed(2)} |`,
  );
  console.log(`targets: time ≤ 3× baseline, peak memory ≤ 6× file size`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
