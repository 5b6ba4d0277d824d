/**
 * C2SP signed-note: parse, format, sign and verify notes; Ed25519 key IDs, verifier keys
 * (`<name>+<hex8>+<base64(type ‖ key)>`) and Go-style signer keys (`PRIVATE+KEY+<name>+<hex8>+<base64(0x01 ‖
 * seed)>`). Ed25519 note signatures (type 0x01) and Ed25519 checkpoint cosignatures (c2sp.org/tlog-cosignature,
 * type 0x04) are verified; other key types are `unsupported`.
 *
 * Everything malformed, and every note that fails verification, throws `GreenlightError('invalid_input')`.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { GreenlightError } from '../errors.js';
import {
  bytesEqual,
  concatBytes,
  fromBase64,
  hasControlChars,
  isWellFormedString,
  MAX_SAFE_SIZE,
  toBase64,
  tryDecodeUtf8,
  tryFromBase64,
  utf8,
} from './bytes.js';

/** Key type byte of an Ed25519 note signature. */
export const KEY_TYPE_ED25519 = 0x01;
/** Key type byte of an Ed25519 checkpoint cosignature (c2sp.org/tlog-cosignature). */
export const KEY_TYPE_COSIGNATURE_V1 = 0x04;

/** Notes longer than this many UTF-8 bytes are refused before any parsing. */
export const MAX_NOTE_SIZE = 1 << 20;
/** Notes with more signature lines than this are refused (C2SP asks verifiers to accept at least 16). */
export const MAX_SIGNATURES = 100;

const SIG_PREFIX = '\u2014 ';

export type KeyType = typeof KEY_TYPE_ED25519 | typeof KEY_TYPE_COSIGNATURE_V1;

export interface NoteVerifier {
  name: string;
  /** The 4-byte key ID as an unsigned 32-bit number. */
  keyId: number;
  type: KeyType;
  publicKey: Uint8Array;
}

export interface NoteSigner {
  name: string;
  keyId: number;
  publicKey: Uint8Array;
  /** The 32-byte Ed25519 seed (RFC 8032 private key). */
  seed: Uint8Array;
}

/** One signature line: the key name, key ID and the bytes after the key ID. */
export interface NoteSignature {
  name: string;
  keyId: number;
  signature: Uint8Array;
}

export interface Note {
  /** The signed text, ending in a newline. */
  text: string;
  signatures: NoteSignature[];
}

export interface VerifiedSignature {
  name: string;
  keyId: number;
  type: KeyType;
  /** For cosignatures: the cosigner's timestamp (seconds since the epoch). */
  timestamp?: number;
}

export interface OpenedNote {
  text: string;
  /** The known keys that signed, each once. */
  verified: VerifiedSignature[];
  /** Signatures from keys the caller did not pass (ignored, not checked). */
  unverified: NoteSignature[];
}

function bad(message: string): GreenlightError {
  return new GreenlightError('invalid_input', message);
}

/** Non-empty, well-formed, no Unicode white space, no `+`, no control characters. */
export function isValidKeyName(name: string): boolean {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    isWellFormedString(name) &&
    !/[\p{White_Space}+]/u.test(name) &&
    !hasControlChars(name)
  );
}

function checkName(name: string): string {
  if (!isValidKeyName(name)) throw bad(`invalid key name ${JSON.stringify(name)}`);
  return name;
}

/** SHA-256(name ‖ 0x0A ‖ type ‖ publicKey)[0:4] as a uint32. */
export function computeKeyId(name: string, type: number, publicKey: Uint8Array): number {
  const h = sha256(concatBytes(utf8(name), new Uint8Array([0x0a, type]), publicKey));
  return ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
}

function keyIdHex(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

function keyIdBytes(keyId: number): Uint8Array {
  return new Uint8Array([keyId >>> 24, (keyId >>> 16) & 255, (keyId >>> 8) & 255, keyId & 255]);
}

/** Splits `s` on its first `count` `+` signs (the base64 part may itself contain `+`). */
function splitPlus(s: string, count: number): string[] | undefined {
  const parts: string[] = [];
  let rest = s;
  for (let i = 0; i < count; i++) {
    const j = rest.indexOf('+');
    if (j < 0) return undefined;
    parts.push(rest.slice(0, j));
    rest = rest.slice(j + 1);
  }
  parts.push(rest);
  return parts;
}

function parseKeyId(hex: string): number {
  if (!/^[0-9a-f]{8}$/.test(hex)) throw bad('key ID must be 8 lower-case hex digits');
  return Number.parseInt(hex, 16);
}

/** Parses `<name>+<hex8>+<base64(type ‖ key)>`; the key ID must match the name and key. */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const parts = splitPlus(vkey, 2);
  if (parts === undefined) throw bad('malformed verifier key');
  const [name, hex, b64] = parts as [string, string, string];
  checkName(name);
  const keyId = parseKeyId(hex);
  const raw = fromBase64(b64, 'verifier key');
  if (raw.length === 0) throw bad('malformed verifier key');
  const type = raw[0]!;
  if (type !== KEY_TYPE_ED25519 && type !== KEY_TYPE_COSIGNATURE_V1) {
    throw new GreenlightError(
      'unsupported',
      `unsupported verifier key type 0x${type.toString(16).padStart(2, '0')}`,
    );
  }
  const publicKey = raw.slice(1);
  if (publicKey.length !== 32) throw bad('Ed25519 public key must be 32 bytes');
  if (computeKeyId(name, type, publicKey) !== keyId)
    throw bad('verifier key ID does not match its name and key');
  return { name, keyId, type, publicKey };
}

