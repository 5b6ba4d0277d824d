/**
 * Reading a framework's text (YAML 1.2 core schema, or strict JSON) into a plain JSON value while remembering
 * where every key and value was written, so that problems can be reported as file:line:column. Pure: no I/O.
 *
 * Both formats go through one tree of located nodes: YAML through the `yaml` package's document AST, JSON
 * through a small strict parser here (the YAML parser would also accept trailing commas, comments and unquoted
 * keys, which are not JSON). The tree is then turned into the value with bounded depth and a bounded number of
 * nodes, so alias bombs and deeply nested input end in a located problem instead of exhausting memory or stack.
 */
import { CST, isAlias, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, parseDocument } from 'yaml';
import { joinPath } from '../errors.js';
import { INVALID } from './validate.js';

export type FrameworkFormat = 'yaml' | 'json';

/** Largest framework text accepted, in UTF-16 code units: real frameworks are a few kilobytes, and the YAML
 * parser takes seconds per megabyte on pathological (very wide) input. */
export const MAX_SOURCE_CHARS = 1024 * 1024;
/** Deepest nesting accepted (a valid framework is 6 levels deep). */
export const MAX_DEPTH = 64;
/** Most values accepted in one document, counted after expanding YAML aliases. */
export const MAX_NODES = 200_000;

export interface SourceProblem {
  path: string;
  message: string;
  /** Offset in the text, when known. */
  offset?: number;
}

export interface Position {
  line: number;
  column: number;
}

type LNode = LScalar | LSeq | LMap | LAlias | LInvalid;
interface LScalar {
  kind: 'scalar';
  value: string | number | boolean | null;
  start?: number;
  /** How a number was written (for messages such as `version: 2026.10`). */
  source?: string;
}
interface LSeq {
  kind: 'seq';
  items: LNode[];
  start?: number;
}
interface LMap {
  kind: 'map';
  entries: LEntry[];
  start?: number;
}
interface LEntry {
  key: string;
  keyStart?: number;
  value: LNode;
}
interface LAlias {
  kind: 'alias';
  target: LNode;
  start?: number;
}
/** A node whose problem was already reported. */
interface LInvalid {
  kind: 'invalid';
  start?: number;
}

/** The result of reading: the value (when the text could be read) and where everything is. */
export interface SourceRead {
  /** The document as a JSON value; `INVALID` marks parts that already have a problem. */
  value: unknown;
  problems: SourceProblem[];
  /** True when the text could not be read as a whole (syntax errors, limits); the value must not be checked. */
  fatal: boolean;
  position(path: string, part: 'key' | 'value'): Position | undefined;
  /** How the number at `path` was written, if it is one. */
  numberSource(path: string): string | undefined;
  /** Line and column (1-based) of an offset in the text. */
  offsetPosition(offset: number): Position | undefined;
}

/** Picks the format: the caller's, else the file extension, else the first non-blank character. */
export function guessFormat(text: string, file?: string): { format: FrameworkFormat; guessed: boolean } {
  const ext = file ? /\.([A-Za-z0-9]+)$/.exec(file)?.[1]?.toLowerCase() : undefined;
  if (ext === 'json') return { format: 'json', guessed: false };
  if (ext === 'yaml' || ext === 'yml') return { format: 'yaml', guessed: false };
  const first = /^[\s\uFEFF]*(.)/.exec(text.slice(0, 4096))?.[1];
  return { format: first === '{' || first === '[' ? 'json' : 'yaml', guessed: true };
}

