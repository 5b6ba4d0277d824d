/** Inspect `.eval` logs (a ZIP archive): header, summaries or samples, reductions; the journal as a fallback. */
import { GreenlightError } from '../../errors.js';
import type { ImportOptions, ImportResult } from '../types.js';
import { arr, JsonStreamParser, type Sel } from './json-stream.js';
import {
  buildEvaluations,
  logSel,
  REDUCTIONS_SEL,
  ROW_SEL,
  RowSet,
  resolveLimits,
  type SampleSource,
  toRow,
} from './log.js';
import { printable } from './text.js';
import { ZipReader } from './zip.js';

/** `samples/{id}_epoch_{n}.json` (monolith) or `samples/{id}_epoch_{n}/sample.json` (chunked layout). */
const SAMPLE_MEMBER = /^samples\/[^/]+\.json$|^samples\/[^/]+\/sample\.json$/;
const JOURNAL_SUMMARY = /^_journal\/summaries\/(\d+)\.json$/;

const noop = () => {};

export function importInspectEval(bytes: Uint8Array, opts: ImportOptions): ImportResult {
  const limits = resolveLimits(opts.limits);
  const file = opts.fileName;
  const zip = new ZipReader(bytes, file, limits);
  const report = progress(opts, bytes.length);

  const parse = (member: string, sel: Sel, requireObject: boolean): unknown => {
    const parser = new JsonStreamParser(sel, {
      where: `${file}: ${printable(member)}`,
      maxDepth: limits.maxDepth,
      requireObject,
    });
    zip.read(member, (chunk) => parser.push(chunk));
    const value = parser.finish();
    report(zip.compressedRead);
    return value;
  };
  const parseRows = (member: string, rows: RowSet): void => {
    const where = `${file}: ${printable(member)}`;
    const value = parse(
      member,
      arr(ROW_SEL, (v) => rows.add(toRow(v, where))),
      false,
    );
    if (!Array.isArray(value))
      throw new GreenlightError('invalid_input', `${where}: expected a JSON array of samples`);
  };

  // The header; without header.json (a crashed or running eval) the journal's start record stands in.
  const warnings: string[] = [];
  const fromJournal = !zip.has('header.json');
  if (fromJournal && !zip.has('_journal/start.json'))
    throw new GreenlightError(
      'invalid_input',
      `${file}: not an Inspect log: the archive has neither header.json nor _journal/start.json`,
    );
  if (fromJournal)
    warnings.push(`${file}: no header.json (a crashed or running eval); read the journal instead`);
  const header = parse(
    fromJournal ? '_journal/start.json' : 'header.json',
    logSel(noop, () => false),
    true,
  );

  const rows = new RowSet();
  let source: SampleSource = 'summaries';
  if (zip.has('summaries.json')) parseRows('summaries.json', rows);
  else {
    source = 'journal summaries';
    const journal = [...zip.entries.keys()]
      .map((name) => ({ name, n: JOURNAL_SUMMARY.exec(name)?.[1] }))
      .filter((j): j is { name: string; n: string } => j.n !== undefined)
      .sort((a, b) => Number(a.n) - Number(b.n));
    for (const j of journal) parseRows(j.name, rows);
  }
  // Sample members are the full record; read them when the summaries do not cover them all.
  const sampleMembers = [...zip.entries.keys()].filter((name) => SAMPLE_MEMBER.test(name));
  if (rows.size < sampleMembers.length) {
    source = 'samples';
    for (const member of sampleMembers)
      rows.add(toRow(parse(member, ROW_SEL, true), `${file}: ${printable(member)}`));
  }
  let reductions: unknown;
  if (rows.size === 0 && zip.has('reductions.json'))
    reductions = parse('reductions.json', REDUCTIONS_SEL, false);
  report(bytes.length, true);
  return buildEvaluations({ header, fromJournal, rows, source, reductions, warnings }, opts);
}

/** Calls `onProgress` when at least 1% (or 4 MiB) more is done, and at the end. */
function progress(opts: ImportOptions, total: number): (done: number, last?: boolean) => void {
  const cb = opts.onProgress;
  if (cb === undefined) return noop;
  const step = Math.max(1, Math.min(total / 100, 4 * 1024 * 1024));
  let reported = 0;
  return (done, last = false) => {
    const d = Math.min(done, total);
    if (last || d - reported >= step) {
      reported = d;
      cb(d, total);
    }
  };
}
