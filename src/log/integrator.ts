/**
 * Integration (transparency-log.md "Sequencing and integration"): behind the sequenced entries
 * (`log_entries`), in batches, compute leaf hashes, write hash tiles, advance the compact
 * range and root (`log_integrated`), and — at most once per `checkpointIntervalMs` while there are new
 * entries — check consistency with the previous checkpoint (tile prover + core verifier) and only then sign and
 * store a new checkpoint. One batch is one transaction. On PostgreSQL the `log_integrated` row is taken with
 * `FOR UPDATE SKIP LOCKED`, so one integrator at a time works across servers and the others skip the round.
 */
import { GreenlightError } from '../core/errors.js';
import {
  bytesEqual,
  consistencyProofFromTiles,
  EMPTY_ROOT,
  fromBase64,
  HASH_SIZE,
  locateNode,
  MerkleState,
  type NodeId,
  type NoteSigner,
  openCheckpoint,
  perfectSubtrees,
  rootFromTiles,
  signCheckpoint,
  signerVerifierKey,
  TILE_WIDTH,
  type TileRef,
  tilesForConsistencyProof,
  tilesForRoot,
  toBase64,
  verifyConsistency,
} from '../core/tlog/index.js';
import type { Store, Tx } from '../store/db.js';
import {
  type ChunkHashes,
  hashChunk,
  hashChunkInWorker,
  layoutEntries,
  subtreeHash,
  tileRoot,
} from './hash.js';
import { readTile, type StoredTile, tileReader, writeTiles } from './tilestore.js';

export const DEFAULT_BATCH_SIZE = 4096;
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 1000;

export interface IntegratorOptions {
  signer: NoteSigner;
  origin: string;
  now?: () => Date;
  /** Most entries integrated per transaction (default 4096). */
  batchSize?: number;
  /** Least time between two checkpoints (default 1000 ms). */
  checkpointIntervalMs?: number;
}

export interface IntegrationResult {
  /** Integrated size before and after this round. */
  from: number;
  to: number;
  /** The signed checkpoint, when this round signed one. */
  checkpoint?: string;
  /** True when another integrator held the lock (PostgreSQL) and this round did nothing. */
  skipped?: boolean;
}

export interface Integrator {
  integrateOnce(): Promise<IntegrationResult>;
}

export function createIntegrator(store: Store, options: IntegratorOptions): Integrator {
  if (options.signer.name !== options.origin) {
    throw new GreenlightError('invalid_input', 'the log signer key must be named after the origin');
  }
  const now = options.now ?? (() => new Date());
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const interval = options.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS;
  const verifierKey = signerVerifierKey(options.signer);

  return {
    integrateOnce: () =>
      store.db.transaction().execute(async (tx): Promise<IntegrationResult> => {
        let q = tx.selectFrom('log_integrated').selectAll().where('id', '=', 1);
        if (store.dialect === 'postgres') q = q.forUpdate().skipLocked();
        const state = await q.executeTakeFirst();
        if (!state) return { from: 0, to: 0, skipped: true };
        const from = Number(state.size);
        let merkle = MerkleState.fromHashes(
          from,
          (JSON.parse(state.compact_range) as string[]).map((h) => fromBase64(h)),
        );

        const batch = await readAndHash(tx, from, batchSize);
        if (batch.count > 0) {
          merkle = await appendBatch(tx, merkle, batch);
          await tx
            .updateTable('log_integrated')
            .set({
              size: merkle.size,
              compact_range: JSON.stringify(merkle.hashes().map(toBase64)),
              root: toBase64(merkle.root()),
            })
            .where('id', '=', 1)
            .execute();
        }
        const to = merkle.size;

        const last = await tx
          .selectFrom('log_checkpoints')
          .selectAll()
          .orderBy('size', 'desc')
          .limit(1)
          .executeTakeFirst();
        const at = now();
        const due =
          last === undefined || (Number(last.size) < to && at.getTime() - Date.parse(last.at) >= interval);
        if (!due) return { from, to };

        const root = merkle.root();
        const previous = last
          ? openCheckpoint(last.note, verifierKey, { origin: options.origin }).checkpoint
          : undefined;
        const refs: TileRef[] = [...tilesForRoot(to)];
        if (previous && previous.size > 0 && previous.size < to)
          refs.push(...tilesForConsistencyProof(previous.size, to));
        const read = await tileReader(tx, refs);
        if (to > 0 && !bytesEqual(rootFromTiles(to, read), root)) {
          throw new GreenlightError(
            'internal',
            `refusing to sign: the stored tiles of size ${to} do not give the root`,
          );
        }
        if (previous) {
          let consistent: boolean;
          if (previous.size > to) consistent = false;
          else if (previous.size === 0) consistent = bytesEqual(previous.root, EMPTY_ROOT);
          else {
            const proof = consistencyProofFromTiles(previous.size, to, read);
            consistent = verifyConsistency(previous.size, to, proof, previous.root, root);
          }
          if (!consistent) {
            throw new GreenlightError(
              'internal',
              `refusing to sign: the tree of size ${to} is not consistent with the checkpoint of size ${previous.size}`,
            );
          }
        }
        const note = signCheckpoint(
          { origin: options.origin, size: to, root, extensions: [] },
          options.signer,
        );
        await tx.insertInto('log_checkpoints').values({ size: to, note, at: at.toISOString() }).execute();
        return { from, to, checkpoint: note };
      }),
  };
}

