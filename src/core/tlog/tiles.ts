/**
 * C2SP tlog-tiles maths (tile height 8): tile and entry-bundle paths, the tiles of a tree, node hashes read
 * from tiles, and a tile-based prover shared by the server and by verifiers in the browser.
 *
 * A tile at level L holds hashes of the perfect subtrees of height 8·L, 256 per full tile: entry `j` of tile
 * `N` is MTH(D[(N·256+j)·256^L : (N·256+j+1)·256^L]). A tree of size s has, at level L,
 * ⌊s/256^(L+1)⌋ full tiles and a partial tile of width ⌊s/256^L⌋ mod 256 (when not zero).
 *
 * The prover is synchronous: callers that fetch tiles asynchronously first ask which tiles are needed
 * (`tilesFor*`), fetch them, and then run the prover over what they fetched.
 */
import { GreenlightError } from '../errors.js';
import { toSafeIndex } from './bytes.js';
import { MerkleState } from './compact.js';
import {
  consistencyProofRanges,
  EMPTY_ROOT,
  HASH_SIZE,
  inclusionProofRanges,
  type LeafRange,
  type NodeId,
  type NodeReader,
  nodeHash,
  perfectSubtrees,
  rangeHash,
} from './merkle.js';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
/** Entries are at most this many bytes (the uint16 length prefix of entry bundles). */
export const MAX_ENTRY_SIZE = 65_535;

/** A hash tile (`level` ≥ 0) of the given width (1..256; 256 = full). */
export interface TileRef {
  level: number;
  index: number;
  width: number;
}

/** Reads the hash tile `tile/<level>/<index>[.p/<width>]`: `width` × 32 bytes (a longer tile's prefix is used). */
export type TileReader = (level: number, index: number, width: number) => Uint8Array;

/** 256^level, exact for the levels a tree ≤ 2^53 − 1 can have. */
function levelScale(level: number): number {
  return 2 ** (TILE_HEIGHT * level);
}

function checkWidth(width: number): number {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) {
    throw new GreenlightError('invalid_input', `tile width must be 1..${TILE_WIDTH}`);
  }
  return width;
}

function checkLevel(level: number): number {
  if (!Number.isInteger(level) || level < 0 || level > 63) {
    throw new GreenlightError('invalid_input', 'tile level must be 0..63');
  }
  return level;
}

