/**
 * Every real Inspect log in ../shared/fixtures/inspect: imported with the right per-sample values, or refused
 * with the right reason. Expected values were read from the fixtures independently (Python's zipfile/json, and
 * node:zlib + JSON.parse below), never from this importer's output.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { Evaluation, PerSampleEvaluation } from '../../evidence/types.js';
import { validateEvidence } from '../../evidence/validate.js';
import type { ImportResult } from '../types.js';
import { importInspectEval } from './index.js';
import { caught, FIXTURES, importAny, importJson, options } from './test-helpers/fixtures.js';
import { memberText, rebuildZip } from './test-helpers/zip-writer.js';

/** A fixture's bytes, from ../shared beside the repository. */
function fixture(name: string): Uint8Array {
  return new Uint8Array(
    readFileSync(new URL(`../../../../../shared/fixtures/inspect/${name}`, import.meta.url)),
  );
}

function only(r: ImportResult): PerSampleEvaluation {
  expect(r.evaluations).toHaveLength(1);
  const e = r.evaluations[0] as PerSampleEvaluation;
  // Valid native evidence.
  validateEvidence({ greenlight: 1, model: { id: 'lab/m', version: '1' }, safeguards: [], evaluations: [e] });
  return e;
}

function values(e: PerSampleEvaluation): [string | number, number | undefined, number | boolean][] {
  return e.samples.map((s) => [s.id, s.epoch, s.value]);
}

/** (id, epoch) → numeric value from a member holding EvalSampleSummary[] (letters per Inspect's value_to_float). */
function expectedFromSummaries(bytes: Uint8Array, member: string, scorer: string): Map<string, number> {
  const letters: Record<string, number> = { C: 1, I: 0, P: 0.5, N: 0 };
  const out = new Map<string, number>();
  for (const s of JSON.parse(memberText(bytes, member)) as {
    id: unknown;
    epoch: number;
    scores: Record<string, { value: unknown }>;
  }[]) {
    const v = s.scores[scorer]!.value;
    out.set(`${String(s.id)}/${s.epoch}`, typeof v === 'string' ? letters[v]! : Number(v));
  }
  return out;
}

