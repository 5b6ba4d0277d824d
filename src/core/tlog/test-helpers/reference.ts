/**
 * Test-only: the RFC 6962 §2.1 definitions (MTH, PATH, PROOF/SUBPROOF) written as literally as possible,
 * recursively, over leaf hashes. Only perfect (power-of-two) subtrees are memoised so that trees of
 * ~100k leaves stay cheap; the right-edge structure is always recomputed from the definition.
 */
import { sha256 } from '@noble/hashes/sha2.js';

function hashChildren(l: Uint8Array, r: Uint8Array): Uint8Array {
  const b = new Uint8Array(65);
  b[0] = 1;
  b.set(l, 1);
  b.set(r, 33);
  return sha256(b);
}

/** k = the largest power of two smaller than n (n > 1). */
function largestPow2Below(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export class ReferenceTree {
  readonly #leaf: (i: number) => Uint8Array;
  readonly #memo = new Map<string, Uint8Array>();

  constructor(leafHash: (i: number) => Uint8Array) {
    this.#leaf = leafHash;
  }

  /** MTH(D[lo:hi]). */
  mth(lo: number, hi: number): Uint8Array {
    const n = hi - lo;
    if (n === 0) return sha256(new Uint8Array(0));
    if (n === 1) return this.#leaf(lo);
    const perfect = (n & (n - 1)) === 0;
    const key = `${lo}:${hi}`;
    if (perfect) {
      const m = this.#memo.get(key);
      if (m !== undefined) return m;
    }
    const k = largestPow2Below(n);
    const h = hashChildren(this.mth(lo, lo + k), this.mth(lo + k, hi));
    if (perfect) this.#memo.set(key, h);
    return h;
  }

  /** PATH(m, D[lo:hi]). */
  path(m: number, lo: number, hi: number): Uint8Array[] {
    const n = hi - lo;
    if (n === 1) return [];
    const k = largestPow2Below(n);
    if (m < k) return [...this.path(m, lo, lo + k), this.mth(lo + k, hi)];
    return [...this.path(m - k, lo + k, hi), this.mth(lo, lo + k)];
  }

  /** PROOF(m, D[0:n]) = SUBPROOF(m, D[n], true). */
  proof(m: number, n: number): Uint8Array[] {
    return this.subproof(m, 0, n, true);
  }

  subproof(m: number, lo: number, hi: number, b: boolean): Uint8Array[] {
    const n = hi - lo;
    if (m === n) return b ? [] : [this.mth(lo, hi)];
    const k = largestPow2Below(n);
    if (m <= k) return [...this.subproof(m, lo, lo + k, b), this.mth(lo + k, hi)];
    return [...this.subproof(m - k, lo + k, hi, false), this.mth(lo, lo + k)];
  }
}
