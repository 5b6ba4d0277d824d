/** Synthetic Inspect logs, generated here, for what no public fixture shows. */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { PerSampleEvaluation } from '../../evidence/types.js';
import { validateEvidence } from '../../evidence/validate.js';
import type { ImportOptions, ImportResult } from '../types.js';
import { importInspectEval } from './index.js';
import { caught, FIXTURES, importJson, options } from './test-helpers/fixtures.js';
import { evalLog, header, jsonLog, jsonText, sample, summary } from './test-helpers/synthetic.js';
import { buildZip, crc32, memberText, rebuildZip } from './test-helpers/zip-writer.js';

/** A fixture's bytes, from ../shared beside the repository. */
function fixture(name: string): Uint8Array {
  return new Uint8Array(
    readFileSync(new URL(`../../../../../shared/fixtures/inspect/${name}`, import.meta.url)),
  );
}

type Obj = Record<string, unknown>;

function valid(r: ImportResult): PerSampleEvaluation[] {
  validateEvidence({
    greenlight: 1,
    model: { id: 'lab/m', version: '1' },
    safeguards: [],
    evaluations: r.evaluations,
  });
  return r.evaluations as PerSampleEvaluation[];
}

const triples = (e: PerSampleEvaluation) => e.samples.map((s) => [s.id, s.epoch, s.value]);

/** Imports the same log as `.json` and as `.eval` and checks both agree. */
function both(h: Obj, samples: Obj[], opts: Partial<ImportOptions> = {}): ImportResult {
  const viaJson = importJson(jsonLog(h, samples), options('log.json', opts), 61);
  const viaEval = importInspectEval(evalLog({ header: h, samples }), options('log.json', opts));
  expect(viaEval.evaluations.map((e) => (e as PerSampleEvaluation).samples)).toEqual(
    viaJson.evaluations.map((e) => (e as PerSampleEvaluation).samples),
  );
  return viaJson;
}

describe('non-finite tokens', () => {
  test('NaN is unscored (excluded and counted), in .json and .eval', () => {
    const h = header({
      results: {
        total_samples: 3,
        completed_samples: 3,
        scores: [{ scorer: 'match', metrics: { accuracy: { value: Number.NaN } } }],
      },
    });
    const samples = [
      sample(1, 1, { match: { value: 1 } }),
      sample(2, 1, { match: { value: Number.NaN } }),
      sample(3, 1, { match: { value: 0 } }),
    ];
    expect(new TextDecoder().decode(jsonLog(h, samples))).toContain('"value": NaN');
    const r = both(h, samples);
    const [e] = valid(r);
    expect(triples(e!)).toEqual([
      [1, 1, 1],
      [3, 1, 0],
    ]);
    expect(e!.source).toMatchObject({
      samples_excluded: { unscored: 1, errored: 0 },
      exclusions: [{ id: 2, epoch: 1, reason: 'unscored (NaN)' }],
    });
    expect(r.warnings).toContain('log.json: demo / match: excluded 1 unscored sample (not scored as 0)');
  });

  test('Infinity and -Infinity are accepted as tokens; as a score they are an error naming the sample', () => {
    const h = header({}, { metadata: { a: Number.POSITIVE_INFINITY, b: Number.NEGATIVE_INFINITY } });
    const ok = [sample(1, 1, { match: { value: 'C', metadata: { x: Number.NEGATIVE_INFINITY } } })];
    expect(triples(valid(importJson(jsonLog(h, ok), options('log.json')))[0]!)).toEqual([[1, 1, 1]]);
    const bad = [sample('q-1', 2, { match: { value: Number.POSITIVE_INFINITY } })];
    const e = caught(() => importJson(jsonLog(h, bad), options('log.json', { allowIncomplete: true })));
    expect(e.code).toBe('invalid_input');
    expect(e.message).toBe(
      'log.json: sample "q-1" epoch 2, scorer "match": score value Infinity is not finite',
    );
  });

  test('a score that cannot be read is an error naming the file and sample', () => {
    const samples = [sample(1, 1, { match: { value: 'C' } }), sample(2, 1, { match: { value: 'maybe' } })];
    const e = caught(() => importJson(jsonLog(header(), samples), options('x.json')));
    expect(e.message).toBe(
      'x.json: sample 2 epoch 1, scorer "match": score value "maybe" is not a number, C/P/I/N, yes/no, true/false or a numeric string',
    );
  });
});

