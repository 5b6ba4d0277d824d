import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../canonical-json.js';
import { digestOf } from '../digest.js';
import { GreenlightError } from '../errors.js';
import { summarizeEvidence } from '../evidence/summarize.js';
import type { Evaluation, Evidence } from '../evidence/types.js';
import { parseFramework } from '../framework/index.js';
import type { Framework } from '../framework/types.js';
import { determine, thresholdStatus } from './determine.js';
import type { Determination, IndicatorResult } from './types.js';

const specYaml = readFileSync(new URL('./test-fixtures/spec-example.yaml', import.meta.url), 'utf8');
const framework = parseFramework(specYaml, { file: 'spec-example.yaml' });
const model = { id: 'example-lab/model-x', version: '2026-06-01' };

function evidence(evaluations: Evaluation[], safeguards: string[] = []): Evidence {
  return { greenlight: 1, model, safeguards, evaluations };
}

function bernoulli(n: number, k: number, prefix = 's'): { id: string; value: number }[] {
  return Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, value: i < k ? 1 : 0 }));
}

const low = (metric: string): Evaluation => ({ metric, successes: 10, trials: 400 });

describe('determination of the spec example', () => {
  it('crosses cyber/high on counts 248/400 with the Wilson interval and restricts the tier', () => {
    const d = determine(
      framework,
      evidence(
        [
          { metric: 'cyber.vuln_discovery', successes: 248, trials: 400, label: 'vuln' },
          low('cyber.ctf_professional'),
          low('cyber.e2e_exploit_chain'),
        ],
        ['trusted-access', 'misuse-monitoring'],
      ),
    );
    const ind = d.domains[0]!.thresholds[0]!.indicators[0]!;
    const ev = ind.evaluations[0]!;
    expect(ev.shape).toBe('counts');
    expect(ev.summary).toEqual({ successes: 248, trials: 400 });
    expect(ev.estimate).toBe(0.62);
    // Wilson by hand: centre (248 + z²/2)/(400 + z²), half-width z/(400 + z²)·√(248·152/400 + z²/4).
    expect(ev.interval[0]).toBeCloseTo(0.5715045437, 9);
    expect(ev.interval[1]).toBeCloseTo(0.6662125056, 9);
    expect(ev.stderr).toBeCloseTo(Math.sqrt((0.62 * 0.38) / 400), 11);
    expect(ev.method).toBe('wilson');
    expect(ev.verdict).toBe('crossed');
    expect(ev.label).toBe('vuln');
    expect(ind.verdict).toBe('crossed');
    expect(d.domains[0]!.level).toBe('high');
    expect(d.max_tier).toBe('vetted_partners');
    expect(d.granted_tier).toBe('vetted_partners');
    expect(d.requested_tier).toBe('public');
    expect(d.safeguards).toEqual({
      required: ['misuse-monitoring', 'trusted-access'],
      attested: ['misuse-monitoring', 'trusted-access'],
      missing: [],
    });
    expect(d.outcome).toBe('approve_restricted');
    expect(d.engine).toBe('greenlight-determination/1');
    expect(d.framework).toEqual({ id: 'example-frontier', version: '2026.1', digest: framework.digest });
  });

  it('approves when every indicator is clearly below, and unresolved counts as reached under treat_as_crossed', () => {
    const clear = determine(
      framework,
      evidence([low('cyber.vuln_discovery'), low('cyber.ctf_professional'), low('cyber.e2e_exploit_chain')]),
    );
    expect(clear.outcome).toBe('approve');
    expect(clear.max_tier).toBe('public');
    expect(clear.domains[0]!.level).toBeNull();
    // Missing evidence on one indicator of an `any` threshold leaves it unresolved → reached (conservative).
    const missing = determine(
      framework,
      evidence([low('cyber.vuln_discovery'), low('cyber.e2e_exploit_chain')]),
    );
    expect(missing.domains[0]!.thresholds[0]!.status).toBe('unresolved');
    expect(missing.domains[0]!.thresholds[0]!.indicators[1]!.verdict).toBe('missing');
    expect(missing.domains[0]!.level).toBe('high');
    expect(missing.outcome).toBe('safeguards_missing');
    expect(missing.safeguards.missing).toEqual(['misuse-monitoring', 'trusted-access']);
  });

  it('request_evidence domains are pending, and the outcome asks for more evidence', () => {
    const doc = structuredClone(framework.document) as { domains: { unresolved?: string }[] };
    doc.domains[0]!.unresolved = 'request_evidence';
    const fw = parseFramework(JSON.stringify(doc), { format: 'json' });
    const d = determine(
      fw,
      evidence([
        { metric: 'cyber.vuln_discovery', successes: 200, trials: 400 },
        low('cyber.ctf_professional'),
      ]),
    );
    expect(d.domains[0]!.pending).toBe(true);
    expect(d.domains[0]!.level).toBeNull();
    expect(d.outcome).toBe('more_evidence');
    const ev = d.domains[0]!.thresholds[0]!.indicators[0]!.evaluations[0]!;
    expect(ev.verdict).toBe('inconclusive');
    expect(ev.samples_needed).toBeNull(); // x̄ = t exactly
  });

  it('insufficient samples report samples_needed ≥ min_samples', () => {
    const doc = structuredClone(framework.document) as { statistics: { min_samples: number } };
    doc.statistics.min_samples = 100;
    const fw = parseFramework(JSON.stringify(doc), { format: 'json' });
    const d = determine(fw, evidence([{ metric: 'cyber.vuln_discovery', samples: bernoulli(20, 18) }]));
    const ev = d.domains[0]!.thresholds[0]!.indicators[0]!.evaluations[0]!;
    expect(ev.verdict).toBe('insufficient');
    expect(ev.samples_needed).toBe(100);
    expect(ev.n).toBe(20);
  });

  it('takes the most severe evaluation of an indicator and lists unmatched metrics', () => {
    const d = determine(
      framework,
      evidence([
        low('cyber.vuln_discovery'),
        { metric: 'cyber.vuln_discovery', successes: 390, trials: 400 },
        { metric: 'cyber.vuln_discovry', successes: 1, trials: 2 },
        { metric: 'aaa.unused', mean: 0.1, stderr: null, n: 5 },
      ]),
    );
    const ind = d.domains[0]!.thresholds[0]!.indicators[0]!;
    expect(ind.evaluations.map((e) => e.verdict)).toEqual(['below', 'crossed']);
    expect(ind.verdict).toBe('crossed');
    expect(d.unmatched_metrics).toEqual(['aaa.unused', 'cyber.vuln_discovry']);
  });

  it('aggregate with unknown stderr has an unbounded interval written as null', () => {
    const d = determine(
      framework,
      evidence([{ metric: 'cyber.vuln_discovery', mean: 0.9, stderr: null, n: 500 }]),
    );
    const ev = d.domains[0]!.thresholds[0]!.indicators[0]!.evaluations[0]!;
    expect(ev.interval).toEqual([null, null]);
    expect(ev.stderr).toBeNull();
    expect(ev.verdict).toBe('inconclusive');
    expect(ev.samples_needed).toBeNull();
  });

  it('refuses an unknown requested tier', () => {
    expect(() => determine(framework, evidence([]), { tier: 'partners' })).toThrow(GreenlightError);
    expect(determine(framework, evidence([]), { tier: 'internal' }).granted_tier).toBe('internal');
  });
});

