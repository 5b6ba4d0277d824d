import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IntervalMethod } from '../framework/types.js';
import { countsInterval, zForConfidence } from './index.js';
import { binomialLowerTail, binomialUpperTail, solvesMonotone } from './test-helpers/reference.js';

const METHODS: IntervalMethod[] = ['wilson', 'clopper-pearson', 'clt'];

/** |actual − expected| ≤ tol·|expected| (or ≤ tol when expected is 0). */
function expectRel(actual: number, expected: number, tol: number): void {
  const scale = expected === 0 ? 1 : Math.abs(expected);
  expect(Math.abs(actual - expected) / scale, `${actual} vs ${expected}`).toBeLessThanOrEqual(tol);
}

/**
 * `actual` rounds to the published value, given as printed (its last digit fixes the rounding unit):
 * '0.1539092' → within 5e-8, '3.426347e-05' → within 5e-12.
 */
function expectPublished(actual: number, printed: string): void {
  const [mantissa = '', exponent = '0'] = printed.toLowerCase().split('e');
  const decimals = mantissa.includes('.') ? mantissa.length - mantissa.indexOf('.') - 1 : 0;
  const unit = 10 ** (Number(exponent) - decimals);
  expect(Math.abs(actual - Number(printed)), `${actual} vs ${printed}`).toBeLessThanOrEqual(
    0.5 * unit * (1 + 1e-9),
  );
}

describe('countsInterval — Clopper-Pearson against published exact intervals', () => {
  // [k, n, confidence, lower, upper (as printed), source]
  const cases: [number, number, number, string, string, string][] = [
    [7, 20, 0.95, '0.1539092', '0.5921885', 'R binom.test(7, 20)'],
    [9, 24, 0.95, '0.1879929', '0.5940636', 'R binom.test(9, 24, 1/6), output quoted in R tutorials'],
    [1, 1497, 0.9, '3.426347e-05', '3.164954e-03', 'R binom.test(1, 1497, 0.0033, conf.level = 0.9), idem'],
    [682, 925, 0.95, '0.7076683', '0.7654066', 'R ?binom.test example, binom.test(682, 682 + 243, p = 3/4)'],
    [81, 263, 0.95, '0.2527', '0.3676', 'Newcombe (1998) Statist. Med. 17:857, example (a)'],
    [15, 148, 0.95, '0.0578', '0.1617', 'Newcombe (1998), example (b)'],
    [0, 20, 0.95, '0.0000', '0.1684', 'Newcombe (1998), example (c)'],
    [1, 29, 0.95, '0.0009', '0.1776', 'Newcombe (1998), example (d)'],
  ];
  for (const [k, n, c, lo, up, source] of cases) {
    it(`${k}/${n} at ${c} — ${source}`, () => {
      const r = countsInterval(k, n, 'clopper-pearson', c);
      expectPublished(r.lower, lo);
      expectPublished(r.upper, up);
    });
  }

  it('7/50 matches the SciPy docs example (binomtest(k=7, n=50).proportion_ci())', () => {
    // docs.scipy.org, BinomTestResult.proportion_ci: ConfidenceInterval(low=0.05819170033997342,
    // high=0.26739600249700846). SciPy then solved by root-finding to ~1e-11; mpmath at 40 digits gives
    // 0.058191700340372095635 and 0.2673960024970084121, which we match to 1e-15.
    const r = countsInterval(7, 50, 'clopper-pearson', 0.95);
    expectRel(r.lower, 0.05819170033997342, 1e-10);
    expectRel(r.upper, 0.26739600249700846, 1e-10);
    expectRel(r.lower, Number('0.058191700340372095635'), 1e-15);
    expectRel(r.upper, Number('0.2673960024970084121'), 1e-15);
  });

  it('matches mpmath (40 digits, bisection on directly summed binomial tails)', () => {
    const ref: [number, number, string, string][] = [
      [7, 20, '0.15390920478454118679', '0.59218853453282807728'],
      [9, 24, '0.18799292819600229453', '0.59406361599205596617'],
      [682, 925, '0.70766826407903902877', '0.76540655824152524176'],
    ];
    for (const [k, n, lo, up] of ref) {
      const r = countsInterval(k, n, 'clopper-pearson', 0.95);
      expectRel(r.lower, Number(lo), 1e-15);
      expectRel(r.upper, Number(up), 1e-15);
    }
  });
});

