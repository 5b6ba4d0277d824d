import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  consistencyProof,
  generateSignerKey,
  leafHash,
  openCheckpoint,
  parseEntryBundle,
  parseSignerKey,
  rootFromLeafHashes,
  rootFromTiles,
  TILE_WIDTH,
  tilesForSize,
  utf8,
  verifyConsistency,
} from '../core/tlog/index.js';
import type { Store } from '../store/db.js';
import { describeOnEachDatabase, freshDatabase, type TestDatabase } from '../store/test-helpers/databases.js';
import { createIntegrator } from './integrator.js';
import { loadOrCreateLogIdentity } from './keys.js';
import { appendEntries } from './test-helpers/entries.js';
import { loadTiles, readEntryBundle, tileReaderOf } from './tilestore.js';

async function allLeafHashes(store: Store): Promise<Uint8Array[]> {
  const rows = await store.db.selectFrom('log_entries').selectAll().orderBy('idx').execute();
  return rows.map((r) => leafHash(utf8(r.entry)));
}

describeOnEachDatabase('log integrator', (dialect) => {
  let tdb: TestDatabase;
  let store: Store;
  const origin = 'test.example/log';
  const { signerKey, verifierKey } = generateSignerKey(origin);
  const signer = parseSignerKey(signerKey);
  let clock = Date.parse('2026-01-01T00:00:00.000Z');
  const now = () => new Date(clock);

  beforeEach(async () => {
    tdb = freshDatabase(dialect);
    store = await tdb.open();
  });
  afterEach(async () => {
    await store.close();
    await tdb.cleanup();
  });

  it('integrates in batches; tiles and bundles match the definition; checkpoints are signed and consistent', async () => {
    const integ = createIntegrator(store, { signer, origin, now, batchSize: 300 });
    const first = await integ.integrateOnce();
    expect(first).toMatchObject({ from: 0, to: 0 });
    expect(first.checkpoint).toBeDefined();
    await appendEntries(store, 700);
    const sizes: number[] = [];
    const notes: string[] = [];
    for (;;) {
      clock += 1500;
      const r = await integ.integrateOnce();
      if (r.to === r.from && !r.checkpoint) break;
      sizes.push(r.to);
      if (r.checkpoint) notes.push(r.checkpoint);
      if (r.to === 700 && r.from === 700) break;
    }
    expect(sizes.slice(0, 3)).toEqual([300, 600, 700]);
    const leaves = await allLeafHashes(store);
    const tiles = await loadTiles(store.db, [...tilesForSize(700)]);
    expect(rootFromTiles(700, tileReaderOf(tiles))).toEqual(rootFromLeafHashes(leaves));
    // every tile's width is as the tile maths say
    for (const ref of tilesForSize(700))
      expect(tiles.get(`${ref.level}/${ref.index}`)?.width).toBe(ref.width);
    // entry bundles, formatted from the sequenced entries
    const firstBundle = parseEntryBundle((await readEntryBundle(store.db, 0, TILE_WIDTH))!, TILE_WIDTH);
    expect(leafHash(firstBundle[5]!)).toEqual(leaves[5]);
    expect(new Uint8Array(parseEntryBundle((await readEntryBundle(store.db, 2, 188))!, 188)[187]!)).toEqual(
      utf8(
        (
          await store.db
            .selectFrom('log_entries')
            .select('entry')
            .where('idx', '=', 699)
            .executeTakeFirstOrThrow()
        ).entry,
      ),
    );
    expect(await readEntryBundle(store.db, 2, 189)).toBeUndefined();
    // the checkpoints: signed, and each consistent with the one before
    const cps = notes.map((n) => openCheckpoint(n, verifierKey).checkpoint);
    expect(cps.map((c) => c.size)).toEqual([300, 600, 700]);
    for (let i = 1; i < cps.length; i++) {
      const a = cps[i - 1]!;
      const b = cps[i]!;
      const proof = consistencyProof(a.size, b.size, (level, index) =>
        rootFromLeafHashes(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level)),
      );
      expect(verifyConsistency(a.size, b.size, proof, a.root, b.root)).toBe(true);
    }
    expect(cps[2]!.root).toEqual(rootFromLeafHashes(leaves));
  });

  it('integrates a large batch read in two parts (the worker hashes the first) exactly as the definition', async () => {
    await appendEntries(store, 300);
    const small = createIntegrator(store, { signer, origin, now, batchSize: 300 });
    expect((await small.integrateOnce()).to).toBe(300);
    await appendEntries(store, 4800, 'w');
    const integ = createIntegrator(store, { signer, origin, now });
    clock += 1500;
    const r = await integ.integrateOnce();
    expect(r).toMatchObject({ from: 300, to: 300 + 4096 });
    clock += 1500;
    expect((await integ.integrateOnce()).to).toBe(5100);
    const leaves = await allLeafHashes(store);
    const tiles = await loadTiles(store.db, [...tilesForSize(5100)]);
    for (const ref of tilesForSize(5100)) {
      const t = tiles.get(`${ref.level}/${ref.index}`)!;
      expect(t.width).toBe(ref.width);
      if (ref.level === 0) {
        for (let j = 0; j < ref.width; j++) {
          expect(new Uint8Array(t.data.subarray(j * 32, (j + 1) * 32))).toEqual(
            leaves[ref.index * TILE_WIDTH + j],
          );
        }
      }
    }
    expect(rootFromTiles(5100, tileReaderOf(tiles))).toEqual(rootFromLeafHashes(leaves));
    const cp = await store.db
      .selectFrom('log_checkpoints')
      .selectAll()
      .orderBy('size', 'desc')
      .executeTakeFirst();
    expect(openCheckpoint(cp!.note, verifierKey).checkpoint.root).toEqual(rootFromLeafHashes(leaves));
  });

  it('signs at most one checkpoint per second while there are new entries', async () => {
    const integ = createIntegrator(store, { signer, origin, now });
    await integ.integrateOnce();
    await appendEntries(store, 3);
    clock += 100;
    const r1 = await integ.integrateOnce();
    expect(r1).toMatchObject({ from: 0, to: 3 });
    expect(r1.checkpoint).toBeUndefined();
    await appendEntries(store, 2, 'f');
    clock += 400;
    const r2 = await integ.integrateOnce();
    expect(r2).toMatchObject({ from: 3, to: 5 });
    expect(r2.checkpoint).toBeUndefined();
    clock += 600;
    const r3 = await integ.integrateOnce();
    expect(r3.to).toBe(5);
    expect(r3.checkpoint).toContain('\n5\n');
    clock += 5000;
    expect((await integ.integrateOnce()).checkpoint).toBeUndefined();
    const count = await store.db
      .selectFrom('log_checkpoints')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    expect(Number(count?.n)).toBe(2);
  });

  it('refuses to sign a checkpoint inconsistent with the previous one', async () => {
    const integ = createIntegrator(store, { signer, origin, now });
    await appendEntries(store, 10);
    clock += 2000;
    expect((await integ.integrateOnce()).checkpoint).toBeDefined();
    // rewrite history under the integrator: a forged previous checkpoint with another root
    const other = createIntegrator(store, { signer, origin, now });
    await store.db
      .updateTable('log_checkpoints')
      .set({ note: await forgedNote(signerKey, origin, 10) })
      .execute();
    await appendEntries(store, 1, 'g');
    clock += 2000;
    await expect(other.integrateOnce()).rejects.toThrow(/not consistent/);
  });

  it('creates the key at first start and fixes the origin', async () => {
    const id = await loadOrCreateLogIdentity(store, { publicUrl: 'https://greenlight.example.org/' });
    expect(id.origin).toBe('greenlight.example.org/log');
    expect(id.created).toBe(true);
    const again = await loadOrCreateLogIdentity(store, { publicUrl: 'https://elsewhere.example/' });
    expect(again.verifierKey).toBe(id.verifierKey);
    expect(again.created).toBe(false);
    await expect(loadOrCreateLogIdentity(store, { origin: 'other.example/log' })).rejects.toThrow(/fixed at/);
  });

  if (dialect === 'postgres') {
    it('two integrators on one PostgreSQL never fork', async () => {
      const second = await openSecond(tdb);
      try {
        const a = createIntegrator(store, { signer, origin, batchSize: 50, checkpointIntervalMs: 0 });
        const b = createIntegrator(second, { signer, origin, batchSize: 50, checkpointIntervalMs: 0 });
        await appendEntries(store, 400);
        const results = await Promise.all(
          Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? a : b).integrateOnce()),
        );
        while ((await a.integrateOnce()).to < 400) {}
        expect(results.some((r) => r.skipped)).toBe(true);
        const cps = await store.db.selectFrom('log_checkpoints').selectAll().orderBy('size').execute();
        const leaves = await allLeafHashes(store);
        for (const row of cps) {
          const cp = openCheckpoint(row.note, verifierKey).checkpoint;
          expect(cp.root).toEqual(rootFromLeafHashes(leaves.slice(0, cp.size)));
        }
        expect(Number(cps.at(-1)?.size)).toBe(400);
      } finally {
        await second.close();
      }
    });
  }
});

async function openSecond(tdb: TestDatabase): Promise<Store> {
  const { openStore } = await import('../store/db.js');
  return openStore(tdb.url, tdb.schema ? { schema: tdb.schema } : {});
}

async function forgedNote(signerKey: string, origin: string, size: number): Promise<string> {
  const { signCheckpoint } = await import('../core/tlog/index.js');
  const root = leafHash(utf8('forged'));
  return signCheckpoint({ origin, size, root, extensions: [] }, parseSignerKey(signerKey));
}
