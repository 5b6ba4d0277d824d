import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { readFixture, readFixtureText } from '../../test-support/tlog-fixtures.js';
import { GreenlightError } from '../errors.js';
import {
  compactRangeFromTiles,
  consistencyProofFromTiles,
  entryBundlePath,
  formatEntryBundle,
  fromBase64,
  inclusionProofFromTiles,
  leafHash,
  leafHashFromTiles,
  openCheckpoint,
  parseEntryBundle,
  parseTilePath,
  rootFromTiles,
  type TileReader,
  tileIndexPath,
  tileLevels,
  tilePath,
  tileRoot,
  tilesForConsistencyProof,
  tilesForInclusionProof,
  tilesForRoot,
  tilesForSize,
  toBase64,
  toHex,
  verifyConsistency,
  verifyInclusion,
} from './index.js';
import { ReferenceTree } from './test-helpers/reference.js';

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof GreenlightError) return e.code;
    throw e;
  }
  return undefined;
}

interface SpecExamples {
  tileIndexPath: { n: number; path: string }[];
  tilesForTreeSize: { treeSize: number; levels: { level: number; full: number; partialWidth: number }[] }[];
}
const spec = JSON.parse(readFixtureText('tlog-tiles/tlog-tiles-spec-examples.json')) as SpecExamples;

