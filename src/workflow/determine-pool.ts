/**
 * Determinations on worker threads, so that a large submission (up to the 10 MiB evidence limit) or a burst of
 * pre-assessments does not stall every other request on the server's event loop, and so that a second core can
 * work on them. The answer is the core's determination, byte for byte: the worker runs the same
 * `determineDocuments` with the same hasher. Evidence travels as JSON text (the caller has it anyway: it is what
 * is stored), frameworks as their documents, once per worker.
 *
 * Workers are started on first use, referenced only while they have work (an idle pool never keeps the process
 * alive; a pending determination does), and replaced if one dies;
 * a death fails only the determinations it was computing. Without the compiled worker (tests running the
 * TypeScript sources) `createDeterminePool` returns null and callers determine inline.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { determineDocuments } from '../core/determination/index.js';
import type { Determination } from '../core/determination/types.js';
import { type ErrorCode, GreenlightError, type Problem } from '../core/errors.js';
import type { Framework } from '../core/framework/types.js';
import { nodeSha256 } from '../node/sha256.js';
import { workerExecArgv } from '../node/worker-exec-argv.js';

export interface PoolRequest {
  id: number;
  framework: { digest: string; document?: unknown };
  evidence: string;
  tier: string | undefined;
}

export type PoolAnswer =
  | { id: number; ok: true; determination: Determination }
  | { id: number; ok: false; code: ErrorCode; message: string; problems: Problem[] };

export interface DeterminePool {
  /** Rejects with the core's GreenlightError for invalid evidence or tier, as determineDocuments throws it. */
  determine(framework: Framework, evidenceText: string, tier: string | undefined): Promise<Determination>;
  close(): Promise<void>;
}

interface InlineJob {
  framework: Framework;
  text: string;
  tier: string | undefined;
  resolve: (d: Determination) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, InlineJob>;
  frameworks: Set<string>;
  /** Whether it ever answered: a worker that dies before its first answer could not start. */
  answered: boolean;
}

const WORKER_URL = new URL('./determine-worker.js', import.meta.url);

/** What a worker computes (and the pool, when no worker can start): the core's determination of JSON text. */
export function determineText(framework: Framework, text: string, tier: string | undefined): Determination {
  return determineDocuments(framework, [{ value: JSON.parse(text) }], tier, nodeSha256);
}

/** The number of workers: GREENLIGHT_DETERMINE_WORKERS, else one per core but one, 1 to 4. */
export function poolSize(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.GREENLIGHT_DETERMINE_WORKERS);
  if (Number.isInteger(v) && v >= 0) return v;
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

export function createDeterminePool(size = poolSize()): DeterminePool | null {
  if (size === 0 || !existsSync(fileURLToPath(WORKER_URL))) return null;
  const slots: (Slot | undefined)[] = new Array(size).fill(undefined);
  let nextId = 0;

  // Set when a worker could not even start (e.g. the process's execArgv does not suit a worker): from then on
  // determinations run inline, the ones it was given included.
  let broken = false;
  const inline = (job: InlineJob) => {
    try {
      job.resolve(determineText(job.framework, job.text, job.tier));
    } catch (e) {
      job.reject(e);
    }
  };

  const start = (i: number): Slot | undefined => {
    let worker: Worker;
    try {
      worker = new Worker(WORKER_URL, { execArgv: workerExecArgv() });
    } catch {
      broken = true; // e.g. ERR_WORKER_INVALID_EXEC_ARGV: a process flag a worker refuses (--title=…)
      return undefined;
    }
    const slot: Slot = { worker, pending: new Map(), frameworks: new Set(), answered: false };
    worker.on('message', (a: PoolAnswer) => {
      slot.answered = true;
      const p = slot.pending.get(a.id);
      if (!p) return;
      slot.pending.delete(a.id);
      if (slot.pending.size === 0) worker.unref();
      if (a.ok) p.resolve(a.determination);
      else p.reject(new GreenlightError(a.code, a.message, a.problems));
    });
    const fail = (e: unknown) => {
      if (slots[i] === slot) slots[i] = undefined;
      if (!slot.answered && slot.pending.size > 0) {
        broken = true;
        for (const p of slot.pending.values()) inline(p);
      } else {
        const error = new Error(
          `determination worker stopped: ${e instanceof Error ? e.message : String(e)}`,
        );
        for (const p of slot.pending.values()) p.reject(error);
      }
      slot.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(`exit code ${code}`));
    worker.unref(); // after the listeners (attaching a 'message' listener refs the worker again)
    slots[i] = slot;
    return slot;
  };

  // The least busy worker; a dead or unstarted one is (re)started. Undefined: no worker can start.
  const pick = (): Slot | undefined => {
    let best = 0;
    for (let i = 0; i < size; i++) {
      const s = slots[i];
      if (s === undefined) return start(i);
      if (s.pending.size < slots[best]!.pending.size) best = i;
    }
    return slots[best]!;
  };

  return {
    determine(framework, evidenceText, tier) {
      const slot = broken ? undefined : pick();
      if (slot === undefined)
        return new Promise<Determination>((resolve, reject) =>
          inline({ framework, text: evidenceText, tier, resolve, reject }),
        );
      const id = nextId++;
      const known = slot.frameworks.has(framework.digest);
      const request: PoolRequest = {
        id,
        framework: known
          ? { digest: framework.digest }
          : { digest: framework.digest, document: framework.document },
        evidence: evidenceText,
        tier,
      };
      slot.frameworks.add(framework.digest);
      return new Promise<Determination>((resolve, reject) => {
        // Referenced while it has work, so a process waiting for a determination is not ended under it.
        if (slot.pending.size === 0) slot.worker.ref();
        slot.pending.set(id, { framework, text: evidenceText, tier, resolve, reject });
        slot.worker.postMessage(request);
      });
    },
    async close() {
      const stopping = slots.splice(0, size, ...new Array<Slot | undefined>(size).fill(undefined));
      const error = new Error('determination worker stopped: the pool was closed');
      for (const slot of stopping) {
        if (!slot) continue;
        for (const p of slot.pending.values()) p.reject(error);
        slot.pending.clear();
      }
      await Promise.all(stopping.map((slot) => slot?.worker.terminate()));
    },
  };
}

let shared: DeterminePool | null | undefined;

/** One pool per process, shared by every workflow in it, started on first use. */
export function sharedDeterminePool(): DeterminePool | null {
  if (shared === undefined) shared = createDeterminePool();
  return shared;
}
