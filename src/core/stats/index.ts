/** Pure statistics for determinations (determination.md §1): intervals, z, samples needed. No I/O. */
export { countsInterval } from './binomial.js';
export { aggregateInterval, momentsInterval } from './moments.js';
export { zForConfidence } from './normal.js';
export { samplesNeeded } from './samples-needed.js';
export type { EstimateMethod, IntervalResult } from './types.js';