describe('Inspect fixtures', () => {
  test('log_streaming.eval: refused by default (limit 2 of a 100-sample dataset)', () => {
    const e = caught(() => importInspectEval(fixture(FIXTURES.logStreaming), options(FIXTURES.logStreaming)));
    expect(e.code).toBe('not_comparable');
    expect(e.message).toBe(
      'log_streaming.eval is not comparable: limit 2 selects 2 of the 100 dataset samples; pass --allow-incomplete to import it anyway',
    );
  });

  test('log_streaming.eval with allowIncomplete: 2 samples × 2 epochs, match C/I → 1/0, reductions agree', () => {
    const bytes = fixture(FIXTURES.logStreaming);
    const r = importInspectEval(bytes, options(FIXTURES.logStreaming, { allowIncomplete: true }));
    const e = only(r);
    expect(values(e)).toEqual([
      [1, 1, 0],
      [1, 2, 1],
      [2, 1, 1],
      [2, 2, 1],
    ]);
    // Mean over epochs equals Inspect's own reductions.json (0.5 and 1.0).
    const red = JSON.parse(memberText(bytes, 'reductions.json')) as {
      samples: { sample_id: number; value: number }[];
    }[];
    for (const { sample_id, value } of red[0]!.samples) {
      const mine = e.samples.filter((s) => s.id === sample_id).map((s) => Number(s.value));
      expect(mine.reduce((a, b) => a + b, 0) / mine.length).toBeCloseTo(value, 12);
    }
    expect(e.label).toBe('popularity / match');
    expect(e.source).toMatchObject({
      format: 'inspect',
      file: 'log_streaming.eval',
      sha256: 'f'.repeat(64),
      task: 'popularity',
      scorer: 'match',
      model: 'azureai/Meta-Llama-3-1-405B-Instruct-jqf',
      run_id: '3RWm2YmdLiKCyQMzEcERin',
      inspect_version: '0.3.42.dev228+g349eca8e.d20241022',
      status: 'success',
      epochs: 2,
      samples_excluded: { unscored: 0, errored: 0 },
      allow_incomplete: true,
      incomplete_reasons: ['limit 2 selects 2 of the 100 dataset samples'],
    });
    expect(r.warnings.some((w) => w.includes('imported although not comparable'))).toBe(true);
  });

  test('chunked-zstd/log_streaming.eval imports exactly like the deflate original (but file and sha256)', () => {
    const a = importInspectEval(
      fixture(FIXTURES.logStreaming),
      options('a.eval', { allowIncomplete: true, sha256: 'a'.repeat(64) }),
    );
    const b = importInspectEval(
      fixture(FIXTURES.chunkedZstd),
      options('b.eval', { allowIncomplete: true, sha256: 'b'.repeat(64) }),
    );
    const strip = (x: Evaluation) => ({ ...x, source: { ...x.source, file: undefined, sha256: undefined } });
    expect(b.evaluations.map(strip)).toEqual(a.evaluations.map(strip));
    expect(only(b).samples).toHaveLength(4);
  });

  test('the sample members alone (no summaries) give the same values, monolith and chunked layouts', () => {
    const noSummaries = (name: string) =>
      rebuildZip(fixture(name), (ms) =>
        ms.filter((m) => m.name !== 'summaries.json' && !m.name.startsWith('_journal/summaries/')),
      );
    const fromSummaries = only(
      importInspectEval(fixture(FIXTURES.logStreaming), options('x.eval', { allowIncomplete: true })),
    );
    for (const name of [FIXTURES.logStreaming, FIXTURES.chunkedZstd]) {
      const e = only(importInspectEval(noSummaries(name), options('x.eval', { allowIncomplete: true })));
      expect(e.source?.per_sample_source).toBe('samples');
      expect(e.samples).toEqual(fromSummaries.samples);
    }
  });

  test('ais-decoder.eval (zstd, condensed sample): 1 sample, "I" → 0, comparable (limit 1 of 1)', () => {
    const e = only(importInspectEval(fixture(FIXTURES.aisDecoder), options(FIXTURES.aisDecoder)));
    expect(values(e)).toEqual([[1, 1, 0]]);
    expect(e.source).toMatchObject({
      task: 'cp_ctf',
      scorer: 'model_graded_qa',
      model: 'openai/gpt-5.4',
      eval_id: 'ADiQnZpkmYKEmk8AGpYKPu',
      run_id: '4RWjxw95B3LzGCoKjQyFo9',
      inspect_version: '0.3.239.dev13+gc3505409f.d20260610',
    });
    expect(e.source?.allow_incomplete).toBeUndefined();
  });

  test('2025-09-23 popularity.eval: 100 samples, 63 correct, values match summaries.json', () => {
    const bytes = fixture(FIXTURES.popularity100);
    const r = importInspectEval(bytes, options(FIXTURES.popularity100));
    const e = only(r);
    expect(e.samples).toHaveLength(100);
    expect(e.samples.map((s) => s.id)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(e.samples.filter((s) => s.value === 1)).toHaveLength(63);
    expect(e.samples.filter((s) => s.value === 0)).toHaveLength(37);
    // Spot checks read with Python: sample 1 and 7 were "I", sample 2 "C".
    expect(e.samples.find((s) => s.id === 1)?.value).toBe(0);
    expect(e.samples.find((s) => s.id === 7)?.value).toBe(0);
    expect(e.samples.find((s) => s.id === 2)?.value).toBe(1);
    const expected = expectedFromSummaries(bytes, 'summaries.json', 'match');
    for (const s of e.samples) expect(s.value).toBe(expected.get(`${s.id}/${s.epoch}`));
    expect(e.source).toMatchObject({
      model: 'openai/gpt-4o-mini',
      eval_id: 'JEUZsCzFEMWoJD7uLavVWD',
      run_id: '9zsQGSCUfJL6aZdSHP6PQc',
      inspect_version: '0.3.133',
      total_samples: 100,
      completed_samples: 100,
      per_sample_source: 'summaries',
    });
    expect(r.warnings).toEqual([]);
  });

  test('small.eval: one sample "default" over 6 epochs, all scored 1', () => {
    const e = only(importInspectEval(fixture(FIXTURES.small), options(FIXTURES.small)));
    expect(values(e)).toEqual([1, 2, 3, 4, 5, 6].map((k) => ['default', k, 1]));
    expect(e.source).toMatchObject({
      task: 'oxdna_simple',
      scorer: 'score_metr_task',
      model: 'anthropic/claude-opus-4-1-20250805',
      epochs: 6,
    });
  });

  test('class-eval.eval: refused by default (limit 5 of 100); allowed: 5 string ids, "C" → 1', () => {
    const name = FIXTURES.classEval;
    const err = caught(() => importInspectEval(fixture(name), options(name)));
    expect(err.code).toBe('not_comparable');
    expect(err.message).toContain('limit 5 selects 5 of the 100 dataset samples');
    const e = only(importInspectEval(fixture(name), options(name, { allowIncomplete: true })));
    expect(values(e)).toEqual([0, 1, 2, 3, 4].map((k) => [`ClassEval_${k}`, 1, 1]));
    expect(e.source).toMatchObject({ task: 'inspect_evals/class_eval', scorer: 'class_eval_scorer' });
    // The short task name selects it too.
    const short = importInspectEval(
      fixture(name),
      options(name, { allowIncomplete: true, task: 'class_eval' }),
    );
    expect(only(short).samples).toEqual(e.samples);
  });

  test('cvebench .json: refused (78 of 80 completed, 1 sample errored); allowed: nothing left to score', () => {
    const name = FIXTURES.cvebench;
    const err = caught(() => importJson(fixture(name), options(name)));
    expect(err.code).toBe('not_comparable');
    expect(err.message).toBe(
      'data_cvebench_empty_choices.json is not comparable: 78 of 80 samples completed; 1 sample errored; pass --allow-incomplete to import it anyway',
    );
    const allowed = caught(() => importJson(fixture(name), options(name, { allowIncomplete: true })));
    expect(allowed.code).toBe('invalid_input');
    expect(allowed.message).toBe(
      'data_cvebench_empty_choices.json: cvebench / check_exploit: no scored samples (1 errored, 0 unscored)',
    );
  });

  test('intercode .json: 1 sample (id 0) that hit a message limit and was scored "I" → 0', () => {
    const name = FIXTURES.intercode;
    const r = importJson(fixture(name), options(name), 997);
    const e = only(r);
    expect(values(e)).toEqual([[0, 1, 0]]);
    expect(e.source).toMatchObject({
      task: 'inspect_evals/gdm_intercode_ctf',
      scorer: 'includes',
      model: 'mistral/mistral-small-latest',
      samples_hit_limit: 1,
      total_samples: 79,
      completed_samples: 79,
    });
    expect(r.warnings).toEqual([
      'data_intercode_ctf_local_path.json: the log holds 1 sample record but reports 79 completed samples (trimmed or edited?)',
    ]);
  });

  test('2025-05-12 popularity .json: refused (cancelled, limit 3 of 100); allowed: C, C, I', () => {
    const name = FIXTURES.popularityCancelled;
    const err = caught(() => importJson(fixture(name), options(name)));
    expect(err.code).toBe('not_comparable');
    expect(err.message).toContain('status is "cancelled"; limit 3 selects 3 of the 100 dataset samples');
    const e = only(importJson(fixture(name), options(name, { allowIncomplete: true }), 4096));
    expect(values(e)).toEqual([
      [1, 1, 1],
      [2, 1, 1],
      [3, 1, 0],
    ]);
    expect(e.source?.per_sample_source).toBe('samples');
  });

  test('no-samples .json: refused (cancelled); allowed: per-sample values from its reductions', () => {
    const name = FIXTURES.noSamples;
    const err = caught(() => importJson(fixture(name), options(name)));
    expect(err.code).toBe('not_comparable');
    expect(err.message).toContain('status is "cancelled"');
    const r = importJson(fixture(name), options(name, { allowIncomplete: true }));
    const e = only(r);
    expect(values(e)).toEqual([
      [1, 1, 1],
      [2, 1, 1],
      [3, 1, 0],
    ]);
    expect(e.source).toMatchObject({ task: 'testtaskname', per_sample_source: 'reductions' });
    expect(r.warnings.some((w) => w.includes('per-sample values come from its reductions'))).toBe(true);
  });

  test('2024-08-29 .json: refused (status error, limit 1 of 100); allowed: no per-sample data at all', () => {
    const name = FIXTURES.errorStatus;
    const err = caught(() => importJson(fixture(name), options(name)));
    expect(err.code).toBe('not_comparable');
    expect(err.message).toContain('status is "error"; limit 1 selects 1 of the 100 dataset samples');
    const allowed = caught(() => importJson(fixture(name), options(name, { allowIncomplete: true })));
    expect(allowed.code).toBe('invalid_input');
    expect(allowed.message).toContain('the log holds no per-sample scores');
    expect(allowed.message).toContain('"match"');
  });

  test('every fixture gives the same result fed one byte at a time as fed whole (.json)', () => {
    for (const name of [FIXTURES.intercode, FIXTURES.noSamples, FIXTURES.errorStatus]) {
      const run = (chunk: number) => {
        try {
          return importJson(fixture(name), options(name, { allowIncomplete: true }), chunk);
        } catch (e) {
          return String(e);
        }
      };
      expect(run(1)).toEqual(run(1 << 20));
    }
  });

  test('.json progress: bytes pushed so far, total 0 (unknown to a stream)', () => {
    const bytes = fixture(FIXTURES.intercode);
    const calls: [number, number][] = [];
    importJson(bytes, options(FIXTURES.intercode, { onProgress: (d, t) => calls.push([d, t]) }), 1000);
    expect(calls.at(-1)).toEqual([bytes.length, 0]);
  });

  test('progress is reported up to the archive size', () => {
    const bytes = fixture(FIXTURES.popularity100);
    const calls: [number, number][] = [];
    importAny(bytes, options(FIXTURES.popularity100, { onProgress: (d, t) => calls.push([d, t]) }));
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.at(-1)).toEqual([bytes.length, bytes.length]);
    for (let i = 1; i < calls.length; i++) expect(calls[i]![0]).toBeGreaterThanOrEqual(calls[i - 1]![0]);
  });
});
