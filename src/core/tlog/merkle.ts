/**
 * RFC 6962 / RFC 9162 SHA-256 Merkle tree: hashing, proof generation from stored perfect-subtree hashes,
 * and verification exactly per RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency).
 *
 * Error policy (one rule for the whole module):
 * - A size or index that is not a non-negative integer throws `GreenlightError('invalid_input')`; one above
 *   2^53 − 1 throws `GreenlightError('unsupported')` (see {@link toSafeIndex}).
 * - `verify*` otherwise never throws: every other problem with the claimed data (index ≥ size, old > new,
 *   hashes that are not 32 bytes, wrong proof length, wrong roots) returns `false`.
 * - Proof *generation* throws `invalid_input` for impossible requests (index ≥ size, m > n, m = 0).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { GreenlightError } from '../errors.js';
import { bytesEqual, toSafeIndex } from './bytes.js';

export const HASH_SIZE = 32;

/** A proof never needs more hashes than this (log2 of the largest tree, plus one for consistency). */
const MAX_PROOF_LENGTH = 64;

/** MTH({}) = SHA-256(""). */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

/** The leaf hash of an entry: SHA-256(0x00 ‖ entry). */
export function leafHash(entry: Uint8Array): Uint8Array {
  const buf = new Uint8Array(entry.length + 1);
  buf.set(entry, 1);
  return sha256(buf);
}

/** An interior node: SHA-256(0x01 ‖ left ‖ right). Accepts any lengths (the RFC 6962 hasher vectors do). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + left.length + right.length);
  buf[0] = 1;
  buf.set(left, 1);
  buf.set(right, 1 + left.length);
  return sha256(buf);
}

/**
 * Hash of the perfect subtree of height `level` at position `index`, i.e. MTH(D[index·2^level :
 * (index+1)·2^level]). Level 0 is the leaf hashes.
 */
export type NodeReader = (level: number, index: number) => Uint8Array;

/** A perfect subtree: `2^level` leaves starting at leaf `index · 2^level`. */
export interface NodeId {
  level: number;
  index: number;
}

/** The half-open leaf range [start, end) of a subtree in the RFC 6962 tree. */
export interface LeafRange {
  start: number;
  end: number;
}

/** The largest power of two strictly less than n (n ≥ 2). Arithmetic, not bitwise: n may exceed 2^32. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

/**
 * The perfect subtrees whose roots make up MTH(D[start:end]), left to right (largest first). For the
 * ranges that appear in RFC 6962 proofs (start aligned to a power of two ≥ end − start) folding these
 * from the right gives the range's MTH.
 */
export function perfectSubtrees(range: LeafRange): NodeId[] {
  const out: NodeId[] = [];
  let pos = range.start;
  while (pos < range.end) {
    let size = 1;
    let level = 0;
    while (pos % (size * 2) === 0 && pos + size * 2 <= range.end) {
      size *= 2;
      level++;
    }
    out.push({ level, index: pos / size });
    pos += size;
  }
  return out;
}

/** MTH(D[start:end]) from stored perfect-subtree hashes; the empty range gives SHA-256(""). */
export function rangeHash(range: LeafRange, getNode: NodeReader): Uint8Array {
  const nodes = perfectSubtrees(range);
  if (nodes.length === 0) return EMPTY_ROOT;
  let h = readNode(getNode, nodes[nodes.length - 1]!);
  for (let i = nodes.length - 2; i >= 0; i--) h = nodeHash(readNode(getNode, nodes[i]!), h);
  return h;
}

function readNode(getNode: NodeReader, n: NodeId): Uint8Array {
  const h = getNode(n.level, n.index);
  if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
    throw new GreenlightError('invalid_input', `stored hash for node ${n.level}/${n.index} is not 32 bytes`);
  }
  return h;
}

/** RFC 6962 MTH over leaf hashes (not entries), in O(n) hashes and O(log n) memory. */
export function rootFromLeafHashes(leafHashes: readonly Uint8Array[]): Uint8Array {
  // A stack of perfect subtree roots with strictly decreasing heights (a compact range).
  const stack: { level: number; hash: Uint8Array }[] = [];
  for (const h of leafHashes) {
    if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
      throw new GreenlightError('invalid_input', 'leaf hashes must be 32 bytes');
    }
    let top = { level: 0, hash: h };
    while (stack.length > 0 && stack[stack.length - 1]!.level === top.level) {
      const left = stack.pop()!;
      top = { level: top.level + 1, hash: nodeHash(left.hash, top.hash) };
    }
    stack.push(top);
  }
  if (stack.length === 0) return EMPTY_ROOT;
  let r = stack[stack.length - 1]!.hash;
  for (let i = stack.length - 2; i >= 0; i--) r = nodeHash(stack[i]!.hash, r);
  return r;
}

