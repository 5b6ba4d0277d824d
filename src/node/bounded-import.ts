import { Worker } from 'node:worker_threads';
import { GreenlightError } from '../core/errors.js';
import { type ImportAnswer, importTimedOut, resultOf } from '../core/import/answer.js';
import type { ImportOptions, ImportResult } from '../core/import/types.js';

/** How long one .eval import may run (GREENLIGHT_IMPORT_TIMEOUT_MS overrides; default 5 minutes). */
export function importTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.GREENLIGHT_IMPORT_TIMEOUT_MS);
  return Number.isFinite(v) && v > 0 ? v : 300_000;
}

/**
 * Imports an Inspect .eval archive in a worker thread and stops it after `timeoutMs`. The zstd decoder the core
 * uses can loop without end on some corrupted archives; a synchronous loop cannot be interrupted on the main
 * thread, but a worker can be terminated, so a hostile archive ends as a clear error in bounded time.
 */
export function importEvalBounded(
  bytes: Uint8Array,
  opts: ImportOptions,
  timeoutMs: number = importTimeoutMs(),
): Promise<ImportResult> {
  const { onProgress: _progress, ...cloneable } = opts;
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./import-worker.js', import.meta.url), {
      workerData: { bytes, opts: cloneable },
    });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      fn();
    };
    const timer = setTimeout(() => finish(() => reject(importTimedOut(opts.fileName, timeoutMs))), timeoutMs);
    worker.once('message', (answer: ImportAnswer) =>
      finish(() => {
        try {
          resolve(resultOf(answer));
        } catch (e) {
          reject(e);
        }
      }),
    );
    worker.once('error', (e) =>
      finish(() =>
        reject(
          new GreenlightError('invalid_input', `${opts.fileName}: the import failed (${e.message})`, [], {
            cause: e,
          }),
        ),
      ),
    );
  });
}