export function readSource(text: string, format: FrameworkFormat, guessed = false): SourceRead {
  const lines = new LineCounter();
  let tree: LNode | undefined;
  const problems: SourceProblem[] = [];
  let fatal = false;
  const linePos = (offset: number): Position => {
    const p = lines.linePos(offset);
    return p.line === 0 ? { line: 1, column: offset + 1 } : { line: p.line, column: p.col };
  };

  if (text.length > MAX_SOURCE_CHARS) {
    problems.push({
      path: '',
      message: `the text is too large for a framework (${text.length} characters; at most ${MAX_SOURCE_CHARS})`,
      offset: 0,
    });
    fatal = true;
  } else if (format === 'json') {
    lines.addNewLine(0);
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
    const r = new JsonReader(text).read();
    if ('error' in r) {
      const hint = guessed
        ? ' (read as JSON because the text starts with "{" or "["; name the file .yaml to read it as YAML)'
        : '';
      problems.push({ path: '', message: `invalid JSON: ${r.error}${hint}`, offset: r.offset });
      fatal = true;
    } else {
      tree = r.node;
    }
  } else {
    const r = readYaml(text, lines);
    problems.push(...r.problems);
    fatal = r.fatal;
    tree = r.node;
  }

  const valueAt = new Map<string, number>();
  const keyAt = new Map<string, number>();
  const numberAt = new Map<string, string>();
  let value: unknown = INVALID;
  if (!fatal && tree) {
    const m = materialize(tree, linePos, valueAt, keyAt, numberAt);
    value = m.value;
    problems.push(...m.problems);
    fatal = m.fatal;
  }
  return {
    value,
    problems,
    fatal,
    position(path, part) {
      const off =
        (part === 'key' ? keyAt.get(path) : undefined) ?? valueAt.get(path) ?? (path === '' ? 0 : undefined);
      return off === undefined ? undefined : linePos(off);
    },
    numberSource: (path) => numberAt.get(path),
    offsetPosition: linePos,
  };
}

/** A JS value (e.g. a request body) as a tree, so that it is checked exactly like a parsed document. */
export function readValue(input: unknown): SourceRead {
  const problems: SourceProblem[] = [];
  let count = 0;
  let tooMany = false;
  const walk = (v: unknown, path: string, depth: number, stack: Set<object>): LNode => {
    if (++count > MAX_NODES) {
      tooMany = true;
      return { kind: 'invalid' };
    }
    if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') {
      return { kind: 'scalar', value: v };
    }
    if (typeof v !== 'object') {
      problems.push({
        path,
        message: `${v === undefined ? 'undefined' : `a ${typeof v}`} is not a JSON value`,
      });
      return { kind: 'invalid' };
    }
    if (depth >= MAX_DEPTH || stack.has(v)) {
      problems.push({
        path,
        message: stack.has(v)
          ? 'the value contains itself (a cycle)'
          : `nested more than ${MAX_DEPTH} levels deep`,
      });
      return { kind: 'invalid' };
    }
    stack.add(v);
    try {
      if (Array.isArray(v)) {
        const items: LNode[] = [];
        for (let i = 0; i < v.length && !tooMany; i++)
          items.push(walk(v[i], joinPath(path, i), depth + 1, stack));
        return { kind: 'seq', items };
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) {
        problems.push({
          path,
          message: `a ${proto?.constructor?.name ?? 'non-plain'} object is not a JSON value`,
        });
        return { kind: 'invalid' };
      }
      const entries: LEntry[] = [];
      for (const key of Object.keys(v)) {
        if (tooMany) break;
        const item = (v as Record<string, unknown>)[key];
        if (item === undefined) continue; // as JSON.stringify and canonical JSON do
        entries.push({ key, value: walk(item, joinPath(path, key), depth + 1, stack) });
      }
      return { kind: 'map', entries };
    } finally {
      stack.delete(v);
    }
  };
  const tree = walk(input, '', 0, new Set());
  const none = new Map();
  const m = tooMany
    ? {
        value: INVALID,
        problems: [{ path: '', message: `too many values (more than ${MAX_NODES})` }],
        fatal: true,
      }
    : materialize(tree, (o) => ({ line: 1, column: o + 1 }), none, none, none);
  return {
    value: m.value,
    problems: [...problems, ...m.problems],
    fatal: m.fatal,
    position: () => undefined,
    numberSource: () => undefined,
    offsetPosition: () => undefined,
  };
}

// ---------------------------------------------------------------------------------------------- YAML