describe('countsInterval — Clopper-Pearson, independent tail-probability check', () => {
  // At p_L, P(X ≥ k | n, p_L) = α/2; at p_U, P(X ≤ k | n, p_U) = α/2 — by direct (log-space) summation of
  // the binomial pmf, independent of the beta quantile the implementation uses. The spec's upper bound is
  // B⁻¹(1 − α/2; …) with 1 − α/2 rounded to a double, so the upper tail it inverts is 1 − fl(1 − α/2)
  // (= α/2 up to 1.1e-16 absolute, which matters only for confidences very close to 1). Where p is so close
  // to 1 that one ulp moves the tail by more than the tolerance, the root is checked to lie within 4 ulps.
  const pairs: [number, number][] = [];
  for (const n of [1, 2, 3, 4, 5, 7, 10, 13, 20]) for (let k = 0; k <= n; k++) pairs.push([k, n]);
  for (const n of [37, 50, 100, 250, 1000, 2500]) {
    for (const k of [0, 1, 2, 3, Math.floor(n / 10), Math.floor(n / 3), Math.floor(n / 2), n - 3, n - 1, n]) {
      pairs.push([k, n]);
    }
  }
  for (const c of [0.95, 0.99, 0.9, 0.5, 0.999999]) {
    it(`holds for ${pairs.length} (k, n) pairs at c = ${c}`, () => {
      const half = (1 - c) / 2;
      const upperTail = 1 - (1 - half);
      for (const [k, n] of pairs) {
        const r = countsInterval(k, n, 'clopper-pearson', c);
        if (k === 0) expect(r.lower).toBe(0);
        else
          expect(
            solvesMonotone((p) => binomialUpperTail(k, n, p), r.lower, half, 1e-9),
            `${k}/${n}`,
          ).toBe(true);
        if (k === n) expect(r.upper).toBe(1);
        else
          expect(
            solvesMonotone((p) => binomialLowerTail(k, n, p), r.upper, upperTail, 1e-9),
            `${k}/${n}`,
          ).toBe(true);
      }
    });
  }

  it('has the closed forms 1 − (α/2)^(1/n) at k = 0 and (α/2)^(1/n) at k = n, up to n = 1e9', () => {
    for (const n of [1, 2, 10, 1000, 1e6, 1e9]) {
      for (const c of [0.95, 0.99, 0.999999]) {
        const half = (1 - c) / 2;
        const r0 = countsInterval(0, n, 'clopper-pearson', c);
        expect(r0.lower).toBe(0);
        expectRel(r0.upper, -Math.expm1(Math.log(1 - (1 - half)) / n), 1e-12); // 1 − α/2 as a double, see above
        const rn = countsInterval(n, n, 'clopper-pearson', c);
        expect(rn.upper).toBe(1);
        expectRel(rn.lower, Math.exp(Math.log(half) / n), 1e-12);
      }
    }
  });
});

describe('countsInterval — Wilson against published score intervals', () => {
  // [k, n, confidence, lower, upper (as printed), source]
  const cases: [number, number, number, string, string, string][] = [
    [
      6,
      52,
      0.95,
      '0.05396969',
      '0.22971664',
      'R prop.test(6, 52, correct = FALSE), R-devel PR#2794 (Lumley 2003)',
    ],
    [
      319,
      1100,
      0.99,
      '0.2561',
      '0.3264',
      'R prop.test(319, 1100, conf.level = .99, correct = FALSE), CV Q183225',
    ],
    [81, 263, 0.95, '0.2553', '0.3662', 'Newcombe (1998) Statist. Med. 17:857, example (a)'],
    [15, 148, 0.95, '0.0624', '0.1605', 'Newcombe (1998), example (b)'],
    [0, 20, 0.95, '0.0000', '0.1611', 'Newcombe (1998), example (c)'],
    [1, 29, 0.95, '0.0061', '0.1718', 'Newcombe (1998), example (d)'],
  ];
  for (const [k, n, c, lo, up, source] of cases) {
    it(`${k}/${n} at ${c} — ${source}`, () => {
      const r = countsInterval(k, n, 'wilson', c);
      expectPublished(r.lower, lo);
      expectPublished(r.upper, up);
      expect(r.estimate).toBe(k / n); // never the Wilson centre
    });
  }

  it('bounds are the roots of the score equation (x̄ − p)² = z²·p(1 − p)/n', () => {
    for (const c of [0.95, 0.99, 0.5]) {
      const z = zForConfidence(c);
      for (const n of [1, 2, 5, 17, 100, 1234, 1e6]) {
        for (const k of [0, 1, Math.floor(n / 3), Math.floor(n / 2), n - 1, n]) {
          if (k < 0 || k > n) continue;
          const r = countsInterval(k, n, 'wilson', c);
          for (const p of [r.lower, r.upper]) {
            if (p === 0 || p === 1) continue; // the forced exact bounds, checked below
            expectRel(Math.abs(k / n - p) / Math.sqrt((p * (1 - p)) / n), z, 1e-9);
          }
        }
      }
    }
  });

  it('lower is exactly 0 when k = 0 and upper exactly 1 when k = n', () => {
    for (const n of [1, 2, 3, 10, 20, 99, 1000, 123457, 1e9]) {
      for (const c of [0.5, 0.9, 0.95, 0.99, 0.999999]) {
        expect(countsInterval(0, n, 'wilson', c).lower).toBe(0);
        expect(countsInterval(n, n, 'wilson', c).upper).toBe(1);
        expect(countsInterval(0, n, 'wilson', c).upper).toBeGreaterThan(0);
        expect(countsInterval(n, n, 'wilson', c).lower).toBeLessThan(1);
      }
    }
    // Without the rule the formula misses 0 by an ulp or so for some n (e.g. 1.4e-17 for 0/20 with SciPy's z).
    const z = zForConfidence(0.95);
    const z2 = z * z;
    const misses = [];
    for (let n = 1; n <= 200; n++)
      if ((0 + z2 / 2) / (n + z2) - (z / (n + z2)) * Math.sqrt(0 + z2 / 4) !== 0) misses.push(n);
    expect(misses.length).toBeGreaterThan(0);
  });
});