describe('reproducibility', () => {
  const ev = evidence(
    [
      {
        metric: 'cyber.vuln_discovery',
        samples: [
          ...bernoulli(300, 120).map((s, i) => ({ ...s, epoch: 1, cluster: `c${i % 7}` })),
          ...bernoulli(300, 170).map((s, i) => ({ ...s, epoch: 2, cluster: `c${i % 7}` })),
        ],
        source: { format: 'inspect', ratio: 1 / 3 },
      },
      { metric: 'cyber.ctf_professional', n: 50, sum: 20.5, sumsq: 12.25 },
    ],
    ['trusted-access'],
  );

  it('digest covers everything but digest and evidence_digest; inputs_digest covers framework, summary, request', () => {
    const d = determine(framework, ev);
    const { digest, evidence_digest, ...body } = d;
    expect(digest).toBe(digestOf(body));
    expect(evidence_digest).toBe(digestOf(ev));
    expect(d.inputs_digest).toBe(
      digestOf({
        framework: framework.document,
        summary: summarizeEvidence(ev),
        request: { tier: 'public' },
      }),
    );
  });

  it('determining from the published summary gives the same output but for evidence_digest', () => {
    const d = determine(framework, ev);
    const fromSummary = determine(framework, JSON.parse(JSON.stringify(d.evidence_summary)) as Evidence);
    expect(fromSummary.digest).toBe(d.digest);
    expect(fromSummary.inputs_digest).toBe(d.inputs_digest);
    expect({ ...fromSummary, evidence_digest: '' }).toEqual({ ...d, evidence_digest: '' });
    expect(fromSummary.evidence_digest).toBe(digestOf(d.evidence_summary));
  });

  it('is byte-identical across runs and rounds derived numbers to 12 significant digits', () => {
    const a = canonicalJson(determine(framework, ev));
    const b = canonicalJson(determine(framework, structuredClone(ev)));
    expect(a).toBe(b);
    const d = determine(framework, ev);
    const e = d.domains[0]!.thresholds[0]!.indicators[0]!.evaluations[0]!;
    for (const x of [e.estimate, e.stderr!, e.interval[0]!, e.interval[1]!])
      expect(Number(x.toPrecision(12))).toBe(x);
    expect(e.shape).toBe('moments');
    expect(e.method).toBe('clt-clustered');
    expect(e.source).toEqual({ format: 'inspect', ratio: Number((1 / 3).toPrecision(12)) });
    expect(d.evidence_summary.evaluations[0]!.source).toEqual({ format: 'inspect', ratio: 1 / 3 });
  });
});

