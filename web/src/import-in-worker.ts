/**
 * Imports an evaluation log in a Web Worker that is stopped after a time limit. The zstd decoder can loop without
 * end on some corrupted .eval archives, and a loop on the page's thread would freeze the tab; in a worker it ends
 * as a clear error, and a large log never stalls the page while it is read.
 */
import { GreenlightError } from '../../src/core/errors.js';
import { type ImportAnswer, importTimedOut, resultOf } from '../../src/core/import/answer.js';
import type { LogFormat } from '../../src/core/import/index.js';
import type { ImportOptions, ImportResult } from '../../src/core/import/types.js';
import type { ImportRequest } from './import-worker.js';

/** One minute, or what `localStorage['greenlight.importTimeoutMs']` says (tests set it). */
export function importTimeoutMs(): number {
  const v = Number(globalThis.localStorage?.getItem('greenlight.importTimeoutMs'));
  return Number.isFinite(v) && v > 0 ? v : 60_000;
}

export function importInWorker(
  format: LogFormat,
  bytes: Uint8Array,
  opts: ImportOptions,
  signal?: AbortSignal,
  timeoutMs: number = importTimeoutMs(),
): Promise<ImportResult> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new GreenlightError('invalid_input', 'import cancelled'));
      return;
    }
    const worker = new Worker(new URL('./import-worker.ts', import.meta.url), { type: 'module' });
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      worker.terminate();
      settle();
    };
    const onAbort = () => finish(() => reject(new GreenlightError('invalid_input', 'import cancelled')));
    const timer = setTimeout(() => finish(() => reject(importTimedOut(opts.fileName, timeoutMs))), timeoutMs);
    signal?.addEventListener('abort', onAbort);
    worker.onmessage = (e: MessageEvent<ImportAnswer>) =>
      finish(() => {
        try {
          resolve(resultOf(e.data));
        } catch (err) {
          reject(err);
        }
      });
    worker.onerror = (e) =>
      finish(() =>
        reject(
          new GreenlightError(
            'internal',
            `${opts.fileName}: the import failed (${e.message || 'worker error'})`,
          ),
        ),
      );
    const { onProgress: _progress, ...cloneable } = opts;
    const request: ImportRequest = { format, bytes, opts: cloneable };
    worker.postMessage(request);
  });
}
