/**
 * JSON with the bare tokens `NaN`, `Infinity` and `-Infinity` (Python's `json.dumps` writes them by default, so
 * lm-eval output may hold them). `JSON.parse` is tried first; only text it rejects goes through the tolerant
 * parser below, which also gives a `line:column` for real syntax errors and caps nesting depth.
 */
import { GreenlightError } from '../../errors.js';

export const DEFAULT_MAX_DEPTH = 256;

export interface JsonOptions {
  /** Named in error messages. */
  file: string;
  /** 1-based line of `text` inside the file (JSONL), for error positions. */
  firstLine?: number;
  maxDepth?: number;
}

export function parseJsonTolerant(text: string, opts: JsonOptions): unknown {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch {
    // Not strict JSON (or too deep for the engine's stack): the tolerant parser says precisely why, or accepts it.
  }
  return new Parser(text, opts).parseDocument();
}

class Parser {
  private pos = 0;
  private depth = 0;
  private readonly maxDepth: number;

  constructor(
    private readonly text: string,
    private readonly opts: JsonOptions,
  ) {
    this.maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
  }

  parseDocument(): unknown {
    this.ws();
    const v = this.value();
    this.ws();
    if (this.pos < this.text.length) this.fail('unexpected text after the JSON value');
    return v;
  }

  private fail(message: string): never {
    let line = (this.opts.firstLine ?? 1) - 1;
    let lineStart = 0;
    for (let i = 0; i < this.pos && i < this.text.length; i++) {
      if (this.text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    line++;
    const column = this.pos - lineStart + 1;
    const { file } = this.opts;
    const msg = `not valid JSON: ${message}`;
    throw new GreenlightError('invalid_input', `${file}:${line}:${column}: ${msg}`, [
      { file, line, column, path: '', message: msg },
    ]);
  }

  private ws(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else break;
    }
  }

  private value(): unknown {
    const t = this.text;
    if (this.pos >= t.length) this.fail('unexpected end of input');
    const c = t[this.pos];
    switch (c) {
      case '{':
        return this.object();
      case '[':
        return this.array();
      case '"':
        return this.string();
      case 't':
        return this.word('true', true);
      case 'f':
        return this.word('false', false);
      case 'n':
        return this.word('null', null);
      case 'N':
        return this.word('NaN', Number.NaN);
      case 'I':
        return this.word('Infinity', Number.POSITIVE_INFINITY);
      default:
        if (c === '-' && t.startsWith('-Infinity', this.pos))
          return this.word('-Infinity', Number.NEGATIVE_INFINITY);
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
        return this.fail(`unexpected character ${JSON.stringify(c)}`);
    }
  }

  private word<T>(w: string, v: T): T {
    if (!this.text.startsWith(w, this.pos)) this.fail(`unexpected token (expected ${w})`);
    this.pos += w.length;
    return v;
  }

  private number(): number {
    const re = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (m === null || m[0] === '-' || m[0].length === 0) this.fail('malformed number');
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private string(): string {
    const t = this.text;
    const start = this.pos;
    // Fast path: find the closing quote and let JSON.parse handle escapes.
    let i = start + 1;
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (c === 34) break;
      if (c === 92) i += 2;
      else if (c < 0x20) {
        this.pos = i;
        this.fail('control character in a string');
      } else i++;
    }
    if (i >= t.length) {
      this.pos = start;
      this.fail('unterminated string');
    }
    this.pos = i + 1;
    try {
      return JSON.parse(t.slice(start, i + 1)) as string;
    } catch {
      this.pos = start;
      return this.fail('bad escape in a string');
    }
  }

  private enter(): void {
    if (++this.depth > this.maxDepth) this.fail(`nested deeper than ${this.maxDepth} levels`);
  }

  private array(): unknown[] {
    this.enter();
    this.pos++;
    const out: unknown[] = [];
    this.ws();
    if (this.text[this.pos] === ']') {
      this.pos++;
      this.depth--;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value());
      this.ws();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === ']') {
        this.pos++;
        this.depth--;
        return out;
      }
      this.fail(c === undefined ? 'unexpected end of input (unclosed array)' : "expected ',' or ']'");
    }
  }

  private object(): Record<string, unknown> {
    this.enter();
    this.pos++;
    const out: Record<string, unknown> = {};
    this.ws();
    if (this.text[this.pos] === '}') {
      this.pos++;
      this.depth--;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.text[this.pos] !== '"')
        this.fail(
          this.pos >= this.text.length
            ? 'unexpected end of input (unclosed object)'
            : 'expected a quoted key',
        );
      const key = this.string();
      this.ws();
      if (this.text[this.pos] !== ':') this.fail("expected ':' after a key");
      this.pos++;
      this.ws();
      const v = this.value();
      if (key === '__proto__')
        Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      else out[key] = v;
      this.ws();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === '}') {
        this.pos++;
        this.depth--;
        return out;
      }
      this.fail(c === undefined ? 'unexpected end of input (unclosed object)' : "expected ',' or '}'");
    }
  }
}