/** Formats a verifier key string for an Ed25519 public key (type 0x01 unless given). */
export function formatVerifierKey(
  name: string,
  publicKey: Uint8Array,
  type: KeyType = KEY_TYPE_ED25519,
): string {
  checkName(name);
  if (publicKey.length !== 32) throw bad('Ed25519 public key must be 32 bytes');
  const keyId = computeKeyId(name, type, publicKey);
  return `${name}+${keyIdHex(keyId)}+${toBase64(concatBytes(new Uint8Array([type]), publicKey))}`;
}

/** Parses `PRIVATE+KEY+<name>+<hex8>+<base64(0x01 ‖ seed)>` (the golang.org/x/mod/sumdb/note format). */
export function parseSignerKey(skey: string): NoteSigner {
  const parts = splitPlus(skey, 4);
  if (parts === undefined || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') throw bad('malformed signer key');
  const [, , name, hex, b64] = parts as [string, string, string, string, string];
  checkName(name);
  const keyId = parseKeyId(hex);
  const raw = tryFromBase64(b64);
  if (raw === undefined || raw.length !== 33 || raw[0] !== KEY_TYPE_ED25519)
    throw bad('malformed signer key');
  const seed = raw.slice(1);
  const publicKey = ed25519.getPublicKey(seed);
  if (computeKeyId(name, KEY_TYPE_ED25519, publicKey) !== keyId) {
    throw bad('signer key ID does not match its name and key');
  }
  return { name, keyId, publicKey, seed };
}

/** Formats a signer key string from an Ed25519 seed. */
export function formatSignerKey(name: string, seed: Uint8Array): string {
  checkName(name);
  if (seed.length !== 32) throw bad('Ed25519 seed must be 32 bytes');
  const keyId = computeKeyId(name, KEY_TYPE_ED25519, ed25519.getPublicKey(seed));
  return `PRIVATE+KEY+${name}+${keyIdHex(keyId)}+${toBase64(concatBytes(new Uint8Array([KEY_TYPE_ED25519]), seed))}`;
}

/** A new Ed25519 key pair for `name` (random unless `seed` is given) as signer and verifier key strings. */
export function generateSignerKey(
  name: string,
  seed?: Uint8Array,
): { signerKey: string; verifierKey: string } {
  const s = seed ?? ed25519.utils.randomSecretKey();
  return {
    signerKey: formatSignerKey(name, s),
    verifierKey: formatVerifierKey(name, ed25519.getPublicKey(s)),
  };
}

/** The verifier key string for a signer. */
export function signerVerifierKey(signer: NoteSigner): string {
  return formatVerifierKey(signer.name, signer.publicKey);
}

function checkText(text: string, what: string): void {
  if (!isWellFormedString(text)) throw bad(`${what} is not valid UTF-8`);
  if (hasControlChars(text, true)) throw bad(`${what} contains control characters`);
}

function checkNoteText(text: string): void {
  if (text.length === 0 || !text.endsWith('\n'))
    throw bad('note text must be non-empty and end with a newline');
  checkText(text, 'note text');
}

/**
 * Parses a signed note strictly: valid UTF-8 with no control characters but LF, at most
 * {@link MAX_NOTE_SIZE} bytes, text ending in LF, a blank line (the last `\n\n`), then 1..100 lines
 * `— <name> <base64(keyID ‖ signature)>` each ending in LF. Does not verify anything.
 */
export function parseNote(note: string | Uint8Array): Note {
  let s: string;
  if (note instanceof Uint8Array) {
    if (note.length > MAX_NOTE_SIZE) throw bad('note is too long');
    const decoded = tryDecodeUtf8(note);
    if (decoded === undefined) throw bad('note is not valid UTF-8');
    s = decoded;
  } else {
    if (typeof note !== 'string') throw bad('note must be a string');
    // Cheap bound first (a UTF-16 unit is at most 3 UTF-8 bytes), then the exact one.
    if (note.length > MAX_NOTE_SIZE || utf8(note).length > MAX_NOTE_SIZE) throw bad('note is too long');
    s = note;
  }
  checkText(s, 'note');
  const split = s.lastIndexOf('\n\n');
  if (split < 0) throw bad('note has no signature block');
  const text = s.slice(0, split + 1);
  const block = s.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n')) throw bad('note signature block must end with a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw bad(`note has more than ${MAX_SIGNATURES} signatures`);
  const signatures = lines.map(parseSignatureLine);
  return { text, signatures };
}

function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(SIG_PREFIX)) throw bad('malformed signature line');
  const rest = line.slice(SIG_PREFIX.length);
  const sp = rest.indexOf(' ');
  if (sp < 0) throw bad('malformed signature line');
  const name = rest.slice(0, sp);
  if (!isValidKeyName(name)) throw bad('malformed signature line: invalid key name');
  const raw = tryFromBase64(rest.slice(sp + 1));
  if (raw === undefined || raw.length < 5) throw bad('malformed signature line: bad base64');
  const keyId = ((raw[0]! << 24) | (raw[1]! << 16) | (raw[2]! << 8) | raw[3]!) >>> 0;
  return { name, keyId, signature: raw.slice(4) };
}

