import type {
  ClusterMoments,
  Evaluation,
  Evidence,
  PerSampleEvaluation,
  Shape,
  SummaryDocument,
  SummaryEvaluation,
} from './types.js';

/** Which summary shape an evaluation has or reduces to. */
export function summaryShape(e: SummaryEvaluation): Shape {
  if ('successes' in e) return 'counts';
  if ('mean' in e) return 'aggregate';
  return 'moments';
}

/** The summary fields only (no metric/label/source). */
export function summaryFields(e: SummaryEvaluation): Record<string, unknown> {
  if ('successes' in e) return { successes: e.successes, trials: e.trials };
  if ('mean' in e) return { mean: e.mean, stderr: e.stderr, n: e.n };
  const out: Record<string, unknown> = { n: e.n, sum: e.sum, sumsq: e.sumsq };
  if (e.clusters !== undefined) out.clusters = e.clusters;
  return out;
}

/**
 * §0: evidence → public summary document. Per-sample evaluations are reduced over epochs and turned into
 * counts (0/1 data, no clusters) or moments; the other shapes are their own summary.
 * Sums are plain additions in list order, so every implementation gets the same numbers.
 */
export function summarizeEvidence(evidence: Evidence): SummaryDocument {
  return {
    greenlight: 1,
    model: { id: evidence.model.id, version: evidence.model.version },
    safeguards: sortedDistinct(evidence.safeguards ?? []),
    evaluations: evidence.evaluations.map(summarizeEvaluation),
  };
}

export function sortedDistinct(list: readonly string[]): string[] {
  return [...new Set(list)].sort();
}

function provenance(e: Evaluation): { metric: string; label?: string; source?: Record<string, unknown> } {
  const out: { metric: string; label?: string; source?: Record<string, unknown> } = { metric: e.metric };
  if (e.label !== undefined) out.label = e.label;
  if (e.source !== undefined) out.source = e.source;
  return out;
}

export function summarizeEvaluation(e: Evaluation): SummaryEvaluation {
  const head = provenance(e);
  if ('samples' in e) return { ...head, ...reduceSamples(e) } as SummaryEvaluation;
  return { ...head, ...summaryFields(e as SummaryEvaluation) } as SummaryEvaluation;
}

interface Reduced {
  sum: number;
  count: number;
  cluster: string | undefined;
}

/** Reduce epochs (mean of each id's values, ids in order of first appearance), then sufficient statistics. */
function reduceSamples(e: PerSampleEvaluation): Record<string, unknown> {
  const byId = new Map<string | number, Reduced>();
  for (const s of e.samples) {
    const v = s.value === true ? 1 : s.value === false ? 0 : s.value;
    const r = byId.get(s.id);
    if (r === undefined) byId.set(s.id, { sum: v, count: 1, cluster: s.cluster });
    else {
      r.sum += v;
      r.count += 1;
    }
  }
  let n = 0;
  let sum = 0;
  let sumsq = 0;
  let binary = true;
  let clustered = false;
  const clusters = new Map<string, ClusterMoments>();
  for (const r of byId.values()) {
    const x = r.count === 1 ? r.sum : r.sum / r.count;
    n += 1;
    sum += x;
    sumsq += x * x;
    if (x !== 0 && x !== 1) binary = false;
    if (r.cluster !== undefined) {
      clustered = true;
      const c = clusters.get(r.cluster);
      if (c === undefined) clusters.set(r.cluster, { n: 1, sum: x, sumsq: x * x });
      else {
        c.n += 1;
        c.sum += x;
        c.sumsq += x * x;
      }
    }
  }
  if (binary && !clustered) return { successes: sum, trials: n };
  const out: Record<string, unknown> = { n, sum, sumsq };
  if (clustered) out.clusters = [...clusters.values()];
  return out;
}
