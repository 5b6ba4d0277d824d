/** What the interval functions return (determination.md §1). */

/** The method an interval was computed with: the first three for 0/1 data, `clt-clustered` for clustered moments. */
export type EstimateMethod = 'wilson' | 'clopper-pearson' | 'clt' | 'clt-clustered';

export interface IntervalResult {
  /** x̄: k/n for counts, sum/n for moments, `mean` for the aggregate shape — never the Wilson centre. */
  estimate: number;
  /**
   * The standard error used; for Wilson and Clopper-Pearson the informational √(x̄(1−x̄)/n).
   * `null` when undefined (moments with n < 2, aggregate with `stderr: null`).
   */
  stderr: number | null;
  /** Lower bound, `-Infinity` when unbounded. Never clipped. */
  lower: number;
  /** Upper bound, `+Infinity` when unbounded. Never clipped. */
  upper: number;
  method: EstimateMethod;
  /**
   * Per-sample standard deviation for `samples_needed`: √(x̄(1−x̄)) for 0/1 data, s for moments (also when
   * clustered), stderr·√n for the aggregate shape; `null` when undefined.
   */
  sigma: number | null;
  /** Number of (distinct) samples. */
  n: number;
}
