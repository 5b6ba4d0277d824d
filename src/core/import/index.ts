/**
 * Importers: real evaluation logs → native evidence (evidence.md, Importers). Pure: no I/O; the CLI and the
 * browser read the bytes and compute the SHA-256, then call `importLog` per file and `mergeImported` once.
 */
import { GreenlightError } from '../errors.js';
import type { Evidence, ModelRef } from '../evidence/types.js';
import { ID_PATTERN, MODEL_ID_PATTERN, validateEvidence } from '../evidence/validate.js';
import { importCsv } from './csv.js';
import { createInspectJsonImporter, importInspectEval } from './inspect/index.js';
import { importLmEvalResults } from './lm-eval/results.js';
import { importLmEvalSamples, type LmEvalRunFile } from './lm-eval/samples.js';
import type { ImportOptions, ImportResult, LogFormat } from './types.js';

export { importCsv, parseCsvRecords } from './csv.js';
export { detectFormat, resolveFormat } from './detect.js';
export { createInspectJsonImporter, importInspectEval } from './inspect/index.js';
export {
  companionResultsName,
  importLmEvalResults,
  importLmEvalSamples,
  type LmEvalRunFile,
  parseJsonTolerant,
  parseSamplesFileName,
} from './lm-eval/index.js';
export { parseMappingFile } from './mapping.js';
export type * from './types.js';

/** Extra inputs some formats can use. */
export interface ImportContext {
  /** lm-eval samples: the results file of the same run (model provenance, --limit check). */
  lmEvalRun?: LmEvalRunFile;
}

/** Decodes UTF-8 text, refusing bytes that are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new GreenlightError('invalid_input', `${file}: not UTF-8 text`);
  }
}

/**
 * Imports one log. `input` is the file's bytes (required for `inspect-eval`) or its text. Inspect `.json`
 * given whole goes through the streaming importer in one piece; large files should be streamed by the caller
 * into `createInspectJsonImporter` instead.
 */
export function importLog(
  format: LogFormat,
  input: Uint8Array | string,
  opts: ImportOptions,
  context: ImportContext = {},
): ImportResult {
  const text = () => (typeof input === 'string' ? input : decodeUtf8(input, opts.fileName));
  const bytes = () => (typeof input === 'string' ? new TextEncoder().encode(input) : input);
  checkOptions(opts);
  switch (format) {
    case 'inspect-eval':
      return importInspectEval(bytes(), opts);
    case 'inspect-json': {
      const importer = createInspectJsonImporter(opts);
      importer.push(bytes());
      return importer.finish();
    }
    case 'lm-eval-results':
      return importLmEvalResults(text(), opts);
    case 'lm-eval-samples':
      return importLmEvalSamples(text(), opts, context.lmEvalRun);
    case 'csv':
      return importCsv(text(), opts);
    case 'native':
      throw new GreenlightError(
        'unsupported',
        `${opts.fileName}: already native Greenlight evidence; use it as it is (nothing to import)`,
      );
  }
}

/** The checks on ImportOptions that every importer relies on. */
export function checkOptions(opts: ImportOptions): void {
  const bad = (m: string) => new GreenlightError('invalid_input', m);
  if ((opts.metric === undefined) === (opts.map === undefined))
    throw bad('give exactly one of --metric (one framework metric) and --map (a mapping file)');
  if (opts.metric !== undefined && !ID_PATTERN.test(opts.metric))
    throw bad(`--metric "${opts.metric}" is not a framework metric name ([a-z0-9][a-z0-9._-]*)`);
  if (opts.map !== undefined && (opts.task !== undefined || opts.scorer !== undefined))
    throw bad('--task and --scorer go with --metric; with --map, the mapping file names tasks and scorers');
  if (opts.n !== undefined && (!Number.isSafeInteger(opts.n) || opts.n < 1))
    throw bad(`--n must be an integer ≥ 1, got ${opts.n}`);
}

/** Checks a model reference; returns it, or throws naming what is wrong. */
export function checkModel(model: ModelRef): ModelRef {
  if (!MODEL_ID_PATTERN.test(model.id))
    throw new GreenlightError(
      'invalid_input',
      `model id "${model.id}" is not "<organisation>/<name>" (e.g. example-lab/model-x)`,
    );
  if (model.version.length === 0) throw new GreenlightError('invalid_input', 'the model version is empty');
  return model;
}

/**
 * One native evidence document from the results of several imports, evaluations in file order. The document is
 * checked against the native format before it is returned.
 */
export function mergeImported(
  results: readonly ImportResult[],
  model: ModelRef,
  safeguards: readonly string[] = [],
): Evidence {
  checkModel(model);
  const doc: Evidence = {
    greenlight: 1,
    model: { id: model.id, version: model.version },
    safeguards: [...safeguards],
    evaluations: results.flatMap((r) => r.evaluations),
  };
  return validateEvidence(doc);
}
