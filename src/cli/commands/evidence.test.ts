/**
 * `greenlight evidence import` as a user runs it: `node bin/greenlight …` in a child process, on the real
 * fixtures in ../shared/fixtures. Needs a build (`npm run build`; `npm test` does it first).
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../core/digest.js';
import type { AggregateEvaluation, Evidence, PerSampleEvaluation } from '../../core/evidence/types.js';
import { validateEvidence } from '../../core/evidence/validate.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LM = '../shared/fixtures/lm-eval/';
const INSPECT = '../shared/fixtures/inspect/';
const GSM8K = `${LM}results_2024-08-25T21-59-12.123082.json`;
const QWEN = `${LM}results_2026-07-08T18-15-33.115417.json`;
const GEMMA = `${LM}results_2025-03-06T19-20-09.274097.json`;
const PYTHIA = `${LM}160m-5shot_step143000.json`;
const SAMPLES = `${LM}samples_negotiationtom_belief_2026-07-08T18-15-33.115417.jsonl`;
const MODEL = ['--model', 'example-lab/model-x', '--model-version', '2026-06-01'];
const INSPECT_READY = existsSync(join(ROOT, 'src/core/import/inspect/index.ts'));

let tmp: string;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Run {
  const r = spawnSync(process.execPath, ['bin/greenlight', 'evidence', 'import', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, GREENLIGHT_DEBUG: '' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(...args: string[]): { doc: Evidence; stderr: string } {
  const r = cli(...args);
  expect(r.stderr.includes('internal error') ? r.stderr : '').toBe('');
  expect(r.status, r.stderr).toBe(0);
  const doc = JSON.parse(r.stdout) as Evidence;
  validateEvidence(doc);
  return { doc, stderr: r.stderr };
}

/** A refusal: exit 2, stdout empty, stderr one line per problem without a stack trace. */
function refused(r: Run): string {
  expect(r.status).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).not.toContain('internal error');
  return r.stderr.trimEnd();
}

function oneLine(r: Run): string {
  const err = refused(r);
  expect(err.split('\n')).toHaveLength(1);
  return err;
}

function sha(path: string): string {
  return sha256Hex(new Uint8Array(readFileSync(join(ROOT, path))));
}

