#!/usr/bin/env node
/**
 * Inspect import benchmark. Run `npm run build` first; then `node bench/import/run.mjs`.
 *
 * (a) A `.eval` with 50,000 samples (transcripts, events, scores): `importInspectEval` against bare
 *     decompression + JSON.parse of the same members, in the same run. Two layouts: with summaries.json (the
 *     importer reads header + summaries) and without summaries (it reads every sample member).
 * (b) A 1 GB `.json` log, streamed to disk: the streaming importer fed by fs.createReadStream against a bare
 *     sequential read of the file, each in a child process that reports its peak RSS.
 *
 * Temporary files go to a fresh directory under the OS temp dir and are deleted at the end.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  createReadStream,
  createWriteStream,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';
import { inflateSync } from 'fflate';
import { decompress as zstdDecompress } from 'fzstd';
import { makeHeader, makeSample, makeSummary, rng } from './generate.mjs';

const SELF = fileURLToPath(import.meta.url);
const LIB = new URL('../../dist/core/import/inspect/index.js', import.meta.url);
const EVAL_SAMPLES = 50_000;
const JSON_BYTES = 1e9;

const mb = (n) => (n / 1e6).toFixed(n >= 1e8 ? 0 : 1);
const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;

async function lib() {
  try {
    return await import(LIB.href);
  } catch (e) {
    console.error(`cannot load ${fileURLToPath(LIB)}: run \`npm run build\` first (${e.message})`);
    process.exit(2);
  }
}

// ---------------------------------------------------------------------------------------------------------
// A minimal ZIP writer (deflate, or raw members copied) for the generated .eval.

function zip(members) {
  const parts = [];
  const central = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(m.crc, 14);
    local.writeUInt32LE(m.raw.length, 18);
    local.writeUInt32LE(m.usize, 22);
    local.writeUInt16LE(name.length, 26);
    parts.push(local, name, m.raw);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(8, 10);
    cd.writeUInt32LE(m.crc, 16);
    cd.writeUInt32LE(m.raw.length, 20);
    cd.writeUInt32LE(m.usize, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name);
    offset += 30 + name.length + m.raw.length;
  }
  const cdBuf = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(members.length, 8);
  eocd.writeUInt16LE(members.length, 10);
  eocd.writeUInt32LE(cdBuf.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cdBuf, eocd]);
}

/** A deflated member. Level 1 keeps generation fast; decoding costs about the same as at Inspect's level 6. */
function member(name, value) {
  const data = Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
  return { name, raw: deflateRawSync(data, { level: 1 }), usize: data.length, crc: crc32(data) >>> 0 };
}

/** The .eval of EVAL_SAMPLES samples, as Inspect lays it out; returns the two layouts' paths and counts. */
function generateEval(dir) {
  const r = rng(7);
  const header = makeHeader(EVAL_SAMPLES);
  const members = [member('_journal/start.json', { version: 2, eval: header.eval, plan: header.plan })];
  const summaries = [];
  let batch = [];
  let journal = 0;
  let correct = 0;
  let uncompressed = 0;
  for (let i = 1; i <= EVAL_SAMPLES; i++) {
    const s = makeSample(i, 1, r);
    if (s.scores.match.value === 'C') correct++;
    const m = member(`samples/${i}_epoch_1.json`, s);
    uncompressed += m.usize;
    members.push(m);
    const sum = makeSummary(s);
    summaries.push(sum);
    batch.push(sum);
    if (batch.length === 1000) {
      members.push(member(`_journal/summaries/${++journal}.json`, batch));
      batch = [];
    }
  }
  const reductions = [
    {
      scorer: 'match',
      reducer: 'mean',
      samples: summaries.map((s) => ({ value: s.scores.match.value === 'C' ? 1 : 0, sample_id: s.id })),
    },
  ];
  const tail = [
    member('summaries.json', summaries),
    member('reductions.json', reductions),
    member('header.json', header),
  ];
  const withSummaries = join(dir, 'bench-summaries.eval');
  const samplesOnly = join(dir, 'bench-samples.eval');
  writeFileSync(withSummaries, zip([...members, ...tail]));
  writeFileSync(
    samplesOnly,
    zip([...members.filter((m) => !m.name.startsWith('_journal/summaries/')), tail[1], tail[2]]),
  );
  return { withSummaries, samplesOnly, correct, uncompressed };
}