describe('comparability', () => {
  test('eval-level error status is refused with its message; allowed, it is recorded', () => {
    const h = header({
      status: 'error',
      error: { message: 'RuntimeError: sandbox died\nmore', traceback: 'Traceback…', traceback_ansi: '…' },
      results: { total_samples: 3, completed_samples: 2, scores: [{ scorer: 'match' }] },
    });
    const samples = [sample(1, 1, { match: { value: 'C' } }), sample(2, 1, { match: { value: 'I' } })];
    const e = caught(() => importJson(jsonLog(h, samples), options('err.json')));
    expect(e.code).toBe('not_comparable');
    expect(e.message).toBe(
      'err.json is not comparable: status is "error" (RuntimeError: sandbox died); 2 of 3 samples completed; pass --allow-incomplete to import it anyway',
    );
    const [ev] = valid(importJson(jsonLog(h, samples), options('err.json', { allowIncomplete: true })));
    expect(ev!.source).toMatchObject({
      status: 'error',
      allow_incomplete: true,
      incomplete_reasons: ['status is "error" (RuntimeError: sandbox died)', '2 of 3 samples completed'],
    });
  });

  test('invalidated, sample_id subsets and errored samples are refused; errored samples are dropped, never 0', () => {
    const samples = [
      sample(1, 1, { match: { value: 'C' } }),
      sample(
        2,
        1,
        { match: { value: 'I' } },
        { error: { message: 'boom', traceback: 't', traceback_ansi: 't' } },
      ),
      sample(3, 1, { match: { value: 'C' } }),
    ];
    const h = header(
      { invalidated: true },
      { config: { sample_id: [1, 2, 3] }, dataset: { samples: 10, sample_ids: [1, 2, 3] } },
    );
    const e = caught(() => both(h, samples));
    expect(e.code).toBe('not_comparable');
    expect(e.message).toContain(
      'the log is invalidated; sample_id selects 3 of the 10 dataset samples; 1 sample errored',
    );
    const r = both(h, samples, { allowIncomplete: true });
    const [ev] = valid(r);
    expect(triples(ev!)).toEqual([
      [1, 1, 1],
      [3, 1, 1],
    ]);
    expect(ev!.source).toMatchObject({
      samples_excluded: { unscored: 0, errored: 1 },
      exclusions: [{ id: 2, epoch: 1, reason: 'errored: boom' }],
    });
  });

  test('a limit that covers the whole dataset is not a subset; an unknown dataset size is', () => {
    const samples = [sample(1, 1, { match: { value: 1 } })];
    const whole = header({}, { config: { limit: 50 }, dataset: { samples: 1, sample_ids: [1] } }, 1);
    expect(valid(importJson(jsonLog(whole, samples), options('a.json')))).toHaveLength(1);
    const unknown = header({}, { config: { limit: [0, 5] }, dataset: { name: 'd' } }, 1);
    const e = caught(() => importJson(jsonLog(unknown, samples), options('a.json')));
    expect(e.message).toContain(
      'limit [0,5] may select a subset of the dataset (the dataset size is not recorded)',
    );
  });

  test('sample error retries: the final attempt counts and the retries are recorded', () => {
    const retries = [
      { message: 'rate limit', traceback: 't', traceback_ansi: 't' },
      { message: 'timeout', traceback: 't', traceback_ansi: 't' },
    ];
    const samples = [
      sample(1, 1, { match: { value: 'C' } }, { error_retries: retries }),
      sample(2, 1, { match: { value: 'P' } }, { error_retries: [] }),
    ];
    const r = both(header({}, {}, 2), samples);
    const [e] = valid(r);
    expect(triples(e!)).toEqual([
      [1, 1, 1],
      [2, 1, 0.5],
    ]);
    expect(e!.source).toMatchObject({ samples_retried: 1, samples_excluded: { unscored: 0, errored: 0 } });
  });

  test('edited scores are imported with their current value and counted', () => {
    const edit = { value: 'C', provenance: { author: 'rev', reason: 'regrade' } };
    const samples = [
      sample(1, 1, { match: { value: 'C', history: [edit] } }),
      sample(2, 1, { match: { value: 'I' } }),
    ];
    const r = importJson(jsonLog(header({}, {}, 2), samples), options('e.json'));
    expect(valid(r)[0]!.source).toMatchObject({ scores_edited: 1 });
    expect(r.warnings).toContain('e.json: demo / match: 1 score was edited after the run');
  });
});

