/**
 * An incremental, selective JSON parser for Inspect logs.
 *
 * Bytes arrive in chunks of any size (a chunk may end anywhere, even inside a string or a number). The parser
 * checks the whole grammar but builds only what a selector asks for; everything else (messages, events, model
 * outputs) is scanned and dropped without being decoded. Arrays can hand each element to a callback as soon as
 * it is complete, so a log's `samples` never accumulate. Memory is therefore bounded by the largest value that is
 * built, not by the input.
 *
 * Extensions to strict JSON, as Inspect writes them: the bare tokens `NaN`, `Infinity` and `-Infinity`, and a
 * leading UTF-8 byte-order mark. Nesting deeper than `maxDepth` is refused. The parser is iterative (no recursion),
 * so hostile nesting cannot overflow the stack. Strings that are skipped are checked for termination but not for
 * control characters or escape validity; strings that are built are checked fully.
 */
import { GreenlightError } from '../../errors.js';

/** Do not build this value (it is still parsed). */
export const SKIP = 0;
/** Build this value whole. */
export const ALL = 1;

/** An object of which only some members are built. `rest` applies to members not in `fields`. */
export interface ObjSel {
  readonly kind: 'obj';
  readonly fields: ReadonlyMap<string, Sel | (() => Sel)>;
  readonly rest: Sel;
}

/**
 * An array whose elements are built with `item`. With `onItem`, each element is handed over when complete
 * instead of being kept (the array then builds as `[]`). Skipped elements arrive as `undefined`.
 */
export interface ArrSel {
  readonly kind: 'arr';
  readonly item: Sel;
  readonly onItem?: (value: unknown) => void;
}

export type Sel = typeof SKIP | typeof ALL | ObjSel | ArrSel;

/** A selector for an object; a field given as a function is resolved when its key is met. */
export function obj(fields: Record<string, Sel | (() => Sel)>, rest: Sel = SKIP): ObjSel {
  return { kind: 'obj', fields: new Map(Object.entries(fields)), rest };
}

export function arr(item: Sel, onItem?: (value: unknown) => void): ArrSel {
  return onItem === undefined ? { kind: 'arr', item } : { kind: 'arr', item, onItem };
}

export interface JsonStreamOptions {
  /** Names the input in error messages, e.g. `log.eval: header.json`. */
  where: string;
  maxDepth: number;
  /** Refuse at once a document whose top level is not an object. */
  requireObject?: boolean;
  /** Longest string that may be built (skipped strings are not limited). */
  maxStringBytes?: number;
}

// Parser states (between tokens, or inside one that crosses a chunk boundary).
const S_VALUE = 0;
const S_ARR_FIRST = 1;
const S_OBJ_FIRST = 2;
const S_OBJ_KEY = 3;
const S_COLON = 4;
const S_AFTER = 5;
const S_END = 6;
const S_STRING = 7;
const S_BARE = 8;

const K_OBJ = 1;
const K_ARR = 2;

// Kinds of bare token.
const T_BAD = 0;
const T_NUM = 1;
const T_TRUE = 2;
const T_FALSE = 3;
const T_NULL = 4;
const T_NAN = 5;
const T_INF = 6;
const T_NINF = 7;

const MAX_BARE_TOKEN = 1024;
const DEFAULT_MAX_STRING = 64 * 1024 * 1024;

/** Bytes that may appear in a bare token (number or literal). */
const BARE = new Uint8Array(256);
for (const c of '0123456789+-.eEabcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ')
  BARE[c.charCodeAt(0)] = 1;

const utf8 = new TextDecoder('utf-8');