const CORE_TAGS = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`),
);
const MAX_SYNTAX_PROBLEMS = 50;

function readYaml(
  text: string,
  lines: LineCounter,
): { node?: LNode; problems: SourceProblem[]; fatal: boolean } {
  const problems: SourceProblem[] = [];
  let doc: ReturnType<typeof parseDocument>;
  try {
    const deep = tooDeep(text);
    if (deep !== undefined) {
      lines.addNewLine(0);
      for (let i = text.indexOf('\n'); i !== -1 && i < deep.offset; i = text.indexOf('\n', i + 1))
        lines.addNewLine(i + 1);
      return { problems: [{ path: '', message: deep.message, offset: deep.offset }], fatal: true };
    }
    doc = parseDocument(text, {
      version: '1.2',
      schema: 'core',
      merge: false,
      // Duplicate keys are found when the value is built, on the JSON key (so `1:` and `"1":` collide too),
      // with both places in the message.
      uniqueKeys: false,
      strict: true,
      prettyErrors: false,
      keepSourceTokens: false,
      lineCounter: lines,
    });
  } catch (e) {
    return {
      problems: [{ path: '', message: `cannot read the YAML: ${errorText(e)}`, offset: 0 }],
      fatal: true,
    };
  }

  const seen = new Set<string>();
  let exhausted = false;
  for (const err of doc.errors) {
    if (err.code === 'RESOURCE_EXHAUSTION') {
      exhausted = true;
      continue;
    }
    const key = `${err.pos[0]}:${err.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (problems.length < MAX_SYNTAX_PROBLEMS) {
      problems.push({
        path: '',
        message: `YAML syntax: ${yamlMessage(err.code, err.message)}`,
        offset: err.pos[0],
      });
    }
  }
  if (exhausted) {
    // The other errors are consequences of giving up; the nesting is the problem to report.
    problems.length = 0;
    problems.push({
      path: '',
      message: `the document is nested too deeply to read (at most ${MAX_DEPTH} levels)`,
      offset: doc.errors.find((e) => e.code === 'RESOURCE_EXHAUSTION')?.pos[0] ?? 0,
    });
  }
  if (doc.errors.length > 0) return { problems, fatal: true };
  for (const w of doc.warnings) {
    // A tag outside the core schema is reported where the value is built, with its path.
    const tag = w.code === 'TAG_RESOLVE_FAILED' ? /: (\S+)$/.exec(w.message)?.[1] : undefined;
    if (tag !== undefined && !CORE_TAGS.has(tag)) continue;
    problems.push({ path: '', message: `YAML: ${yamlMessage(w.code, w.message)}`, offset: w.pos[0] });
  }

  const memo = new Map<object, LNode>();
  const convert = (node: unknown, path: string, depth: number): LNode => {
    if (node === null || node === undefined) return { kind: 'scalar', value: null };
    const n = node as { range?: [number, number, number]; tag?: string };
    const start = n.range?.[0];
    if (depth >= MAX_DEPTH) {
      problems.push({ path, message: `nested more than ${MAX_DEPTH} levels deep`, offset: start });
      return { kind: 'invalid', start };
    }
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (!target) {
        problems.push({
          path,
          message: `alias *${node.source} refers to no anchor &${node.source} defined before it`,
          offset: start,
        });
        return { kind: 'invalid', start };
      }
      // Anchors come before their aliases, so the target was converted already (or is being converted: a cycle,
      // which the depth limit ends when the value is built).
      return { kind: 'alias', target: memo.get(target) ?? convert(target, path, depth), start };
    }
    if (n.tag !== undefined && !CORE_TAGS.has(n.tag)) {
      problems.push({
        path,
        message: `unsupported YAML tag ${n.tag.replace('tag:yaml.org,2002:', '!!')} (only plain values, lists and mappings)`,
        offset: start,
      });
      return { kind: 'invalid', start };
    }
    if (isScalar(node)) {
      const v = node.value;
      if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') {
        const out: LScalar = { kind: 'scalar', value: v, start };
        if (typeof v === 'number' && n.range) out.source = text.slice(n.range[0], n.range[1]);
        return out;
      }
      problems.push({
        path,
        message: 'unsupported value (only text, numbers, true/false and null)',
        offset: start,
      });
      return { kind: 'invalid', start };
    }
    if (isSeq(node)) {
      const out: LSeq = { kind: 'seq', items: [], start };
      memo.set(node, out);
      node.items.forEach((item, i) => {
        out.items.push(convert(item, joinPath(path, i), depth + 1));
      });
      return out;
    }
    if (isMap(node)) {
      const out: LMap = { kind: 'map', entries: [], start };
      memo.set(node, out);
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const k = keyOf(pair.key);
        if (typeof k !== 'string') {
          problems.push({ path, message: k.problem, offset: k.offset ?? start });
          continue;
        }
        const keyStart = (pair.key as { range?: [number, number, number] } | null)?.range?.[0];
        const childPath = joinPath(path, k);
        const value =
          pair.value === null || pair.value === undefined
            ? ({ kind: 'scalar', value: null, start: keyStart } as LScalar)
            : convert(pair.value, childPath, depth + 1);
        out.entries.push({ key: k, keyStart, value });
      }
      return out;
    }
    problems.push({ path, message: 'unsupported YAML node', offset: start });
    return { kind: 'invalid', start };
  };

  const keyOf = (key: unknown): string | { problem: string; offset?: number } => {
    let k = key;
    const offset = (key as { range?: [number, number, number] } | null)?.range?.[0];
    if (isAlias(k)) k = k.resolve(doc);
    if (k === null || k === undefined) return { problem: 'a key is empty', offset };
    if (isScalar(k)) {
      const tag = (k as { tag?: string }).tag;
      const v = k.value;
      if (
        (tag === undefined || CORE_TAGS.has(tag)) &&
        (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null)
      ) {
        return String(v);
      }
    }
    return { problem: 'keys must be plain text (not lists, mappings or tagged values)', offset };
  };

  try {
    return { node: convert(doc.contents, '', 0), problems, fatal: false };
  } catch (e) {
    problems.push({ path: '', message: `cannot read the YAML: ${errorText(e)}`, offset: 0 });
    return { problems, fatal: true };
  }
}

