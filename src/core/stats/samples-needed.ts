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
 * The smallest positive integer m with zSigma/√m < gap, as evaluated in doubles (zSigma ≥ 0, gap > 0), or null
 * when no finite double satisfies it.
 *
 * The left side is non-increasing in m (√ and ÷ are correctly rounded, hence monotone), so this is a binary
 * search over the integer-valued doubles ≥ 1 in order (every integer up to 2^53, then every double, all of
 * which are integers). A closed-form guess walked one step at a time would not do: with subnormal operands the
 * quotient is so coarsely rounded that the inequality can stay false across billions of consecutive m.
 */
export function smallestSampleSize(zSigma: number, gap: number): number | null {
  const holds = (m: number): boolean => zSigma / Math.sqrt(m) < gap;
  if (holds(1)) return 1;
  if (!holds(Number.MAX_VALUE)) return null;
  let lo = 1n; // holds(fromKey(lo)) is false
  let hi = toKey(Number.MAX_VALUE); // holds(fromKey(hi)) is true
  while (hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    if (holds(fromKey(mid))) hi = mid;
    else lo = mid;
  }
  return fromKey(hi);
}

// Integer-valued doubles ≥ 1 numbered in order: m itself up to 2^53, then 2^53 + (how many doubles above 2^53).
const TWO_53 = 2 ** 53;
const TWO_53_KEY = BigInt(TWO_53);
const bits = new DataView(new ArrayBuffer(8));

function bitsOf(x: number): bigint {
  bits.setFloat64(0, x);
  return bits.getBigUint64(0);
}

const TWO_53_BITS = bitsOf(TWO_53);

function toKey(m: number): bigint {
  return m <= TWO_53 ? BigInt(m) : TWO_53_KEY + (bitsOf(m) - TWO_53_BITS);
}

function fromKey(key: bigint): number {
  if (key <= TWO_53_KEY) return Number(key);
  bits.setBigUint64(0, TWO_53_BITS + (key - TWO_53_KEY));
  return bits.getFloat64(0);
}