describe('tlog-tiles spec examples', () => {
  it.each(spec.tileIndexPath)('index $n -> $path', ({ n, path }) => {
    expect(tileIndexPath(n)).toBe(path);
    expect(parseTilePath(`tile/0/${path}`)).toEqual({ kind: 'hash', level: 0, index: n, width: 256 });
  });

  it.each(spec.tilesForTreeSize)('tiles of a tree of size $treeSize', ({ treeSize, levels }) => {
    expect(
      tileLevels(treeSize).map((l) => ({ level: l.level, full: l.fullTiles, partialWidth: l.partialWidth })),
    ).toEqual(levels);
    const all = [...tilesForSize(treeSize)];
    const full = levels.reduce((a, l) => a + l.full, 0);
    const partial = levels.filter((l) => l.partialWidth > 0).length;
    expect(all.length).toBe(full + partial);
  });

  it('formats and parses paths', () => {
    expect(tilePath(0, 1234067)).toBe('tile/0/x001/x234/067');
    expect(tilePath(2, 0, 1)).toBe('tile/2/000.p/1');
    expect(entryBundlePath(5, 17)).toBe('tile/entries/005.p/17');
    expect(entryBundlePath(1000)).toBe('tile/entries/x001/000');
    expect(parseTilePath('tile/entries/x001/000.p/9')).toEqual({ kind: 'entries', index: 1000, width: 9 });
    expect(parseTilePath('tile/12/x999/999')).toEqual({ kind: 'hash', level: 12, index: 999999, width: 256 });
    expect(tileIndexPath(Number.MAX_SAFE_INTEGER)).toBe('x009/x007/x199/x254/x740/991');
    expect(parseTilePath('tile/0/x009/x007/x199/x254/x740/991').index).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each([
    'tile/0/1',
    'tile/0/0001',
    'tile/0/x000/001',
    'tile/0/001/002',
    'tile/01/000',
    'tile/64/000',
    'tile/0/000.p/0',
    'tile/0/000.p/256',
    'tile/0/000.p/07',
    'tile/0/000.p/',
    'tile/-1/000',
    'tile/entries/x000/000',
    '/tile/0/000',
    'tile/0/000/',
    'tile/0/x001',
  ])('rejects %s', (path) => {
    expect(code(() => parseTilePath(path))).toBe('invalid_input');
  });

  it('refuses tile indexes beyond 2^53 - 1', () => {
    expect(code(() => parseTilePath('tile/0/x009/x007/x199/x254/x740/992'))).toBe('unsupported');
    expect(code(() => parseTilePath('tile/0/x001/x000/x000/x000/x000/x000/000'))).toBe('unsupported');
    expect(code(() => tileIndexPath(2 ** 53))).toBe('unsupported');
    expect(code(() => tileLevels(2n ** 63n))).toBe('unsupported');
  });
});

describe('entry bundles', () => {
  it('round-trips and parses strictly', () => {
    const entries = [new Uint8Array(0), new Uint8Array([1, 2, 3]), new Uint8Array(65_535).fill(7)];
    const b = formatEntryBundle(entries);
    expect(parseEntryBundle(b, 3)).toEqual(entries);
    expect(code(() => parseEntryBundle(b, 2))).toBe('invalid_input');
    expect(code(() => parseEntryBundle(b.subarray(0, b.length - 1)))).toBe('invalid_input');
    expect(code(() => parseEntryBundle(new Uint8Array([0])))).toBe('invalid_input');
    expect(code(() => formatEntryBundle([new Uint8Array(65_536)]))).toBe('invalid_input');
    expect(code(() => parseEntryBundle(formatEntryBundle(new Array(256).fill(new Uint8Array(0)))))).toBe(
      undefined,
    );
    expect(code(() => parseEntryBundle(new Uint8Array(257 * 2)))).toBe('invalid_input');
  });
});

// ---------------------------------------------------------------------------------------------------
// The real Tessera test log (15 entries, one per integration run, so checkpoint.N commits to N leaves).

const LOG = 'tlog-tiles/tessera-testdata-log';
interface Derived {
  origin: string;
  vkey: string;
  leaves: { index: number; utf8: string; hex: string; leafHashB64: string }[];
  roots: { size: number; rootB64: string }[];
  inclusionInto15: { leafIndex: number; treeSize: number; proofB64: string[] }[];
  consistencyTo15: { size1: number; size2: number; proofB64: string[] }[];
}
const derived = JSON.parse(readFixtureText(`${LOG}.derived.json`)) as Derived;
const VKEY = 'example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx';
const LEAF_DATA = 'one two three four five six seven eit nain ten ileven twelf threeten fourten fivten'.split(
  ' ',
);

/** Reads hash tiles of the fixture log through the tile path code, recording what was read. */
function fixtureTiles(read: string[] = []): TileReader {
  return (level, index, width) => {
    const path = tilePath(level, index, width);
    read.push(path);
    return readFixture(`${LOG}/${path}`);
  };
}

describe('Tessera test log (tlog-tiles/tessera-testdata-log)', () => {
  const b64s = (p: Uint8Array[]) => p.map(toBase64);

  it('matches the derived file and the documented key', () => {
    expect(derived.vkey).toBe(VKEY);
    expect(derived.leaves.map((l) => l.utf8)).toEqual(LEAF_DATA);
  });

  it.each(Array.from({ length: 16 }, (_, n) => ({ n })))(
    'checkpoint.$n: signature, tiles, bundle, root',
    ({ n }) => {
      const { checkpoint } = openCheckpoint(readFixture(`${LOG}/checkpoint.${n}`), VKEY);
      expect(checkpoint.origin).toBe('example.com/log/testdata');
      expect(checkpoint.size).toBe(n);
      expect(toBase64(checkpoint.root)).toBe(derived.roots[n]!.rootB64);
      expect([...tilesForSize(n)]).toEqual(n === 0 ? [] : [{ level: 0, index: 0, width: n }]);
      const read: string[] = [];
      expect(toHex(rootFromTiles(n, fixtureTiles(read)))).toBe(toHex(checkpoint.root));
      expect(toHex(compactRangeFromTiles(n, fixtureTiles()).root())).toBe(toHex(checkpoint.root));
      expect(read).toEqual(n === 0 ? [] : [`tile/0/000.p/${n}`]);
      if (n === 0) return;
      const entries = parseEntryBundle(readFixture(`${LOG}/${entryBundlePath(0, n)}`), n);
      expect(entries.map((e) => new TextDecoder().decode(e))).toEqual(LEAF_DATA.slice(0, n));
      entries.forEach((e, i) => {
        expect(toHex(leafHashFromTiles(i, n, fixtureTiles()))).toBe(toHex(leafHash(e)));
        expect(toBase64(leafHash(e))).toBe(derived.leaves[i]!.leafHashB64);
      });
    },
  );

  it('the latest checkpoint is checkpoint.15', () => {
    expect(readFixtureText(`${LOG}/checkpoint`)).toBe(readFixtureText(`${LOG}/checkpoint.15`));
    expect(openCheckpoint(readFixture(`${LOG}/checkpoint`), VKEY).checkpoint.size).toBe(15);
  });

  it.each(derived.inclusionInto15)(
    'inclusion of entry $leafIndex from tiles',
    ({ leafIndex, treeSize, proofB64 }) => {
      const { checkpoint } = openCheckpoint(readFixture(`${LOG}/checkpoint`), VKEY);
      const proof = inclusionProofFromTiles(leafIndex, treeSize, fixtureTiles());
      expect(b64s(proof)).toEqual(proofB64);
      const entry = parseEntryBundle(readFixture(`${LOG}/${entryBundlePath(0, 15)}`))[leafIndex]!;
      expect(verifyInclusion(leafHash(entry), leafIndex, checkpoint.size, proof, checkpoint.root)).toBe(true);
      expect(verifyInclusion(leafHash(entry), leafIndex, checkpoint.size, proof, new Uint8Array(32))).toBe(
        false,
      );
    },
  );

  it.each(derived.consistencyTo15)('consistency $size1 -> 15 from tiles', ({ size1, size2, proofB64 }) => {
    expect(b64s(consistencyProofFromTiles(size1, size2, fixtureTiles()))).toEqual(proofB64);
  });

  it('every pair of checkpoints is consistent, with proofs from the newer tiles', () => {
    const cps = Array.from(
      { length: 16 },
      (_, n) => openCheckpoint(readFixture(`${LOG}/checkpoint.${n}`), VKEY).checkpoint,
    );
    let checked = 0;
    for (let m = 1; m <= 15; m++) {
      for (let n = m; n <= 15; n++) {
        const proof = consistencyProofFromTiles(m, n, fixtureTiles());
        expect(verifyConsistency(m, n, proof, cps[m]!.root, cps[n]!.root)).toBe(true);
        if (m < n) expect(verifyConsistency(m, n, proof, cps[m - 1]!.root, cps[n]!.root)).toBe(false);
        checked++;
      }
    }
    expect(checked).toBe(120);
  });

  it('refuses tiles of the wrong length', () => {
    const short: TileReader = () => new Uint8Array(31 * 15);
    expect(code(() => rootFromTiles(15, short))).toBe('invalid_input');
    expect(code(() => rootFromTiles(15, () => new Uint8Array(32 * 14)))).toBe('invalid_input');
  });
});

// ---------------------------------------------------------------------------------------------------
// Property tests: the tile-based prover against the recursive RFC 6962 definitions, on a generated tree
// large enough for full level-1 tiles (> 65,536 leaves) and a partial level-2 tile.

const N = 140_000;
let levels: Uint8Array[] = [];
let reference: ReferenceTree;
let bigTiles: TileReader;

function buildTree(): void {
  // Deterministic pseudo-random leaf hashes (xorshift32): any 32 bytes will do as leaf hashes.
  const leaves = new Uint8Array(N * 32);
  let x = 0x9e3779b9;
  for (let i = 0; i < leaves.length; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    leaves[i] = x & 255;
    leaves[i + 1] = (x >>> 8) & 255;
    leaves[i + 2] = (x >>> 16) & 255;
    leaves[i + 3] = x >>> 24;
  }
  levels = [leaves];
  // Level L+1 holds the root of every full tile of level L (what an integrator writes).
  for (let l = 0; levels[l]!.length >= 256 * 32; l++) {
    const below = levels[l]!;
    const count = Math.floor(below.length / (256 * 32));
    const above = new Uint8Array(count * 32);
    for (let t = 0; t < count; t++) above.set(tileRoot(below.subarray(t * 8192, (t + 1) * 8192)), t * 32);
    levels.push(above);
  }
  reference = new ReferenceTree((i) => leaves.subarray(i * 32, i * 32 + 32));
  bigTiles = (level, index, width) => {
    const lv = levels[level];
    if (lv === undefined || (index * 256 + width) * 32 > lv.length)
      throw new Error(`no tile ${level}/${index}`);
    return lv.subarray(index * 8192, (index * 256 + width) * 32);
  };
}

const sizeArb = fc.oneof(
  fc.integer({ min: 1, max: 600 }),
  fc.integer({ min: 65_000, max: N }),
  fc.integer({ min: 1, max: N }),
  fc.constantFrom(1, 255, 256, 257, 511, 512, 65_535, 65_536, 65_537, 131_072, N),
);
const indexInSize = sizeArb.chain((size) =>
  fc.tuple(fc.constant(size), fc.integer({ min: 0, max: size - 1 })),
);
const oldAndNew = sizeArb.chain((n) =>
  fc.tuple(
    fc.oneof(fc.integer({ min: 1, max: n }), fc.constantFrom(1, n, Math.max(1, n - 1))),
    fc.constant(n),
  ),
);
const eqHex = (a: Uint8Array[], b: Uint8Array[]) => expect(a.map(toHex)).toEqual(b.map(toHex));

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const c = bytes.slice();
  c[(bit >> 3) % c.length]! ^= 1 << (bit & 7);
  return c;
}

describe('tile prover = RFC 6962 definitions (property tests)', () => {
  beforeAll(buildTree, 60_000);

  it('has full level-1 tiles and a partial level-2 tile', () => {
    expect(tileLevels(N)).toEqual([
      { level: 0, fullTiles: 546, partialWidth: 224 },
      { level: 1, fullTiles: 2, partialWidth: 34 },
      { level: 2, fullTiles: 0, partialWidth: 2 },
    ]);
  });

  it('roots and compact ranges from tiles equal MTH', () => {
    fc.assert(
      fc.property(sizeArb, (size) => {
        const mth = reference.mth(0, size);
        expect(toHex(rootFromTiles(size, bigTiles))).toBe(toHex(mth));
        expect(toHex(compactRangeFromTiles(size, bigTiles).root())).toBe(toHex(mth));
      }),
      { numRuns: 60 },
    );
  });

  it('inclusion proofs equal PATH, verify, and reject any single-bit flip', () => {
    fc.assert(
      fc.property(indexInSize, fc.nat(), ([size, index], bit) => {
        const read: string[] = [];
        const tiles: TileReader = (l, i, w) => {
          read.push(tilePath(l, i, w));
          return bigTiles(l, i, w);
        };
        const proof = inclusionProofFromTiles(index, size, tiles);
        eqHex(proof, reference.path(index, 0, size));
        expect(new Set(read)).toEqual(
          new Set(tilesForInclusionProof(index, size).map((t) => tilePath(t.level, t.index, t.width))),
        );
        const root = reference.mth(0, size);
        const leaf = reference.mth(index, index + 1);
        expect(verifyInclusion(leaf, index, size, proof, root)).toBe(true);
        expect(verifyInclusion(flipBit(root, bit), index, size, proof, flipBit(root, bit))).toBe(size === 1);
        expect(verifyInclusion(leaf, index, size, proof, flipBit(root, bit))).toBe(false);
        expect(verifyInclusion(flipBit(leaf, bit), index, size, proof, root)).toBe(false);
        if (proof.length > 0) {
          const k = bit % proof.length;
          const bad = proof.map((p, j) => (j === k ? flipBit(p, bit >> 3) : p));
          expect(verifyInclusion(leaf, index, size, bad, root)).toBe(false);
          expect(verifyInclusion(leaf, index, size, proof.slice(0, -1), root)).toBe(false);
          expect(verifyInclusion(leaf, index, size, [...proof, proof[0]!], root)).toBe(false);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('consistency proofs equal PROOF, verify, and reject any single-bit flip', () => {
    fc.assert(
      fc.property(oldAndNew, fc.nat(), ([m, n], bit) => {
        const proof = consistencyProofFromTiles(m, n, bigTiles);
        eqHex(proof, m === n ? [] : reference.proof(m, n));
        expect(tilesForConsistencyProof(m, n).length).toBeLessThanOrEqual(2 * 3 * 2);
        const oldRoot = reference.mth(0, m);
        const newRoot = reference.mth(0, n);
        expect(verifyConsistency(m, n, proof, oldRoot, newRoot)).toBe(true);
        expect(verifyConsistency(m, n, proof, flipBit(oldRoot, bit), newRoot)).toBe(false);
        expect(verifyConsistency(m, n, proof, oldRoot, flipBit(newRoot, bit))).toBe(false);
        if (proof.length > 0) {
          const k = bit % proof.length;
          const bad = proof.map((p, j) => (j === k ? flipBit(p, bit >> 3) : p));
          expect(verifyConsistency(m, n, bad, oldRoot, newRoot)).toBe(false);
          expect(verifyConsistency(m, n, proof.slice(1), oldRoot, newRoot)).toBe(false);
          expect(verifyConsistency(m, n, [...proof, proof[0]!], oldRoot, newRoot)).toBe(false);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('reads only the tiles it says it needs for a root', () => {
    fc.assert(
      fc.property(sizeArb, (size) => {
        const read = new Set<string>();
        rootFromTiles(size, (l, i, w) => {
          read.add(tilePath(l, i, w));
          return bigTiles(l, i, w);
        });
        expect(read).toEqual(new Set(tilesForRoot(size).map((t) => tilePath(t.level, t.index, t.width))));
      }),
      { numRuns: 40 },
    );
  });

  it('every node of a tree is readable from its tiles', () => {
    // Exhaustive over a 300-leaf tree: leaf hashes at each index from partial and full tiles.
    for (const size of [255, 256, 257, 300]) {
      for (let i = 0; i < size; i++) {
        expect(toHex(leafHashFromTiles(i, size, bigTiles))).toBe(toHex(reference.mth(i, i + 1)));
      }
    }
  });
});

describe('tile prover refuses impossible requests', () => {
  const never: TileReader = () => {
    throw new Error('must not read');
  };
  it('with typed errors', () => {
    expect(code(() => inclusionProofFromTiles(5, 5, never))).toBe('invalid_input');
    expect(code(() => consistencyProofFromTiles(0, 5, never))).toBe('invalid_input');
    expect(code(() => consistencyProofFromTiles(6, 5, never))).toBe('invalid_input');
    expect(code(() => inclusionProofFromTiles(0, 2 ** 53, never))).toBe('unsupported');
    expect(code(() => rootFromTiles(-1, never))).toBe('invalid_input');
    expect(toBase64(rootFromTiles(0, never))).toBe(derived.roots[0]!.rootB64);
    expect(fromBase64(derived.roots[0]!.rootB64).length).toBe(32);
  });
});
