// Runs one Inspect .eval import off the main thread, so the caller can stop it after a time limit.
import { parentPort, workerData } from 'node:worker_threads';
import { isGreenlightError } from '../../core/errors.js';
import { importLog } from '../../core/import/index.js';
import type { ImportOptions } from '../../core/import/types.js';

const { bytes, opts } = workerData as { bytes: Uint8Array; opts: ImportOptions };
try {
  parentPort!.postMessage({ ok: true, result: importLog('inspect-eval', bytes, opts) });
} catch (e) {
  parentPort!.postMessage(
    isGreenlightError(e)
      ? { ok: false, code: e.code, message: e.message, problems: e.problems }
      : { ok: false, code: 'internal', message: e instanceof Error ? e.message : String(e), problems: [] },
  );
}
