/**
 * The checker's grants, keyed by (model index, organisation index): an open-addressing hash table with linear
 * probing over one Int32Array of key pairs, holding for each pair the head of its grant chain (GrantState.next,
 * in preference order). A lookup is one hash and usually one cache line of keys, then the head grant itself;
 * nothing is allocated. Deletion shifts the following run back (no tombstones), so lookups stay short.
 */
import type { GrantState } from './rules.js';

const EMPTY = -1;
const MAX_LOAD = 0.6;

function hash(model: number, org: number): number {
  let h = Math.imul(model, 0x9e3779b1) ^ org;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return h ^ (h >>> 13);
}

function capacityFor(n: number): number {
  let cap = 16;
  while (cap * MAX_LOAD < n) cap *= 2;
  return cap;
}

export class GrantTable {
  /** [model, org] per slot; model EMPTY when free. */
  private keys: Int32Array;
  private heads: (GrantState | null)[];
  private mask: number;
  /** Occupied slots: (model, organisation) pairs with at least one grant. */
  size = 0;

  constructor(expected = 0) {
    const cap = capacityFor(expected);
    this.keys = new Int32Array(cap * 2).fill(EMPTY);
    this.heads = new Array<GrantState | null>(cap).fill(null);
    this.mask = cap - 1;
  }

  /** The head of the pair's chain, or null. */
  get(model: number, org: number): GrantState | null {
    const keys = this.keys;
    const mask = this.mask;
    let i = hash(model, org) & mask;
    for (;;) {
      const k = keys[2 * i]!;
      if (k === model && keys[2 * i + 1] === org) return this.heads[i]!;
      if (k === EMPTY) return null;
      i = (i + 1) & mask;
    }
  }

  /** Sets the pair's chain head; null removes the pair. */
  set(model: number, org: number, head: GrantState | null): void {
    const keys = this.keys;
    const mask = this.mask;
    let i = hash(model, org) & mask;
    for (;;) {
      const k = keys[2 * i]!;
      if (k === model && keys[2 * i + 1] === org) {
        if (head !== null) this.heads[i] = head;
        else this.remove(i);
        return;
      }
      if (k === EMPTY) break;
      i = (i + 1) & mask;
    }
    if (head === null) return;
    if (this.size + 1 > (mask + 1) * MAX_LOAD) {
      this.grow();
      this.set(model, org, head);
      return;
    }
    keys[2 * i] = model;
    keys[2 * i + 1] = org;
    this.heads[i] = head;
    this.size++;
  }

  /** Backward-shift deletion of slot `i`. */
  private remove(i: number): void {
    const keys = this.keys;
    const heads = this.heads;
    const mask = this.mask;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const m = keys[2 * j]!;
      if (m === EMPTY) break;
      const home = hash(m, keys[2 * j + 1]!) & mask;
      // Slot j's entry may move back to i unless its home lies cyclically in (i, j].
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (stays) continue;
      keys[2 * i] = m;
      keys[2 * i + 1] = keys[2 * j + 1]!;
      heads[i] = heads[j]!;
      i = j;
    }
    keys[2 * i] = EMPTY;
    keys[2 * i + 1] = EMPTY;
    heads[i] = null;
    this.size--;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldHeads = this.heads;
    const cap = (this.mask + 1) * 2;
    this.keys = new Int32Array(cap * 2).fill(EMPTY);
    this.heads = new Array<GrantState | null>(cap).fill(null);
    this.mask = cap - 1;
    this.size = 0;
    for (let i = 0; i < oldHeads.length; i++) {
      const m = oldKeys[2 * i]!;
      if (m !== EMPTY) this.set(m, oldKeys[2 * i + 1]!, oldHeads[i]!);
    }
  }
}
