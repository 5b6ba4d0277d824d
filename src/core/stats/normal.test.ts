import { describe, expect, it } from 'vitest';
import { zForConfidence } from './index.js';
import { ulpDistance } from './test-helpers/reference.js';

describe('zForConfidence', () => {
  // Published values of Φ⁻¹ at the exact decimal probabilities (1 + c)/2:
  //  - 0.95: 1.95996 39845 40054 23552… ("97.5th percentile point", Wikipedia, value computed in 1970 to 20 dp);
  //  - the others as printed by scipy.stats.norm.ppf / R qnorm at 17 significant digits.
  // The spec computes Φ⁻¹ at the double nearest (1 + c)/2, which differs from the decimal by up to half an ulp
  // of p, i.e. up to ~2 ulps of z here — hence the 4-ulp tolerance against these.
  const published: [number, number][] = [
    [0.95, 1.959963984540054],
    [0.99, 2.5758293035489004],
    [0.9, 1.6448536269514722],
    [0.5, 0.6744897501960817],
  ];
  for (const [c, z] of published) {
    it(`matches the published value for c = ${c}`, () => {
      expect(ulpDistance(zForConfidence(c), z)).toBeLessThanOrEqual(4);
      expect(zForConfidence(c)).toBeCloseTo(z, 14);
    });
  }

  // Φ⁻¹ evaluated at the double p = (1 + c)/2 exactly as the spec writes it, with mpmath at 400-bit precision
  // (sqrt(2)·erfinv(2p − 1)), 25 significant digits. An implementation in double precision is within 1 ulp.
  const exactAtDoubleP: [number, string][] = [
    [0.5, '0.674489750196081743202227'],
    [0.8, '1.281551565544600593487448'],
    [0.9, '1.644853626951472284276316'],
    [0.95, '1.959963984540053855604431'],
    [0.99, '2.575829303548900453857483'],
    [0.999, '3.290526731491925778682535'],
    [0.999999, '4.891638475671084514576701'],
  ];
  for (const [c, z] of exactAtDoubleP) {
    it(`is within 1 ulp of Φ⁻¹(fl((1 + c)/2)) for c = ${c}`, () => {
      expect(ulpDistance(zForConfidence(c), Number(z))).toBeLessThanOrEqual(1);
    });
  }

  it('follows the spec literally for c close to 1: (1 + c)/2 is rounded first', () => {
    // For c = 0.999999, fl((1 + c)/2) = 0.9999994999999999, and Φ⁻¹ of it is 4.89163847567108…, while the
    // exact-decimal value (normal tables: 4.891638475699) is 2.8e-11 higher. The spec's formula is the former.
    const z = zForConfidence(0.999999);
    expect((1 + 0.999999) / 2).toBe(0.9999994999999999);
    expect(z).toBeCloseTo(4.891638475671085, 14);
    expect(Math.abs(z - 4.89163847569859)).toBeGreaterThan(2e-11);
  });

  it('is increasing in c and deterministic', () => {
    let previous = 0;
    for (let c = 0.01; c < 1; c += 0.01) {
      const z = zForConfidence(c);
      expect(z).toBeGreaterThan(previous);
      expect(Object.is(z, zForConfidence(c))).toBe(true);
      previous = z;
    }
  });

  it('rejects a confidence outside (0, 1)', () => {
    for (const c of [0, 1, -0.5, 1.5, Number.NaN, Infinity])
      expect(() => zForConfidence(c)).toThrow(/confidence/);
  });
});