/**
 * Limits checked with the YAML lexer (linear time) before the YAML parser runs: the parser's time grows with
 * length × depth and its composer recurses, so very deep input must never reach it. The limits bound the real
 * depth to a few hundred levels (a block level needs more indentation or one more "- "/"? " on its line; flow
 * levels are brackets); the precise limit of MAX_DEPTH is applied when the value is built.
 */
const MAX_FLOW_NESTING = 128;
const MAX_BLOCK_INDENT = 200;
const MAX_LINE_INDICATORS = 32;
const LEXER_MARKERS = new Set(['\x02', '\x18', '\x1f']);

function tooDeep(text: string): { offset: number; message: string } | undefined {
  const message = `the document is nested too deeply (at most ${MAX_DEPTH} levels)`;
  let offset = 0;
  let flow = 0;
  let lineStart = true;
  let indicators = 0;
  for (const tok of new Lexer().lex(text)) {
    const start = offset;
    if (LEXER_MARKERS.has(tok)) {
      lineStart = false;
      continue;
    }
    offset += tok.length;
    switch (CST.tokenType(tok)) {
      case 'newline':
        lineStart = true;
        indicators = 0;
        continue;
      case 'flow-map-start':
      case 'flow-seq-start':
        if (++flow > MAX_FLOW_NESTING) return { offset: start, message };
        break;
      case 'flow-map-end':
      case 'flow-seq-end':
        if (flow > 0) flow--;
        break;
      case 'seq-item-ind':
      case 'explicit-key-ind':
        if (flow === 0 && ++indicators > MAX_LINE_INDICATORS) return { offset: start, message };
        break;
      case 'space':
        if (lineStart && flow === 0 && tok.length > MAX_BLOCK_INDENT && /^ +$/.test(tok)) {
          return {
            offset: start + MAX_BLOCK_INDENT,
            message: `${message}: indented more than ${MAX_BLOCK_INDENT} columns`,
          };
        }
        break;
    }
    lineStart = false;
  }
  return undefined;
}

function yamlMessage(code: string, message: string): string {
  switch (code) {
    case 'MULTIPLE_DOCS':
      return 'the text holds more than one YAML document (one framework per file)';
    case 'TAB_AS_INDENT':
      return 'tabs are not allowed for indentation; use spaces';
    default:
      return message.replace(/\.$/, '');
  }
}

function errorText(e: unknown): string {
  if (e instanceof RangeError) return 'the document is too deeply nested or too complex';
  return e instanceof Error ? e.message : String(e);
}

// ---------------------------------------------------------------------------------------------- value

