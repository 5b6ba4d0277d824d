// Runs one Inspect .eval import off the main thread, so the caller can stop it after a time limit.
import { parentPort, workerData } from 'node:worker_threads';
import { answerOf } from '../core/import/answer.js';
import { importLog } from '../core/import/index.js';
import type { ImportOptions } from '../core/import/types.js';

const { bytes, opts } = workerData as { bytes: Uint8Array; opts: ImportOptions };
parentPort!.postMessage(answerOf(() => importLog('inspect-eval', bytes, opts)));