/** Streams a ~JSON_BYTES `.json` log (pretty-printed, as Inspect writes it) to disk; never one string. */
async function generateJson(path) {
  const r = rng(11);
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const write = async (s) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  const pr = rng(12);
  let probe = 0;
  for (let i = 0; i < 200; i++) probe += JSON.stringify(makeSample(i, 1, pr, 16000), null, 2).length + 2;
  const n = Math.round(JSON_BYTES / (probe / 200));
  const header = makeHeader(n);
  const head = JSON.stringify(header, null, 2);
  await write(`${head.slice(0, -2)},\n  "samples": [\n`);
  let correct = 0;
  for (let i = 1; i <= n; i++) {
    const s = makeSample(i, 1, r, 16000);
    if (s.scores.match.value === 'C') correct++;
    await write(`${i > 1 ? ',\n' : ''}${JSON.stringify(s, null, 2)}`);
  }
  await write('\n  ],\n  "reductions": null\n}\n');
  out.end();
  await once(out, 'finish');
  return { n, correct };
}

// ---------------------------------------------------------------------------------------------------------
// Children: each reports {ms, maxRssMB, ...} as one JSON line.

function report(obj) {
  process.stdout.write(`${JSON.stringify({ ...obj, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`);
}

/** Member names and raw data of a ZIP (for the baseline), parsed with no checks. */
function rawMembers(b) {
  let e = b.length - 22;
  while (b.readUInt32LE(e) !== 0x06054b50) e--;
  const n = b.readUInt16LE(e + 10);
  let p = b.readUInt32LE(e + 16);
  const out = new Map();
  for (let i = 0; i < n; i++) {
    const method = b.readUInt16LE(p + 10);
    const csize = b.readUInt32LE(p + 20);
    const usize = b.readUInt32LE(p + 24);
    const nl = b.readUInt16LE(p + 28);
    const off = b.readUInt32LE(p + 42);
    const name = b.toString('utf8', p + 46, p + 46 + nl);
    const d = off + 30 + b.readUInt16LE(off + 26) + b.readUInt16LE(off + 28);
    out.set(name, { method, usize, raw: b.subarray(d, d + csize) });
    p += 46 + nl + b.readUInt16LE(p + 30) + b.readUInt16LE(p + 32);
  }
  return out;
}

async function childEval(file, reps) {
  const { importInspectEval } = await lib();
  const bytes = readFileSync(file);
  const opts = { metric: 'bench.metric', fileName: 'bench.eval', sha256: '0'.repeat(64) };
  // The members the importer reads: header and summaries, or header and every sample.
  const all = rawMembers(bytes);
  const names = all.has('summaries.json')
    ? ['header.json', 'summaries.json']
    : ['header.json', ...[...all.keys()].filter((k) => k.startsWith('samples/'))];
  const decoder = new TextDecoder();
  const bare = () => {
    const members = rawMembers(bytes);
    let n = 0;
    for (const name of names) {
      const m = members.get(name);
      const data =
        m.method === 93 ? zstdDecompress(m.raw) : inflateSync(m.raw, { out: new Uint8Array(m.usize) });
      const v = JSON.parse(decoder.decode(data));
      n += Array.isArray(v) ? v.length : 1;
    }
    return n;
  };
  const imp = () => importInspectEval(bytes, opts).evaluations[0];
  let impMs = Number.POSITIVE_INFINITY;
  let bareMs = Number.POSITIVE_INFINITY;
  let evaluation;
  for (let k = 0; k < reps; k++) {
    let t = performance.now();
    evaluation = imp();
    impMs = Math.min(impMs, performance.now() - t);
    t = performance.now();
    bare();
    bareMs = Math.min(bareMs, performance.now() - t);
  }
  const ones = evaluation.samples.filter((s) => s.value === 1).length;
  report({
    impMs,
    bareMs,
    members: names.length,
    samples: evaluation.samples.length,
    ones,
    bytes: bytes.length,
  });
}

async function childJson(file) {
  const { createInspectJsonImporter } = await lib();
  const importer = createInspectJsonImporter({
    metric: 'bench.metric',
    fileName: 'bench.json',
    sha256: '0'.repeat(64),
  });
  const t = performance.now();
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) importer.push(chunk);
  const e = importer.finish().evaluations[0];
  const ms = performance.now() - t;
  report({ ms, samples: e.samples.length, ones: e.samples.filter((s) => s.value === 1).length });
}

