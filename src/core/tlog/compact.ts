/**
 * A compact range over [0, size): the roots of the perfect subtrees given by the binary digits of `size`,
 * largest first. Appending a leaf hash and computing the root are both O(log n); the state is at most 53
 * hashes and is all an integrator needs to keep between batches.
 */
import { GreenlightError } from '../errors.js';
import { MAX_SAFE_SIZE, toSafeIndex } from './bytes.js';
import { EMPTY_ROOT, HASH_SIZE, nodeHash, perfectSubtrees } from './merkle.js';

export class MerkleState {
  #size: number;
  /** Perfect subtree roots, left to right; heights strictly decreasing. */
  #hashes: Uint8Array[];

  private constructor(size: number, hashes: Uint8Array[]) {
    this.#size = size;
    this.#hashes = hashes;
  }

  /** The empty tree. */
  static empty(): MerkleState {
    return new MerkleState(0, []);
  }

  /**
   * Restores a state from its size and perfect subtree roots (as returned by {@link hashes}, or read from
   * tiles: the roots of `perfectSubtrees({start: 0, end: size})`). The count must match popcount(size).
   */
  static fromHashes(size: number | bigint, hashes: readonly Uint8Array[]): MerkleState {
    const n = toSafeIndex(size, 'tree size');
    const expected = perfectSubtrees({ start: 0, end: n }).length;
    if (hashes.length !== expected) {
      throw new GreenlightError(
        'invalid_input',
        `a tree of size ${n} needs ${expected} hashes, got ${hashes.length}`,
      );
    }
    for (const h of hashes) {
      if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
        throw new GreenlightError('invalid_input', 'compact range hashes must be 32 bytes');
      }
    }
    return new MerkleState(
      n,
      hashes.map((h) => h.slice()),
    );
  }

  get size(): number {
    return this.#size;
  }

  /** Copies of the perfect subtree roots, left to right. */
  hashes(): Uint8Array[] {
    return this.#hashes.map((h) => h.slice());
  }

  clone(): MerkleState {
    return new MerkleState(this.#size, this.hashes());
  }

  /** Appends one leaf hash (SHA-256(0x00 ‖ entry)). */
  append(leaf: Uint8Array): void {
    if (!(leaf instanceof Uint8Array) || leaf.length !== HASH_SIZE) {
      throw new GreenlightError('invalid_input', 'leaf hash must be 32 bytes');
    }
    if (this.#size >= MAX_SAFE_SIZE)
      throw new GreenlightError('unsupported', 'tree size would exceed 2^53 - 1');
    let h: Uint8Array = leaf.slice();
    // Each trailing 1 bit of the old size is a subtree of equal height to merge with.
    let s = this.#size;
    while (s % 2 === 1) {
      h = nodeHash(this.#hashes.pop()!, h);
      s = Math.floor(s / 2);
    }
    this.#hashes.push(h);
    this.#size++;
  }

  /** MTH(D[0:size]); SHA-256("") for the empty tree. */
  root(): Uint8Array {
    const hs = this.#hashes;
    if (hs.length === 0) return EMPTY_ROOT.slice();
    let r = hs[hs.length - 1]!;
    for (let i = hs.length - 2; i >= 0; i--) r = nodeHash(hs[i]!, r);
    return r.slice();
  }
}
