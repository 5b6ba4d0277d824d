/** Inspect `.json` logs, streamed: one `EvalLog` object fed in chunks and never held whole. */
import { GreenlightError } from '../../errors.js';
import type { ImportOptions, ImportResult } from '../types.js';
import { JsonStreamParser } from './json-stream.js';
import { buildEvaluations, logSel, RowSet, resolveLimits, toRow } from './log.js';

/** Progress is reported every this many bytes. */
const PROGRESS_STEP = 4 * 1024 * 1024;

export interface InspectJsonImporter {
  /** Feeds the next bytes of the file (a chunk may end anywhere). The chunk is not kept. */
  push(chunk: Uint8Array): void;
  /** Ends the input and builds the evaluations. */
  finish(): ImportResult;
}

/**
 * A streaming importer for an Inspect `.json` log. Only the header fields, and of each sample its id, epoch,
 * scores, error and limit are built; messages, events and outputs are parsed and dropped. `onProgress` gets
 * (bytes pushed, 0): the total is not known to the importer.
 */
export function createInspectJsonImporter(opts: ImportOptions): InspectJsonImporter {
  const limits = resolveLimits(opts.limits);
  const file = opts.fileName;
  const rows = new RowSet();
  let index = 0;
  const parser = new JsonStreamParser(
    logSel(
      (v) => {
        rows.add(toRow(v, `${file}: samples[${index}]`));
        index++;
      },
      () => rows.size === 0,
    ),
    { where: file, maxDepth: limits.maxDepth, requireObject: true },
  );
  let done = 0;
  let reported = 0;
  let failure: unknown;
  let finished = false;

  const guard = <T>(f: () => T): T => {
    if (failure !== undefined) throw failure;
    if (finished) throw new GreenlightError('internal', `${file}: the importer has already finished`);
    try {
      return f();
    } catch (e) {
      failure = e;
      throw e;
    }
  };

  return {
    push(chunk: Uint8Array): void {
      guard(() => {
        parser.push(chunk);
        done += chunk.length;
        if (opts.onProgress !== undefined && done - reported >= PROGRESS_STEP) {
          reported = done;
          opts.onProgress(done, 0);
        }
      });
    },
    finish(): ImportResult {
      return guard(() => {
        const root = parser.finish();
        finished = true;
        opts.onProgress?.(done, 0);
        const reductions =
          typeof root === 'object' && root !== null
            ? (root as Record<string, unknown>).reductions
            : undefined;
        return buildEvaluations(
          { header: root, fromJournal: false, rows, source: 'samples', reductions, warnings: [] },
          opts,
        );
      });
    },
  };
}
