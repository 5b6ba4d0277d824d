/**
 * The log over HTTP (transparency-log.md "Serving"): C2SP tlog-tiles under /log/ and the JSON conveniences
 * under /v1/log/. A Fastify plugin; registering it also loads (or at first start creates) the log key and, unless
 * `integrate: false`, runs the integrator until the app closes.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import { GreenlightError } from '../core/errors.js';
import {
  consistencyProofFromTiles,
  parseTilePath,
  TILE_HEIGHT,
  TILE_WIDTH,
  tilesForConsistencyProof,
  toHex,
} from '../core/tlog/index.js';
import type { Store } from '../store/db.js';
import { leafHash } from './hash.js';
import { type StartIntegratorOptions, startIntegrator } from './integrator.js';
import { loadOrCreateLogIdentity } from './keys.js';
import { readEntryBundle, readTile, TileProver, tileReader } from './tilestore.js';

export interface LogRoutesOptions {
  store: Store;
  /** `--log-origin` (fixed at first start). */
  origin?: string;
  /** `--public-url`: the origin defaults to its host + path + `/log`. */
  publicUrl?: string;
  /** Run the integrator in this process (default true). */
  integrate?: boolean;
  integrator?: Partial<Omit<StartIntegratorOptions, 'signer' | 'origin'>>;
  now?: () => Date;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
const CHECKPOINT_CACHE = 'public, max-age=1';

function sendError(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  details: { path: string; message: string }[] = [],
) {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ error: { code, message, details } });
}

/** A decimal uint within 2^53 − 1, or an error message. */
function parseSize(value: unknown, name: string): number | string {
  if (typeof value !== 'string' || !/^(0|[1-9][0-9]*)$/.test(value))
    return `${name} must be a decimal integer ≥ 0`;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) return `${name} is larger than 2^53 - 1`;
  return n;
}

async function latestCheckpoint(store: Store): Promise<{ size: number; note: string } | undefined> {
  const row = await store.db
    .selectFrom('log_checkpoints')
    .select(['size', 'note'])
    .orderBy('size', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { size: Number(row.size), note: row.note } : undefined;
}

export const logRoutes: FastifyPluginAsync<LogRoutesOptions> = async (app: FastifyInstance, options) => {
  const { store } = options;
  const identity = await loadOrCreateLogIdentity(store, {
    ...(options.origin !== undefined ? { origin: options.origin } : {}),
    ...(options.publicUrl !== undefined ? { publicUrl: options.publicUrl } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  if (options.integrate !== false) {
    const running = startIntegrator(store, {
      signer: identity.signer,
      origin: identity.origin,
      ...(options.now ? { now: options.now } : {}),
      onError: (e) => app.log.error({ err: e }, 'log integration failed'),
      ...options.integrator,
    });
    app.addHook('onClose', async () => running.stop());
  }

  const prover = new TileProver();

  app.get('/log/checkpoint', async (_req, reply) => {
    const cp = await latestCheckpoint(store);
    if (!cp) return sendError(reply, 404, 'not_found', 'the log has no checkpoint yet');
    return reply.type('text/plain; charset=utf-8').header('cache-control', CHECKPOINT_CACHE).send(cp.note);
  });

  app.get('/log/key', async (_req, reply) =>
    reply
      .type('text/plain; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .send(`${identity.verifierKey}\n`),
  );

  app.get('/log/tile/*', async (req, reply) => {
    const rest = (req.params as { '*': string })['*'];
    let parsed: ReturnType<typeof parseTilePath>;
    try {
      parsed = parseTilePath(`tile/${rest}`);
    } catch (e) {
      return sendError(reply, 400, 'bad_request', e instanceof Error ? e.message : 'not a tile path');
    }
    const cp = await latestCheckpoint(store);
    const level = parsed.kind === 'hash' ? parsed.level : 0;
    const nodes = cp ? Math.floor(cp.size / 2 ** (TILE_HEIGHT * level)) : 0;
    // Only what the latest checkpoint covers is published.
    if (parsed.index * TILE_WIDTH + parsed.width > nodes) {
      return sendError(reply, 404, 'not_found', 'no such tile in the latest checkpoint');
    }
    const body =
      parsed.kind === 'hash'
        ? await readTile(store.db, parsed.level, parsed.index, parsed.width)
        : await readEntryBundle(store.db, parsed.index, parsed.width);
    if (body === undefined) return sendError(reply, 404, 'not_found', 'no such tile');
    return reply
      .type('application/octet-stream')
      .header('cache-control', IMMUTABLE)
      .send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  });

  app.get('/v1/log/entries/:index', async (req, reply) => {
    const index = parseSize((req.params as { index: string }).index, 'index');
    if (typeof index === 'string')
      return sendError(reply, 400, 'bad_request', index, [{ path: 'index', message: index }]);
    const row = await store.db
      .selectFrom('log_entries')
      .select('entry')
      .where('idx', '=', index)
      .executeTakeFirst();
    if (!row) return sendError(reply, 404, 'not_found', `no log entry ${index}`);
    const cp = await latestCheckpoint(store);
    if (!cp || cp.size <= index) return reply.code(202).send({ pending: true });
    const proof = await prover.inclusionProof(store.db, index, cp.size);
    return reply.send({
      index,
      entry: row.entry,
      leaf_hash: toHex(leafHash(Buffer.from(row.entry, 'utf8'))),
      checkpoint: cp.note,
      proof: proof.map(toHex),
    });
  });

  app.get('/v1/log/consistency', async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const cp = await latestCheckpoint(store);
    const latest = cp?.size ?? 0;
    const from = parseSize(q.from, 'from');
    const to = q.to === undefined ? latest : parseSize(q.to, 'to');
    const details = [
      ...(typeof from === 'string' ? [{ path: 'from', message: from }] : []),
      ...(typeof to === 'string' ? [{ path: 'to', message: to }] : []),
    ];
    if (details.length > 0) return sendError(reply, 400, 'bad_request', 'malformed query', details);
    const f = from as number;
    const t = to as number;
    if (f > t)
      return sendError(reply, 400, 'bad_request', 'from must not exceed to', [
        { path: 'from', message: 'greater than to' },
      ]);
    if (t > latest) {
      return sendError(reply, 400, 'bad_request', `to is beyond the latest checkpoint (size ${latest})`, [
        { path: 'to', message: `at most ${latest}` },
      ]);
    }
    if (f === 0 || f === t) return reply.send({ from: f, to: t, proof: [] });
    try {
      const read = await tileReader(store.db, tilesForConsistencyProof(f, t));
      return reply.send({ from: f, to: t, proof: consistencyProofFromTiles(f, t, read).map(toHex) });
    } catch (e) {
      if (e instanceof GreenlightError && e.code !== 'internal')
        return sendError(reply, 400, 'bad_request', e.message);
      throw e;
    }
  });
};