describe('.eval containers', () => {
  const h = header();
  const samples = [
    sample(1, 1, { match: { value: 'C' } }),
    sample(2, 1, { match: { value: 'I' } }),
    sample(3, 1, { match: { value: 'C' } }),
  ];

  test('missing header.json: the journal is read, status "started", refused unless allowed', () => {
    const bytes = rebuildZip(fixture(FIXTURES.logStreaming), (ms) =>
      ms.filter((m) => !['header.json', 'summaries.json', 'reductions.json'].includes(m.name)),
    );
    const e = caught(() => importInspectEval(bytes, options('crashed.eval')));
    expect(e.code).toBe('not_comparable');
    expect(e.message).toBe(
      'crashed.eval is not comparable: status is "started" (header.json is missing: the run crashed or is still running); limit 2 selects 2 of the 100 dataset samples; pass --allow-incomplete to import it anyway',
    );
    // Fewer records than dataset × epochs are reported too.
    const partial = rebuildZip(fixture(FIXTURES.logStreaming), (ms) =>
      ms.filter(
        (m) =>
          !['header.json', 'summaries.json', 'reductions.json'].includes(m.name) &&
          !m.name.startsWith('samples/'),
      ),
    );
    const edited = rebuildZip(partial, (ms) => [
      ...ms.filter((m) => m.name !== '_journal/summaries/1.json'),
      ...journalWith(JSON.parse(memberText(partial, '_journal/summaries/1.json')).slice(0, 3)),
    ]);
    expect(caught(() => importInspectEval(edited, options('crashed.eval'))).message).toContain(
      '3 of 4 samples recorded',
    );
    const r = importInspectEval(bytes, options('crashed.eval', { allowIncomplete: true }));
    const [ev] = valid(r);
    expect(triples(ev!)).toEqual([
      [1, 1, 0],
      [1, 2, 1],
      [2, 1, 1],
      [2, 2, 1],
    ]);
    expect(ev!.source).toMatchObject({ status: 'started', per_sample_source: 'journal summaries' });
    expect(r.warnings[0]).toBe(
      'crashed.eval: no header.json (a crashed or running eval); read the journal instead',
    );
  });

  test('journal summary files are merged in numeric order, the last record of an (id, epoch) winning', () => {
    const j = (n: number, rows: Obj[]) => ({ name: `_journal/summaries/${n}.json`, data: jsonText(rows) });
    const bytes = buildZip([
      { name: '_journal/start.json', data: jsonText({ version: 2, eval: h.eval }) },
      j(10, [summary(sample(1, 1, { match: { value: 'I' } }))]),
      j(2, [
        summary(sample(1, 1, { match: { value: 'C' } })),
        summary(sample(2, 1, { match: { value: 'C' } })),
      ]),
      j(1, [summary(sample(3, 1, { match: { value: 0.25 } }))]),
    ]);
    const [ev] = valid(importInspectEval(bytes, options('j.eval', { allowIncomplete: true })));
    expect(triples(ev!)).toEqual([
      [1, 1, 0],
      [2, 1, 1],
      [3, 1, 0.25],
    ]);
  });

  test('zip64 records and extra fields (hand-built) read like the plain archive', () => {
    const plain = importInspectEval(evalLog({ header: h, samples }), options('a.eval'));
    const z64bytes = evalLog({ header: h, samples }, { zip64: true });
    // The 32-bit end record really is saturated, and a Zip64 locator precedes it.
    const view = new DataView(z64bytes.buffer);
    expect(view.getUint16(z64bytes.length - 22 + 10, true)).toBe(0xffff);
    expect(view.getUint32(z64bytes.length - 42, true)).toBe(0x07064b50);
    const z64 = importInspectEval(z64bytes, options('a.eval'));
    expect(z64).toEqual(plain);
    expect(triples(valid(z64)[0]!)).toEqual([
      [1, 1, 1],
      [2, 1, 0],
      [3, 1, 1],
    ]);
  });

  test('repeated member names: the last one wins (summaries, and a requeued sample)', () => {
    const first = summaryArr([sample(1, 1, { match: { value: 'I' } })]);
    const last = summaryArr(samples);
    const bytes = buildZip([
      { name: 'header.json', data: jsonText(header({ status: 'cancelled' })) },
      { name: 'summaries.json', data: first },
      { name: 'summaries.json', data: last },
      { name: 'header.json', data: jsonText(h) },
    ]);
    expect(triples(valid(importInspectEval(bytes, options('d.eval')))[0]!)).toEqual([
      [1, 1, 1],
      [2, 1, 0],
      [3, 1, 1],
    ]);
    // Samples only (no summaries): a requeued sample appended under the same name replaces the first.
    const requeued = evalLog({
      header: h,
      samples,
      summaries: false,
      extra: [{ name: 'samples/2_epoch_1.json', data: jsonText(sample(2, 1, { match: { value: 'C' } })) }],
    });
    const [ev] = valid(importInspectEval(requeued, options('r.eval')));
    expect(triples(ev!)).toEqual([
      [1, 1, 1],
      [2, 1, 1],
      [3, 1, 1],
    ]);
    expect(ev!.source?.per_sample_source).toBe('samples');
  });

  test('sample members are read when summaries cover fewer samples than the archive holds', () => {
    const bytes = evalLog({ header: h, samples, summaries: [summary(samples[0]!)] });
    const [ev] = valid(importInspectEval(bytes, options('p.eval')));
    expect(ev!.samples).toHaveLength(3);
    expect(ev!.source?.per_sample_source).toBe('samples');
  });

  test('names with ../ or absolute paths are only names', () => {
    const evil = buildZip([
      { name: '../header.json', data: jsonText(h) },
      { name: '/header.json', data: jsonText(h) },
      { name: 'samples/../header.json', data: jsonText(h) },
    ]);
    const e = caught(() => importInspectEval(evil, options('evil.eval')));
    expect(e.message).toBe(
      'evil.eval: not an Inspect log: the archive has neither header.json nor _journal/start.json',
    );
    const mixed = evalLog({
      header: h,
      samples,
      extra: [
        { name: '../../etc/passwd', data: 'root:x:0:0' },
        { name: 'samples/../../x.json', data: jsonText(sample(9, 1, { match: { value: 1 } })) },
        { name: '/samples/9_epoch_1.json', data: jsonText(sample(9, 1, { match: { value: 1 } })) },
      ],
    });
    expect(valid(importInspectEval(mixed, options('m.eval')))[0]!.samples.map((s) => s.id)).toEqual([
      1, 2, 3,
    ]);
  });

  test('a .eval whose summaries.json is not an array is refused', () => {
    const bytes = buildZip([
      { name: 'header.json', data: jsonText(h) },
      { name: 'summaries.json', data: '{"id": 1}' },
    ]);
    expect(caught(() => importInspectEval(bytes, options('s.eval'))).message).toBe(
      's.eval: summaries.json: expected a JSON array of samples',
    );
  });
});