/** The tile index path element: 1234067 → `x001/x234/067`, 5 → `005`. */
export function tileIndexPath(index: number | bigint): string {
  const n = toSafeIndex(index, 'tile index');
  const groups: string[] = [];
  let rest = n;
  do {
    groups.unshift(String(rest % 1000).padStart(3, '0'));
    rest = Math.floor(rest / 1000);
  } while (rest > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

function widthSuffix(width: number): string {
  return checkWidth(width) === TILE_WIDTH ? '' : `.p/${width}`;
}

/** `tile/<L>/<N>[.p/<W>]` (relative to the log prefix). */
export function tilePath(level: number, index: number | bigint, width = TILE_WIDTH): string {
  return `tile/${checkLevel(level)}/${tileIndexPath(index)}${widthSuffix(width)}`;
}

/** `tile/entries/<N>[.p/<W>]` (relative to the log prefix). */
export function entryBundlePath(index: number | bigint, width = TILE_WIDTH): string {
  return `tile/entries/${tileIndexPath(index)}${widthSuffix(width)}`;
}

export type ParsedTilePath =
  | { kind: 'hash'; level: number; index: number; width: number }
  | { kind: 'entries'; index: number; width: number };

/**
 * Parses a tile or entry-bundle path (relative to the log prefix) strictly: only the canonical encoding
 * {@link tilePath}/{@link entryBundlePath} produce is accepted; anything else is `invalid_input`.
 */
export function parseTilePath(path: string): ParsedTilePath {
  const m = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(
    path,
  );
  if (m === null) throw new GreenlightError('invalid_input', `not a tile path: ${JSON.stringify(path)}`);
  const groups = m[2]!.split('/').map((g) => g.replace(/^x/, ''));
  if (groups.length > 1 && groups[0] === '000') {
    throw new GreenlightError('invalid_input', `non-canonical tile index in ${JSON.stringify(path)}`);
  }
  if (groups.length > 6) throw new GreenlightError('unsupported', 'tile index is larger than 2^53 - 1');
  const index = toSafeIndex(Number(groups.join('')), 'tile index');
  const width = m[3] === undefined ? TILE_WIDTH : Number(m[3]);
  if (m[3] !== undefined && width >= TILE_WIDTH)
    throw new GreenlightError('invalid_input', 'partial tile width must be 1..255');
  if (m[1] === 'entries') return { kind: 'entries', index, width };
  return { kind: 'hash', level: checkLevel(Number(m[1])), index, width };
}

/** Per level: how many full tiles a tree of `size` has and the width of its partial tile (0 = none). */
export function tileLevels(
  size: number | bigint,
): { level: number; fullTiles: number; partialWidth: number }[] {
  const s = toSafeIndex(size, 'tree size');
  const out: { level: number; fullTiles: number; partialWidth: number }[] = [];
  for (let level = 0; Math.floor(s / levelScale(level)) > 0; level++) {
    const nodes = Math.floor(s / levelScale(level));
    out.push({ level, fullTiles: Math.floor(nodes / TILE_WIDTH), partialWidth: nodes % TILE_WIDTH });
  }
  return out;
}

/** Every hash tile of a tree of `size` (full ones, then the partial right edge), level by level. */
export function* tilesForSize(size: number | bigint): Generator<TileRef> {
  for (const { level, fullTiles, partialWidth } of tileLevels(size)) {
    for (let index = 0; index < fullTiles; index++) yield { level, index, width: TILE_WIDTH };
    if (partialWidth > 0) yield { level, index: fullTiles, width: partialWidth };
  }
}

/** The width of hash tile (level, index) in a tree of `size`; `invalid_input` if the tree has no such tile. */
export function tileWidth(level: number, index: number, size: number | bigint): number {
  const s = toSafeIndex(size, 'tree size');
  const nodes = Math.floor(s / levelScale(checkLevel(level)));
  const full = Math.floor(nodes / TILE_WIDTH);
  if (index < full) return TILE_WIDTH;
  if (index === full && nodes % TILE_WIDTH > 0) return nodes % TILE_WIDTH;
  throw new GreenlightError('invalid_input', `a tree of size ${s} has no tile ${level}/${index}`);
}

/** Where a perfect subtree's hash comes from: `count` = 2^r consecutive entries of one tile, hashed up r levels. */
export interface NodeLocation {
  tile: TileRef;
  offset: number;
  count: number;
}

/** The tile entries that determine node (level, index) of a tree of `size`; the node must be complete. */
export function locateNode(node: NodeId, size: number | bigint): NodeLocation {
  const s = toSafeIndex(size, 'tree size');
  const tileLevel = Math.floor(node.level / TILE_HEIGHT);
  const count = 2 ** (node.level % TILE_HEIGHT);
  if ((node.index + 1) * 2 ** node.level > s) {
    throw new GreenlightError(
      'invalid_input',
      `node ${node.level}/${node.index} is not complete in size ${s}`,
    );
  }
  const first = node.index * count;
  const index = Math.floor(first / TILE_WIDTH);
  return {
    tile: { level: tileLevel, index, width: tileWidth(tileLevel, index, s) },
    offset: first % TILE_WIDTH,
    count,
  };
}

/** Hashes `count` (a power of two) consecutive 32-byte entries of a tile up to their subtree root. */
function hashEntries(tile: Uint8Array, offset: number, count: number): Uint8Array {
  let level: Uint8Array[] = [];
  for (let j = 0; j < count; j++)
    level.push(tile.subarray((offset + j) * HASH_SIZE, (offset + j + 1) * HASH_SIZE));
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let j = 0; j < level.length; j += 2) next.push(nodeHash(level[j]!, level[j + 1]!));
    level = next;
  }
  return level[0]!.slice();
}

/**
 * The root of a full tile's 256 entries: the entry its tile contributes to the level above. This is how
 * an integrator fills tile L+1 from a completed tile L.
 */
export function tileRoot(tile: Uint8Array): Uint8Array {
  if (tile.length !== TILE_WIDTH * HASH_SIZE) {
    throw new GreenlightError('invalid_input', 'only a full tile has a root in the level above');
  }
  return hashEntries(tile, 0, TILE_WIDTH);
}

function checkedTile(getTile: TileReader, ref: TileRef): Uint8Array {
  const t = getTile(ref.level, ref.index, ref.width);
  if (
    !(t instanceof Uint8Array) ||
    t.length % HASH_SIZE !== 0 ||
    t.length < ref.width * HASH_SIZE ||
    t.length > TILE_WIDTH * HASH_SIZE
  ) {
    throw new GreenlightError(
      'invalid_input',
      `tile ${tilePath(ref.level, ref.index, ref.width)} must hold ${ref.width} hashes of 32 bytes`,
    );
  }
  return t;
}

/** A {@link NodeReader} over the tiles of a tree of `size`; each tile is read at most once. */
export function tileNodeReader(size: number | bigint, getTile: TileReader): NodeReader {
  const s = toSafeIndex(size, 'tree size');
  const cache = new Map<string, Uint8Array>();
  return (level, index) => {
    const loc = locateNode({ level, index }, s);
    const key = `${loc.tile.level}/${loc.tile.index}`;
    let tile = cache.get(key);
    if (tile === undefined) {
      tile = checkedTile(getTile, loc.tile);
      cache.set(key, tile);
    }
    return hashEntries(tile, loc.offset, loc.count);
  };
}

function tilesForRanges(ranges: LeafRange[], size: number): TileRef[] {
  const seen = new Map<string, TileRef>();
  for (const r of ranges) {
    for (const node of perfectSubtrees(r)) {
      const { tile } = locateNode(node, size);
      seen.set(`${tile.level}/${tile.index}`, tile);
    }
  }
  return [...seen.values()];
}

