/**
 * Inspect AI logs → native evidence (evidence.md, Importers; ../reference/eval-formats.md). Pure: the caller
 * passes the bytes (`.eval`) or streams the chunks (`.json`); nothing here does I/O.
 */
export { importInspectEval } from './eval-file.js';
export { createInspectJsonImporter, type InspectJsonImporter } from './json-file.js';
export { DEFAULT_LIMITS } from './log.js';
export { inspectScoreToNumber } from './score.js';
