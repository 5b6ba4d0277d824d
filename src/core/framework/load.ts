/**
 * Loading a framework (framework.md): text → checked `Framework`, or a `GreenlightError('invalid_framework')`
 * listing every problem with file, line, column and path. Pure: no I/O, runs in browsers.
 */
import { digestOf } from '../digest.js';
import { GreenlightError, type Problem } from '../errors.js';
import {
  type FrameworkFormat,
  guessFormat,
  type Position,
  readSource,
  readValue,
  type SourceProblem,
  type SourceRead,
} from './source.js';
import type { Framework } from './types.js';
import { buildFramework, checkFrameworkDocument, INVALID, type RawProblem } from './validate.js';

export type { FrameworkFormat, Position } from './source.js';

export interface ParseFrameworkOptions {
  /** Shown in every problem; its extension (.yaml/.yml/.json) also picks the format. */
  file?: string;
  /** Overrides the format guessed from `file` or from the text. */
  format?: FrameworkFormat;
}

/** Where the key or value at a JSON path was written, if known. */
export type Locate = (path: string, part: 'key' | 'value') => Position | undefined;

/** At most this many problems are listed (then one line says how many more there are). */
export const MAX_PROBLEMS = 1000;

/**
 * Reads and checks a framework written as YAML (1.2, core schema) or JSON. Throws
 * `GreenlightError('invalid_framework')` with every problem located; never returns a partial framework and
 * never throws anything else.
 */
export function parseFramework(text: string, opts: ParseFrameworkOptions = {}): Framework {
  const file = opts.file;
  try {
    if (typeof text !== 'string') {
      throw invalid(file, [{ path: '', message: `expected the framework's text, got ${typeof text}`, file }]);
    }
    const guess = opts.format ? { format: opts.format, guessed: false } : guessFormat(text, file);
    const read = readSource(text, guess.format, guess.guessed);
    return finish(read, file);
  } catch (e) {
    throw asFrameworkError(e, file);
  }
}

/**
 * Checks a framework given as a JS value (e.g. a parsed request body). `locate`, when given, places problems
 * in the text the value came from.
 */
export function validateFrameworkValue(value: unknown, locate?: Locate, file?: string): Framework {
  try {
    const read = readValue(value);
    if (locate) read.position = locate;
    return finish(read, file);
  } catch (e) {
    throw asFrameworkError(e, file);
  }
}

/** The framework's identity: `sha256:<hex>` of the RFC 8785 canonical JSON of the document as written. */
export function frameworkDigest(document: unknown): string {
  return digestOf(document);
}

function finish(read: SourceRead, file: string | undefined): Framework {
  const problems: Problem[] = read.problems.map((p) => located(p, read, file));
  if (!read.fatal) {
    const raw = checkFrameworkDocument(read.value, (path) => read.numberSource(path));
    for (const p of raw) problems.push(locateRaw(p, read, file));
  }
  if (problems.length === 0 && read.value === INVALID) {
    problems.push(withPosition({ path: '', message: 'the framework could not be read' }, undefined, file));
  }
  if (problems.length > 0) throw invalid(file, problems);
  return buildFramework(deepFreeze(read.value), frameworkDigest(read.value));
}

/** The document as written is the framework's identity: it must not change after its digest is taken. */
function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

function located(p: SourceProblem, read: SourceRead, file: string | undefined): Problem {
  const pos =
    p.offset !== undefined
      ? read.offsetPosition(p.offset)
      : p.path !== ''
        ? nearest(read, p.path, 'value')
        : undefined;
  return withPosition({ path: p.path, message: p.message }, pos, file);
}

function locateRaw(p: RawProblem, read: SourceRead, file: string | undefined): Problem {
  return withPosition({ path: p.path, message: p.message }, nearest(read, p.path, p.part), file);
}

function withPosition(p: Problem, pos: Position | undefined, file: string | undefined): Problem {
  const out: Problem = { path: p.path, message: p.message };
  if (file !== undefined) out.file = file;
  if (pos) {
    out.line = pos.line;
    out.column = pos.column;
  }
  return out;
}

/** The position of `path`, else of the closest enclosing value that has one (e.g. for a missing key). */
function nearest(read: SourceRead, path: string, part: 'key' | 'value'): Position | undefined {
  let p: string | undefined = path;
  let which = part;
  while (p !== undefined) {
    const pos = read.position(p, which);
    if (pos) return pos;
    p = parentPath(p);
    which = 'value';
  }
  return undefined;
}

/** `a.b[2]` → `a.b`, `a["x.y"]` → `a`, `a` → ``, `` → undefined. */
export function parentPath(path: string): string | undefined {
  if (path === '') return undefined;
  const m = /(?:\[(?:\d+|"(?:[^"\\]|\\.)*")\]|\.?[A-Za-z_][A-Za-z0-9_]*)$/.exec(path);
  return m ? path.slice(0, m.index) : '';
}

function comparePositions(a: Problem, b: Problem): number {
  const la = a.line ?? Number.POSITIVE_INFINITY;
  const lb = b.line ?? Number.POSITIVE_INFINITY;
  if (la !== lb) return la - lb;
  return (a.column ?? 0) - (b.column ?? 0);
}

function invalid(file: string | undefined, problems: Problem[]): GreenlightError {
  const sorted = [...problems].sort(comparePositions); // stable: same place keeps the order of the checks
  const total = sorted.length;
  const shown = sorted.slice(0, MAX_PROBLEMS);
  if (total > MAX_PROBLEMS) {
    const more: Problem = { path: '', message: `... and ${total - MAX_PROBLEMS} more problems` };
    if (file !== undefined) more.file = file;
    shown.push(more);
  }
  const what = file ?? 'framework';
  return new GreenlightError(
    'invalid_framework',
    `${what}: not a valid framework (${total} problem${total === 1 ? '' : 's'})`,
    shown,
  );
}

function asFrameworkError(e: unknown, file: string | undefined): GreenlightError {
  if (e instanceof GreenlightError && e.code === 'invalid_framework') return e;
  const message =
    e instanceof RangeError
      ? 'the document is too deeply nested or too large to read'
      : `cannot read the framework: ${e instanceof Error ? e.message : String(e)}`;
  const p: Problem = { path: '', message };
  if (file !== undefined) p.file = file;
  return new GreenlightError('invalid_framework', `${file ?? 'framework'}: ${message}`, [p], { cause: e });
}