function materialize(
  root: LNode,
  linePos: (offset: number) => Position,
  valueAt: Map<string, number>,
  keyAt: Map<string, number>,
  numberAt: Map<string, string>,
): { value: unknown; problems: SourceProblem[]; fatal: boolean } {
  const problems: SourceProblem[] = [];
  let count = 0;
  let tooMany: number | undefined;
  /** The collections on the current path, so that an alias back to one of them is reported as a cycle. */
  const onPath = new Set<LNode>();
  const build = (node: LNode, path: string, depth: number, at: number | undefined): unknown => {
    if (tooMany !== undefined) return INVALID;
    if (++count > MAX_NODES) {
      tooMany = at ?? node.start ?? 0;
      return INVALID;
    }
    const start = at ?? node.start;
    if (start !== undefined) valueAt.set(path, start);
    if (depth >= MAX_DEPTH) {
      problems.push({ path, message: `nested more than ${MAX_DEPTH} levels deep`, offset: start });
      return INVALID;
    }
    switch (node.kind) {
      case 'invalid':
        return INVALID;
      case 'alias':
        if (onPath.has(node.target)) {
          problems.push({
            path,
            message: 'this alias refers to a value that contains it (a cycle)',
            offset: start,
          });
          return INVALID;
        }
        return build(node.target, path, depth, start);
      case 'scalar': {
        const v = node.value;
        if (typeof v === 'number') {
          if (node.source !== undefined) numberAt.set(path, node.source);
          if (!Number.isFinite(v)) {
            const written = node.source ?? String(v);
            problems.push({
              path,
              message: Number.isNaN(v)
                ? `${written} is not a number JSON can represent (NaN)`
                : `the number ${written} is too large (it is not finite)`,
              offset: start,
            });
            return INVALID;
          }
        }
        return v;
      }
      case 'seq': {
        const out: unknown[] = [];
        onPath.add(node);
        node.items.forEach((item, i) => {
          out.push(build(item, joinPath(path, i), depth + 1, undefined));
        });
        onPath.delete(node);
        return out;
      }
      case 'map': {
        const out: Record<string, unknown> = {};
        const first = new Map<string, number | undefined>();
        onPath.add(node);
        for (const e of node.entries) {
          const childPath = joinPath(path, e.key);
          if (first.has(e.key)) {
            const f = first.get(e.key);
            const where =
              f === undefined
                ? ''
                : (({ line, column }) => ` (first at line ${line}, column ${column})`)(linePos(f));
            problems.push({
              path: childPath,
              message: `duplicate key ${JSON.stringify(e.key)}${where}`,
              offset: e.keyStart,
            });
            continue;
          }
          first.set(e.key, e.keyStart);
          if (e.keyStart !== undefined) keyAt.set(childPath, e.keyStart);
          const v = build(e.value, childPath, depth + 1, undefined);
          if (e.key === '__proto__') {
            Object.defineProperty(out, e.key, {
              value: v,
              enumerable: true,
              writable: true,
              configurable: true,
            });
          } else {
            out[e.key] = v;
          }
        }
        onPath.delete(node);
        return out;
      }
    }
  };
  const value = build(root, '', 0, undefined);
  if (tooMany !== undefined) {
    return {
      value: INVALID,
      problems: [
        {
          path: '',
          message: `the document has too many values (more than ${MAX_NODES}, counting what YAML aliases repeat)`,
          offset: tooMany,
        },
      ],
      fatal: true,
    };
  }
  return { value, problems, fatal: false };
}

// ---------------------------------------------------------------------------------------------- JSON

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class JsonSyntaxError {
  constructor(
    readonly message: string,
    readonly offset: number,
  ) {}
}

/** A strict JSON (RFC 8259) reader that keeps offsets. Stops at the first syntax error. */
class JsonReader {
  private i = 0;
  constructor(private readonly s: string) {}

  read(): { node: LNode } | { error: string; offset: number } {
    try {
      if (this.s.charCodeAt(0) === 0xfeff) this.i = 1;
      this.ws();
      if (this.i >= this.s.length) this.fail('the text is empty; expected a JSON object');
      const node = this.value(0);
      this.ws();
      if (this.i < this.s.length) this.fail('unexpected text after the end of the JSON value');
      return { node };
    } catch (e) {
      if (e instanceof JsonSyntaxError) return { error: e.message, offset: e.offset };
      throw e;
    }
  }

  private fail(message: string, offset = this.i): never {
    throw new JsonSyntaxError(message, offset);
  }

  private ws(): void {
    const s = this.s;
    for (;;) {
      const c = s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.i++;
      else if (c === 0x2f && (s[this.i + 1] === '/' || s[this.i + 1] === '*'))
        this.fail('comments are not allowed in JSON');
      else return;
    }
  }

  private describeHere(): string {
    if (this.i >= this.s.length) return 'the end of the text';
    const cp = this.s.codePointAt(this.i)!;
    const ch = String.fromCodePoint(cp);
    return cp < 0x20 || cp === 0x7f
      ? `the control character U+${cp.toString(16).padStart(4, '0')}`
      : `"${ch}"`;
  }