function latin1(buf: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(buf[i]!);
  return out;
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

function sameBytes(buf: Uint8Array, s: number, e: number, word: string): boolean {
  if (e - s !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (buf[s + i] !== word.charCodeAt(i)) return false;
  return true;
}

/** What the bare token `buf[s..e)` is. */
function classify(buf: Uint8Array, s: number, e: number): number {
  const c = buf[s];
  switch (c) {
    case 0x74:
      return sameBytes(buf, s, e, 'true') ? T_TRUE : T_BAD;
    case 0x66:
      return sameBytes(buf, s, e, 'false') ? T_FALSE : T_BAD;
    case 0x6e:
      return sameBytes(buf, s, e, 'null') ? T_NULL : T_BAD;
    case 0x4e:
      return sameBytes(buf, s, e, 'NaN') ? T_NAN : T_BAD;
    case 0x49:
      return sameBytes(buf, s, e, 'Infinity') ? T_INF : T_BAD;
  }
  let p = s;
  if (c === 0x2d) {
    p++;
    if (buf[p] === 0x49) return sameBytes(buf, s, e, '-Infinity') ? T_NINF : T_BAD;
  }
  if (p >= e) return T_BAD;
  if (buf[p] === 0x30) p++;
  else if (buf[p]! >= 0x31 && buf[p]! <= 0x39) {
    p++;
    while (p < e && isDigit(buf[p])) p++;
  } else return T_BAD;
  if (p < e && buf[p] === 0x2e) {
    p++;
    if (!(p < e && isDigit(buf[p]))) return T_BAD;
    while (p < e && isDigit(buf[p])) p++;
  }
  if (p < e && (buf[p] === 0x65 || buf[p] === 0x45)) {
    p++;
    if (p < e && (buf[p] === 0x2b || buf[p] === 0x2d)) p++;
    if (!(p < e && isDigit(buf[p]))) return T_BAD;
    while (p < e && isDigit(buf[p])) p++;
  }
  return p === e ? T_NUM : T_BAD;
}

function bareValue(kind: number, buf: Uint8Array, s: number, e: number): unknown {
  switch (kind) {
    case T_NUM:
      return Number(latin1(buf, s, e));
    case T_TRUE:
      return true;
    case T_FALSE:
      return false;
    case T_NULL:
      return null;
    case T_NAN:
      return Number.NaN;
    case T_INF:
      return Number.POSITIVE_INFINITY;
    default:
      return Number.NEGATIVE_INFINITY;
  }
}

/**
 * The end of a string: the index of its closing quote in `buf` at or after `p`, or -1 when the string goes on
 * past the chunk. `segStart` is where the string's bytes in this chunk begin (backslash runs are counted back to
 * there, never further).
 */
function findClosingQuote(buf: Uint8Array, p: number, segStart: number): number {
  for (;;) {
    const q = buf.indexOf(0x22, p);
    if (q < 0) return -1;
    let j = q - 1;
    while (j >= segStart && buf[j] === 0x5c) j--;
    if (((q - 1 - j) & 1) === 0) return q;
    p = q + 1;
  }
}

/** Whether a chunk's string bytes `buf[segStart..n)` end with an unfinished escape (an odd run of `\`). */
function endsInEscape(buf: Uint8Array, segStart: number): boolean {
  let j = buf.length - 1;
  while (j >= segStart && buf[j] === 0x5c) j--;
  return ((buf.length - 1 - j) & 1) === 1;
}

export class JsonStreamParser {
  private readonly where: string;
  private readonly maxDepth: number;
  private readonly requireObject: boolean;
  private readonly maxString: number;
  private readonly rootSel: Sel;

  private state = S_VALUE;
  private depth = 0;
  private readonly kinds: Uint8Array;
  /** The container being built at each depth, or null when it is skipped. */
  private readonly containers: unknown[] = [];
  /** The selector of each container (SKIP for skipped ones and for type mismatches). */
  private readonly sels: Sel[] = [];
  /** The selector of the next child at each depth. */
  private readonly childSels: Sel[] = [];
  /** The key of the current member, per object depth that is built. */
  private readonly keys: string[] = [];
  private root: unknown = undefined;
  private offset = 0;
  private started = false;

  // A string that crosses a chunk boundary.
  private strIsKey = false;
  private strBuild = false;
  private strPieces: Uint8Array[] = [];
  private strLen = 0;
  private strEscape = false;
  // A bare token that crosses a chunk boundary.
  private bare = '';

  constructor(root: Sel, opts: JsonStreamOptions) {
    this.rootSel = root;
    this.where = opts.where;
    this.maxDepth = opts.maxDepth;
    this.requireObject = opts.requireObject === true;
    this.maxString = opts.maxStringBytes ?? DEFAULT_MAX_STRING;
    this.kinds = new Uint8Array(Math.max(1, Math.min(opts.maxDepth, 1 << 20)) + 1);
  }

  /** Bytes consumed so far. */
  get position(): number {
    return this.offset;
  }

  push(buf: Uint8Array): void {
    const n = buf.length;
    if (n === 0) return;
    let i = 0;
    if (!this.started) {
      this.started = true;
      if (n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) i = 3;
    }
    if (this.state === S_STRING) {
      i = this.continueString(buf);
      if (i < 0) {
        this.offset += n;
        return;
      }
    } else if (this.state === S_BARE) {
      i = this.continueBare(buf);
      if (i < 0) {
        this.offset += n;
        return;
      }
    }
    const kinds = this.kinds;
    while (i < n) {
      const c = buf[i]!;
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        i++;
        continue;
      }
      switch (this.state) {
        case S_AFTER: {
          const k = kinds[this.depth - 1];
          if (c === 0x2c) {
            this.state = k === K_OBJ ? S_OBJ_KEY : S_VALUE;
            i++;
          } else if ((c === 0x7d && k === K_OBJ) || (c === 0x5d && k === K_ARR)) {
            this.close();
            i++;
          } else throw this.fail(i, `expected ',' or '${k === K_OBJ ? '}' : ']'}'`, buf);
          break;
        }
        case S_OBJ_KEY:
        case S_OBJ_FIRST:
          if (c === 0x22) i = this.startString(buf, i, true);
          else if (c === 0x7d && this.state === S_OBJ_FIRST) {
            this.close();
            i++;
          } else throw this.fail(i, 'expected a member name in double quotes', buf);
          break;
        case S_COLON:
          if (c !== 0x3a) throw this.fail(i, "expected ':'", buf);
          this.state = S_VALUE;
          i++;
          break;
        case S_ARR_FIRST:
          if (c === 0x5d) {
            this.close();
            i++;
            break;
          }
          i = this.startValue(buf, i, c);
          break;
        case S_VALUE:
          i = this.startValue(buf, i, c);
          break;
        default:
          throw this.fail(i, 'unexpected data after the end of the document', buf);
      }
    }
    this.offset += n;
  }

  /** The document's top-level value, built as the selector asked. Fails when the document is incomplete. */
  finish(): unknown {
    // A bare token may end with the input (only at the top level).
    if (this.state === S_BARE) this.endPendingBare(0);
    if (this.state !== S_END) {
      if (!this.started && this.depth === 0) throw this.error('empty input, expected a JSON document');
      throw this.error(`truncated: the document ends at byte ${this.offset} before it is complete`);
    }
    return this.root;
  }

  private error(message: string): GreenlightError {
    return new GreenlightError('invalid_input', `${this.where}: invalid JSON: ${message}`);
  }

  private fail(i: number, message: string, buf?: Uint8Array): GreenlightError {
    let got = '';
    if (buf !== undefined && i < buf.length) {
      const c = buf[i]!;
      got =
        c >= 0x20 && c < 0x7f
          ? `, got '${String.fromCharCode(c)}'`
          : `, got byte 0x${c.toString(16).padStart(2, '0')}`;
    }
    return this.error(`${message}${got} at byte ${this.offset + i}`);
  }

  /** The selector of the value that starts now. */
  private currentSel(): Sel {
    return this.depth === 0 ? this.rootSel : this.childSels[this.depth - 1]!;
  }

  private startValue(buf: Uint8Array, i: number, c: number): number {
    if (this.depth === 0 && this.requireObject && c !== 0x7b)
      throw this.fail(i, 'expected a JSON object at the top level', buf);
    if (c === 0x7b) {
      this.open(K_OBJ, i);
      return i + 1;
    }
    if (c === 0x5b) {
      this.open(K_ARR, i);
      return i + 1;
    }
    if (c === 0x22) return this.startString(buf, i, false);
    if (BARE[c] === 1) return this.startBare(buf, i);
    throw this.fail(i, 'expected a value', buf);
  }

  private open(kind: number, i: number): void {
    const d = this.depth;
    if (d >= this.maxDepth) throw this.fail(i, `nesting deeper than ${this.maxDepth} levels`);
    const sel = this.currentSel();
    this.kinds[d] = kind;
    this.depth = d + 1;
    this.state = kind === K_OBJ ? S_OBJ_FIRST : S_ARR_FIRST;
    if (sel === SKIP || (d > 0 && this.containers[d - 1] === null)) {
      this.containers[d] = null;
      this.sels[d] = SKIP;
      this.childSels[d] = SKIP;
      return;
    }
    const container = kind === K_OBJ ? Object.create(null) : [];
    this.containers[d] = container;
    if (sel === ALL) {
      this.sels[d] = ALL;
      this.childSels[d] = ALL;
    } else if ((sel.kind === 'obj') === (kind === K_OBJ)) {
      this.sels[d] = sel;
      this.childSels[d] = sel.kind === 'arr' ? sel.item : SKIP;
    } else {
      // Wrong type: keep an empty container of the type found, so the reader can tell, and skip its content.
      this.sels[d] = SKIP;
      this.childSels[d] = SKIP;
    }
  }

  private close(): void {
    const d = this.depth - 1;
    this.depth = d;
    const v = this.containers[d];
    this.containers[d] = null;
    if (v === null) this.emitSkipped();
    else this.emit(v);
  }

  /** Places a built value in its parent. */
  private emit(v: unknown): void {
    const d = this.depth;
    if (d === 0) {
      this.root = v;
      this.state = S_END;
      return;
    }
    this.state = S_AFTER;
    const parent = this.containers[d - 1];
    if (parent === null) return;
    if (this.kinds[d - 1] === K_OBJ) {
      (parent as Record<string, unknown>)[this.keys[d - 1]!] = v;
      return;
    }
    const sel = this.sels[d - 1]!;
    if (sel === SKIP) return;
    if (sel !== ALL && sel.kind === 'arr' && sel.onItem !== undefined) sel.onItem(v);
    else (parent as unknown[]).push(v);
  }

  /** A value was skipped: arrays that are built keep its place as `undefined`. */
  private emitSkipped(): void {
    const d = this.depth;
    if (d === 0) {
      this.state = S_END;
      return;
    }
    this.state = S_AFTER;
    const parent = this.containers[d - 1];
    if (parent === null || this.kinds[d - 1] !== K_ARR) return;
    const sel = this.sels[d - 1]!;
    if (sel === SKIP || sel === ALL) return;
    if (sel.kind === 'arr' && sel.onItem !== undefined) sel.onItem(undefined);
    else (parent as unknown[]).push(undefined);
  }

  /** A member name was read: choose the selector of its value. */
  private setKey(key: string): void {
    const d = this.depth - 1;
    this.keys[d] = key;
    const sel = this.sels[d]!;
    let child: Sel | (() => Sel) = SKIP;
    if (sel === ALL) child = ALL;
    else if (sel !== SKIP && sel.kind === 'obj') child = sel.fields.get(key) ?? sel.rest;
    this.childSels[d] = typeof child === 'function' ? child() : child;
    this.state = S_COLON;
  }

  /** Whether the string starting now must be decoded. */
  private wantString(isKey: boolean): boolean {
    const d = this.depth;
    if (isKey) {
      const s = this.sels[d - 1]!;
      return s === ALL || (s !== SKIP && s.kind === 'obj');
    }
    if (d > 0 && this.containers[d - 1] === null) return false;
    return this.currentSel() !== SKIP;
  }

  private startString(buf: Uint8Array, i: number, isKey: boolean): number {
    const build = this.wantString(isKey);
    const start = i + 1;
    const q = findClosingQuote(buf, start, start);
    if (q >= 0) {
      if (build) {
        if (q - start > this.maxString) throw this.tooLong();
        this.endString(isKey, this.decode(buf, start, q));
      } else this.endString(isKey, undefined);
      return q + 1;
    }
    this.state = S_STRING;
    this.strIsKey = isKey;
    this.strBuild = build;
    this.strLen = buf.length - start;
    this.strPieces = build ? [buf.slice(start)] : [];
    this.strEscape = endsInEscape(buf, start);
    if (build && this.strLen > this.maxString) throw this.tooLong();
    return buf.length;
  }

  /** Goes on with a string begun in an earlier chunk; returns where parsing resumes, or -1 at chunk end. */
  private continueString(buf: Uint8Array): number {
    let seg = 0;
    if (this.strEscape) {
      this.strEscape = false;
      seg = 1;
    }
    const q = findClosingQuote(buf, seg, seg);
    if (q < 0) {
      this.strEscape = endsInEscape(buf, seg);
      if (this.strBuild) {
        this.strLen += buf.length;
        if (this.strLen > this.maxString) throw this.tooLong();
        this.strPieces.push(buf.slice());
      }
      return -1;
    }
    let value: string | undefined;
    if (this.strBuild) {
      this.strLen += q;
      if (this.strLen > this.maxString) throw this.tooLong();
      this.strPieces.push(buf.subarray(0, q));
      const all = new Uint8Array(this.strLen);
      let o = 0;
      for (const p of this.strPieces) {
        all.set(p, o);
        o += p.length;
      }
      this.strPieces = [];
      value = this.decode(all, 0, all.length);
    }
    this.endString(this.strIsKey, value);
    return q + 1;
  }

  private endString(isKey: boolean, value: string | undefined): void {
    if (isKey) {
      if (value === undefined) {
        this.childSels[this.depth - 1] = SKIP;
        this.state = S_COLON;
      } else this.setKey(value);
    } else if (value === undefined) this.emitSkipped();
    else this.emit(value);
  }

  private tooLong(): GreenlightError {
    return new GreenlightError(
      'too_large',
      `${this.where}: a string near byte ${this.offset} is longer than ${this.maxString} bytes`,
    );
  }

  /** The text of the string whose raw bytes (between the quotes) are `buf[s..e)`. */
  private decode(buf: Uint8Array, s: number, e: number): string {
    let escaped = false;
    let ascii = true;
    for (let i = s; i < e; i++) {
      const c = buf[i]!;
      if (c === 0x5c) escaped = true;
      else if (c >= 0x80) ascii = false;
      else if (c < 0x20) throw this.error(`control character 0x${c.toString(16)} inside a string`);
    }
    if (escaped) {
      const raw = utf8.decode(buf.subarray(s, e));
      try {
        return JSON.parse(`"${raw}"`) as string;
      } catch {
        throw this.error(`invalid escape sequence in string "${raw.slice(0, 40)}"`);
      }
    }
    if (ascii && e - s < 32) return latin1(buf, s, e);
    return utf8.decode(buf.subarray(s, e));
  }

  private startBare(buf: Uint8Array, i: number): number {
    const n = buf.length;
    let j = i + 1;
    while (j < n && BARE[buf[j]!] === 1) j++;
    if (j === n) {
      this.state = S_BARE;
      this.bare = latin1(buf, i, n);
      if (this.bare.length > MAX_BARE_TOKEN) throw this.fail(i, 'number or literal too long');
      return n;
    }
    this.endBare(buf, i, j);
    return j;
  }

  private continueBare(buf: Uint8Array): number {
    const n = buf.length;
    let j = 0;
    while (j < n && BARE[buf[j]!] === 1) j++;
    this.bare += latin1(buf, 0, j);
    if (this.bare.length > MAX_BARE_TOKEN) throw this.fail(0, 'number or literal too long');
    if (j === n) return -1;
    this.endPendingBare(j);
    return j;
  }

  /** Ends the bare token gathered across chunks, whose last `inChunk` bytes are in the current chunk. */
  private endPendingBare(inChunk: number): void {
    const tok = this.bare;
    this.bare = '';
    const bytes = new Uint8Array(tok.length);
    for (let k = 0; k < tok.length; k++) bytes[k] = tok.charCodeAt(k);
    // Error positions count from the token's first byte.
    const back = tok.length - inChunk;
    this.offset -= back;
    this.endBare(bytes, 0, bytes.length);
    this.offset += back;
  }

  private endBare(buf: Uint8Array, s: number, e: number): void {
    const kind = classify(buf, s, e);
    if (kind === T_BAD) {
      const tok = latin1(buf, s, Math.min(e, s + 40));
      throw this.error(`invalid token '${tok}' at byte ${this.offset + s}`);
    }
    const d = this.depth;
    if ((d > 0 && this.containers[d - 1] === null) || this.currentSel() === SKIP) this.emitSkipped();
    else this.emit(bareValue(kind, buf, s, e));
  }
}