async function childRead(file) {
  const t = performance.now();
  let x = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) x ^= chunk[chunk.length - 1];
  report({ ms: performance.now() - t, x });
}

function child(...args) {
  const r = spawnSync(process.execPath, [SELF, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`child ${args.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

// ---------------------------------------------------------------------------------------------------------

/**
 * The orchestrator stays small: generation and every measurement run in child processes. (On Linux a child's
 * maxRSS starts from its parent's RSS at spawn time, so a fat parent would inflate every child's peak.)
 */
async function main() {
  await lib();
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'greenlight-bench-'));
  const rows = [];
  try {
    console.log(
      `Inspect import benchmark — node ${process.version}, ${cpus().length} CPU(s), ${cpus()[0]?.model ?? ''}`,
    );
    console.log(`\n(a) .eval, ${EVAL_SAMPLES.toLocaleString('en')} samples — generating…`);
    let t = performance.now();
    const ev = child('--gen-eval', dir);
    console.log(
      `    generated in ${secs(performance.now() - t)}: ${mb(ev.uncompressed)} MB of sample JSON, files of ${mb(statSync(ev.withSummaries).size)} / ${mb(statSync(ev.samplesOnly).size)} MB`,
    );
    const a1 = child('--eval', ev.withSummaries, '3');
    const a2 = child('--eval', ev.samplesOnly, '2');
    for (const [label, r] of [
      ['with summaries.json', a1],
      ['samples only', a2],
    ]) {
      if (r.samples !== EVAL_SAMPLES || r.ones !== ev.correct)
        throw new Error(
          `${label}: imported ${r.samples} samples with ${r.ones} correct, expected ${EVAL_SAMPLES}/${ev.correct}`,
        );
      rows.push([label, r]);
    }
    console.log(
      '    layout               members read  importer   bare inflate+JSON.parse  ratio   peak RSS (child: both runs)',
    );
    for (const [label, r] of rows)
      console.log(
        `    ${label.padEnd(20)} ${String(r.members).padStart(12)}  ${secs(r.impMs).padStart(8)}   ${secs(r.bareMs).padStart(22)}  ${(r.impMs / r.bareMs).toFixed(2).padStart(5)}×  ${r.maxRssMB.toFixed(0)} MB`,
      );
    rmSync(ev.withSummaries);
    rmSync(ev.samplesOnly);

    console.log(`\n(b) .json, ~${mb(JSON_BYTES)} MB — generating (streamed to disk)…`);
    const jsonFile = join(dir, 'bench.json');
    t = performance.now();
    const js = child('--gen-json', jsonFile);
    const size = statSync(jsonFile).size;
    console.log(
      `    generated in ${secs(performance.now() - t)}: ${mb(size)} MB, ${js.n.toLocaleString('en')} samples`,
    );
    const read = child('--read', jsonFile);
    const imp = child('--json', jsonFile);
    if (imp.samples !== js.n || imp.ones !== js.correct)
      throw new Error(
        `.json: imported ${imp.samples} samples with ${imp.ones} correct, expected ${js.n}/${js.correct}`,
      );
    const rate = (ms) => size / 1e6 / (ms / 1000);
    console.log('    reader                          time       MB/s   peak RSS');
    console.log(
      `    streaming importer (1 MiB chunks) ${secs(imp.ms).padStart(8)} ${rate(imp.ms).toFixed(0).padStart(7)}   ${imp.maxRssMB.toFixed(0)} MB`,
    );
    console.log(
      `    bare sequential read              ${secs(read.ms).padStart(8)} ${rate(read.ms).toFixed(0).padStart(7)}   ${read.maxRssMB.toFixed(0)} MB`,
    );
    console.log(`    ratio (importer / bare read): ${(imp.ms / read.ms).toFixed(1)}×`);
    rmSync(jsonFile);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\ntotal ${secs(performance.now() - started)}; temporary files deleted`);
}

const [mode, file, arg] = process.argv.slice(2);
if (mode === '--gen-eval') report(generateEval(file));
else if (mode === '--gen-json') report(await generateJson(file));
else if (mode === '--eval') await childEval(file, Number(arg));
else if (mode === '--json') await childJson(file);
else if (mode === '--read') await childRead(file);
else await main();
