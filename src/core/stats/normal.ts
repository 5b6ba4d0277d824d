import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { GreenlightError } from '../errors.js';

/**
 * The two-sided critical value z = Φ⁻¹((1 + c)/2) in double precision (determination.md §1),
 * ≈ 1.95996398454005 for c = 0.95. `(1 + c)/2` is rounded to a double first, exactly as written.
 * The quantile is @stdlib's √2·erfinv(2p − 1), which uses only IEEE-exact operations (+, −, ×, ÷, √) and
 * its own pure-JS logarithm, so every JavaScript engine returns the same bits.
 */
export function zForConfidence(confidence: number): number {
  if (!(Number.isFinite(confidence) && confidence > 0 && confidence < 1)) {
    throw new GreenlightError('internal', `confidence must be in (0, 1), got ${confidence}`);
  }
  return normalQuantile((1 + confidence) / 2, 0, 1);
}
