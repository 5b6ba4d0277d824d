import { zForConfidence } from './normal.js';
import { fail, requireCount, requireFinite } from './validate.js';

export interface SamplesNeededInput {
  estimate: number;
  /** Per-sample standard deviation (`IntervalResult.sigma`); null when undefined. */
  sigma: number | null;
  threshold: number;
  confidence: number;
  /** Current number of samples. */
  n: number;
  minSamples: number;
}

/**
 * §1 `samples_needed`: max(n′, min_samples, n + 1), n′ the smallest positive integer with z·σ/√n′ < |x̄ − t|,
 * the inequality evaluated in doubles exactly as written ((z·σ)/√n′). `null` when x̄ = t or σ is null.
 * σ = 0 gives n′ = 1.
 *
 * Where the spec is silent: beyond 2^53 not every integer is a double, so n′ is then the smallest double
 * satisfying the inequality (all doubles that large are integers); if no finite double does (|x̄ − t| below
 * about z·σ/1.3e154) the result is `null`, as there is no finite number of samples to report.
 */
export function samplesNeeded(a: SamplesNeededInput): number | null {
  requireFinite('estimate', a.estimate);
  requireFinite('threshold', a.threshold);
  requireCount('n', a.n, 0);
  requireCount('minSamples', a.minSamples, 0);
  if (a.sigma === null) return null;
  if (!(Number.isFinite(a.sigma) && a.sigma >= 0))
    fail(`sigma must be a finite number ≥ 0 or null, got ${a.sigma}`);
  const gap = Math.abs(a.estimate - a.threshold);
  if (gap === 0) return null;
  const nPrime = smallestSampleSize(zForConfidence(a.confidence) * a.sigma, gap);
  if (nPrime === null) return null;
  return Math.max(nPrime, a.minSamples, a.n + 1);
}

/**
 * The smallest positive integer m with zSigma/√m < gap, as evaluated in doubles (zSigma ≥ 0, gap > 0).
 * The left side is non-increasing in m (√ and ÷ are correctly rounded, hence monotone), so a first guess from
 * the closed form (zσ/gap)², off by a few units at most, is walked to the exact boundary.
 */
export function smallestSampleSize(zSigma: number, gap: number): number | null {
  if (zSigma === 0) return 1;
  const holds = (m: number): boolean => zSigma / Math.sqrt(m) < gap;
  const ratio = zSigma / gap;
  const square = ratio * ratio;
  let m = Number.isFinite(square) ? Math.floor(square) + 1 : Number.MAX_VALUE;
  if (holds(m)) {
    while (m > 1 && holds(previousInteger(m))) m = previousInteger(m);
    return m;
  }
  while (!holds(m)) {
    m = nextInteger(m);
    if (m === Infinity) return null;
  }
  return m;
}

const TWO_53 = 2 ** 53;
const bits = new DataView(new ArrayBuffer(8));

/** The adjacent double above (`step` 1) or below (`step` −1) a positive finite double. */
function adjacentDouble(x: number, step: 1n | -1n): number {
  bits.setFloat64(0, x);
  bits.setBigUint64(0, bits.getBigUint64(0) + step);
  return bits.getFloat64(0);
}

/** The next integer-valued double above m (m a positive integer-valued double). */
function nextInteger(m: number): number {
  return m < TWO_53 ? m + 1 : adjacentDouble(m, 1n);
}

/** The previous integer-valued double below m (m an integer-valued double ≥ 2). */
function previousInteger(m: number): number {
  return m <= TWO_53 ? m - 1 : adjacentDouble(m, -1n);
}
