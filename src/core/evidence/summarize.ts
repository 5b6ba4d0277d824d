import { reduceSamples } from './reduce.js';
import type {
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
  if ('samples' in e) return { ...head, ...reducedFields(e) } as SummaryEvaluation;
  return { ...head, ...summaryFields(e as SummaryEvaluation) } as SummaryEvaluation;
}

/** Per-sample evaluations reduce to counts or moments (§0). */
function reducedFields(e: PerSampleEvaluation): Record<string, unknown> {
  const r = reduceSamples(e.samples, 'samples');
  if (r.kind === 'counts') return { successes: r.successes, trials: r.trials };
  const out: Record<string, unknown> = { n: r.n, sum: r.sum, sumsq: r.sumsq };
  if (r.clusters !== undefined) out.clusters = r.clusters;
  return out;
}
