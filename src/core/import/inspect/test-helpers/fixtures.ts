/** Test-only helpers around the shared Inspect fixtures (../shared beside the repository; the tests read them). */
import { GreenlightError } from '../../../errors.js';
import type { ImportOptions, ImportResult } from '../../types.js';
import { createInspectJsonImporter, importInspectEval } from '../index.js';

export const FIXTURES = {
  logStreaming: 'log_streaming.eval',
  chunkedZstd: 'chunked-zstd/log_streaming.eval',
  aisDecoder: 'ais-decoder.eval',
  popularity100: '2025-09-23T08-09-58-04-00_popularity_DN2wbX2ZvACsBpjwptzBRo.eval',
  small: 'small.eval',
  classEval: '2025-12-13T23-15-44+00-00_class-eval_XDtHXBaqEHGUBoFoinn2wS.eval',
  cvebench: 'data_cvebench_empty_choices.json',
  intercode: 'data_intercode_ctf_local_path.json',
  popularityCancelled: '2025-05-12T20-28-13-04-00_popularity.json',
  noSamples: '2025-05-12T20-28-13-04-00_no-samples.json',
  errorStatus: '2024-08-29T15-11-18+00-00_popularity_5EAmX6wjMFqea6WY7XHzZp.json',
} as const;

export function options(fileName: string, extra: Partial<ImportOptions> = {}): ImportOptions {
  return { metric: 'test.metric', fileName, sha256: 'f'.repeat(64), ...extra };
}

/** Imports a `.json` log, fed in chunks of `chunk` bytes. */
export function importJson(bytes: Uint8Array, opts: ImportOptions, chunk = 1 << 16): ImportResult {
  const imp = createInspectJsonImporter(opts);
  for (let p = 0; p < bytes.length; p += chunk) imp.push(bytes.subarray(p, p + chunk));
  return imp.finish();
}

/** Imports `bytes` as the container its name says. */
export function importAny(bytes: Uint8Array, opts: ImportOptions): ImportResult {
  return opts.fileName.endsWith('.eval') ? importInspectEval(bytes, opts) : importJson(bytes, opts);
}

/** The error `f` throws; fails when it throws nothing or something that is not a GreenlightError. */
export function caught(f: () => unknown): GreenlightError {
  try {
    f();
  } catch (e) {
    if (e instanceof GreenlightError) return e;
    throw new Error(
      `expected a GreenlightError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
    );
  }
  throw new Error('expected a GreenlightError, nothing was thrown');
}