/** The hash tiles needed for the root of a tree of `size`. */
export function tilesForRoot(size: number | bigint): TileRef[] {
  const s = toSafeIndex(size, 'tree size');
  return tilesForRanges([{ start: 0, end: s }], s);
}

/** The hash tiles needed to prove inclusion of leaf `index` in a tree of `size`. */
export function tilesForInclusionProof(index: number | bigint, size: number | bigint): TileRef[] {
  const s = toSafeIndex(size, 'tree size');
  return tilesForRanges(inclusionProofRanges(index, s), s);
}

/** The hash tiles needed to prove consistency of size `oldSize` with size `newSize` (read at `newSize`). */
export function tilesForConsistencyProof(oldSize: number | bigint, newSize: number | bigint): TileRef[] {
  const n = toSafeIndex(newSize, 'new tree size');
  return tilesForRanges(consistencyProofRanges(oldSize, n), n);
}

/** MTH of the tree of `size` from its tiles (SHA-256("") for size 0). */
export function rootFromTiles(size: number | bigint, getTile: TileReader): Uint8Array {
  const s = toSafeIndex(size, 'tree size');
  if (s === 0) return EMPTY_ROOT.slice();
  return rangeHash({ start: 0, end: s }, tileNodeReader(s, getTile));
}

/** The compact range of the tree of `size` from its tiles (to resume appending after a restart). */
export function compactRangeFromTiles(size: number | bigint, getTile: TileReader): MerkleState {
  const s = toSafeIndex(size, 'tree size');
  const read = tileNodeReader(s, getTile);
  const hashes = perfectSubtrees({ start: 0, end: s }).map((n) => read(n.level, n.index));
  return MerkleState.fromHashes(s, hashes);
}

/** The hash of the leaf at `index` in a tree of `size`, read from its level-0 tile. */
export function leafHashFromTiles(
  index: number | bigint,
  size: number | bigint,
  getTile: TileReader,
): Uint8Array {
  const s = toSafeIndex(size, 'tree size');
  const i = toSafeIndex(index, 'leaf index');
  if (i >= s) throw new GreenlightError('invalid_input', `leaf index ${i} is not below tree size ${s}`);
  return tileNodeReader(s, getTile)(0, i);
}

/** Inclusion proof (RFC 6962 PATH) for leaf `index` in the tree of `size`, from its tiles. */
export function inclusionProofFromTiles(
  index: number | bigint,
  size: number | bigint,
  getTile: TileReader,
): Uint8Array[] {
  const s = toSafeIndex(size, 'tree size');
  const read = tileNodeReader(s, getTile);
  return inclusionProofRanges(index, s).map((r) => rangeHash(r, read));
}

/** Consistency proof (RFC 6962 PROOF) from `oldSize` to `newSize`, from the tiles of the tree of `newSize`. */
export function consistencyProofFromTiles(
  oldSize: number | bigint,
  newSize: number | bigint,
  getTile: TileReader,
): Uint8Array[] {
  const n = toSafeIndex(newSize, 'new tree size');
  const read = tileNodeReader(n, getTile);
  return consistencyProofRanges(oldSize, n).map((r) => rangeHash(r, read));
}

/** An entry bundle: each entry as a big-endian uint16 length followed by its bytes. */
export function formatEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  if (entries.length > TILE_WIDTH)
    throw new GreenlightError('invalid_input', 'an entry bundle holds at most 256 entries');
  let total = 0;
  for (const e of entries) {
    if (e.length > MAX_ENTRY_SIZE)
      throw new GreenlightError('invalid_input', 'entry is longer than 65,535 bytes');
    total += 2 + e.length;
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const e of entries) {
    out[o] = e.length >> 8;
    out[o + 1] = e.length & 255;
    out.set(e, o + 2);
    o += 2 + e.length;
  }
  return out;
}

/**
 * Parses an entry bundle strictly: every byte belongs to exactly one entry, at most 256 entries, and when
 * `expectedCount` is given (the bundle's width), exactly that many. Malformed bundles are `invalid_input`.
 */
export function parseEntryBundle(bundle: Uint8Array, expectedCount?: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let o = 0;
  while (o < bundle.length) {
    if (o + 2 > bundle.length)
      throw new GreenlightError('invalid_input', 'entry bundle ends inside a length prefix');
    const len = (bundle[o]! << 8) | bundle[o + 1]!;
    if (o + 2 + len > bundle.length)
      throw new GreenlightError('invalid_input', 'entry bundle ends inside an entry');
    out.push(bundle.slice(o + 2, o + 2 + len));
    o += 2 + len;
    if (out.length > TILE_WIDTH)
      throw new GreenlightError('invalid_input', 'entry bundle has more than 256 entries');
  }
  if (expectedCount !== undefined && out.length !== expectedCount) {
    throw new GreenlightError(
      'invalid_input',
      `entry bundle has ${out.length} entries, expected ${expectedCount}`,
    );
  }
  return out;
}