describe('countsInterval — CLT (Wald)', () => {
  it('319/1100 at 99%: 0.29 ∓ 2.575829·0.01368144 = (0.25476, 0.32524) — CV Q183225', () => {
    const r = countsInterval(319, 1100, 'clt', 0.99);
    expect(r.estimate).toBe(0.29);
    expectPublished(r.stderr!, '0.01368144');
    expectPublished(r.lower, '0.25476');
    expectPublished(r.upper, '0.32524');
    expect(r.method).toBe('clt');
  });

  it('is x̄ ± z·√(x̄(1 − x̄)/n), symmetric and unclipped', () => {
    const r = countsInterval(1, 10, 'clt', 0.95);
    const z = zForConfidence(0.95);
    const se = Math.sqrt((0.1 * 0.9) / 10);
    expect(r.lower).toBe(0.1 - z * se);
    expect(r.upper).toBe(0.1 + z * se);
    expect(r.lower).toBeLessThan(0); // never clipped
  });
});

describe('countsInterval — fields and edge cases', () => {
  it('stderr and sigma are √(x̄(1 − x̄)/n) and √(x̄(1 − x̄)) for every method', () => {
    for (const method of METHODS) {
      const r = countsInterval(248, 400, method, 0.95);
      expect(r).toMatchObject({ estimate: 0.62, n: 400, method });
      expect(r.stderr).toBe(Math.sqrt((0.62 * 0.38) / 400));
      expect(r.sigma).toBe(Math.sqrt(0.62 * 0.38));
      expectRel(r.stderr!, 0.024269322199023193, 1e-15);
    }
  });

  it('k = 0 and k = n', () => {
    for (const method of METHODS) {
      const zero = countsInterval(0, 50, method, 0.95);
      expect(zero).toMatchObject({ estimate: 0, stderr: 0, sigma: 0, lower: 0 });
      const all = countsInterval(50, 50, method, 0.95);
      expect(all).toMatchObject({ estimate: 1, stderr: 0, sigma: 0, upper: 1 });
    }
    expect(countsInterval(0, 50, 'clt', 0.95).upper).toBe(0); // degenerate, as the formula says
    expect(countsInterval(50, 50, 'clt', 0.95).lower).toBe(1);
  });

  it('n = 1', () => {
    const z2 = zForConfidence(0.95) ** 2;
    const w0 = countsInterval(0, 1, 'wilson', 0.95);
    expect(w0.lower).toBe(0);
    expectRel(w0.upper, z2 / (1 + z2), 1e-15); // centre + half-width = z²/(1 + z²) when k = 0, n = 1
    const w1 = countsInterval(1, 1, 'wilson', 0.95);
    expectRel(w1.lower, 1 / (1 + z2), 1e-15);
    expect(w1.upper).toBe(1);
    expect(countsInterval(1, 1, 'clopper-pearson', 0.95)).toMatchObject({
      lower: 0.025000000000000022,
      upper: 1,
    });
    expect(countsInterval(0, 1, 'clopper-pearson', 0.95)).toMatchObject({ lower: 0 });
    expectRel(countsInterval(0, 1, 'clopper-pearson', 0.95).upper, 0.975, 1e-15);
  });

  it('huge n (1e9) stays finite, ordered and close to the normal approximation', () => {
    const n = 1e9;
    const k = 5e8;
    const clt = countsInterval(k, n, 'clt', 0.95);
    const halfWidth = zForConfidence(0.95) * Math.sqrt(0.25 / n);
    expectRel(clt.upper - clt.lower, 2 * halfWidth, 1e-9);
    for (const method of METHODS) {
      const r = countsInterval(k, n, method, 0.95);
      expect(r.lower).toBeLessThan(0.5);
      expect(r.upper).toBeGreaterThan(0.5);
      expect(Math.abs(r.lower - clt.lower)).toBeLessThan(1e-9);
      expect(Math.abs(r.upper - clt.upper)).toBeLessThan(1e-9);
    }
    // 1 success in 1e9: Clopper-Pearson upper from mpmath (bisection on (1−p)^n + n·p·(1−p)^(n−1) = α/2):
    // 5.571643378203115e-9. The beta quantile loses accuracy at b ≈ 1e9 (stdlib's incomplete beta is off by
    // ~2e-10 there), so this is checked to 1e-7 only.
    expectRel(countsInterval(1, n, 'clopper-pearson', 0.95).upper, 5.571643378203115e-9, 1e-7);
  });

  it('confidence 0.999999', () => {
    for (const method of METHODS) {
      const r = countsInterval(30, 100, method, 0.999999);
      const r95 = countsInterval(30, 100, method, 0.95);
      expect(r.lower).toBeLessThan(r95.lower);
      expect(r.upper).toBeGreaterThan(r95.upper);
      expect(r.lower).toBeLessThanOrEqual(0.3);
      expect(r.upper).toBeGreaterThanOrEqual(0.3);
    }
  });

  it('rejects counts that validation should have caught', () => {
    expect(() => countsInterval(1, 0, 'wilson', 0.95)).toThrow(/trials/);
    expect(() => countsInterval(3, 2, 'wilson', 0.95)).toThrow(/exceed/);
    expect(() => countsInterval(-1, 2, 'wilson', 0.95)).toThrow(/successes/);
    expect(() => countsInterval(0.5, 2, 'wilson', 0.95)).toThrow(/successes/);
    expect(() => countsInterval(1, 2, 'bogus' as IntervalMethod, 0.95)).toThrow(/method/);
  });
});