/** A `_journal/summaries/1.json` member holding `rows`, stored. */
function journalWith(rows: unknown[]) {
  const data = new TextEncoder().encode(JSON.stringify(rows));
  return [{ name: '_journal/summaries/1.json', method: 0, raw: data, usize: data.length, crc: crc32(data) }];
}

function summaryArr(ss: Obj[]): string {
  return jsonText(ss.map(summary));
}

describe('selection', () => {
  const h = header({
    results: {
      total_samples: 2,
      completed_samples: 2,
      scores: [
        { name: 'match', scorer: 'match' },
        { name: 'uplift', scorer: 'judge' },
        { name: 'harm', scorer: 'judge' },
      ],
    },
  });
  const samples = [
    sample(1, 1, { match: { value: 'C' }, judge: { value: { uplift: 0.75, harm: 'no' } } }),
    sample(2, 1, { match: { value: 'I' }, judge: { value: { uplift: Number.NaN, harm: 'yes' } } }),
  ];
  const bytes = jsonLog(
    { ...h, eval: { ...(h.eval as Obj), dataset: { samples: 2, sample_ids: [1, 2] } } },
    samples,
  );

  test('several scorers: the scorer must be chosen, and the error lists them', () => {
    const e = caught(() => importJson(bytes, options('s.json')));
    expect(e.message).toBe(
      's.json: several scorers have per-sample scores ("judge/harm", "judge/uplift", "match"); choose one with --scorer',
    );
    const wrong = caught(() => importJson(bytes, options('s.json', { scorer: 'includes' })));
    expect(wrong.message).toBe(
      's.json: scorer "includes" is not in this log; it has "judge/harm", "judge/uplift", "match"',
    );
    const dict = caught(() => importJson(bytes, options('s.json', { scorer: 'judge' })));
    expect(dict.message).toBe(
      's.json: scorer "judge" has dict values; choose a key with --scorer: "judge/harm", "judge/uplift"',
    );
  });

  test('scorer and scorer/key pick values; NaN inside a dict is unscored', () => {
    expect(triples(valid(importJson(bytes, options('s.json', { scorer: 'match' })))[0]!)).toEqual([
      [1, 1, 1],
      [2, 1, 0],
    ]);
    const [u] = valid(importJson(bytes, options('s.json', { scorer: 'judge/uplift' })));
    expect(triples(u!)).toEqual([[1, 1, 0.75]]);
    expect(u!.source).toMatchObject({
      scorer: 'judge/uplift',
      samples_excluded: { unscored: 1, errored: 0 },
    });
    expect(u!.label).toBe('demo / judge/uplift');
  });

  test("a task that is not the log's is an error", () => {
    const e = caught(() => importJson(bytes, options('s.json', { task: 'other', scorer: 'match' })));
    expect(e.message).toBe('s.json: task "other" is not in this log; it has task "demo"');
  });

  test('a mapping gives one evaluation per matching rule, and lists the log when none matches', () => {
    const map = {
      map: [
        { task: 'demo', scorer: 'match', metric: 'a.match' },
        { task: 'demo', scorer: 'judge/harm', metric: 'b.harm' },
        { task: 'other', scorer: 'match', metric: 'c.other' },
        { task: 'demo', scorer: 'missing', metric: 'd.missing' },
      ],
    };
    const r = importJson(bytes, { fileName: 'm.json', sha256: 'x', map });
    const evs = valid(r);
    expect(evs.map((e) => e.metric)).toEqual(['a.match', 'b.harm']);
    expect(triples(evs[1]!)).toEqual([
      [1, 1, 0],
      [2, 1, 1],
    ]);
    expect(r.warnings).toContain(
      'm.json: mapping rule for task "demo" names scorer "missing", which this log does not have',
    );
    const none = caught(() =>
      importJson(bytes, {
        fileName: 'm.json',
        sha256: 'x',
        map: { map: [{ task: 'x', scorer: 'match', metric: 'a.b' }] },
      }),
    );
    expect(none.message).toBe(
      'm.json: no mapping rule matches this log: it has task "demo" with scorers "judge/harm", "judge/uplift", "match"',
    );
  });

  test('legacy logs: a single `score` per sample, named by results.scorer', () => {
    const legacy = header({ results: { scorer: { name: 'includes' }, metrics: {} } }, {}, 2);
    const old = [
      { id: 'a', epoch: 1, input: 'q', target: 't', score: { value: 'C' } },
      { id: 'b', epoch: 1, input: 'q', target: 't', score: { value: 'I' } },
    ];
    const [e] = valid(importJson(jsonLog(legacy, old), options('old.json')));
    expect(triples(e!)).toEqual([
      ['a', 1, 1],
      ['b', 1, 0],
    ]);
    expect(e!.source?.scorer).toBe('includes');
  });

  test('duplicate (id, epoch) records in a .json: the last one wins', () => {
    const dup = [sample(1, 1, { match: { value: 'I' } }), sample(1, 1, { match: { value: 'C' } })];
    expect(triples(valid(importJson(jsonLog(header({}, {}, 1), dup), options('d.json')))[0]!)).toEqual([
      [1, 1, 1],
    ]);
  });

  test('a sample with an unusable id or epoch is an error naming it', () => {
    const bad = caught(() =>
      importJson(jsonLog(header(), [sample(1.5, 1, { match: { value: 1 } })]), options('b.json')),
    );
    expect(bad.message).toBe(
      'b.json: samples[0]: a sample has an id that is neither a string nor an integer (1.5)',
    );
    const ep = caught(() =>
      importJson(jsonLog(header(), [sample(1, 0, { match: { value: 1 } })]), options('b.json')),
    );
    expect(ep.message).toBe('b.json: samples[0]: sample 1 has epoch 0, not an integer ≥ 1');
  });
});

test('the summaries cross-check: memberText of a synthetic archive is what was written', () => {
  const bytes = evalLog({ header: header(), samples: [sample(1, 1, { match: { value: 'C' } })] });
  expect(JSON.parse(memberText(bytes, 'summaries.json'))).toEqual([
    {
      id: 1,
      epoch: 1,
      input: 'question 1',
      target: 'yes',
      scores: { match: { value: 'C' } },
      completed: true,
    },
  ]);
});
