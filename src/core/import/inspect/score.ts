/** Inspect score values → numbers, as evidence.md (Importers, Inspect AI) fixes it. */
import { GreenlightError } from '../../errors.js';

const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const LETTERS: Record<string, number> = { C: 1, P: 0.5, I: 0, N: 0 };
const WORDS: Record<string, number> = { yes: 1, true: 1, no: 0, false: 0 };

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'a dict' : String(value);
}

/**
 * One score value as a number, or `'unscored'` for Inspect's unscored sentinel (`NaN`; also `null`, which
 * logs written before Inspect serialized NaN hold in its place, and the string "NaN").
 *
 * Numbers and booleans count as themselves; `C`→1, `P`→0.5, `I`→0, `N`→0; `yes`/`true`→1, `no`/`false`→0 (case
 * insensitive); other numeric strings are parsed. Anything else (other strings, ±Infinity, lists, dicts) is
 * an `invalid_input` error naming `where` (the file and sample).
 */
export function inspectScoreToNumber(value: unknown, where: string): number | 'unscored' {
  const fail = (why: string) => new GreenlightError('invalid_input', `${where}: ${why}`);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'unscored';
    if (!Number.isFinite(value)) throw fail(`score value ${value} is not finite`);
    return value === 0 ? 0 : value;
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === null) return 'unscored';
  if (typeof value === 'string') {
    const s = value.trim();
    const letter = LETTERS[s];
    if (letter !== undefined) return letter;
    const word = WORDS[s.toLowerCase()];
    if (word !== undefined) return word;
    if (s.toLowerCase() === 'nan') return 'unscored';
    if (NUMERIC.test(s)) {
      const n = Number(s);
      if (Number.isFinite(n)) return n === 0 ? 0 : n;
      throw fail(`score value ${show(value)} is not finite`);
    }
    throw fail(`score value ${show(value)} is not a number, C/P/I/N, yes/no, true/false or a numeric string`);
  }
  if (Array.isArray(value)) throw fail('score value is a list; list-valued scores cannot be imported');
  if (typeof value === 'object')
    throw fail('score value is a dict; choose one of its keys with the scorer "<scorer>/<key>"');
  throw fail(`score value ${show(value)} is not a number`);
}
