import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  fromHex,
  leafHash,
  openCheckpoint,
  parseEntryBundle,
  utf8,
  verifyConsistency,
  verifyInclusion,
} from '../core/tlog/index.js';
import type { Store } from '../store/db.js';
import { describeOnEachDatabase, freshDatabase, type TestDatabase } from '../store/test-helpers/databases.js';
import { createIntegrator } from './integrator.js';
import { readLogIdentity } from './keys.js';
import { logRoutes } from './routes.js';
import { appendEntries } from './test-helpers/entries.js';

describeOnEachDatabase('log routes', (dialect) => {
  let tdb: TestDatabase;
  let store: Store;
  let app: FastifyInstance;
  let clock = Date.parse('2026-01-01T00:00:00.000Z');
  const now = () => new Date(clock);

  async function integrateAll() {
    const id = (await readLogIdentity(store))!;
    const integ = createIntegrator(store, { signer: id.signer, origin: id.origin, now });
    for (;;) {
      clock += 1500;
      const r = await integ.integrateOnce();
      if (r.from === r.to && !r.checkpoint) return;
    }
  }

  beforeEach(async () => {
    tdb = freshDatabase(dialect);
    store = await tdb.open();
    app = Fastify();
    await app.register(logRoutes, { store, origin: 'routes.example/log', integrate: false });
    await app.ready();
  });
  afterEach(async () => {
    await app.close();
    await store.close();
    await tdb.cleanup();
  });

  it('serves checkpoint, key, tiles, bundles, entries with proofs, consistency', async () => {
    expect((await app.inject('/log/checkpoint')).statusCode).toBe(404);
    await appendEntries(store, 300);
    await integrateAll();
    const first = await app.inject('/log/checkpoint');
    const key = (await app.inject('/log/key')).body.trim();
    expect(key).toMatch(/^routes\.example\/log\+[0-9a-f]{8}\+A/);
    await appendEntries(store, 10, 'x');
    expect((await app.inject('/v1/log/entries/305')).statusCode).toBe(202);
    expect((await app.inject('/v1/log/entries/305')).json()).toEqual({ pending: true });
    await integrateAll();

    const res = await app.inject('/log/checkpoint');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const cp = openCheckpoint(res.body, key).checkpoint;
    expect(cp.size).toBe(310);

    const full = await app.inject('/log/tile/0/000');
    expect(full.statusCode).toBe(200);
    expect(full.headers['content-type']).toBe('application/octet-stream');
    expect(full.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(full.rawPayload.length).toBe(8192);
    expect((await app.inject('/log/tile/0/001.p/54')).rawPayload.length).toBe(54 * 32);
    expect((await app.inject('/log/tile/0/001.p/20')).rawPayload.length).toBe(20 * 32);
    expect((await app.inject('/log/tile/0/001.p/55')).statusCode).toBe(404);
    expect((await app.inject('/log/tile/0/001')).statusCode).toBe(404);
    expect((await app.inject('/log/tile/1/000.p/1')).rawPayload.length).toBe(32);
    expect((await app.inject('/log/tile/0/1')).statusCode).toBe(400);
    const bundle = await app.inject('/log/tile/entries/001.p/54');
    expect(bundle.statusCode).toBe(200);
    expect(parseEntryBundle(bundle.rawPayload, 54)).toHaveLength(54);
    expect(parseEntryBundle((await app.inject('/log/tile/entries/000')).rawPayload, 256)).toHaveLength(256);

    const e = (await app.inject('/v1/log/entries/305')).json();
    expect(e.index).toBe(305);
    expect(e.leaf_hash).toBe(Buffer.from(leafHash(utf8(e.entry))).toString('hex'));
    const ecp = openCheckpoint(e.checkpoint, key).checkpoint;
    expect(verifyInclusion(fromHex(e.leaf_hash), 305, ecp.size, e.proof.map(fromHex), ecp.root)).toBe(true);

    const c = (
      await app.inject(`/v1/log/consistency?from=${openCheckpoint(first.body, key).checkpoint.size}&to=310`)
    ).json();
    expect(
      verifyConsistency(
        c.from,
        c.to,
        c.proof.map(fromHex),
        openCheckpoint(first.body, key).checkpoint.root,
        cp.root,
      ),
    ).toBe(true);
    expect((await app.inject('/v1/log/consistency?from=5')).json().to).toBe(310);
  });

  it('answers malformed parameters with 400 in the error shape', async () => {
    await appendEntries(store, 3);
    await integrateAll();
    for (const url of [
      '/v1/log/entries/abc',
      '/v1/log/entries/-1',
      '/v1/log/entries/01',
      '/v1/log/entries/9007199254740993',
      '/v1/log/entries/18446744073709551615',
      '/v1/log/consistency?from=x&to=2',
      '/v1/log/consistency?from=3&to=2',
      '/v1/log/consistency?from=1&to=99999999999999999999',
      '/v1/log/consistency?from=1&to=4',
      '/v1/log/consistency',
    ]) {
      const r = await app.inject(url);
      expect(r.statusCode, url).toBe(400);
      expect(r.json().error.code, url).toBe('bad_request');
      expect(Array.isArray(r.json().error.details), url).toBe(true);
    }
    expect((await app.inject('/v1/log/entries/7')).statusCode).toBe(404);
    expect((await app.inject('/v1/log/consistency?from=0&to=3')).json()).toEqual({
      from: 0,
      to: 3,
      proof: [],
    });
  });
});
