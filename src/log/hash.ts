/**
 * SHA-256 tree hashing with node:crypto for the server and CLI rings. The pure core (`core/tlog`, @noble/hashes,
 * runs in browsers) stays the definition; these are the same functions with the same signatures, swapped in
 * where bench/log shows the hashing dominates (integration, tile-based proofs, full audits). `hash.test.ts`
 * checks that both paths agree.
 */
import { createHash, hash as oneShotHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { GreenlightError } from '../core/errors.js';
import { HASH_SIZE, MAX_ENTRY_SIZE, TILE_HEIGHT, TILE_WIDTH } from '../core/tlog/index.js';
import { workerExecArgv } from '../node/worker-exec-argv.js';

/**
 * The SHA-256 digest as a 'binary' (latin1) string, one char per byte: `crypto.hash` (one call, no Hash object) where the
 * runtime has it, `createHash` otherwise. A short V8 string is much cheaper to make than a Buffer (which
 * gets its own backing store), and `Buffer#write(…, 'latin1')` puts the bytes back losslessly.
 */
const digestLatin1: (data: Uint8Array) => string =
  typeof oneShotHash === 'function'
    ? (data) => oneShotHash('sha256', data, 'binary')
    : (data) => createHash('sha256').update(data).digest('binary');

/** SHA-256 of `data`. */
export function sha256(data: Uint8Array): Uint8Array {
  const out = Buffer.allocUnsafe(HASH_SIZE);
  out.write(digestLatin1(data), 0, 'latin1');
  return new Uint8Array(out.buffer, out.byteOffset, HASH_SIZE);
}

/** Writes SHA-256 of `data` into `out` at byte offset `at`. */
export function sha256Into(data: Uint8Array, out: Buffer, at: number): void {
  out.write(digestLatin1(data), at, 'latin1');
}

/** A Buffer view of `a` (no copy), for {@link sha256Into}. */
export function bufferView(a: Uint8Array): Buffer {
  return Buffer.isBuffer(a) ? a : Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** The leaf hash of an entry: SHA-256(0x00 ‖ entry) (as core `leafHash`). */
export function leafHash(entry: Uint8Array): Uint8Array {
  const buf = Buffer.allocUnsafe(entry.length + 1);
  buf[0] = 0;
  buf.set(entry, 1);
  return sha256(buf);
}

// One scratch buffer for interior nodes: 0x01 ‖ left ‖ right (hashing is synchronous, so never shared).
const scratch = Buffer.alloc(1 + 2 * HASH_SIZE);
scratch[0] = 1;

/** An interior node: SHA-256(0x01 ‖ left ‖ right) (as core `nodeHash`). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    const buf = Buffer.allocUnsafe(1 + left.length + right.length);
    buf[0] = 1;
    buf.set(left, 1);
    buf.set(right, 1 + left.length);
    return sha256(buf);
  }
  scratch.set(left, 1);
  scratch.set(right, 1 + HASH_SIZE);
  return sha256(scratch);
}

/**
 * The level above `count` consecutive 32-byte hashes at `offset` (count even): count/2 node hashes, written to
 * `out` at `outOffset` (hash index) or to a new array.
 */
export function hashPairs(
  hashes: Uint8Array,
  offset: number,
  count: number,
  out: Uint8Array = new Uint8Array((count / 2) * HASH_SIZE),
  outOffset = 0,
): Uint8Array {
  const target = bufferView(out);
  for (let j = 0; j + 1 < count; j += 2) {
    const o = (offset + j) * HASH_SIZE;
    scratch.set(hashes.subarray(o, o + 2 * HASH_SIZE), 1);
    sha256Into(scratch, target, (outOffset + j / 2) * HASH_SIZE);
  }
  return out;
}

/** Hashes `count` (a power of two) consecutive 32-byte entries of a tile up to their subtree root. */
export function subtreeHash(tile: Uint8Array, offset: number, count: number): Uint8Array {
  if (count === 1) return tile.slice(offset * HASH_SIZE, (offset + 1) * HASH_SIZE);
  let level = hashPairs(tile, offset, count);
  for (let n = count / 2; n > 1; n /= 2) level = hashPairs(level, 0, n);
  return level;
}

/** The root of a full tile's 256 entries (as core `tileRoot`). */
export function tileRoot(tile: Uint8Array): Uint8Array {
  if (tile.length !== TILE_WIDTH * HASH_SIZE) {
    throw new GreenlightError('invalid_input', 'only a full tile has a root in the level above');
  }
  return subtreeHash(tile, 0, TILE_WIDTH);
}

/**
 * Every complete node inside a tile of `width` hashes: `levels[h]` holds the ⌊width/2^h⌋ hashes of the
 * subtrees of 2^h tile entries (h = 0..8; `levels[0]` is the tile itself).
 */
export function tileNodes(tile: Uint8Array, width: number): Uint8Array[] {
  const levels: Uint8Array[] = [tile.subarray(0, width * HASH_SIZE)];
  for (let h = 1, n = width; h <= TILE_HEIGHT; h++) {
    const below = levels[h - 1]!;
    const pairs = n - (n % 2);
    n = pairs / 2;
    levels.push(hashPairs(below, 0, pairs));
  }
  return levels;
}

/**
 * Leaf hashes of entries [lo, hi) laid out as 0x00 ‖ entry in `bytes` (entry i's 0x00 at `starts[i]`, `lengths[i]`
 * bytes), written to `leaves` at hash index i; then the root of every level-0 tile that lies wholly in
 * [from + lo, from + hi) (tile t ≥ `firstTile`), written to `roots` at hash index t − firstTile. Self-contained
 * (its source also runs in the hashing worker): `digest` is SHA-256 as a latin1 string.
 */
function hashRange(
  digest: (data: Uint8Array) => string,
  bytes: Uint8Array,
  starts: Int32Array,
  lengths: Int32Array,
  from: number,
  lo: number,
  hi: number,
  leaves: Uint8Array,
  roots: Uint8Array,
  firstTile: number,
): void {
  const leafOut = Buffer.from(leaves.buffer, leaves.byteOffset, leaves.byteLength);
  for (let i = lo; i < hi; i++) {
    const o = starts[i]!;
    leafOut.write(digest(bytes.subarray(o, o + 1 + lengths[i]!)), i * 32, 'latin1');
  }
  const rootOut = Buffer.from(roots.buffer, roots.byteOffset, roots.byteLength);
  const node = Buffer.alloc(65);
  node[0] = 1;
  const level = Buffer.alloc(128 * 32);
  for (let t = Math.ceil((from + lo) / 256); (t + 1) * 256 <= from + hi; t++) {
    let src: Uint8Array = leaves.subarray((t * 256 - from) * 32, (t * 256 - from + 256) * 32);
    for (let n = 128; n >= 1; n /= 2) {
      for (let j = 0; j < n; j++) {
        node.set(src.subarray(j * 64, j * 64 + 64), 1);
        level.write(digest(node), j * 32, 'latin1');
      }
      src = level.subarray(0, n * 32);
    }
    rootOut.set(src, (t - firstTile) * 32);
  }
}

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const crypto = require('node:crypto');
const digest = typeof crypto.hash === 'function'
  ? (data) => crypto.hash('sha256', data, 'binary')
  : (data) => crypto.createHash('sha256').update(data).digest('binary');
const hashRange = ${hashRange.toString()};
parentPort.on('message', (m) => {
  try {
    hashRange(digest, new Uint8Array(m.bytes), new Int32Array(m.starts), new Int32Array(m.lengths), m.from, m.lo,
      m.hi, new Uint8Array(m.leaves), new Uint8Array(m.roots), m.firstTile);
    parentPort.postMessage({ id: m.id });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String(e && e.message || e) });
  }
});
`;

/** One hashing worker per process, started on first use; unreferenced while idle. */
let worker: Worker | undefined | null;
let nextJob = 0;
const jobs = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();

function hashingWorker(): Worker | undefined {
  if (worker === null) return undefined;
  if (worker === undefined) {
    if (availableParallelism() < 2) {
      worker = null;
      return undefined;
    }
    try {
      const w = new Worker(WORKER_SOURCE, { eval: true, execArgv: workerExecArgv() });
      w.on('message', (m: { id: number; error?: string }) => {
        const job = jobs.get(m.id);
        jobs.delete(m.id);
        if (jobs.size === 0) w.unref();
        if (m.error === undefined) job?.resolve();
        else job?.reject(new Error(m.error));
      });
      const fail = (e: unknown) => {
        worker = null;
        for (const job of jobs.values()) job.reject(e instanceof Error ? e : new Error(String(e)));
        jobs.clear();
      };
      w.on('error', fail);
      w.on('exit', () => fail(new Error('the hashing worker exited')));
      w.unref(); // after the listeners (attaching a 'message' listener refs the worker again)
      worker = w;
    } catch {
      worker = null;
      return undefined;
    }
  }
  return worker;
}

/** Entries laid out for hashing: entry i (leaf `from + i`) is 0x00 ‖ its UTF-8 bytes at `starts[i]`. */
export interface EntryChunk {
  from: number;
  bytes: Uint8Array;
  starts: Int32Array;
  lengths: Int32Array;
}

/**
 * Lays `texts` (entries `from`, `from + 1`, …) out for hashing, on shared memory (so a worker can read them).
 * An entry longer than {@link MAX_ENTRY_SIZE} bytes is `invalid_input`.
 */
export function layoutEntries(texts: readonly string[], from: number): EntryChunk {
  const count = texts.length;
  const starts = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, count)), 0, count);
  const lengths = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, count)), 0, count);
  // 0x00 ‖ e0 ‖ 0x00 ‖ e1 … is the UTF-8 of "\0" + texts.join("\0"): one native encode. When that is ASCII
  // (as canonical JSON entries usually are) every entry's byte length is its string length.
  const joined = `\0${texts.join('\0')}`;
  const size = Buffer.byteLength(joined, 'utf8');
  if (size === joined.length) {
    const bytes = Buffer.from(new SharedArrayBuffer(Math.max(1, size)), 0, size);
    bytes.write(joined, 0, 'latin1');
    for (let i = 0, o = 0; i < count; i++) {
      const n = texts[i]!.length;
      if (n > MAX_ENTRY_SIZE) throw new GreenlightError('invalid_input', 'entry is longer than 65,535 bytes');
      starts[i] = o;
      lengths[i] = n;
      o += 1 + n;
    }
    return { from, bytes, starts, lengths };
  }
  const bytes = Buffer.from(new SharedArrayBuffer(Math.max(1, size)), 0, size);
  let o = 0;
  for (let i = 0; i < count; i++) {
    starts[i] = o;
    bytes[o] = 0;
    const n = bytes.write(texts[i]!, o + 1, 'utf8');
    if (n > MAX_ENTRY_SIZE) throw new GreenlightError('invalid_input', 'entry is longer than 65,535 bytes');
    lengths[i] = n;
    o += 1 + n;
  }
  return { from, bytes, starts, lengths };
}

export interface ChunkHashes {
  /** Leaf hash i (of leaf `from + i`) at hash index i. */
  leaves: Uint8Array;
  /** The level-0 tiles the chunk fills wholly (indexes `firstTile`, …): their roots in order. */
  firstTile: number;
  roots: Uint8Array;
  /** Whether the worker thread did the hashing. */
  inWorker: boolean;
}

function chunkOutputs(chunk: EntryChunk): Omit<ChunkHashes, 'inWorker'> {
  const count = chunk.starts.length;
  const firstTile = Math.ceil(chunk.from / TILE_WIDTH);
  const fullTiles = Math.max(0, Math.floor((chunk.from + count) / TILE_WIDTH) - firstTile);
  const shared = (n: number) => new Uint8Array(new SharedArrayBuffer(Math.max(1, n)), 0, n);
  return { leaves: shared(count * HASH_SIZE), firstTile, roots: shared(fullTiles * HASH_SIZE) };
}

/** Leaf hashes and wholly filled tiles' roots of a chunk, on this thread. */
export function hashChunk(chunk: EntryChunk): ChunkHashes {
  const out = chunkOutputs(chunk);
  const { from, bytes, starts, lengths } = chunk;
  hashRange(
    digestLatin1,
    bytes,
    starts,
    lengths,
    from,
    0,
    starts.length,
    out.leaves,
    out.roots,
    out.firstTile,
  );
  return { ...out, inWorker: false };
}

/**
 * {@link hashChunk} on the hashing worker thread, so that this thread can do other work meanwhile (on a
 * machine with one core, or when the worker fails, on this thread). The chunk must be from
 * {@link layoutEntries} (shared memory).
 */
export async function hashChunkInWorker(chunk: EntryChunk): Promise<ChunkHashes> {
  const w = hashingWorker();
  const { from, bytes, starts, lengths } = chunk;
  const sharedFromZero = (a: Uint8Array | Int32Array) =>
    a.buffer instanceof SharedArrayBuffer && a.byteOffset === 0;
  if (w === undefined || !sharedFromZero(bytes) || !sharedFromZero(starts) || !sharedFromZero(lengths)) {
    return hashChunk(chunk);
  }
  const out = chunkOutputs(chunk);
  const id = nextJob++;
  const done = new Promise<void>((resolve, reject) => jobs.set(id, { resolve, reject }));
  w.ref();
  w.postMessage({
    id,
    bytes: bytes.buffer,
    starts: starts.buffer,
    lengths: lengths.buffer,
    from,
    lo: 0,
    hi: starts.length,
    leaves: out.leaves.buffer,
    roots: out.roots.buffer,
    firstTile: out.firstTile,
  });
  try {
    await done;
    return { ...out, inWorker: true };
  } catch {
    return hashChunk(chunk);
  }
}
