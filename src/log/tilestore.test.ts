import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  formatEntryBundle,
  generateSignerKey,
  inclusionProofFromTiles,
  parseSignerKey,
  TILE_WIDTH,
  tilesForInclusionProof,
  utf8,
} from '../core/tlog/index.js';
import type { Store } from '../store/db.js';
import { describeOnEachDatabase, freshDatabase, type TestDatabase } from '../store/test-helpers/databases.js';
import { createIntegrator } from './integrator.js';
import { appendEntries } from './test-helpers/entries.js';
import { readEntryBundle, TileProver, tileReader } from './tilestore.js';

describeOnEachDatabase('log tile store', (dialect) => {
  let tdb: TestDatabase;
  let store: Store;
  const origin = 'test.example/log';
  const signer = parseSignerKey(generateSignerKey(origin).signerKey);

  beforeEach(async () => {
    tdb = freshDatabase(dialect);
    store = await tdb.open();
  });
  afterEach(async () => {
    await store.close();
    await tdb.cleanup();
  });

  it('the server prover (cached inner nodes, node:crypto) gives the core prover’s proofs as the log grows', async () => {
    const integ = createIntegrator(store, { signer, origin, batchSize: 250, checkpointIntervalMs: 0 });
    const prover = new TileProver(8);
    for (const size of [1, 255, 256, 300, 700]) {
      const have = Number(
        (
          await store.db
            .selectFrom('log_entries')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirst()
        )?.n,
      );
      await appendEntries(store, size - have, `s${size}-`);
      while ((await integ.integrateOnce()).to < size) {}
      const indices = Array.from({ length: size }, (_, i) => i).filter(
        (i) => size <= 300 || i % 7 === 0 || i >= size - 3,
      );
      for (const i of indices) {
        const want = inclusionProofFromTiles(
          i,
          size,
          await tileReader(store.db, tilesForInclusionProof(i, size)),
        );
        const got = await prover.inclusionProof(store.db, i, size);
        expect(got.map((h) => new Uint8Array(h))).toEqual(want.map((h) => new Uint8Array(h)));
      }
    }
    // Proofs at an older size still come out right (partial tiles are cached by width).
    for (const i of [0, 100, 254]) {
      const want = inclusionProofFromTiles(
        i,
        255,
        await tileReader(store.db, tilesForInclusionProof(i, 255)),
      );
      expect((await prover.inclusionProof(store.db, i, 255)).map((h) => new Uint8Array(h))).toEqual(want);
    }
  });

  it('formats entry bundles from the sequenced entries; a gap gives none', async () => {
    await appendEntries(store, 300);
    const rows = await store.db.selectFrom('log_entries').selectAll().orderBy('idx').execute();
    const want = (first: number, width: number) =>
      formatEntryBundle(rows.slice(first, first + width).map((r) => utf8(r.entry)));
    expect(new Uint8Array((await readEntryBundle(store.db, 0, TILE_WIDTH))!)).toEqual(want(0, TILE_WIDTH));
    expect(new Uint8Array((await readEntryBundle(store.db, 1, 44))!)).toEqual(want(256, 44));
    expect(new Uint8Array((await readEntryBundle(store.db, 1, 10))!)).toEqual(want(256, 10));
    expect(await readEntryBundle(store.db, 1, 45)).toBeUndefined();
    await store.db.deleteFrom('log_entries').where('idx', '=', 260).execute();
    expect(await readEntryBundle(store.db, 1, 10)).toBeUndefined();
  });
});
