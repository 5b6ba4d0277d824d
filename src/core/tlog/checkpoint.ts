/**
 * C2SP tlog-checkpoint: the note text `<origin>\n<size>\n<base64 root>\n[<extension>\n]*`, signed as a
 * signed-note with the log's Ed25519 key.
 */
import { GreenlightError } from '../errors.js';
import {
  bytesEqual,
  hasControlChars,
  isWellFormedString,
  toBase64,
  toSafeIndex,
  tryFromBase64,
} from './bytes.js';
import { EMPTY_ROOT, HASH_SIZE } from './merkle.js';
import {
  KEY_TYPE_ED25519,
  type NoteSigner,
  type NoteVerifier,
  type OpenedNote,
  openNote,
  parseVerifierKey,
  signNote,
} from './note.js';

export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
  /** Opaque extension lines (without newlines); NOT RECOMMENDED by the spec, kept for round-tripping. */
  extensions: string[];
}

function bad(message: string): GreenlightError {
  return new GreenlightError('invalid_input', message);
}

function checkLine(line: string, what: string): void {
  if (line.length === 0) throw bad(`checkpoint ${what} must not be empty`);
  if (!isWellFormedString(line) || hasControlChars(line)) {
    throw bad(`checkpoint ${what} contains control characters or invalid UTF-8`);
  }
}

/** The checkpoint note text (each line ending in LF). */
export function formatCheckpoint(cp: Checkpoint): string {
  checkLine(cp.origin, 'origin');
  const size = toSafeIndex(cp.size, 'tree size');
  if (!(cp.root instanceof Uint8Array) || cp.root.length !== HASH_SIZE)
    throw bad('checkpoint root must be 32 bytes');
  const extensions = cp.extensions ?? [];
  for (const e of extensions) checkLine(e, 'extension line');
  return [cp.origin, String(size), toBase64(cp.root), ...extensions].map((l) => `${l}\n`).join('');
}

/**
 * Parses checkpoint note text strictly: non-empty origin, decimal size without leading zeros (≤ 2^53 − 1,
 * else `unsupported`), canonical base64 of a 32-byte root, then non-empty extension lines; every line ends
 * in LF. Anything else is `invalid_input`.
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (typeof text !== 'string' || !text.endsWith('\n')) throw bad('checkpoint must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw bad('checkpoint needs origin, size and root lines');
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  checkLine(origin, 'origin');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine)) throw bad('checkpoint size must be decimal without leading zeros');
  const size = toSafeIndex(BigInt(sizeLine), 'checkpoint tree size');
  const root = tryFromBase64(rootLine);
  if (root === undefined || root.length !== HASH_SIZE)
    throw bad('checkpoint root must be base64 of 32 bytes');
  for (const e of extensions) checkLine(e, 'extension line');
  return { origin, size, root, extensions };
}

/** Formats and signs a checkpoint; returns the signed note. */
export function signCheckpoint(cp: Checkpoint, signers: NoteSigner | readonly NoteSigner[]): string {
  return signNote(formatCheckpoint(cp), signers);
}

export interface OpenCheckpointOptions {
  /** The origin the checkpoint must carry; defaults to the log key's name (C2SP: they SHOULD be equal). */
  origin?: string;
}

/**
 * Verifies a signed checkpoint with the log's Ed25519 verifier key and parses it. Requires a valid
 * signature by that key (other signatures, e.g. witness cosignatures, are ignored), the expected origin,
 * and for size 0 the root SHA-256(""). Failures throw `invalid_input`.
 */
export function openCheckpoint(
  noteText: string | Uint8Array,
  verifierKey: string | NoteVerifier,
  options: OpenCheckpointOptions = {},
): { checkpoint: Checkpoint; note: OpenedNote } {
  const key = typeof verifierKey === 'string' ? parseVerifierKey(verifierKey) : verifierKey;
  if (key.type !== KEY_TYPE_ED25519) throw bad('a checkpoint must be opened with an Ed25519 log key');
  const note = openNote(noteText, [key]);
  const checkpoint = parseCheckpoint(note.text);
  const origin = options.origin ?? key.name;
  if (checkpoint.origin !== origin) {
    throw bad(`checkpoint origin ${JSON.stringify(checkpoint.origin)} is not ${JSON.stringify(origin)}`);
  }
  if (checkpoint.size === 0 && !bytesEqual(checkpoint.root, EMPTY_ROOT)) {
    throw bad('an empty checkpoint must have the root SHA-256("")');
  }
  return { checkpoint, note };
}
