export { mergeEvidence } from './merge.js';
export { parseEvidenceJson } from './parse.js';
export {
  sortedDistinct,
  summarizeEvaluation,
  summarizeEvidence,
  summaryFields,
  summaryShape,
} from './summarize.js';
export type * from './types.js';
export { ID_PATTERN, MODEL_ID_PATTERN, validateEvidence } from './validate.js';
