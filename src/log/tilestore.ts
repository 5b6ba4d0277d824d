/**
 * Reading and writing hash tiles (table `log_tiles`; data as standard base64 text, encoded and decoded natively
 * with Buffer), entry bundles formatted from `log_entries`, and the server's tile prover with its cache of tiles'
 * inner nodes. (Table `log_bundles`, from migration 0003, is no longer written: an entry bundle is a view of
 * the sequenced entries, so each entry is stored once.)
 */
import type { Kysely } from 'kysely';
import { GreenlightError } from '../core/errors.js';
import {
  formatEntryBundle,
  HASH_SIZE,
  inclusionProof,
  locateNode,
  TILE_WIDTH,
  type TileReader,
  type TileRef,
  tilesForInclusionProof,
} from '../core/tlog/index.js';
import type { Database } from '../store/schema.js';
import { tileNodes } from './hash.js';

type Db = Kysely<Database>;

export interface StoredTile {
  level: number;
  index: number;
  width: number;
  data: Uint8Array;
}

/** Rows per multi-row statement (3 parameters each: well within SQLite's and PostgreSQL's limits). */
const ROWS_PER_STATEMENT = 500;

const encode = (data: Uint8Array): string =>
  Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
/** Decoded as a plain Uint8Array view (so that the core's `slice()` copies, as it does on any Uint8Array). */
const decode = (text: string): Uint8Array => {
  const b = Buffer.from(text, 'base64');
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
};

/** Loads the given hash tiles (any stored width); missing ones are absent from the map. */
export async function loadTiles(db: Db, refs: readonly TileRef[]): Promise<Map<string, StoredTile>> {
  const out = new Map<string, StoredTile>();
  const unique = new Map<string, TileRef>();
  for (const r of refs) unique.set(`${r.level}/${r.index}`, r);
  const list = [...unique.values()];
  for (let i = 0; i < list.length; i += 200) {
    const chunk = list.slice(i, i + 200);
    const rows = await db
      .selectFrom('log_tiles')
      .selectAll()
      .where((eb) => eb.or(chunk.map((r) => eb.and([eb('level', '=', r.level), eb('idx', '=', r.index)]))))
      .execute();
    for (const row of rows) {
      const t = {
        level: Number(row.level),
        index: Number(row.idx),
        width: Number(row.width),
        data: decode(row.data),
      };
      out.set(`${t.level}/${t.index}`, t);
    }
  }
  return out;
}

/** A synchronous {@link TileReader} over loaded tiles; a missing or too narrow tile is an internal error. */
export function tileReaderOf(tiles: Map<string, StoredTile>): TileReader {
  return (level, index, width) => {
    const t = tiles.get(`${level}/${index}`);
    if (!t || t.width < width || t.data.length < width * HASH_SIZE) {
      throw new GreenlightError('internal', `log tile ${level}/${index} (width ${width}) is missing`);
    }
    return t.data.subarray(0, width * HASH_SIZE);
  };
}

/** Loads the tiles `refs` and returns a reader over them. */
export async function tileReader(db: Db, refs: readonly TileRef[]): Promise<TileReader> {
  return tileReaderOf(await loadTiles(db, refs));
}

/**
 * Upserts tiles with multi-row statements; a stored full tile is never rewritten (only a narrower stored
 * tile is replaced).
 */
export async function writeTiles(db: Db, tiles: readonly StoredTile[]): Promise<void> {
  for (let i = 0; i < tiles.length; i += ROWS_PER_STATEMENT) {
    await db
      .insertInto('log_tiles')
      .values(
        tiles
          .slice(i, i + ROWS_PER_STATEMENT)
          .map((t) => ({ level: t.level, idx: t.index, width: t.width, data: encode(t.data) })),
      )
      .onConflict((oc) =>
        oc
          .columns(['level', 'idx'])
          .doUpdateSet((eb) => ({ width: eb.ref('excluded.width'), data: eb.ref('excluded.data') }))
          .where('log_tiles.width', '<', TILE_WIDTH),
      )
      .execute();
  }
}