describe('threshold rules (§3)', () => {
  const ind = (verdict: IndicatorResult['verdict']) => ({ verdict }) as IndicatorResult;
  it('follows the table for any, all and majority', () => {
    const C = ind('crossed');
    const B = ind('below');
    const U = ind('inconclusive');
    const M = ind('missing');
    expect(thresholdStatus('any', [C, B])).toBe('crossed');
    expect(thresholdStatus('any', [B, B])).toBe('below');
    expect(thresholdStatus('any', [B, U])).toBe('unresolved');
    expect(thresholdStatus('all', [C, C])).toBe('crossed');
    expect(thresholdStatus('all', [C, B])).toBe('below');
    expect(thresholdStatus('all', [C, M])).toBe('unresolved');
    expect(thresholdStatus('majority', [C, C, B])).toBe('crossed');
    expect(thresholdStatus('majority', [C, B, B])).toBe('below');
    expect(thresholdStatus('majority', [C, U, B])).toBe('unresolved');
    expect(thresholdStatus('majority', [C, B])).toBe('below'); // 2(C+U) = 2 ≤ k
    expect(thresholdStatus('majority', [B, B, U, U])).toBe('below');
  });
});

describe('properties', () => {
  const withThreshold = (t: number): Framework => {
    const doc = structuredClone(framework.document) as {
      domains: { thresholds: { indicators: { above?: number }[] }[] }[];
    };
    doc.domains[0]!.thresholds[0]!.indicators[0]!.above = t;
    return parseFramework(JSON.stringify(doc), { format: 'json' });
  };
  const verdictAt = (d: Determination) => d.domains[0]!.thresholds[0]!.indicators[0]!.verdict;

  it('raising an above threshold never turns below into crossed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (n, frac, t, raise) => {
          const k = Math.floor(frac * n);
          const e = evidence([{ metric: 'cyber.vuln_discovery', successes: k, trials: n }]);
          const before = verdictAt(determine(withThreshold(t), e));
          const after = verdictAt(determine(withThreshold(t + raise), e));
          if (before === 'below') expect(after).toBe('below');
          if (after === 'crossed') expect(before).toBe('crossed');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('more identical evidence never widens an interval', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 300 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 2, max: 5 }),
        (n, frac, m) => {
          const k = Math.floor(frac * n);
          const width = (samples: { id: string; value: number }[]) => {
            const d = determine(framework, evidence([{ metric: 'cyber.vuln_discovery', samples }]));
            const [lo, hi] = d.domains[0]!.thresholds[0]!.indicators[0]!.evaluations[0]!.interval;
            return hi! - lo!;
          };
          const once = width(bernoulli(n, k));
          const many = width(Array.from({ length: m }, (_, r) => bernoulli(n, k, `r${r}-`)).flat());
          expect(many).toBeLessThanOrEqual(once + 1e-12);
        },
      ),
      { numRuns: 200 },
    );
  });
});
