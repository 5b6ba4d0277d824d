/**
 * Integration (transparency-log.md "Sequencing and integration"): behind the sequenced entries
 * (`log_entries`), in batches, compute leaf hashes, write hash tiles and entry bundles, advance the compact
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
  formatEntryBundle,
  fromBase64,
  HASH_SIZE,
  leafHash,
  MerkleState,
  type NoteSigner,
  openCheckpoint,
  rootFromTiles,
  signCheckpoint,
  signerVerifierKey,
  TILE_WIDTH,
  type TileRef,
  tileRoot,
  tilesForConsistencyProof,
  tilesForRoot,
  toBase64,
  utf8,
  verifyConsistency,
} from '../core/tlog/index.js';
import type { Store, Tx } from '../store/db.js';
import { readBundleEntries, readTile, tileReader, writeBundle, writeTile } from './tilestore.js';

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
        const merkle = MerkleState.fromHashes(
          from,
          (JSON.parse(state.compact_range) as string[]).map((h) => fromBase64(h)),
        );

        const rows = await tx
          .selectFrom('log_entries')
          .select(['idx', 'entry'])
          .where('idx', '>=', from)
          .orderBy('idx')
          .limit(batchSize)
          .execute();
        const entries: Uint8Array[] = [];
        // Only the gap-free prefix: an index still being written by an open transaction ends the batch.
        for (const r of rows) {
          if (Number(r.idx) !== from + entries.length) break;
          entries.push(utf8(r.entry));
        }
        if (entries.length > 0) {
          const leaves = entries.map((e) => leafHash(e));
          for (const l of leaves) merkle.append(l);
          await appendTiles(tx, from, leaves);
          await appendBundles(tx, from, entries);
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

/** Appends leaf hashes to the level-0 tiles of a tree of `size`, and completed tiles' roots to the levels above. */
async function appendTiles(tx: Tx, size: number, leaves: Uint8Array[]): Promise<void> {
  let hashes = leaves;
  for (let level = 0; hashes.length > 0; level++) {
    const before = Math.floor(size / TILE_WIDTH ** level);
    const edgeIndex = Math.floor(before / TILE_WIDTH);
    const edgeWidth = before % TILE_WIDTH;
    const existing = edgeWidth > 0 ? await readTile(tx, level, edgeIndex, edgeWidth) : new Uint8Array(0);
    if (existing === undefined) {
      throw new GreenlightError('internal', `log tile ${level}/${edgeIndex} (width ${edgeWidth}) is missing`);
    }
    const all = new Uint8Array(existing.length + hashes.length * HASH_SIZE);
    all.set(existing, 0);
    for (const [i, h] of hashes.entries()) all.set(h, existing.length + i * HASH_SIZE);
    const up: Uint8Array[] = [];
    const tileBytes = TILE_WIDTH * HASH_SIZE;
    for (let o = 0, index = edgeIndex; o < all.length; o += tileBytes, index++) {
      const data = all.slice(o, o + tileBytes);
      await writeTile(tx, { level, index, width: data.length / HASH_SIZE, data });
      if (data.length === tileBytes) up.push(tileRoot(data));
    }
    hashes = up;
  }
}

/** Appends entries to the entry bundles of a tree of `size`. */
async function appendBundles(tx: Tx, size: number, entries: Uint8Array[]): Promise<void> {
  const edgeIndex = Math.floor(size / TILE_WIDTH);
  const edgeWidth = size % TILE_WIDTH;
  const existing = edgeWidth > 0 ? await readBundleEntries(tx, edgeIndex, edgeWidth) : [];
  if (existing === undefined || existing.length !== edgeWidth) {
    throw new GreenlightError('internal', `log entry bundle ${edgeIndex} (width ${edgeWidth}) is missing`);
  }
  const all = [...existing, ...entries];
  for (let o = 0, index = edgeIndex; o < all.length; o += TILE_WIDTH, index++) {
    const chunk = all.slice(o, o + TILE_WIDTH);
    await writeBundle(tx, index, chunk.length, formatEntryBundle(chunk));
  }
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
