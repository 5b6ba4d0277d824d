import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import type { IntervalMethod } from '../framework/types.js';
import { zForConfidence } from './normal.js';
import type { IntervalResult } from './types.js';
import { fail, requireCount } from './validate.js';

/**
 * §1 interval for counts (k successes in n trials, and per-sample 0/1 data without clusters) by the framework's
 * `statistics.interval`. The estimate is k/n; `stderr` is √(x̄(1−x̄)/n) whatever the method (informational for
 * Wilson and Clopper-Pearson) and `sigma` is √(x̄(1−x̄)).
 */
export function countsInterval(
  successes: number,
  trials: number,
  method: IntervalMethod,
  confidence: number,
): IntervalResult {
  requireCount('trials', trials, 1);
  requireCount('successes', successes, 0);
  if (successes > trials) fail(`successes (${successes}) exceed trials (${trials})`);
  const k = successes;
  const n = trials;
  const z = zForConfidence(confidence);
  const estimate = k / n;
  const variance = estimate * (1 - estimate);
  const stderr = Math.sqrt(variance / n);
  const sigma = Math.sqrt(variance);
  let lower: number;
  let upper: number;
  switch (method) {
    case 'wilson': {
      const z2 = z * z;
      const centre = (k + z2 / 2) / (n + z2);
      const halfWidth = (z / (n + z2)) * Math.sqrt((k * (n - k)) / n + z2 / 4);
      // Exact arithmetic gives 0 and 1 here; floating point may miss by an ulp either way.
      lower = k === 0 ? 0 : centre - halfWidth;
      upper = k === n ? 1 : centre + halfWidth;
      break;
    }
    case 'clopper-pearson': {
      const alpha = 1 - confidence;
      lower = k === 0 ? 0 : betaQuantile(alpha / 2, k, n - k + 1);
      upper = k === n ? 1 : betaQuantile(1 - alpha / 2, k + 1, n - k);
      break;
    }
    case 'clt': {
      lower = estimate - z * stderr;
      upper = estimate + z * stderr;
      break;
    }
    default:
      return fail(`unknown interval method ${String(method satisfies never)}`);
  }
  return { estimate, stderr, lower, upper, method, sigma, n };
}
