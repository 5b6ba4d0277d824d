import type { ClusterMoments, Sample } from './types.js';

/** The §0 reduction of one per-sample evaluation: epochs averaged per id, then sufficient statistics. */
export type ReducedSamples =
  | { kind: 'counts'; successes: number; trials: number }
  | { kind: 'moments'; n: number; sum: number; sumsq: number; clusters?: ClusterMoments[] };

export type ReportProblem = (path: string, message: string) => void;

const cache = new WeakMap<readonly Sample[], ReducedSamples>();

/**
 * One pass over samples that are individually valid: checks duplicate (id, epoch) pairs and per-id cluster
 * consistency (reported through `report`), and computes the reduction. Memory stays flat: per distinct id only
 * a Map slot and typed-array cells, so a million samples do not leave a million objects behind.
 * Sums are plain additions in list order, as determination.md §0 requires.
 */
export function reduceSamples(
  samples: readonly Sample[],
  path: string,
  report?: ReportProblem,
  /** Samples that failed their own checks, to pass over (validation still reports duplicates among the rest). */
  invalid?: Uint8Array,
): ReducedSamples {
  const cached = cache.get(samples);
  if (cached !== undefined && report === undefined) return cached;
  const n0 = samples.length;
  const index = new Map<string | number, number>();
  const sums = new Float64Array(n0);
  const counts = new Uint32Array(n0);
  const clusterOf = new Int32Array(n0); // -1: no cluster
  const epochBits = new Uint32Array(n0); // epochs 1..32 seen, as bits
  let bigEpochs: Set<string> | undefined; // (id index, epoch) for epochs above 32
  const clusterIds = new Map<string, number>();
  let ids = 0;
  for (let i = 0; i < n0; i++) {
    if (invalid?.[i]) continue;
    const s = samples[i]!;
    const v = s.value === true ? 1 : s.value === false ? 0 : (s.value as number);
    const epoch = s.epoch ?? 1;
    const c = s.cluster === undefined ? -1 : clusterIndex(clusterIds, s.cluster);
    let k = index.get(s.id);
    if (k === undefined) {
      k = ids++;
      index.set(s.id, k);
      clusterOf[k] = c;
    } else if (clusterOf[k] !== c && report) {
      const prior = clusterOf[k]! < 0 ? null : [...clusterIds.keys()][clusterOf[k]!];
      report(
        `${path}[${i}].cluster`,
        `sample id ${JSON.stringify(s.id)} has epochs in different clusters (${JSON.stringify(prior)} and ${JSON.stringify(s.cluster ?? null)}): all epochs of a sample carry the same cluster or none`,
      );
    }
    if (epoch <= 32) {
      const bit = 1 << (epoch - 1);
      if (epochBits[k]! & bit) report?.(`${path}[${i}]`, duplicateMessage(s.id, epoch));
      epochBits[k] = epochBits[k]! | bit;
    } else {
      bigEpochs ??= new Set();
      const key = `${k}:${epoch}`;
      if (bigEpochs.has(key)) report?.(`${path}[${i}]`, duplicateMessage(s.id, epoch));
      bigEpochs.add(key);
    }
    sums[k] = sums[k]! + v;
    counts[k] = counts[k]! + 1;
  }
  const result = finish(ids, sums, counts, clusterOf, clusterIds.size);
  if (invalid === undefined) cache.set(samples, result);
  return result;
}

function clusterIndex(clusters: Map<string, number>, name: string): number {
  let c = clusters.get(name);
  if (c === undefined) {
    c = clusters.size;
    clusters.set(name, c);
  }
  return c;
}

function duplicateMessage(id: string | number, epoch: number): string {
  return `duplicate sample: id ${JSON.stringify(id)} epoch ${epoch} appears twice`;
}

function finish(
  ids: number,
  sums: Float64Array,
  counts: Uint32Array,
  clusterOf: Int32Array,
  clusterCount: number,
): ReducedSamples {
  let sum = 0;
  let sumsq = 0;
  let binary = true;
  const clusters: ClusterMoments[] = Array.from({ length: clusterCount }, () => ({ n: 0, sum: 0, sumsq: 0 }));
  for (let k = 0; k < ids; k++) {
    const x = sums[k]! / counts[k]!;
    sum += x;
    sumsq += x * x;
    if (x !== 0 && x !== 1) binary = false;
    const c = clusterOf[k]!;
    if (c >= 0) {
      const cm = clusters[c]!;
      cm.n += 1;
      cm.sum += x;
      cm.sumsq += x * x;
    }
  }
  if (binary && clusterCount === 0) return { kind: 'counts', successes: sum, trials: ids };
  return clusterCount === 0
    ? { kind: 'moments', n: ids, sum, sumsq }
    : { kind: 'moments', n: ids, sum, sumsq, clusters };
}