describe('countsInterval — properties', () => {
  const countsArb = (maxN: number) =>
    fc.integer({ min: 1, max: maxN }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));
  const confidenceArb = fc.double({ min: 0.5, max: 0.999999, noNaN: true });
  const methodArb = fc.constantFrom<IntervalMethod>(...METHODS);

  it('the interval contains the estimate; Wilson and Clopper-Pearson stay within [0, 1]', () => {
    fc.assert(
      fc.property(countsArb(1e9), confidenceArb, methodArb, ([k, n], c, method) => {
        const r = countsInterval(k, n, method, c);
        expect(r.estimate).toBe(k / n);
        expect(r.lower).toBeLessThanOrEqual(r.estimate);
        expect(r.upper).toBeGreaterThanOrEqual(r.estimate);
        if (method !== 'clt') {
          expect(r.lower).toBeGreaterThanOrEqual(0);
          expect(r.upper).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('more identical evidence (k·m of n·m) never widens the interval', () => {
    fc.assert(
      fc.property(
        countsArb(20000),
        fc.integer({ min: 2, max: 5000 }),
        confidenceArb,
        methodArb,
        ([k, n], m, c, method) => {
          const one = countsInterval(k, n, method, c);
          const more = countsInterval(k * m, n * m, method, c);
          expect(more.upper - more.lower).toBeLessThanOrEqual(one.upper - one.lower);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is deterministic: the same inputs give bit-identical results, whatever was computed before', () => {
    fc.assert(
      fc.property(countsArb(1e6), confidenceArb, methodArb, ([k, n], c, method) => {
        const first = countsInterval(k, n, method, c);
        countsInterval(n - k, n + 1, method, 1 - c / 2); // unrelated work in between
        const second = countsInterval(k, n, method, c);
        expect(Object.keys(second)).toEqual(Object.keys(first));
        for (const key of Object.keys(first) as (keyof typeof first)[]) {
          expect(Object.is(first[key], second[key])).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