/** The stored tile (level, index) cut to `width` hashes, or undefined when it is not stored that wide. */
export async function readTile(
  db: Db,
  level: number,
  index: number,
  width: number,
): Promise<Uint8Array | undefined> {
  const row = await db
    .selectFrom('log_tiles')
    .selectAll()
    .where('level', '=', level)
    .where('idx', '=', index)
    .executeTakeFirst();
  if (!row || Number(row.width) < width) return undefined;
  const data = decode(row.data);
  if (data.length < width * HASH_SIZE) return undefined;
  return data.subarray(0, width * HASH_SIZE);
}

/**
 * Entry bundle `index` of width `width` (transparency-log "Serving"), formatted from the sequenced entries in
 * `log_entries` — the one copy of each entry; undefined when those entries are not all there.
 */
export async function readEntryBundle(db: Db, index: number, width: number): Promise<Uint8Array | undefined> {
  const first = index * TILE_WIDTH;
  const rows = await db
    .selectFrom('log_entries')
    .select(['idx', 'entry'])
    .where('idx', '>=', first)
    .where('idx', '<', first + width)
    .orderBy('idx')
    .execute();
  if (rows.length !== width || rows.some((r, j) => Number(r.idx) !== first + j)) return undefined;
  return formatEntryBundle(rows.map((r) => Buffer.from(r.entry, 'utf8')));
}

/**
 * The server's inclusion prover: the core's RFC 6962 PATH over a node reader backed by tiles' inner nodes
 * (hashed once with node:crypto), kept in a bounded LRU cache. Tile contents of a given width never change
 * (the log is append-only and tiles are immutable), so a cached tile stays valid.
 */
export class TileProver {
  readonly #cache = new Map<string, Uint8Array[]>();
  readonly #capacity: number;

  /** `capacity` tiles of at most 16 KiB of hashes each (default 1024). */
  constructor(capacity = 1024) {
    this.#capacity = capacity;
  }

  #get(key: string): Uint8Array[] | undefined {
    const v = this.#cache.get(key);
    if (v !== undefined) {
      this.#cache.delete(key);
      this.#cache.set(key, v);
    }
    return v;
  }

  #put(key: string, nodes: Uint8Array[]): void {
    this.#cache.set(key, nodes);
    if (this.#cache.size > this.#capacity) this.#cache.delete(this.#cache.keys().next().value!);
  }

  /** The inner nodes of the tiles `refs` (cached, else read in one query and hashed); by `level/index`. */
  async tiles(db: Db, refs: readonly TileRef[]): Promise<Map<string, Uint8Array[]>> {
    const out = new Map<string, Uint8Array[]>();
    const missing: TileRef[] = [];
    for (const r of refs) {
      const nodes = this.#get(`${r.level}/${r.index}/${r.width}`);
      if (nodes) out.set(`${r.level}/${r.index}`, nodes);
      else missing.push(r);
    }
    if (missing.length > 0) {
      const read = tileReaderOf(await loadTiles(db, missing));
      for (const r of missing) {
        const nodes = tileNodes(read(r.level, r.index, r.width).slice(), r.width);
        this.#put(`${r.level}/${r.index}/${r.width}`, nodes);
        out.set(`${r.level}/${r.index}`, nodes);
      }
    }
    return out;
  }

  /** Inclusion proof (RFC 6962 PATH) of leaf `index` in the tree of `size`, from the stored tiles. */
  async inclusionProof(db: Db, index: number, size: number): Promise<Uint8Array[]> {
    const tiles = await this.tiles(db, tilesForInclusionProof(index, size));
    return inclusionProof(index, size, (level, i) => {
      const loc = locateNode({ level, index: i }, size);
      const nodes = tiles.get(`${loc.tile.level}/${loc.tile.index}`);
      const h = Math.log2(loc.count);
      const at = loc.offset / loc.count;
      const hashes = nodes?.[h];
      if (!hashes || hashes.length < (at + 1) * HASH_SIZE) {
        throw new GreenlightError('internal', `log tile for node ${level}/${i} is missing`);
      }
      return hashes.subarray(at * HASH_SIZE, (at + 1) * HASH_SIZE);
    });
  }
}
