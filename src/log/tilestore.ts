/** Reading and writing hash tiles and entry bundles (tables `log_tiles`, `log_bundles`; data as base64 text). */
import type { Kysely } from 'kysely';
import { GreenlightError } from '../core/errors.js';
import {
  fromBase64,
  HASH_SIZE,
  parseEntryBundle,
  TILE_WIDTH,
  type TileReader,
  type TileRef,
  toBase64,
} from '../core/tlog/index.js';
import type { Database } from '../store/schema.js';

type Db = Kysely<Database>;

export interface StoredTile {
  level: number;
  index: number;
  width: number;
  data: Uint8Array;
}

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
        data: fromBase64(row.data),
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

/** Upserts a tile; a stored full tile is never rewritten. */
export async function writeTile(db: Db, t: StoredTile): Promise<void> {
  await db
    .insertInto('log_tiles')
    .values({ level: t.level, idx: t.index, width: t.width, data: toBase64(t.data) })
    .onConflict((oc) =>
      oc
        .columns(['level', 'idx'])
        .doUpdateSet({ width: t.width, data: toBase64(t.data) })
        .where('log_tiles.width', '<', TILE_WIDTH),
    )
    .execute();
}

/** Upserts an entry bundle; a stored full bundle is never rewritten. */
export async function writeBundle(db: Db, index: number, width: number, data: Uint8Array): Promise<void> {
  await db
    .insertInto('log_bundles')
    .values({ idx: index, width, data: toBase64(data) })
    .onConflict((oc) =>
      oc
        .column('idx')
        .doUpdateSet({ width, data: toBase64(data) })
        .where('log_bundles.width', '<', TILE_WIDTH),
    )
    .execute();
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
  return fromBase64(row.data).subarray(0, width * HASH_SIZE);
}

/** The entries of stored bundle `index`, cut to `width`, or undefined when it is not stored that wide. */
export async function readBundleEntries(
  db: Db,
  index: number,
  width: number,
): Promise<Uint8Array[] | undefined> {
  const row = await db.selectFrom('log_bundles').selectAll().where('idx', '=', index).executeTakeFirst();
  if (!row || Number(row.width) < width) return undefined;
  return parseEntryBundle(fromBase64(row.data)).slice(0, width);
}
