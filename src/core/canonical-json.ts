/**
 * RFC 8785 (JCS) canonical JSON. Written here rather than taken from a package because the evidence digest
 * covers documents with millions of samples: the writer streams bounded chunks to a sink (a hasher) instead of
 * building one giant string. Checked against the RFC's vectors and the `canonicalize` package in tests.
 */
import { GreenlightError } from './errors.js';

const CHUNK = 1 << 16;

/** Calls `sink` with successive pieces whose concatenation is the canonical JSON of `value`. */
export function writeCanonical(value: unknown, sink: (piece: string) => void): void {
  const w = new CanonicalWriter(sink);
  w.value(value);
  if (w.buf.length > 0) sink(w.buf);
}

/** `"key":` for the keys seen most (documents repeat a few keys many times). */
const QUOTED_KEYS = new Map<string, string>();

class CanonicalWriter {
  buf = '';
  constructor(private readonly sink: (piece: string) => void) {}

  value(v: unknown): void {
    switch (typeof v) {
      case 'string':
        this.buf += JSON.stringify(v);
        return;
      case 'number':
        if (!Number.isFinite(v)) throw notJson('', `${v} is not a JSON number`);
        this.buf += String(v); // ECMAScript Number-to-String is the JCS number form; -0 becomes "0".
        return;
      case 'boolean':
        this.buf += v ? 'true' : 'false';
        return;
      case 'object':
        if (v === null) this.buf += 'null';
        // A subtree already in canonical form (plain objects with sorted keys, finite numbers) is the same text
        // as JSON.stringify gives, several times faster; bounded so that the output stays streamed.
        else if (settled(v, SETTLED_NODES) >= 0) this.buf += JSON.stringify(v);
        else if (Array.isArray(v)) this.array(v);
        else this.object(v as Record<string, unknown>);
        if (this.buf.length >= CHUNK) {
          this.sink(this.buf);
          this.buf = '';
        }
        return;
      default:
        throw notJson('', `a ${typeof v} is not a JSON value`);
    }
  }

  array(v: readonly unknown[]): void {
    this.buf += '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) this.buf += ',';
      this.value(v[i]);
    }
    this.buf += ']';
  }

  object(obj: Record<string, unknown>): void {
    const keys = Object.keys(obj);
    sortKeys(keys);
    this.buf += '{';
    let first = true;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const x = obj[k];
      if (x === undefined) continue;
      let quoted = QUOTED_KEYS.get(k);
      if (quoted === undefined) {
        quoted = `${JSON.stringify(k)}:`;
        if (QUOTED_KEYS.size < 4096) QUOTED_KEYS.set(k, quoted);
      }
      if (first) first = false;
      else this.buf += ',';
      this.buf += quoted;
      this.value(x);
    }
    this.buf += '}';
  }
}

/** In place, by UTF-16 code units as JCS requires (what `<` on strings and the default sort compare). */
function sortKeys(keys: string[]): void {
  if (keys.length > 16) {
    keys.sort();
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > k) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = k;
  }
}

const SETTLED_NODES = 4096;

/**
 * Whether JSON.stringify(v) is already v's canonical JSON, looking at no more than `budget` nodes: the budget
 * left, or -1 (not, or too big to say within the budget). Only arrays and plain objects qualify (no toJSON,
 * holes or undefined), numbers must be finite, object keys in JCS order.
 */
function settled(v: object, budget: number): number {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length && budget >= 0; i++) budget = settledMember(v[i], budget - 1);
    return budget;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return -1;
  let previous: string | undefined;
  for (const k in v) {
    if (!Object.hasOwn(v, k)) return -1;
    if (previous !== undefined && !(previous < k)) return -1;
    previous = k;
    budget = settledMember((v as Record<string, unknown>)[k], budget - 1);
    if (budget < 0) return -1;
  }
  return budget;
}

/** `settled` for one array element or property value, its own node already counted. */
function settledMember(x: unknown, budget: number): number {
  if (budget < 0) return -1;
  const t = typeof x;
  if (t === 'string' || t === 'boolean' || x === null) return budget;
  if (t === 'number') return Number.isFinite(x) ? budget : -1;
  return t === 'object' ? settled(x as object, budget) : -1;
}

/** The canonical JSON of `value` as one string (for small documents). */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  writeCanonical(value, (p) => parts.push(p));
  return parts.join('');
}

function notJson(path: string, message: string): GreenlightError {
  return new GreenlightError('invalid_input', `cannot canonicalize: ${message}`, [{ path, message }]);
}
