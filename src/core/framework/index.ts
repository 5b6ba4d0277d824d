export * from './diff.js';
export * from './load.js';
export { guessFormat, MAX_DEPTH, MAX_NODES, MAX_SOURCE_CHARS } from './source.js';
export type * from './types.js';
export { DURATION_UNITS, FRAMEWORK_ID_PATTERN, ID_PATTERN, STATISTICS_DEFAULTS } from './validate.js';
