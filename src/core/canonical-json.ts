/**
 * RFC 8785 (JCS) canonical JSON. Written here rather than taken from a package because the evidence digest
 * covers documents with millions of samples: the writer streams bounded chunks to a sink (a hasher) instead of
 * building one giant string. Checked against the RFC's vectors and the `canonicalize` package in tests.
 */
import { GreenlightError } from './errors.js';

const CHUNK = 1 << 16;

/** Calls `sink` with successive pieces whose concatenation is the canonical JSON of `value`. */
export function writeCanonical(value: unknown, sink: (piece: string) => void): void {
  let buf = '';
  const emit = (s: string) => {
    buf += s;
    if (buf.length >= CHUNK) {
      sink(buf);
      buf = '';
    }
  };
  const walk = (v: unknown, path: string): void => {
    switch (typeof v) {
      case 'string':
        emit(JSON.stringify(v));
        return;
      case 'number':
        if (!Number.isFinite(v)) throw notJson(path, `${v} is not a JSON number`);
        emit(String(v)); // ECMAScript Number-to-String is the JCS number form; -0 becomes "0".
        return;
      case 'boolean':
        emit(v ? 'true' : 'false');
        return;
      case 'object': {
        if (v === null) {
          emit('null');
          return;
        }
        if (Array.isArray(v)) {
          emit('[');
          for (let i = 0; i < v.length; i++) {
            if (i > 0) emit(',');
            walk(v[i], path);
          }
          emit(']');
          return;
        }
        const obj = v as Record<string, unknown>;
        const keys = Object.keys(obj)
          .filter((k) => obj[k] !== undefined)
          .sort(); // default sort compares UTF-16 code units, as JCS requires
        emit('{');
        for (let i = 0; i < keys.length; i++) {
          const k = keys[i]!;
          if (i > 0) emit(',');
          emit(JSON.stringify(k));
          emit(':');
          walk(obj[k], path);
        }
        emit('}');
        return;
      }
      default:
        throw notJson(path, `a ${typeof v} is not a JSON value`);
    }
  };
  walk(value, '');
  if (buf.length > 0) sink(buf);
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
