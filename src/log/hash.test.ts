/** The node:crypto fast path (log/hash.ts) agrees with the pure core (core/tlog, @noble/hashes). */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as core from '../core/tlog/index.js';
import { HASH_SIZE, TILE_WIDTH, utf8 } from '../core/tlog/index.js';
import { ensureBuilt } from '../server/test-helpers/cli-process.js';
import {
  hashChunk,
  hashChunkInWorker,
  layoutEntries,
  leafHash,
  nodeHash,
  sha256,
  subtreeHash,
  tileNodes,
  tileRoot,
} from './hash.js';

const u8 = (b: Uint8Array) => new Uint8Array(b);
const hash32 = fc.uint8Array({ minLength: HASH_SIZE, maxLength: HASH_SIZE });

function randomTile(width: number, seed: number): Uint8Array {
  const t = new Uint8Array(width * HASH_SIZE);
  for (let i = 0; i < t.length; i++) t[i] = (i * 131 + seed * 7919 + (i >> 5)) & 255;
  return t;
}

describe('log/hash (node:crypto) against core/tlog (@noble/hashes)', () => {
  it('sha256 of the empty string is the empty root', () => {
    expect(u8(sha256(new Uint8Array(0)))).toEqual(core.EMPTY_ROOT);
  });

  it('leaf and node hashes agree', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (entry) => {
        expect(u8(leafHash(entry))).toEqual(core.leafHash(entry));
      }),
    );
    fc.assert(
      fc.property(hash32, hash32, (l, r) => {
        expect(u8(nodeHash(l, r))).toEqual(core.nodeHash(l, r));
      }),
    );
    // Other lengths (the RFC 6962 hasher vectors use them) take the general path.
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), fc.uint8Array({ maxLength: 70 }), (l, r) => {
        expect(u8(nodeHash(l, r))).toEqual(core.nodeHash(l, r));
      }),
    );
  });

  it('chunk hashing (leaves and wholly filled tiles), on this thread and on the worker, agrees', async () => {
    const ascii = Array.from({ length: 1500 }, (_, i) =>
      JSON.stringify({ i, pad: 'x'.repeat((i * 37) % 500) }),
    );
    // not ASCII: each entry laid out on its own
    const mixed = ascii.map((t, i) => (i % 7 === 3 ? t.replace('x', 'é€😀') : t));
    for (const [texts, from] of [ascii, mixed].flatMap((t) =>
      [0, 1, 255, 256, 1000].map((f) => [t, f] as const),
    )) {
      for (const count of [0, 1, 300, 1500]) {
        const batch = texts.slice(0, count);
        const want = batch.map((t) => core.leafHash(utf8(t)));
        const firstTile = Math.ceil(from / TILE_WIDTH);
        const wantRoots: Uint8Array[] = [];
        for (let t = firstTile; (t + 1) * TILE_WIDTH <= from + count; t++) {
          wantRoots.push(
            core.rootFromLeafHashes(want.slice(t * TILE_WIDTH - from, (t + 1) * TILE_WIDTH - from)),
          );
        }
        const chunk = layoutEntries(batch, from);
        for (const got of [hashChunk(chunk), await hashChunkInWorker(chunk)]) {
          expect(got.firstTile).toBe(firstTile);
          want.forEach((h, i) => {
            expect(u8(got.leaves.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE))).toEqual(h);
          });
          expect(got.roots.length).toBe(wantRoots.length * HASH_SIZE);
          wantRoots.forEach((r, k) => {
            expect(u8(got.roots.subarray(k * HASH_SIZE, (k + 1) * HASH_SIZE))).toEqual(r);
          });
        }
        if (availableParallelism() > 1) expect((await hashChunkInWorker(chunk)).inWorker).toBe(true);
      }
    }
    expect(() => layoutEntries(['x'.repeat(65_536)], 0)).toThrow(/65,535/);
    expect(layoutEntries(['x'.repeat(65_535)], 0).lengths[0]).toBe(65_535);
  });

  it.skipIf(availableParallelism() < 2)(
    'the worker starts in a process run with --input-type=module, and leaves it free to end',
    () => {
      ensureBuilt();
      const hashJs = join(fileURLToPath(new URL('../..', import.meta.url)), 'dist/log/hash.js');
      const script = `
        import { hashChunkInWorker, layoutEntries } from ${JSON.stringify(hashJs)};
        const texts = Array.from({ length: 600 }, (_, i) => JSON.stringify({ i }));
        hashChunkInWorker(layoutEntries(texts, 0)).then((r) => console.log(r.inWorker, r.leaves.length));`;
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(run.error).toBeUndefined(); // no timeout: the idle worker did not hold the process
      expect(run.stderr).toBe('');
      expect(run.stdout.trim()).toBe(`true ${600 * HASH_SIZE}`);
    },
    60_000,
  );

  it('tile roots, subtree hashes and tile inner nodes agree', () => {
    for (const seed of [1, 2, 3]) {
      const tile = randomTile(TILE_WIDTH, seed);
      expect(u8(tileRoot(tile))).toEqual(core.tileRoot(tile));
      // every node inside the tile, through the core's tile node reader (a tree of one full tile's leaves)
      const read = core.tileNodeReader(TILE_WIDTH, () => tile);
      const nodes = tileNodes(tile, TILE_WIDTH);
      expect(u8(nodes[8]!)).toEqual(core.tileRoot(tile));
      for (let h = 0; h < 8; h++) {
        expect(nodes[h]!.length).toBe((TILE_WIDTH >> h) * HASH_SIZE);
        for (let i = 0; i < TILE_WIDTH >> h; i++) {
          const want = read(h, i);
          expect(u8(nodes[h]!.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE))).toEqual(want);
          expect(u8(subtreeHash(tile, i << h, 1 << h))).toEqual(want);
        }
      }
    }
    // partial tiles: only complete nodes
    for (const width of [1, 2, 3, 100, 255]) {
      const tile = randomTile(width, width);
      const nodes = tileNodes(tile, width);
      const read = core.tileNodeReader(width, () => tile);
      expect(nodes[8]!.length).toBe(0);
      for (let h = 0; h < 8; h++) {
        expect(nodes[h]!.length).toBe(Math.floor(width / 2 ** h) * HASH_SIZE);
        for (let i = 0; i < Math.floor(width / 2 ** h); i++) {
          expect(u8(nodes[h]!.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE))).toEqual(read(h, i));
        }
      }
    }
    expect(() => tileRoot(randomTile(255, 0))).toThrow(/full tile/);
  });
});
