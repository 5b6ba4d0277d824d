import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countsInterval, samplesNeeded, zForConfidence } from './index.js';
import { smallestSampleSize } from './samples-needed.js';
import { ulpStep } from './test-helpers/reference.js';

/** The spec's inequality, evaluated in doubles exactly as written: z·σ/√n′ < |x̄ − t|. */
function holds(z: number, sigma: number, gap: number, n: number): boolean {
  return (z * sigma) / Math.sqrt(n) < gap;
}

describe('samplesNeeded', () => {
  it('a worked example: 55% against a 50% threshold', () => {
    // σ = √(0.55·0.45), (zσ/d)² = (1.959964·0.497494/0.05)² = 380.3…, so n′ = 381.
    const sigma = Math.sqrt(0.55 * 0.45);
    const z = zForConfidence(0.95);
    expect(
      samplesNeeded({ estimate: 0.55, sigma, threshold: 0.5, confidence: 0.95, n: 100, minSamples: 1 }),
    ).toBe(381);
    expect(holds(z, sigma, 0.55 - 0.5, 381)).toBe(true);
    expect(holds(z, sigma, 0.55 - 0.5, 380)).toBe(false);
  });

  it('is the max of n′, min_samples and n + 1', () => {
    const base = { estimate: 0.55, sigma: Math.sqrt(0.55 * 0.45), threshold: 0.5, confidence: 0.95 };
    expect(samplesNeeded({ ...base, n: 100, minSamples: 1000 })).toBe(1000);
    expect(samplesNeeded({ ...base, n: 500, minSamples: 1 })).toBe(501);
    expect(samplesNeeded({ ...base, n: 380, minSamples: 381 })).toBe(381);
    // The direction does not matter, only |x̄ − t|.
    expect(samplesNeeded({ ...base, estimate: 0.45, n: 1, minSamples: 1 })).toBe(381);
  });

  it('is null when x̄ = t or σ is undefined', () => {
    expect(
      samplesNeeded({ estimate: 0.5, sigma: 0.5, threshold: 0.5, confidence: 0.95, n: 10, minSamples: 1 }),
    ).toBeNull();
    expect(
      samplesNeeded({ estimate: 0.4, sigma: null, threshold: 0.5, confidence: 0.95, n: 1, minSamples: 1 }),
    ).toBeNull();
  });

  it('σ = 0 gives n′ = 1', () => {
    expect(smallestSampleSize(0, 0.1)).toBe(1);
    expect(
      samplesNeeded({ estimate: 1, sigma: 0, threshold: 0.5, confidence: 0.95, n: 0, minSamples: 0 }),
    ).toBe(1);
    expect(
      samplesNeeded({ estimate: 1, sigma: 0, threshold: 0.5, confidence: 0.95, n: 20, minSamples: 50 }),
    ).toBe(50);
    const allPass = countsInterval(20, 20, 'wilson', 0.95);
    expect(
      samplesNeeded({
        estimate: allPass.estimate,
        sigma: allPass.sigma,
        threshold: 0.5,
        confidence: 0.95,
        n: 20,
        minSamples: 1,
      }),
    ).toBe(21);
  });

  it('the inequality is strict: equality at n is not enough', () => {
    // 1/√100 = 0.1 exactly in doubles, and 0.1 < 0.1 is false, so n′ = 101; likewise 3/√9 = 1.
    expect(smallestSampleSize(1, 0.1)).toBe(101);
    expect(smallestSampleSize(3, 1)).toBe(10);
    expect(smallestSampleSize(1, 1)).toBe(2);
    expect(smallestSampleSize(0.5, 1)).toBe(1);
  });

  it('n′ satisfies the inequality in doubles and n′ − 1 does not (random inputs)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -2, max: 2, noNaN: true }),
        fc.double({ min: -2, max: 2, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.double({ min: 0.5, max: 0.999999, noNaN: true }),
        (estimate, threshold, sigma, confidence) => {
          const gap = Math.abs(estimate - threshold);
          const r = samplesNeeded({ estimate, sigma, threshold, confidence, n: 0, minSamples: 0 });
          if (gap === 0) {
            expect(r).toBeNull();
            return;
          }
          const z = zForConfidence(confidence);
          if (r === null) {
            // Only when not even the largest double is enough (gaps at subnormal scale).
            expect(holds(z, sigma, gap, Number.MAX_VALUE)).toBe(false);
            return;
          }
          const n = r;
          expect(Number.isInteger(n) && n >= 1).toBe(true);
          expect(holds(z, sigma, gap, n)).toBe(true);
          if (n > 1) {
            const below = n <= 2 ** 53 ? n - 1 : ulpStep(n, -1);
            expect(holds(z, sigma, gap, below)).toBe(false);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('near the boundary: gaps chosen so that (zσ/d)² lands on or next to an integer', () => {
    const z = zForConfidence(0.95);
    for (let m = 1; m <= 5000; m += 7) {
      for (const sigma of [0.5, Math.sqrt(0.21), 1, 3.7]) {
        const exactGap = (z * sigma) / Math.sqrt(m);
        for (const gap of [ulpStep(exactGap, -1), exactGap, ulpStep(exactGap, 1)]) {
          const n = smallestSampleSize(z * sigma, gap)!;
          expect(holds(z, sigma, gap, n)).toBe(true);
          if (n > 1) expect(holds(z, sigma, gap, n - 1)).toBe(false);
          expect(Math.abs(n - m)).toBeLessThanOrEqual(2);
        }
      }
    }
  });

  it('tiny gaps: n′ beyond 2^53 is the smallest double satisfying the inequality; none at all gives null', () => {
    const n = smallestSampleSize(1, 1e-10)!;
    expect(n).toBeGreaterThan(2 ** 53);
    expect(1 / Math.sqrt(n) < 1e-10).toBe(true);
    expect(1 / Math.sqrt(ulpStep(n, -1)) < 1e-10).toBe(false);
    expect(smallestSampleSize(1, 1e-200)).toBeNull(); // would need ~1e400 samples
    expect(
      samplesNeeded({ estimate: 1e-200, sigma: 1, threshold: 0, confidence: 0.95, n: 1, minSamples: 1 }),
    ).toBeNull();
  });

  it('is deterministic', () => {
    const input = { estimate: 0.31, sigma: 0.46, threshold: 0.3, confidence: 0.99, n: 10, minSamples: 100 };
    const first = samplesNeeded(input);
    expect(first).toBe(samplesNeeded({ ...input }));
    expect(first).toBe(smallestSampleSize(zForConfidence(0.99) * 0.46, Math.abs(0.31 - 0.3)));
  });
});