/** The texts of the gap-free run of sequenced entries from `from`, at most `limit`. */
async function readEntries(tx: Tx, from: number, limit: number): Promise<string[]> {
  const rows = await tx
    .selectFrom('log_entries')
    .select(['idx', 'entry'])
    .where('idx', '>=', from)
    .orderBy('idx')
    .limit(limit)
    .execute();
  // Only the gap-free prefix: an index still being written by an open transaction ends the batch.
  const texts: string[] = [];
  for (const r of rows) {
    if (Number(r.idx) !== from + texts.length) break;
    texts.push(r.entry);
  }
  return texts;
}

/** Smallest batch read in two parts (below, the worker round trip is not worth it). */
const PARALLEL_MIN_BATCH = 2048;

interface HashedBatch {
  count: number;
  leaves: Uint8Array;
  firstTile: number;
  roots: Uint8Array;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * Reads the next entries (at most `limit`) and computes their leaf hashes and the roots of the level-0 tiles
 * they fill wholly. A large batch is read in two parts split at a tile boundary: the worker thread hashes the
 * first while this thread reads and hashes the second.
 */
async function readAndHash(tx: Tx, from: number, limit: number): Promise<HashedBatch> {
  const split = Math.ceil((from + limit * 0.7) / TILE_WIDTH) * TILE_WIDTH - from;
  if (limit < PARALLEL_MIN_BATCH || split >= limit) {
    const texts = await readEntries(tx, from, limit);
    return { count: texts.length, ...hashChunk(layoutEntries(texts, from)) };
  }
  const first = await readEntries(tx, from, split);
  if (first.length < split) return { count: first.length, ...hashChunk(layoutEntries(first, from)) };
  const inWorker = hashChunkInWorker(layoutEntries(first, from));
  let a: ChunkHashes;
  let b: ChunkHashes;
  let rest: string[];
  try {
    rest = await readEntries(tx, from + split, limit - split);
    b = hashChunk(layoutEntries(rest, from + split));
  } finally {
    a = await inWorker;
  }
  return {
    count: split + rest.length,
    leaves: concat(a.leaves, b.leaves),
    firstTile: a.firstTile,
    roots: concat(a.roots, b.roots),
  };
}

/**
 * Appends a hashed batch to a tree with compact range `merkle`: the hash tiles the batch extends or completes
 * (each written once, multi-row), and the new compact range. Every perfect subtree of the new tree's compact
 * range is either in the old compact range or inside a tile this batch wrote; the old compact range's nodes
 * that this batch merged away are recomputed from the stored edge tiles and must match (the stored compact
 * range and tiles agree). (Entry bundles are not copied: they are served from `log_entries`, see
 * `readEntryBundle`.)
 */
async function appendBatch(tx: Tx, merkle: MerkleState, batch: HashedBatch): Promise<MerkleState> {
  const from = merkle.size;
  const { count, leaves, firstTile, roots } = batch;
  const to = from + count;

  // Hash tiles, level by level: the edge tile's stored prefix plus the new hashes; full tiles' roots go up.
  const tiles: StoredTile[] = [];
  const written = new Map<string, Uint8Array>();
  let hashes: Uint8Array = leaves;
  let n = count;
  for (let level = 0; n > 0; level++) {
    const before = Math.floor(from / TILE_WIDTH ** level);
    const edgeIndex = Math.floor(before / TILE_WIDTH);
    const width = before % TILE_WIDTH;
    const prefix = width > 0 ? await readTile(tx, level, edgeIndex, width) : new Uint8Array(0);
    if (prefix === undefined) {
      throw new GreenlightError('internal', `log tile ${level}/${edgeIndex} (width ${width}) is missing`);
    }
    const all = new Uint8Array(prefix.length + n * HASH_SIZE);
    all.set(prefix, 0);
    all.set(hashes.subarray(0, n * HASH_SIZE), prefix.length);
    const nodes = width + n;
    const full = Math.floor(nodes / TILE_WIDTH);
    const up = new Uint8Array(full * HASH_SIZE);
    for (let t = 0; t * TILE_WIDTH < nodes; t++) {
      const w = Math.min(TILE_WIDTH, nodes - t * TILE_WIDTH);
      const data = all.subarray(t * TILE_WIDTH * HASH_SIZE, (t * TILE_WIDTH + w) * HASH_SIZE);
      tiles.push({ level, index: edgeIndex + t, width: w, data });
      written.set(`${level}/${edgeIndex + t}`, data);
      if (w === TILE_WIDTH) {
        const index = edgeIndex + t;
        const done = level === 0 && index >= firstTile;
        const at = (index - firstTile) * HASH_SIZE;
        up.set(done ? roots.subarray(at, at + HASH_SIZE) : tileRoot(data), t * HASH_SIZE);
      }
    }
    hashes = up;
    n = full;
  }

  // The new compact range, and the check of the old one's merged nodes against the stored edge tiles.
  const oldNodes = perfectSubtrees({ start: 0, end: from });
  const oldHashes = merkle.hashes();
  const unchanged = (level: number) => Math.floor(from / 2 ** level) === Math.floor(to / 2 ** level);
  const fromTiles = (node: NodeId, size: number): Uint8Array => {
    const loc = locateNode(node, size);
    const data = written.get(`${loc.tile.level}/${loc.tile.index}`);
    if (!data)
      throw new GreenlightError('internal', `log tile for node ${node.level}/${node.index} is missing`);
    return subtreeHash(data, loc.offset, loc.count);
  };
  oldNodes.forEach((node, k) => {
    if (!unchanged(node.level) && !bytesEqual(fromTiles(node, from), oldHashes[k]!)) {
      throw new GreenlightError(
        'internal',
        `the stored compact range of size ${from} does not match the stored tiles (node ${node.level}/${node.index})`,
      );
    }
  });
  const newHashes = perfectSubtrees({ start: 0, end: to }).map((node) => {
    if (!unchanged(node.level)) return fromTiles(node, to);
    const k = oldNodes.findIndex((m) => m.level === node.level);
    return oldHashes[k]!;
  });

  await writeTiles(tx, tiles);
  return MerkleState.fromHashes(to, newHashes);
}

export interface RunningIntegrator {
  /** Runs a round soon (e.g. right after an event was recorded). */
  kick(): void;
  /** Stops the timer and waits for a round in progress. Idempotent. */
  stop(): Promise<void>;
}

export interface StartIntegratorOptions extends IntegratorOptions {
  /** Pause between rounds when there was nothing (or not a full batch) to do (default 200 ms). */
  idleMs?: number;
  onError?: (e: unknown) => void;
}

/** Runs {@link Integrator.integrateOnce} now and on a timer, never overlapping; errors are reported, not thrown. */
export function startIntegrator(store: Store, options: StartIntegratorOptions): RunningIntegrator {
  const integrator = createIntegrator(store, options);
  const idle = options.idleMs ?? 200;
  const batch = options.batchSize ?? DEFAULT_BATCH_SIZE;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const schedule = (ms: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(tick, ms);
    timer.unref();
  };
  const tick = () => {
    if (running || stopped) return;
    let next = idle;
    running = integrator
      .integrateOnce()
      .then((r) => {
        if (r.to - r.from >= batch) next = 0;
      })
      .catch((e) => options.onError?.(e))
      .finally(() => {
        running = undefined;
        schedule(next);
      });
  };
  schedule(0);
  return {
    kick: () => {
      if (!running) schedule(0);
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
