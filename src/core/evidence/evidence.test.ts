import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GreenlightError } from '../errors.js';
import { mergeEvidence } from './merge.js';
import { parseEvidenceJson } from './parse.js';
import { summarizeEvidence } from './summarize.js';
import type { Evidence } from './types.js';
import { validateEvidence } from './validate.js';

const model = { id: 'example-lab/model-x', version: '2026-06-01' };

function problemsOf(value: unknown): string[] {
  try {
    validateEvidence(value);
  } catch (e) {
    expect(e).toBeInstanceOf(GreenlightError);
    return (e as GreenlightError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  return [];
}

describe('native evidence validation', () => {
  it('accepts the spec example with all four shapes', () => {
    const doc = {
      greenlight: 1,
      model,
      safeguards: ['trusted-access', 'misuse-monitoring'],
      evaluations: [
        {
          metric: 'cyber.e2e_exploit_chain',
          label: 'Exploit chains against 60 hardened targets',
          source: { format: 'inspect', file: 'x.eval' },
          samples: [
            { id: 'target-01', epoch: 1, value: 0, cluster: 'browser' },
            { id: 'target-01', epoch: 2, value: 1, cluster: 'browser' },
          ],
        },
        { metric: 'cyber.ctf_professional', successes: 12, trials: 40 },
        { metric: 'bio.protocol_uplift', mean: 0.41, stderr: 0.03, n: 300 },
        { metric: 'bio.other', n: 3, sum: 1.5, sumsq: 1.25, clusters: [{ n: 2, sum: 1, sumsq: 1 }] },
      ],
    };
    expect(problemsOf(doc)).toEqual([]);
  });

  it('reports every problem by JSON path at once', () => {
    const problems = problemsOf({
      greenlight: 2,
      model: { id: 'no-slash', version: '' },
      extra: true,
      evaluations: [
        { metric: 'Bad Metric', successes: 5, trials: 4 },
        {
          metric: 'm',
          samples: [
            { id: 'a', value: Number.NaN },
            { epoch: 1, value: 1 },
            { id: 'a', value: 1 },
            { id: 'a', value: 0 },
          ],
        },
        { metric: 'm', successes: 1, trials: 2, mean: 0.5 },
        { metric: 'm', mean: 0.5, stderr: -1, n: 1.5 },
        { metric: 'm', n: 2, sum: 2, sumsq: 1 },
        { metric: 'm', samples: [] },
        { metric: 'm' },
      ],
    });
    const text = problems.join('\n');
    expect(text).toContain('greenlight: expected 1');
    expect(text).toContain('model.id: expected "<organisation>/<name>"');
    expect(text).toContain('model.version: expected a non-empty string');
    expect(text).toContain('extra: unknown key');
    expect(text).toContain('evaluations[0].metric: expected a metric name');
    expect(text).toContain('evaluations[0].successes: 5 successes out of 4 trials');
    expect(text).toContain('evaluations[1].samples[0].value: expected a finite number or a boolean, got NaN');
    expect(text).toContain('evaluations[1].samples[1].id: an epoch without an id');
    expect(text).toContain('evaluations[1].samples[3]: duplicate sample: id "a" epoch 1 appears twice');
    expect(text).toContain('evaluations[2]: mixes shapes');
    expect(text).toContain('evaluations[3].stderr: expected a number ≥ 0 or null');
    expect(text).toContain('evaluations[3].n: expected an integer ≥ 1, got number 1.5');
    expect(text).toContain('evaluations[4].sumsq: inconsistent moments');
    expect(text).toContain('evaluations[5].samples: expected a non-empty array');
    expect(text).toContain('evaluations[6]: has no data');
    expect(text).not.toContain('undefined');
  });

  it('refuses a sample whose epochs carry different clusters', () => {
    const problems = problemsOf({
      greenlight: 1,
      model,
      evaluations: [
        {
          metric: 'm',
          samples: [
            { id: 1, epoch: 1, value: 1, cluster: 'a' },
            { id: 1, epoch: 2, value: 1 },
          ],
        },
      ],
    });
    expect(problems.join()).toContain(
      'evaluations[0].samples[1].cluster: sample id 1 has epochs in different clusters',
    );
  });

  it('refuses clusters larger than n, and malformed JSON with a clear message', () => {
    expect(
      problemsOf({
        greenlight: 1,
        model,
        evaluations: [{ metric: 'm', n: 2, sum: 1, sumsq: 1, clusters: [{ n: 3, sum: 1, sumsq: 1 }] }],
      }).join(),
    ).toContain('cluster sizes add up to 3, more than n = 2');
    expect(() => parseEvidenceJson('{"greenlight": 1, "x": NaN}', 'e.json')).toThrow(/not valid JSON/);
  });

  it('never throws anything but GreenlightError on mutated documents', () => {
    const base = {
      greenlight: 1,
      model,
      evaluations: [{ metric: 'm', samples: [{ id: 'a', value: 1, epoch: 1, cluster: 'c' }] }],
    };
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.constantFrom('greenlight', 'model', 'evaluations', 'safeguards'),
        (junk, key) => {
          const doc = { ...base, [key]: junk };
          try {
            validateEvidence(doc);
          } catch (e) {
            expect(e).toBeInstanceOf(GreenlightError);
          }
        },
      ),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.anything(), (v) => {
        try {
          validateEvidence(v);
        } catch (e) {
          expect(e).toBeInstanceOf(GreenlightError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('§0 summary', () => {
  it('reduces epochs to per-id means; 0/1 data without clusters becomes counts', () => {
    const doc: Evidence = {
      greenlight: 1,
      model,
      safeguards: ['b', 'a', 'b'],
      evaluations: [
        {
          metric: 'm',
          samples: [
            { id: 'x', epoch: 1, value: true },
            { id: 'x', epoch: 2, value: 1 },
            { id: 'y', value: false },
            { id: 3, value: 1 },
          ],
        },
      ],
    };
    const s = summarizeEvidence(doc);
    expect(s.safeguards).toEqual(['a', 'b']);
    expect(s.evaluations[0]).toEqual({ metric: 'm', successes: 2, trials: 3 });
  });

  it('epochs that disagree give moments; clusters in order of first appearance', () => {
    const doc: Evidence = {
      greenlight: 1,
      model,
      safeguards: [],
      evaluations: [
        {
          metric: 'm',
          label: 'L',
          samples: [
            { id: 'a', epoch: 1, value: 1, cluster: 'k2' },
            { id: 'a', epoch: 2, value: 0, cluster: 'k2' },
            { id: 'b', value: 0.25, cluster: 'k1' },
            { id: 'c', value: 1 },
            { id: 'd', value: 0.75, cluster: 'k2' },
          ],
        },
      ],
    };
    expect(summarizeEvidence(doc).evaluations[0]).toEqual({
      metric: 'm',
      label: 'L',
      n: 4,
      sum: 0.5 + 0.25 + 1 + 0.75,
      sumsq: 0.25 + 0.0625 + 1 + 0.5625,
      clusters: [
        { n: 2, sum: 1.25, sumsq: 0.8125 },
        { n: 1, sum: 0.25, sumsq: 0.0625 },
      ],
    });
  });

  it('the summary document is valid evidence and summarizes to itself', () => {
    const doc: Evidence = {
      greenlight: 1,
      model,
      safeguards: ['z'],
      evaluations: [
        {
          metric: 'a',
          samples: [
            { id: 1, value: 0.5, cluster: 'q' },
            { id: 2, value: 1 },
          ],
        },
        { metric: 'b', successes: 1, trials: 2 },
        { metric: 'c', mean: 0.4, stderr: null, n: 10 },
      ],
    };
    const s = summarizeEvidence(doc);
    expect(validateEvidence(JSON.parse(JSON.stringify(s)))).toBeTruthy();
    expect(summarizeEvidence(s as Evidence)).toEqual(s);
  });
});

describe('merging evidence files', () => {
  it('unions safeguards, concatenates evaluations, refuses different models', () => {
    const a: Evidence = {
      greenlight: 1,
      model,
      safeguards: ['y'],
      evaluations: [{ metric: 'a', successes: 1, trials: 1 }],
    };
    const b: Evidence = {
      greenlight: 1,
      model,
      safeguards: ['x', 'y'],
      evaluations: [{ metric: 'b', successes: 0, trials: 1 }],
    };
    const m = mergeEvidence([a, b]);
    expect(m.safeguards).toEqual(['x', 'y']);
    expect(m.evaluations.map((e) => e.metric)).toEqual(['a', 'b']);
    expect(mergeEvidence([a])).toBe(a);
    const c = { ...b, model: { id: 'other/m', version: '1' } };
    expect(() => mergeEvidence([a, c], ['a.json', 'c.json'])).toThrow(/different models/);
  });
});