beforeAll(() => {
  const built = join(ROOT, 'dist/cli/commands/evidence.js');
  if (!existsSync(built)) throw new Error('dist/ is missing: run `npm run build` before these tests');
  const src = statSync(join(ROOT, 'src/cli/commands/evidence.ts')).mtimeMs;
  if (statSync(built).mtimeMs < src) throw new Error('dist/ is older than src/: run `npm run build` first');
  tmp = mkdtempSync(join(tmpdir(), 'greenlight-evidence-'));
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('evidence import: lm-eval results', () => {
  it('imports one scorer to stdout with provenance', () => {
    const { doc, stderr } = ok(
      GSM8K,
      '--metric',
      'reasoning.math',
      '--scorer',
      'exact_match,strict-match',
      ...MODEL,
    );
    expect(stderr).toBe('');
    expect(doc.greenlight).toBe(1);
    expect(doc.model).toEqual({ id: 'example-lab/model-x', version: '2026-06-01' });
    expect(doc.safeguards).toEqual([]);
    expect(doc.evaluations).toHaveLength(1);
    const e = doc.evaluations[0] as AggregateEvaluation;
    expect([e.metric, e.mean, e.stderr, e.n]).toEqual([
      'reasoning.math',
      0.7725549658832449,
      0.01154636331254809,
      1319,
    ]);
    expect(e.source).toMatchObject({
      format: 'lm-eval',
      file: 'results_2024-08-25T21-59-12.123082.json',
      sha256: sha(GSM8K),
      task: 'gsm8k_cot_llama',
      scorer: 'exact_match,strict-match',
      model: 'meta-llama/Meta-Llama-3-8B-Instruct',
    });
  });

  it('refuses a --limit subset in one line, then accepts it with --allow-incomplete', () => {
    const out = join(tmp, 'qwen.json');
    const args = [QWEN, '--metric', 'tom.belief', '--task', 'negotiationtom_belief', ...MODEL, '-o', out];
    const err = oneLine(cli(...args));
    expect(err).toBe(
      `${QWEN}: task "negotiationtom_belief" is not comparable: 20 of 13812 documents evaluated (--limit 20); pass --allow-incomplete to import it anyway`,
    );
    expect(existsSync(out)).toBe(false);
    const r = cli(...args, '--allow-incomplete');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning: ');
    expect(r.stderr).toContain('imported because of --allow-incomplete');
    const doc = JSON.parse(readFileSync(out, 'utf8')) as Evidence;
    const e = doc.evaluations[0] as AggregateEvaluation;
    expect([e.mean, e.stderr, e.n]).toEqual([0.45, 0.11413288653790232, 20]);
    expect(e.source).toMatchObject({ allow_incomplete: true, samples_excluded: { not_evaluated: 13792 } });
  });

  it('writes "N/A" stderr as null', () => {
    const { doc } = ok(
      QWEN,
      '--metric',
      'tom.intention',
      '--task',
      'negotiationtom_intention',
      '--scorer',
      'macro_f1,none',
      '--allow-incomplete',
      ...MODEL,
    );
    const e = doc.evaluations[0] as AggregateEvaluation;
    expect(e.mean).toBe(0.24025974025974023);
    expect(e.stderr).toBeNull();
    expect(e.n).toBe(20);
  });

  it('needs --n for v0.3 results', () => {
    const err = oneLine(cli(PYTHIA, '--metric', 'science.qa', '--task', 'sciq', '--scorer', 'acc', ...MODEL));
    expect(err).toContain(
      `${PYTHIA}: task "sciq": the v0.3 results layout records no sample count; pass --n N`,
    );
    const { doc } = ok(
      PYTHIA,
      '--metric',
      'science.qa',
      '--task',
      'sciq',
      '--scorer',
      'acc',
      '--n',
      '1000',
      ...MODEL,
    );
    expect(doc.evaluations[0]).toMatchObject({ mean: 0.779, stderr: 0.013127502859696258, n: 1000 });
    expect(oneLine(cli(PYTHIA, '--metric', 'm', '--task', 'sciq', '--n', '0', ...MODEL))).toContain(
      '--n must be an integer ≥ 1',
    );
  });

  it('lists what to choose from when --task is missing', () => {
    expect(oneLine(cli(GEMMA, '--metric', 'knowledge.mmlu', ...MODEL))).toMatch(
      /^.*results_2025-03-06T19-20-09\.274097\.json: the log has several tasks \(mmlu, mmlu_humanities, .*; choose one with --task$/,
    );
  });
});

describe('evidence import: several files, a mapping file, -o', () => {
  it('merges two files into one document in file order, the model from the mapping file', () => {
    const map = join(tmp, 'map.yaml');
    writeFileSync(
      map,
      `model: { id: example-lab/model-y, version: "7" }
map:
  - { task: mmlu, scorer: acc, metric: knowledge.mmlu }
  - { task: gsm8k_cot_llama, scorer: "exact_match,flexible-extract", metric: reasoning.math }
  - { task: mmlu_stem, scorer: "acc,none", metric: knowledge.stem }
`,
    );
    const out = join(tmp, 'merged.json');
    const r = cli(GSM8K, GEMMA, '--map', map, '-o', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`wrote ${out}: 3 evaluations from 2 files`);
    const doc = validateEvidence(JSON.parse(readFileSync(out, 'utf8')));
    expect(doc.model).toEqual({ id: 'example-lab/model-y', version: '7' });
    expect(
      doc.evaluations.map((e) => [e.metric, (e as AggregateEvaluation).mean, (e as AggregateEvaluation).n]),
    ).toEqual([
      ['reasoning.math', 0.7778620166793025, 1319],
      ['knowledge.mmlu', 0.5304087736789631, 14042],
      ['knowledge.stem', 0.46241674595623217, 3153],
    ]);
    // Nothing but the output and the inputs in the directory: no temporary file left behind.
    expect(readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('lets --model/--model-version override the mapping file, and warns about rules that matched nothing', () => {
    const map = join(tmp, 'map2.yaml');
    writeFileSync(
      map,
      'model: { id: example-lab/model-y, version: "7" }\nmap:\n  - { task: gsm8k_cot_llama, scorer: "exact_match,strict-match", metric: reasoning.math }\n  - { task: cybench, scorer: includes, metric: cyber.ctf }\n',
    );
    const { doc, stderr } = ok(GSM8K, '--map', map, '--model-version', '8');
    expect(doc.model).toEqual({ id: 'example-lab/model-y', version: '8' });
    expect(stderr).toBe(
      `warning: ${map}: rule {task: cybench, scorer: includes, metric: cyber.ctf} matched no file\n`,
    );
  });

  it('prints a JSON summary with --json and -o', () => {
    const out = join(tmp, 'summary.json');
    const r = cli(
      GSM8K,
      '--metric',
      'reasoning.math',
      '--scorer',
      'exact_match,strict-match',
      ...MODEL,
      '-o',
      out,
      '--json',
    );
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      output: out,
      model: { id: 'example-lab/model-x', version: '2026-06-01' },
      evaluations: [{ file: GSM8K, metric: 'reasoning.math', shape: 'aggregate', n: 1319 }],
      warnings: [],
    });
  });

  it('merges CSV and lm-eval with a mapping file (CSV maps as {task: <stem>, scorer: value})', () => {
    const csv = join(tmp, 'uplift.csv');
    writeFileSync(csv, 'id,value,epoch\nq1,1,1\nq1,0,2\nq2,0.5,1\n');
    const map = join(tmp, 'map3.yaml');
    writeFileSync(
      map,
      'map:\n  - { task: uplift, scorer: value, metric: bio.uplift }\n  - { task: gsm8k_cot_llama, scorer: "exact_match,strict-match", metric: reasoning.math }\n',
    );
    const { doc } = ok(csv, GSM8K, '--map', map, ...MODEL);
    expect(doc.evaluations.map((e) => e.metric)).toEqual(['bio.uplift', 'reasoning.math']);
    expect((doc.evaluations[0] as PerSampleEvaluation).samples).toEqual([
      { id: 'q1', epoch: 1, value: 1 },
      { id: 'q1', epoch: 2, value: 0 },
      { id: 'q2', epoch: 1, value: 0.5 },
    ]);
    expect(doc.evaluations[0]?.source).toMatchObject({
      format: 'csv',
      file: 'uplift.csv',
      sha256: sha256Hex(readFileSync(csv)),
    });
  });

  it('reports a bad mapping file with located problems', () => {
    const map = join(tmp, 'bad-map.yaml');
    writeFileSync(map, 'map:\n  - { task: t, scorer: s, metrik: m }\n');
    const err = refused(cli(GSM8K, '--map', map, ...MODEL));
    expect(err.split('\n')).toEqual([
      `${map}:2:27 map[0].metrik: unknown key (expected one of: task, scorer, metric)`,
      `${map}:2:5 map[0]: missing "metric"`,
    ]);
  });
});

describe('evidence import: format detection and --format', () => {
  it('detects lm-eval results by content under a neutral name', () => {
    const copy = join(tmp, 'upload.dat');
    copyFileSync(join(ROOT, GSM8K), copy);
    const { doc } = ok(copy, '--metric', 'reasoning.math', '--scorer', 'exact_match,strict-match', ...MODEL);
    expect(doc.evaluations[0]?.source).toMatchObject({
      format: 'lm-eval',
      file: 'upload.dat',
      sha256: sha(GSM8K),
    });
  });

  it('reads CSV with --format csv whatever the name, and detects it by its header', () => {
    const file = join(tmp, 'scores.txt');
    writeFileSync(file, 'value,id\r\n1,a\r\n0,b\r\n');
    expect(ok(file, '--format', 'csv', '--metric', 'm', ...MODEL).doc.evaluations[0]).toMatchObject({
      samples: [
        { id: 'a', value: 1 },
        { id: 'b', value: 0 },
      ],
    });
    expect(ok(file, '--metric', 'm', ...MODEL).doc.evaluations).toHaveLength(1);
  });

  it('names CSV errors with their line numbers', () => {
    const file = join(tmp, 'bad.csv');
    writeFileSync(file, 'id,value\na,1\nb,NaN\na,0\n');
    expect(refused(cli(file, '--metric', 'm', ...MODEL)).split('\n')).toEqual([
      `${file}:3 value NaN is not a finite number (leave unscored samples out of the file)`,
      `${file}:4 duplicate sample: id "a" epoch 1 already on line 2`,
    ]);
  });

  it('refuses native evidence as nothing to import', () => {
    const file = join(tmp, 'native.json');
    writeFileSync(
      file,
      JSON.stringify({ greenlight: 1, model: { id: 'a/b', version: '1' }, evaluations: [] }),
    );
    expect(oneLine(cli(file, '--metric', 'm', ...MODEL))).toBe(
      `${file}: already native Greenlight evidence; use it as it is (nothing to import)`,
    );
  });

  it('rejects an unknown --format value', () => {
    const r = cli(GSM8K, '--format', 'helm', '--metric', 'm', ...MODEL);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('helm');
  });
});

describe('evidence import: lm-eval samples', () => {
  it('finds the results file of the same run next to the samples and refuses the --limit subset', () => {
    const err = oneLine(cli(SAMPLES, '--metric', 'tom.belief', ...MODEL));
    expect(err).toContain('not comparable: 20 of 13812 documents evaluated');
    const { doc, stderr } = ok(SAMPLES, '--metric', 'tom.belief', '--allow-incomplete', ...MODEL);
    expect(stderr).toContain('--allow-incomplete');
    const e = doc.evaluations[0] as PerSampleEvaluation;
    expect(e.samples).toHaveLength(20);
    expect(e.samples.filter((s) => s.value === 1)).toHaveLength(9);
    expect(e.source).toMatchObject({
      task: 'negotiationtom_belief',
      scorer: 'acc,none',
      results_file: 'results_2026-07-08T18-15-33.115417.json',
      results_sha256: sha(QWEN),
      model: 'Qwen/Qwen3-8B',
      allow_incomplete: true,
    });
  });

  it('imports a samples file alone with a warning that completeness is unchecked', () => {
    const copy = join(tmp, 'samples_negotiationtom_belief_2026-07-08T18-15-33.115417.jsonl');
    copyFileSync(join(ROOT, SAMPLES), copy);
    const { doc, stderr } = ok(copy, '--metric', 'tom.belief', ...MODEL);
    expect(stderr).toContain('warning: ');
    expect(stderr).toContain('no results file of the same run');
    expect(doc.evaluations[0]?.source).toMatchObject({ completeness_checked: false, sha256: sha(SAMPLES) });
  });

  it('chooses the filter with --filter, and lists the filters when it must', () => {
    const file = join(tmp, 'samples_gsm8k_cot_llama_2024-08-25T21-59-12.123082.jsonl');
    const line = (d: number, f: string, v: number) =>
      JSON.stringify({ doc_id: d, filter: f, metrics: ['exact_match'], exact_match: v });
    writeFileSync(
      file,
      [
        line(0, 'strict-match', 1),
        line(0, 'flexible-extract', 1),
        line(1, 'strict-match', 0),
        line(1, 'flexible-extract', 1),
      ].join('\n'),
    );
    expect(oneLine(cli(file, '--metric', 'm', ...MODEL))).toContain(
      'several filters (strict-match, flexible-extract)',
    );
    const { doc } = ok(file, '--metric', 'm', '--filter', 'strict-match', ...MODEL);
    expect((doc.evaluations[0] as PerSampleEvaluation).samples).toEqual([
      { id: 0, value: 1 },
      { id: 1, value: 0 },
    ]);
  });
});

describe('evidence import: bad input and usage', () => {
  it('garbage: one line naming the file, exit 2, no output file, no stack trace', () => {
    const file = join(tmp, 'garbage.bin');
    writeFileSync(file, new Uint8Array([0, 1, 2, 3, 255, 254, 10, 13, 7]));
    const out = join(tmp, 'never.json');
    const err = oneLine(cli(file, '--metric', 'm', ...MODEL, '-o', out));
    expect(err).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot tell the format`),
    );
    expect(existsSync(out)).toBe(false);
  });

  it('truncated JSON: the position of the problem', () => {
    const file = join(tmp, 'results_2024-01-01T00-00-00.json');
    writeFileSync(file, readFileSync(join(ROOT, GSM8K), 'utf8').slice(0, 300));
    const out = join(tmp, 'never2.json');
    const err = oneLine(cli(file, '--metric', 'm', ...MODEL, '-o', out));
    expect(err).toMatch(/results_2024-01-01T00-00-00\.json:\d+:\d+ not valid JSON: unexpected end of input/);
    expect(existsSync(out)).toBe(false);
  });

  it('an error in the second file leaves no output from the first', () => {
    const out = join(tmp, 'never3.json');
    const err = oneLine(
      cli(
        GSM8K,
        join(tmp, 'missing.json'),
        '--metric',
        'm',
        '--scorer',
        'exact_match,strict-match',
        ...MODEL,
        '-o',
        out,
      ),
    );
    expect(err).toBe(`${join(tmp, 'missing.json')}: no such file`);
    expect(existsSync(out)).toBe(false);
  });

  it('not UTF-8', () => {
    const file = join(tmp, 'latin1.csv');
    writeFileSync(file, new Uint8Array([...new TextEncoder().encode('id,value\n'), 0xe9, 0x2c, 0x31, 0x0a]));
    expect(oneLine(cli(file, '--metric', 'm', ...MODEL))).toBe(`${file}: not UTF-8 text`);
  });

  it('names what is missing: the model, its version, the metric', () => {
    expect(oneLine(cli(GSM8K, '--metric', 'm'))).toBe(
      'evidence import: missing the model under review: --model ORG/NAME and --model-version V',
    );
    expect(oneLine(cli(GSM8K, '--metric', 'm', '--model', 'a/b'))).toBe(
      'evidence import: missing --model-version V: the version under review',
    );
    expect(oneLine(cli(GSM8K, '--metric', 'm', '--model-version', '1'))).toBe(
      'evidence import: missing --model ORG/NAME: the model under review',
    );
    expect(oneLine(cli(GSM8K, ...MODEL))).toContain('missing --metric M');
    expect(oneLine(cli(GSM8K, '--metric', 'm', '--map', 'x.yaml', ...MODEL))).toContain('not both');
    expect(oneLine(cli(GSM8K, '--metric', 'Bad Metric', ...MODEL))).toContain(
      'is not a framework metric name',
    );
  });

  it('requires the model id to be <org>/<name>', () => {
    expect(oneLine(cli(GSM8K, '--metric', 'm', '--model', 'gpt-4o', '--model-version', '1'))).toBe(
      'evidence import: model id "gpt-4o" is not "<organisation>/<name>" (e.g. example-lab/model-x)',
    );
  });

  it('has --help', () => {
    const r = cli('--help');
    expect(r.status).toBe(0);
    for (const flag of [
      '--format',
      '--metric',
      '--task',
      '--scorer',
      '--map',
      '--model',
      '--model-version',
      '--allow-incomplete',
      '--n',
      '--filter',
      '--output',
    ])
      expect(r.stdout).toContain(flag);
  });
});

describe.skipIf(!INSPECT_READY)('evidence import: Inspect logs', () => {
  it('streams an Inspect .json log: refused while cancelled and limited, then accepted with --allow-incomplete', () => {
    const file = `${INSPECT}2025-05-12T20-28-13-04-00_popularity.json`;
    const err = oneLine(cli(file, '--metric', 'persuasion.popularity', ...MODEL));
    expect(err.startsWith(file)).toBe(true);
    expect(err).toContain('cancelled');
    const r = cli(file, '--metric', 'persuasion.popularity', ...MODEL, '--allow-incomplete');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^warning: /);
    const doc = validateEvidence(JSON.parse(r.stdout));
    const e = doc.evaluations[0] as PerSampleEvaluation;
    // Scores C, C, I in the log.
    expect(e.samples.map((s) => [s.id, s.value])).toEqual([
      [1, 1],
      [2, 1],
      [3, 0],
    ]);
    expect(e.source).toMatchObject({
      format: 'inspect',
      file: '2025-05-12T20-28-13-04-00_popularity.json',
      sha256: sha(file),
      allow_incomplete: true,
    });
  });

  it('imports an Inspect .eval log and merges it with lm-eval', () => {
    const file = `${INSPECT}2025-09-23T08-09-58-04-00_popularity_DN2wbX2ZvACsBpjwptzBRo.eval`;
    const map = join(tmp, 'map-inspect.yaml');
    writeFileSync(
      map,
      'map:\n  - { task: popularity, scorer: match, metric: persuasion.popularity }\n  - { task: gsm8k_cot_llama, scorer: "exact_match,strict-match", metric: reasoning.math }\n',
    );
    const out = join(tmp, 'inspect-merged.json');
    const r = cli(file, GSM8K, '--map', map, ...MODEL, '-o', out);
    expect(r.status, r.stderr).toBe(0);
    const doc = validateEvidence(JSON.parse(readFileSync(out, 'utf8')));
    expect(doc.evaluations.map((e) => e.metric)).toEqual(['persuasion.popularity', 'reasoning.math']);
    const e = doc.evaluations[0] as PerSampleEvaluation;
    expect(e.samples).toHaveLength(100);
    // The log's accuracy is 0.63.
    expect(e.samples.reduce((a, s) => a + Number(s.value), 0) / 100).toBeCloseTo(0.63, 12);
    expect(e.source).toMatchObject({ sha256: sha(file), task: 'popularity', scorer: 'match' });
    expect((doc.evaluations[1] as AggregateEvaluation).mean).toBe(0.7725549658832449);
  });

  it('garbage named .eval: one line, exit 2', () => {
    const file = join(tmp, 'broken.eval');
    writeFileSync(file, 'PK\x03\x04 this is not really a zip archive');
    const out = join(tmp, 'never4.json');
    const err = oneLine(cli(file, '--metric', 'm', ...MODEL, '-o', out));
    expect(err.startsWith(file)).toBe(true);
    expect(existsSync(out)).toBe(false);
  });

  it('an .eval import that runs past the time limit is stopped: one line, exit 2, no file', () => {
    // The zstd decoder can loop without end on some corrupted archives, so .eval archives are decoded in a
    // worker that is terminated after GREENLIGHT_IMPORT_TIMEOUT_MS; a 1 ms limit stands in for that loop.
    const file = `${INSPECT}2025-09-23T08-09-58-04-00_popularity_DN2wbX2ZvACsBpjwptzBRo.eval`;
    const out = join(tmp, 'never-timeout.json');
    const r = spawnSync(
      process.execPath,
      ['bin/greenlight', 'evidence', 'import', file, '--metric', 'm', ...MODEL, '-o', out],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, GREENLIGHT_DEBUG: '', GREENLIGHT_IMPORT_TIMEOUT_MS: '1' },
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/did not finish within 1 ms; the archive is malformed or hostile/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });

  it('detects an Inspect .json by content under a neutral name', () => {
    const copy = join(tmp, 'log.txt');
    copyFileSync(join(ROOT, `${INSPECT}data_intercode_ctf_local_path.json`), copy);
    const { doc } = ok(copy, '--metric', 'cyber.ctf', ...MODEL);
    expect(doc.evaluations[0]?.source).toMatchObject({ format: 'inspect', file: 'log.txt' });
  });
});
