/**
 * Independent reference computations for the stats tests. Nothing here is used by the module under test:
 * these are deliberately different (slower, more direct) routes to the same quantities.
 */
import type { ClusterMoments, MomentsFields } from '../../evidence/types.js';

/** ln C(n, j) for j = 0..n, by accumulating ln((n − j + 1)/j). */
function logBinomialCoefficients(n: number): Float64Array {
  const out = new Float64Array(n + 1);
  for (let j = 1; j <= n; j++) out[j] = out[j - 1]! + Math.log(n - j + 1) - Math.log(j);
  return out;
}

/** Σ_{j in [from, to]} P(X = j), X ~ Binomial(n, p), summed in log space (log-sum-exp). */
function binomialMass(n: number, p: number, from: number, to: number): number {
  const logC = logBinomialCoefficients(n);
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  const terms: number[] = [];
  for (let j = from; j <= to; j++) terms.push(logC[j]! + j * logP + (n - j) * logQ);
  const max = Math.max(...terms);
  let sum = 0;
  for (const t of terms) sum += Math.exp(t - max);
  return Math.exp(max + Math.log(sum));
}

/** P(X ≥ k | n, p) by direct summation of the binomial pmf. */
export function binomialUpperTail(k: number, n: number, p: number): number {
  return binomialMass(n, p, k, n);
}

/** P(X ≤ k | n, p) by direct summation of the binomial pmf. */
export function binomialLowerTail(k: number, n: number, p: number): number {
  return binomialMass(n, p, 0, k);
}

export interface RawSample {
  value: number;
  cluster?: string | undefined;
}

/**
 * Sufficient statistics of already epoch-reduced samples as determination.md §0 defines them: totals in list
 * order, and per named cluster (in order of first appearance) its n, sum and sumsq; unclustered samples are
 * listed nowhere.
 */
export function momentsOf(samples: readonly RawSample[]): MomentsFields {
  let sum = 0;
  let sumsq = 0;
  const clusters = new Map<string, ClusterMoments>();
  for (const { value, cluster } of samples) {
    sum += value;
    sumsq += value * value;
    if (cluster === undefined) continue;
    const c = clusters.get(cluster) ?? { n: 0, sum: 0, sumsq: 0 };
    c.n += 1;
    c.sum += value;
    c.sumsq += value * value;
    clusters.set(cluster, c);
  }
  const out: MomentsFields = { n: samples.length, sum, sumsq };
  if (clusters.size > 0) out.clusters = [...clusters.values()];
  return out;
}

/**
 * The clustered SE² straight from the definition (Miller 2024): s²/n, s² = Σ(x_i − x̄)²/(n − 1) (two-pass),
 * plus (1/n²)·Σ_clusters Σ_{i≠j} (x_i − x̄)(x_j − x̄) over ordered pairs, a sample without a cluster being its
 * own cluster. O(n²).
 */
export function bruteForceClusteredSE2(samples: readonly RawSample[]): number {
  const n = samples.length;
  let total = 0;
  for (const s of samples) total += s.value;
  const mean = total / n;
  const dev = samples.map((s) => s.value - mean);
  let ss = 0;
  for (const d of dev) ss += d * d;
  let cross = 0;
  for (let i = 0; i < n; i++) {
    const ci = samples[i]!.cluster;
    if (ci === undefined) continue; // alone in its cluster: no pair i ≠ j
    for (let j = 0; j < n; j++) {
      if (j !== i && samples[j]!.cluster === ci) cross += dev[i]! * dev[j]!;
    }
  }
  return ss / (n - 1) / n + cross / (n * n);
}

/**
 * The size of the quantities the spec's one-pass SE² expressions subtract from one another
 * ((sumsq − n·x̄²)/(n − 1)/n and, per cluster, (S_c² − D_c)/n² with D_c's three terms). Rounding error in the
 * result is a small multiple of machine epsilon times this, however small SE² itself is (values far from 0
 * with a small spread cancel heavily — inherent to the moments summary, not an implementation error).
 */
export function cancellationScale(m: MomentsFields): number {
  const mean = m.sum / m.n;
  const meanSq = mean * mean;
  let scale = (m.sumsq + m.n * meanSq) / (m.n - 1) / m.n;
  for (const c of m.clusters ?? []) {
    const S = c.sum - c.n * mean;
    scale += (S * S + c.sumsq + Math.abs(2 * mean * c.sum) + c.n * meanSq) / (m.n * m.n);
  }
  return scale;
}

/** Distance in units in the last place between two finite doubles of the same sign. */
export function ulpDistance(a: number, b: number): number {
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, a);
  view.setFloat64(8, b);
  const d = view.getBigInt64(0) - view.getBigInt64(8);
  return Number(d < 0n ? -d : d);
}

/** The double `steps` units in the last place away from a finite positive double x (negative steps go down). */
export function ulpStep(x: number, steps: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigInt64(0, view.getBigInt64(0) + BigInt(steps));
  return view.getFloat64(0);
}

/**
 * Whether `root` solves f(p) = target for a monotone f: f(root) is within `rel` of the target, or the target
 * lies between f at `ulps` doubles either side of root (when doubles near root are too coarse to resolve the
 * target any better, e.g. p just below 1 where f varies by more than `rel` per ulp).
 */
export function solvesMonotone(
  f: (p: number) => number,
  root: number,
  target: number,
  rel: number,
  ulps = 4,
): boolean {
  if (Math.abs(f(root) - target) <= rel * Math.abs(target)) return true;
  const a = f(Math.max(0, ulpStep(root, -ulps)));
  const b = f(Math.min(1, ulpStep(root, ulps)));
  return Math.min(a, b) <= target && target <= Math.max(a, b);
}
