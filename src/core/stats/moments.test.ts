import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MomentsFields } from '../evidence/types.js';
import { aggregateInterval, momentsInterval, zForConfidence } from './index.js';
import {
  bruteForceClusteredSE2,
  cancellationScale,
  momentsOf,
  type RawSample,
} from './test-helpers/reference.js';

const Z95 = zForConfidence(0.95);

/**
 * Values at underflow scale (|x| < 1e-100, whose squares are subnormal or 0) carry no relative precision, so
 * relative comparisons mean nothing there; they become 0. Real scores are never that small without being 0.
 */
const noTiny = (x: number): number => (Math.abs(x) < 1e-100 ? 0 : x);

function expectRel(actual: number, expected: number, tol: number): void {
  const scale = expected === 0 ? 1 : Math.abs(expected);
  expect(Math.abs(actual - expected) / scale, `${actual} vs ${expected}`).toBeLessThanOrEqual(tol);
}

describe('momentsInterval — unclustered (clt)', () => {
  it('x̄ ± z·s/√n on a hand-worked example', () => {
    // 1, 2, 3, 4: x̄ = 2.5, s² = 5/3, SE = √(5/12).
    const r = momentsInterval({ n: 4, sum: 10, sumsq: 30 }, 0.95);
    expect(r).toMatchObject({ estimate: 2.5, method: 'clt', n: 4 });
    expectRel(r.stderr!, Math.sqrt(5 / 12), 1e-15);
    expectRel(r.sigma!, Math.sqrt(5 / 3), 1e-15);
    expect(r.lower).toBe(2.5 - Z95 * r.stderr!);
    expect(r.upper).toBe(2.5 + Z95 * r.stderr!);
  });

  it('computes exactly the spec expressions (bit for bit)', () => {
    const m = { n: 7, sum: 3.3, sumsq: 2.17 };
    const mean = m.sum / m.n;
    const s2 = Math.max(0, (m.sumsq - m.n * (mean * mean)) / (m.n - 1));
    const r = momentsInterval(m, 0.9);
    expect(r.stderr).toBe(Math.sqrt(s2 / m.n));
    expect(r.sigma).toBe(Math.sqrt(s2));
    expect(r.estimate).toBe(mean);
  });

  it('clusters: [] means no clusters', () => {
    const plain = momentsInterval({ n: 5, sum: 2.2, sumsq: 1.3 }, 0.95);
    const empty = momentsInterval({ n: 5, sum: 2.2, sumsq: 1.3, clusters: [] }, 0.95);
    expect(empty).toEqual(plain);
    expect(empty.method).toBe('clt');
  });

  it('n = 1 gives (−∞, +∞) with stderr and sigma null, clustered or not', () => {
    expect(momentsInterval({ n: 1, sum: 0.7, sumsq: 0.49 }, 0.95)).toEqual({
      estimate: 0.7,
      stderr: null,
      lower: -Infinity,
      upper: Infinity,
      method: 'clt',
      sigma: null,
      n: 1,
    });
    const clustered = momentsInterval(
      { n: 1, sum: 0.7, sumsq: 0.49, clusters: [{ n: 1, sum: 0.7, sumsq: 0.49 }] },
      0.95,
    );
    expect(clustered).toMatchObject({ method: 'clt-clustered', stderr: null, sigma: null, lower: -Infinity });
  });

  it('identical values give s = 0 and a zero-width interval', () => {
    for (const x of [0, 1, 0.5, 2, -3.25, 1e6]) {
      const r = momentsInterval(momentsOf(Array.from({ length: 10 }, () => ({ value: x }))), 0.95);
      expect(r).toMatchObject({ estimate: x, stderr: 0, sigma: 0, lower: x, upper: x });
    }
    // Values not exact in binary: rounding in sumsq − n·x̄² may leave a tiny positive s², or a negative one that
    // the spec's max(0, …) clamps; either way s is at rounding level.
    const r = momentsInterval(momentsOf(Array.from({ length: 10 }, () => ({ value: 0.1 }))), 0.95);
    expect(r.sigma!).toBeLessThan(1e-8);
    expect(r.sigma!).toBeGreaterThanOrEqual(0);
  });

  it('huge n (1e9) and confidence 0.999999', () => {
    // A Bernoulli(0.3)-like summary: s² ≈ 0.21, SE ≈ √(0.21/1e9).
    const n = 1e9;
    const r = momentsInterval({ n, sum: 0.3 * n, sumsq: 0.3 * n }, 0.999999);
    expectRel(r.stderr!, Math.sqrt((0.21 * n) / (n - 1) / n), 1e-9);
    expectRel(r.upper - r.lower, 2 * zForConfidence(0.999999) * r.stderr!, 1e-12);
  });
});

