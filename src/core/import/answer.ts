/**
 * An import's outcome as a structured-cloneable message, for imports run off the main thread (a Node worker in
 * the CLI, a Web Worker in the dashboard) so that the caller can stop them after a time limit: the zstd decoder
 * can loop without end on some corrupted archives, and a synchronous loop cannot be interrupted where it runs.
 */
import { type ErrorCode, GreenlightError, isGreenlightError, type Problem } from '../errors.js';
import type { ImportResult } from './types.js';

export type ImportAnswer =
  | { ok: true; result: ImportResult }
  | { ok: false; code: ErrorCode; message: string; problems: Problem[] };

/** Runs `run` and packs its result or error. */
export function answerOf(run: () => ImportResult): ImportAnswer {
  try {
    return { ok: true, result: run() };
  } catch (e) {
    return isGreenlightError(e)
      ? { ok: false, code: e.code, message: e.message, problems: e.problems }
      : { ok: false, code: 'internal', message: e instanceof Error ? e.message : String(e), problems: [] };
  }
}

/** The result an answer carries, or its error raised again as a GreenlightError. */
export function resultOf(answer: ImportAnswer): ImportResult {
  if (answer.ok) return answer.result;
  throw new GreenlightError(answer.code, answer.message, answer.problems);
}

/** The error for an import stopped after `timeoutMs`. */
export function importTimedOut(fileName: string, timeoutMs: number): GreenlightError {
  const limit = timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`;
  return new GreenlightError(
    'invalid_input',
    `${fileName}: decoding did not finish within ${limit}; the archive is malformed or hostile`,
  );
}
