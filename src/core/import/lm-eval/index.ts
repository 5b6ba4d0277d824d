export { parseJsonTolerant } from './json.js';
export { importLmEvalResults, parseLmEvalRun } from './results.js';
export {
  companionResultsName,
  importLmEvalSamples,
  type LmEvalRunFile,
  parseSamplesFileName,
} from './samples.js';