describe('momentsInterval — clustered (Miller 2024)', () => {
  it('a hand-worked example: {1, 1} and {0, 0} in two clusters', () => {
    // x̄ = 1/2, s² = 1/3, s²/n = 1/12; ordered pairs within clusters: 2·(1/4) + 2·(1/4) = 1, /n² = 1/16.
    // SE² = 1/12 + 1/16 = 7/48.
    const m = momentsOf([
      { value: 1, cluster: 'a' },
      { value: 1, cluster: 'a' },
      { value: 0, cluster: 'b' },
      { value: 0, cluster: 'b' },
    ]);
    const r = momentsInterval(m, 0.95);
    expect(r.method).toBe('clt-clustered');
    expectRel(r.stderr!, Math.sqrt(7 / 48), 1e-15);
    expectRel(r.sigma!, Math.sqrt(1 / 3), 1e-15); // sigma stays s when clustered
  });

  it('all samples in one cluster: SE = s/n', () => {
    // Σ_{i≠j}(x_i − x̄)(x_j − x̄) = (Σ(x_i − x̄))² − Σ(x_i − x̄)² = −(n − 1)s², so SE² = s²/n − (n − 1)s²/n² = s²/n².
    const xs = [0.2, 0.9, 0.4, 0.4, 1, 0, 0.75];
    const r = momentsInterval(momentsOf(xs.map((value) => ({ value, cluster: 'all' }))), 0.95);
    expectRel(r.stderr!, r.sigma! / xs.length, 1e-12);
  });

  it('clustering in singletons equals the unclustered SE', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.double({ min: -50, max: 50, noNaN: true }).map(noTiny),
            fc.integer({ min: -3, max: 3 }),
          ),
          {
            minLength: 2,
            maxLength: 80,
          },
        ),
        (xs) => {
          const plain = momentsInterval(momentsOf(xs.map((value) => ({ value }))), 0.95);
          const singletonMoments = momentsOf(xs.map((value, i) => ({ value, cluster: `c${i}` })));
          const singletons = momentsInterval(singletonMoments, 0.95);
          expect(singletons.method).toBe('clt-clustered');
          expect(singletons.estimate).toBe(plain.estimate);
          expect(singletons.sigma).toBe(plain.sigma);
          // Each singleton adds S² − D = 0 up to rounding.
          const diff = Math.abs(singletons.stderr! ** 2 - plain.stderr! ** 2);
          expect(diff).toBeLessThanOrEqual(1e-12 * cancellationScale(singletonMoments));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('matches a brute-force O(n²) double sum over ordered pairs on random data', () => {
    const value = fc.oneof(
      fc.constantFrom(0, 1),
      fc.double({ min: 0, max: 1, noNaN: true }).map(noTiny),
      fc.double({ min: -100, max: 100, noNaN: true }).map(noTiny),
      fc.integer({ min: -5, max: 5 }),
    );
    const sample: fc.Arbitrary<RawSample> = fc.record({
      value,
      cluster: fc.option(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(sample, { minLength: 2, maxLength: 120 }), (samples) => {
        const m = momentsOf(samples);
        const r = momentsInterval(m, 0.95);
        const se2 = bruteForceClusteredSE2(samples);
        const scale = cancellationScale(m);
        expect(r.method).toBe(m.clusters === undefined ? 'clt' : 'clt-clustered');
        // ~1e-12 relative to the magnitudes involved; plainly relative when cancellation costs < 2 digits.
        expect(Math.abs(r.stderr! ** 2 - se2)).toBeLessThanOrEqual(1e-12 * scale);
        if (se2 >= 0.01 * scale) expectRel(r.stderr! ** 2, se2, 1e-12);
        expect(r.lower).toBe(r.estimate - Z95 * r.stderr!);
        expect(r.upper).toBe(r.estimate + Z95 * r.stderr!);
      }),
      { numRuns: 500 },
    );
  });

  it('unclustered samples add nothing to the cluster term', () => {
    const clustered = [
      { value: 1, cluster: 'x' },
      { value: 0.5, cluster: 'x' },
      { value: 0, cluster: 'y' },
      { value: 0.25, cluster: 'y' },
    ];
    const loose = [{ value: 0.9 }, { value: 0.1 }, { value: 0.3 }];
    const r = momentsInterval(momentsOf([...clustered, ...loose]), 0.95);
    expectRel(r.stderr! ** 2, bruteForceClusteredSE2([...clustered, ...loose]), 1e-13);
  });

  it('computes exactly the spec expressions, clusters summed in list order (bit for bit)', () => {
    const m: MomentsFields = {
      n: 9,
      sum: 4.1,
      sumsq: 2.93,
      clusters: [
        { n: 3, sum: 2.1, sumsq: 1.61 },
        { n: 4, sum: 1.2, sumsq: 0.5 },
      ],
    };
    const mean = m.sum / m.n;
    const meanSq = mean * mean;
    const s2 = Math.max(0, (m.sumsq - m.n * meanSq) / (m.n - 1));
    let term = 0;
    for (const c of m.clusters!) {
      const S = c.sum - c.n * mean;
      const D = c.sumsq - 2 * mean * c.sum + c.n * meanSq;
      term += S * S - D;
    }
    const r = momentsInterval(m, 0.95);
    expect(r.stderr).toBe(Math.sqrt(Math.max(0, s2 / m.n + term / (m.n * m.n))));
    expect(r.sigma).toBe(Math.sqrt(s2));
  });
});

describe('aggregateInterval', () => {
  it('mean ± z·stderr, sigma = stderr·√n', () => {
    const r = aggregateInterval({ mean: 0.41, stderr: 0.03, n: 300 }, 0.95);
    expect(r).toMatchObject({ estimate: 0.41, stderr: 0.03, method: 'clt', n: 300 });
    expect(r.lower).toBe(0.41 - Z95 * 0.03);
    expect(r.upper).toBe(0.41 + Z95 * 0.03);
    expectRel(r.lower, 0.41 - 1.959963984540054 * 0.03, 1e-15);
    expectRel(r.sigma!, 0.03 * Math.sqrt(300), 1e-15);
  });

  it('stderr null gives (−∞, +∞) and sigma null', () => {
    expect(aggregateInterval({ mean: 0.5, stderr: null, n: 100 }, 0.95)).toEqual({
      estimate: 0.5,
      stderr: null,
      lower: -Infinity,
      upper: Infinity,
      method: 'clt',
      sigma: null,
      n: 100,
    });
  });

  it('stderr 0, n = 1, and no clipping', () => {
    expect(aggregateInterval({ mean: 0.2, stderr: 0, n: 50 }, 0.95)).toMatchObject({
      lower: 0.2,
      upper: 0.2,
      sigma: 0,
    });
    expect(aggregateInterval({ mean: 0.2, stderr: 0.1, n: 1 }, 0.95)).toMatchObject({ sigma: 0.1 });
    expect(aggregateInterval({ mean: 0.02, stderr: 0.05, n: 10 }, 0.95).lower).toBeLessThan(0);
  });

  it('rejects summaries that validation should have caught', () => {
    expect(() => aggregateInterval({ mean: 0.5, stderr: -1, n: 10 }, 0.95)).toThrow(/stderr/);
    expect(() => aggregateInterval({ mean: Number.NaN, stderr: 0.1, n: 10 }, 0.95)).toThrow(/mean/);
    expect(() => aggregateInterval({ mean: 0.5, stderr: 0.1, n: 0 }, 0.95)).toThrow(/n/);
    expect(() => momentsInterval({ n: 2.5, sum: 1, sumsq: 1 }, 0.95)).toThrow(/n/);
    expect(() => momentsInterval({ n: 2, sum: Infinity, sumsq: 1 }, 0.95)).toThrow(/sum/);
  });
});

describe('moments and aggregate — properties', () => {
  const summaryArb = fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 2, maxLength: 50 });

  it('the interval contains the estimate', () => {
    fc.assert(
      fc.property(summaryArb, fc.double({ min: 0.5, max: 0.999999, noNaN: true }), (xs, c) => {
        const r = momentsInterval(momentsOf(xs.map((value) => ({ value }))), c);
        expect(r.lower).toBeLessThanOrEqual(r.estimate);
        expect(r.upper).toBeGreaterThanOrEqual(r.estimate);
      }),
    );
  });

  it('repeating the same samples m times never widens the interval', () => {
    fc.assert(
      fc.property(summaryArb, fc.integer({ min: 2, max: 20 }), (xs, m) => {
        const one = momentsInterval(momentsOf(xs.map((value) => ({ value }))), 0.95);
        const many = momentsInterval(
          momentsOf(Array.from({ length: m }, () => xs.map((value) => ({ value }))).flat()),
          0.95,
        );
        expect(many.upper - many.lower).toBeLessThanOrEqual((one.upper - one.lower) * (1 + 1e-9) + 1e-12);
      }),
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(summaryArb, (xs) => {
        const m = momentsOf(
          xs.map((value, i) => ({ value, cluster: i % 3 === 0 ? undefined : `c${i % 4}` })),
        );
        expect(momentsInterval(m, 0.95)).toStrictEqual(momentsInterval(structuredClone(m), 0.95));
      }),
    );
  });
});
