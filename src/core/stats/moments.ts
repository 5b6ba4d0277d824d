import type { AggregateFields, MomentsFields } from '../evidence/types.js';
import { zForConfidence } from './normal.js';
import type { IntervalResult } from './types.js';
import { fail, requireCount, requireFinite } from './validate.js';

/**
 * §1 CLT interval from moments: `clt` without clusters (absent or `[]`), `clt-clustered` with them
 * (Miller 2024, "Adding Error Bars to Evals"). Computes exactly the spec's expressions, in its order, so every
 * implementation rounds alike:
 *
 *   x̄ = sum/n,  s² = max(0, (sumsq − n·x̄²)/(n − 1)),
 *   term = Σ_c (S_c² − D_c),  S_c = sum_c − n_c·x̄,  D_c = sumsq_c − 2·x̄·sum_c + n_c·x̄²   (clusters in list order)
 *   SE² = max(0, s²/n + term/n²).
 *
 * With n < 2 the interval is (−∞, +∞) and `stderr` and `sigma` are null. `sigma` is s, also when clustered.
 */
export function momentsInterval(m: MomentsFields, confidence: number): IntervalResult {
  requireCount('n', m.n, 1);
  requireFinite('sum', m.sum);
  requireFinite('sumsq', m.sumsq);
  const clusters = m.clusters ?? [];
  const method = clusters.length > 0 ? 'clt-clustered' : 'clt';
  const z = zForConfidence(confidence);
  const n = m.n;
  const mean = m.sum / n;
  if (n < 2) {
    return { estimate: mean, stderr: null, lower: -Infinity, upper: Infinity, method, sigma: null, n };
  }
  const meanSq = mean * mean;
  const s2 = Math.max(0, (m.sumsq - n * meanSq) / (n - 1));
  let se2: number;
  if (method === 'clt') {
    se2 = s2 / n; // = max(0, s²/n + 0/n²): the general expression with an empty cluster term
  } else {
    let term = 0;
    for (const [i, c] of clusters.entries()) {
      requireCount(`clusters[${i}].n`, c.n, 1);
      requireFinite(`clusters[${i}].sum`, c.sum);
      requireFinite(`clusters[${i}].sumsq`, c.sumsq);
      const S = c.sum - c.n * mean;
      const D = c.sumsq - 2 * mean * c.sum + c.n * meanSq;
      term += S * S - D;
    }
    se2 = Math.max(0, s2 / n + term / (n * n));
  }
  const stderr = Math.sqrt(se2);
  return {
    estimate: mean,
    stderr,
    lower: mean - z * stderr,
    upper: mean + z * stderr,
    method,
    sigma: Math.sqrt(s2),
    n,
  };
}

/**
 * §1 interval for the aggregate shape: `mean ± z·stderr`; `stderr: null` (unknown) gives (−∞, +∞).
 * `sigma` = stderr·√n (null when stderr is).
 */
export function aggregateInterval(a: AggregateFields, confidence: number): IntervalResult {
  requireCount('n', a.n, 1);
  requireFinite('mean', a.mean);
  const z = zForConfidence(confidence);
  const { mean, stderr, n } = a;
  if (stderr === null) {
    return { estimate: mean, stderr: null, lower: -Infinity, upper: Infinity, method: 'clt', sigma: null, n };
  }
  if (!(Number.isFinite(stderr) && stderr >= 0))
    fail(`stderr must be a finite number ≥ 0 or null, got ${stderr}`);
  return {
    estimate: mean,
    stderr,
    lower: mean - z * stderr,
    upper: mean + z * stderr,
    method: 'clt',
    sigma: stderr * Math.sqrt(n),
    n,
  };
}
