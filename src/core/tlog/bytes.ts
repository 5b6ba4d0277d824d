/**
 * Small byte helpers shared by the tlog modules: strict base64 (RFC 4648 §4), hex, UTF-8, and the
 * safe-integer guard for sizes and indexes. Pure: no `node:` imports, runs in browsers too.
 */
import { GreenlightError } from '../errors.js';

/** The largest size or index the log accepts: 2^53 − 1 (a JavaScript number is exact up to here). */
export const MAX_SAFE_SIZE = Number.MAX_SAFE_INTEGER;

/**
 * A size or index as a JavaScript number. Accepts numbers and bigints (uint64 fields from JSON or
 * checkpoints). Negative or non-integer values are `invalid_input`; values above 2^53 − 1 are
 * `unsupported` — never silently rounded.
 */
export function toSafeIndex(value: number | bigint, what: string): number {
  if (typeof value === 'bigint') {
    if (value < 0n) throw new GreenlightError('invalid_input', `${what} must not be negative`);
    if (value > BigInt(MAX_SAFE_SIZE)) {
      throw new GreenlightError('unsupported', `${what} ${value} is larger than 2^53 - 1`);
    }
    return Number(value);
  }
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new GreenlightError('invalid_input', `${what} must be a number`);
  }
  if (value > MAX_SAFE_SIZE) throw new GreenlightError('unsupported', `${what} is larger than 2^53 - 1`);
  if (!Number.isInteger(value) || value < 0) {
    throw new GreenlightError('invalid_input', `${what} must be a non-negative integer`);
  }
  return value;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const HEX = '0123456789abcdef';

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += HEX[b >> 4]! + HEX[b & 15]!;
  return s;
}

/** Lower- or upper-case hex of even length; anything else is `invalid_input`. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new GreenlightError('invalid_input', 'malformed hex');
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map<string, number>([...B64].map((c, i) => [c, i]));

/** Standard base64 with `+`, `/` and `=` padding. */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    s += B64[v >> 18]! + B64[(v >> 12) & 63]! + B64[(v >> 6) & 63]! + B64[v & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const v = bytes[i]! << 16;
    s += B64[v >> 18]! + B64[(v >> 12) & 63]! + '==';
  } else if (rest === 2) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    s += B64[v >> 18]! + B64[(v >> 12) & 63]! + B64[(v >> 6) & 63]! + '=';
  }
  return s;
}

/**
 * Strict standard base64: padded, no whitespace, no URL alphabet, and canonical (the unused low bits of
 * the last symbol are zero), so each byte string has exactly one accepted encoding. Returns undefined
 * for anything else.
 */
export function tryFromBase64(s: string): Uint8Array | undefined {
  if (s.length % 4 !== 0) return undefined;
  if (!/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) return undefined;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    let v = 0;
    for (let j = 0; j < 4; j++) v = (v << 6) | (B64_INDEX.get(s[i + j]!) ?? 0);
    for (const b of [v >> 16, (v >> 8) & 255, v & 255]) if (o < out.length) out[o++] = b;
  }
  // Canonical: non-zero unused bits in the last symbol would give a second encoding of the same bytes.
  return toBase64(out) === s ? out : undefined;
}

/** Strict standard base64 (see {@link tryFromBase64}); malformed input is `invalid_input`. */
export function fromBase64(s: string, what = 'base64'): Uint8Array {
  const out = tryFromBase64(s);
  if (out === undefined) throw new GreenlightError('invalid_input', `malformed ${what}`);
  return out;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Decodes UTF-8, returning undefined for invalid sequences. */
export function tryDecodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** True when the string has no lone UTF-16 surrogates (so it encodes to valid UTF-8). */
export function isWellFormedString(s: string): boolean {
  return !/\p{Cs}/u.test(s);
}

/** True when `s` has an ASCII control character (U+0000–U+001F, U+007F), LF excepted when `allowLF`. */
export function hasControlChars(s: string, allowLF = false): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 || c === 0x7f) && !(allowLF && c === 0x0a)) return true;
  }
  return false;
}
