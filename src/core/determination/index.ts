export { determine, ENGINE, thresholdStatus, tierRank } from './determine.js';
export { evaluate, intervalOf, verdictOf } from './evaluate.js';
export { DETERMINE_STEPS, determineDocuments } from './pipeline.js';
export { round12 } from './rounding.js';
export type * from './types.js';