/**
 * The leaf ranges whose MTH make up PATH(index, D[0:size]) (RFC 6962 §2.1.1), ordered leaf → root.
 * Throws `invalid_input` unless index < size.
 */
export function inclusionProofRanges(index: number | bigint, size: number | bigint): LeafRange[] {
  const i = toSafeIndex(index, 'leaf index');
  const n = toSafeIndex(size, 'tree size');
  if (i >= n) throw new GreenlightError('invalid_input', `leaf index ${i} is not below tree size ${n}`);
  const out: LeafRange[] = [];
  let lo = 0;
  let hi = n;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (i < lo + k) {
      out.push({ start: lo + k, end: hi });
      hi = lo + k;
    } else {
      out.push({ start: lo, end: lo + k });
      lo += k;
    }
  }
  return out.reverse();
}

/**
 * The leaf ranges whose MTH make up PROOF(m, D[0:n]) (RFC 6962 §2.1.2), ordered leaf → root. m = n gives
 * an empty proof; m = 0 or m > n throws `invalid_input`.
 */
export function consistencyProofRanges(oldSize: number | bigint, newSize: number | bigint): LeafRange[] {
  const m0 = toSafeIndex(oldSize, 'old tree size');
  const n = toSafeIndex(newSize, 'new tree size');
  if (m0 === 0 || m0 > n) {
    throw new GreenlightError('invalid_input', `no consistency proof from size ${m0} to size ${n}`);
  }
  const out: LeafRange[] = [];
  let m = m0;
  let lo = 0;
  let hi = n;
  let complete = true; // the `b` flag of SUBPROOF
  while (m !== hi - lo) {
    const k = splitPoint(hi - lo);
    if (m <= k) {
      out.push({ start: lo + k, end: hi });
      hi = lo + k;
    } else {
      out.push({ start: lo, end: lo + k });
      lo += k;
      m -= k;
      complete = false;
    }
  }
  if (!complete) out.push({ start: lo, end: hi });
  return out.reverse();
}

/** PATH(index, D[0:size]) from stored subtree hashes, leaf → root. */
export function inclusionProof(
  index: number | bigint,
  size: number | bigint,
  getNode: NodeReader,
): Uint8Array[] {
  return inclusionProofRanges(index, size).map((r) => rangeHash(r, getNode));
}

/** PROOF(m, D[0:n]) from stored subtree hashes, leaf → root (empty when m = n). */
export function consistencyProof(
  oldSize: number | bigint,
  newSize: number | bigint,
  getNode: NodeReader,
): Uint8Array[] {
  return consistencyProofRanges(oldSize, newSize).map((r) => rangeHash(r, getNode));
}

function allHashes(proof: readonly Uint8Array[]): boolean {
  return (
    proof.length <= MAX_PROOF_LENGTH && proof.every((p) => p instanceof Uint8Array && p.length === HASH_SIZE)
  );
}

const isOdd = (x: number) => x % 2 === 1;
const half = (x: number) => Math.floor(x / 2);

/** RFC 9162 §2.1.3.2. True iff `proof` shows the leaf hash at `index` is in the tree of `size` with `root`. */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number | bigint,
  size: number | bigint,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  const leafIndex = toSafeIndex(index, 'leaf index');
  const treeSize = toSafeIndex(size, 'tree size');
  if (leafIndex >= treeSize) return false;
  if (leaf.length !== HASH_SIZE || root.length !== HASH_SIZE || !allHashes(proof)) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!isOdd(fn)) {
        do {
          fn = half(fn);
          sn = half(sn);
        } while (!isOdd(fn) && fn !== 0);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(r, root);
}

/**
 * RFC 9162 §2.1.4.2, plus the cases outside its `0 < m < n` precondition decided as transparency-dev does:
 * - m = n: true iff the proof is empty and the roots are equal (byte equality; nothing is hashed).
 * - m = 0: false, even 0 → 0. A proof from the empty tree proves nothing; a caller that accepts an empty
 *   old tree (as tlog-witness does for `old 0`) must special-case it and check its root is SHA-256("").
 * - m > n: false.
 */
export function verifyConsistency(
  oldSize: number | bigint,
  newSize: number | bigint,
  proof: readonly Uint8Array[],
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
): boolean {
  const first = toSafeIndex(oldSize, 'old tree size');
  const second = toSafeIndex(newSize, 'new tree size');
  if (first === 0 || first > second) return false;
  if (first === second) return proof.length === 0 && bytesEqual(oldRoot, newRoot);
  if (oldRoot.length !== HASH_SIZE || newRoot.length !== HASH_SIZE || !allHashes(proof)) return false;
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(first) ? [oldRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!isOdd(fn)) {
        do {
          fn = half(fn);
          sn = half(sn);
        } while (!isOdd(fn) && fn !== 0);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(fr, oldRoot) && bytesEqual(sr, newRoot);
}
