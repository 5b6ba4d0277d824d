// Runs one evidence import (Inspect .eval/.json, lm-eval) off the page's thread: see import-in-worker.ts.
import { answerOf } from '../../src/core/import/answer.js';
import { importLog, type LogFormat } from '../../src/core/import/index.js';
import type { ImportOptions } from '../../src/core/import/types.js';

export interface ImportRequest {
  format: LogFormat;
  bytes: Uint8Array;
  opts: ImportOptions;
}

self.onmessage = (e: MessageEvent<ImportRequest>) => {
  const { format, bytes, opts } = e.data;
  self.postMessage(answerOf(() => importLog(format, bytes, opts)));
};