  private value(depth: number): LNode {
    if (depth >= MAX_DEPTH) this.fail(`nested more than ${MAX_DEPTH} levels deep`);
    const c = this.s[this.i];
    const start = this.i;
    switch (c) {
      case '{':
        return this.object(depth);
      case '[':
        return this.array(depth);
      case '"':
        return { kind: 'scalar', value: this.string(), start };
      case "'":
        return this.fail('JSON text must be in double quotes, not single quotes');
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      default: {
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
        if (this.s.startsWith('NaN', this.i) || this.s.startsWith('Infinity', this.i)) {
          return this.fail('NaN and Infinity are not JSON numbers');
        }
        return this.fail(
          `expected a value (object, list, text in double quotes, number, true, false or null), found ${this.describeHere()}`,
        );
      }
    }
  }

  private literal(word: string, value: boolean | null): LNode {
    const start = this.i;
    if (!this.s.startsWith(word, this.i) || /[A-Za-z0-9_]/.test(this.s[this.i + word.length] ?? '')) {
      this.fail(`expected a value, found ${this.describeHere()} (text must be in double quotes)`);
    }
    this.i += word.length;
    return { kind: 'scalar', value, start };
  }

  private number(): LNode {
    const start = this.i;
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (!m) return this.fail(`invalid number starting with ${this.describeHere()}`);
    const end = this.i + m[0].length;
    const next = this.s[end];
    if (next !== undefined && /[0-9A-Za-z.+_-]/.test(next)) {
      if (m[0] === '0' || m[0] === '-0') this.fail('numbers must not have leading zeros in JSON', start);
      this.fail(`invalid number ${JSON.stringify(this.s.slice(start, end + 1))}`, start);
    }
    this.i = end;
    return { kind: 'scalar', value: Number(m[0]), start, source: m[0] };
  }

  private string(): string {
    const s = this.s;
    const start = this.i;
    this.i++; // opening quote
    let out = '';
    let run = this.i;
    for (;;) {
      if (this.i >= s.length) this.fail('unterminated text: missing the closing double quote', start);
      const c = s.charCodeAt(this.i);
      if (c === 0x22) {
        out += s.slice(run, this.i);
        this.i++;
        return out;
      }
      if (c < 0x20) {
        this.fail(
          c === 0x0a
            ? 'a line break inside text (missing closing quote, or write \\n)'
            : 'a control character inside text (escape it, e.g. \\t)',
        );
      }
      if (c !== 0x5c) {
        this.i++;
        continue;
      }
      out += s.slice(run, this.i);
      const e = s[this.i + 1];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = s.slice(this.i + 2, this.i + 6);
          if (!/^[0-9A-Fa-f]{4}$/.test(hex)) this.fail('invalid \\u escape (expected 4 hex digits)');
          out += String.fromCharCode(Number.parseInt(hex, 16));
          this.i += 4;
          break;
        }
        default:
          this.fail(`invalid escape \\${e ?? ''} in text`);
      }
      this.i += 2;
      run = this.i;
    }
  }

  private array(depth: number): LNode {
    const node: LSeq = { kind: 'seq', items: [], start: this.i };
    this.i++;
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return node;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] === ']') this.fail('a trailing comma before "]" is not allowed in JSON');
      node.items.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === ']') {
        this.i++;
        return node;
      }
      this.fail(`expected "," or "]" in a list, found ${this.describeHere()}`);
    }
  }

  private object(depth: number): LNode {
    const node: LMap = { kind: 'map', entries: [], start: this.i };
    this.i++;
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return node;
    }
    for (;;) {
      this.ws();
      const c = this.s[this.i];
      if (c === '}') this.fail('a trailing comma before "}" is not allowed in JSON');
      if (c !== '"') {
        this.fail(
          c === "'"
            ? 'keys must be in double quotes, not single quotes'
            : `expected a key in double quotes, found ${this.describeHere()}`,
        );
      }
      const keyStart = this.i;
      const key = this.string();
      this.ws();
      if (this.s[this.i] !== ':')
        this.fail(`expected ":" after the key ${JSON.stringify(key)}, found ${this.describeHere()}`);
      this.i++;
      this.ws();
      node.entries.push({ key, keyStart, value: this.value(depth + 1) });
      this.ws();
      const d = this.s[this.i];
      if (d === ',') {
        this.i++;
        continue;
      }
      if (d === '}') {
        this.i++;
        return node;
      }
      this.fail(`expected "," or "}" in an object, found ${this.describeHere()}`);
    }
  }
}