/** Formats a note: text, a blank line, one line per signature. */
export function formatNote(note: Note): string {
  checkNoteText(note.text);
  if (note.signatures.length === 0) throw bad('a note needs at least one signature');
  let out = `${note.text}\n`;
  for (const sig of note.signatures) {
    checkName(sig.name);
    out += `${SIG_PREFIX}${sig.name} ${toBase64(concatBytes(keyIdBytes(sig.keyId), sig.signature))}\n`;
  }
  return out;
}

/** Signs `text` with each signer (Ed25519 over the text bytes, final newline included). */
export function signNote(text: string, signers: NoteSigner | readonly NoteSigner[]): string {
  checkNoteText(text);
  const list = Array.isArray(signers) ? signers : [signers as NoteSigner];
  const msg = utf8(text);
  return formatNote({
    text,
    signatures: list.map((s) => ({ name: s.name, keyId: s.keyId, signature: ed25519.sign(msg, s.seed) })),
  });
}

function readU64(bytes: Uint8Array, at: number): bigint {
  let v = 0n;
  for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(bytes[at + i]!);
  return v;
}

/** Verifies one signature by a known key; returns the verified record, or undefined when it fails. */
function verifyWith(v: NoteVerifier, text: string, sig: NoteSignature): VerifiedSignature | undefined {
  if (v.type === KEY_TYPE_ED25519) {
    if (sig.signature.length !== 64) return undefined;
    const ok = ed25519.verify(sig.signature, utf8(text), v.publicKey, { zip215: false });
    return ok ? { name: v.name, keyId: v.keyId, type: v.type } : undefined;
  }
  // tlog-cosignature v1: u64be timestamp ‖ Ed25519 over "cosignature/v1\ntime <ts>\n" ‖ note text.
  if (sig.signature.length !== 72) return undefined;
  const ts = readU64(sig.signature, 0);
  const msg = utf8(`cosignature/v1\ntime ${ts}\n${text}`);
  if (!ed25519.verify(sig.signature.subarray(8), msg, v.publicKey, { zip215: false })) return undefined;
  if (ts > BigInt(MAX_SAFE_SIZE))
    throw new GreenlightError('unsupported', 'cosignature timestamp exceeds 2^53 - 1');
  return { name: v.name, keyId: v.keyId, type: v.type, timestamp: Number(ts) };
}

/**
 * Parses and verifies a note. Signatures from keys not in `verifiers` (matched by name and key ID) are
 * ignored; any failing signature from a known key rejects the whole note; at least one known key must
 * have signed. Failures throw `invalid_input`.
 */
export function openNote(
  note: string | Uint8Array,
  verifiers: readonly (NoteVerifier | string)[],
): OpenedNote {
  const parsed = parseNote(note);
  const known = verifiers.map((v) => (typeof v === 'string' ? parseVerifierKey(v) : v));
  const verified: VerifiedSignature[] = [];
  const unverified: NoteSignature[] = [];
  for (const sig of parsed.signatures) {
    const v = known.find((k) => k.name === sig.name && k.keyId === sig.keyId);
    if (v === undefined) {
      unverified.push(sig);
      continue;
    }
    const ok = verifyWith(v, parsed.text, sig);
    if (ok === undefined) throw bad(`invalid signature by ${sig.name}`);
    if (!verified.some((x) => x.name === ok.name && x.keyId === ok.keyId)) verified.push(ok);
  }
  if (verified.length === 0) throw bad('note has no valid signature from a known key');
  return { text: parsed.text, verified, unverified };
}

/** True iff two verifier keys denote the same key (name, ID, type and public key). */
export function sameVerifier(a: NoteVerifier, b: NoteVerifier): boolean {
  return (
    a.name === b.name && a.keyId === b.keyId && a.type === b.type && bytesEqual(a.publicKey, b.publicKey)
  );
}
