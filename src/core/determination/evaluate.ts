import { summaryFields, summaryShape } from '../evidence/summarize.js';
import type { SummaryEvaluation } from '../evidence/types.js';
import type { Indicator, Statistics } from '../framework/types.js';
import {
  aggregateInterval,
  countsInterval,
  type IntervalResult,
  momentsInterval,
  samplesNeeded,
} from '../stats/index.js';
import { bound, deepRound, round12 } from './rounding.js';
import type { EvaluationResult, EvaluationVerdict, IndicatorResult, IndicatorVerdict } from './types.js';

/** §1: one evaluation's interval by the method its shape calls for. */
export function intervalOf(e: SummaryEvaluation, stats: Statistics): IntervalResult {
  if ('successes' in e) return countsInterval(e.successes, e.trials, stats.interval, stats.confidence);
  if ('mean' in e) return aggregateInterval(e, stats.confidence);
  return momentsInterval(e, stats.confidence);
}

/** §1 verdict table, checked in order, on unrounded values. */
export function verdictOf(iv: IntervalResult, ind: Indicator, minSamples: number): EvaluationVerdict {
  const t = ind.threshold;
  if (iv.n < minSamples) return 'insufficient';
  if (ind.direction === 'above') {
    if (iv.lower >= t) return 'crossed';
    if (iv.upper < t) return 'below';
  } else {
    if (iv.upper <= t) return 'crossed';
    if (iv.lower > t) return 'below';
  }
  return 'inconclusive';
}

export function evaluate(e: SummaryEvaluation, ind: Indicator, stats: Statistics): EvaluationResult {
  const iv = intervalOf(e, stats);
  const verdict = verdictOf(iv, ind, stats.min_samples);
  const needed =
    verdict === 'inconclusive' || verdict === 'insufficient'
      ? samplesNeeded({
          estimate: iv.estimate,
          sigma: iv.sigma,
          threshold: ind.threshold,
          confidence: stats.confidence,
          n: iv.n,
          minSamples: stats.min_samples,
        })
      : null;
  const out: EvaluationResult = {
    shape: summaryShape(e),
    summary: summaryFields(e),
    n: iv.n,
    estimate: round12(iv.estimate),
    stderr: iv.stderr === null ? null : round12(iv.stderr),
    interval: [bound(iv.lower), bound(iv.upper)],
    method: iv.method,
    verdict,
    samples_needed: needed,
  };
  if (e.label !== undefined) out.label = e.label;
  if (e.source !== undefined) out.source = deepRound(e.source);
  return out;
}

// An evaluation is a lower bound on capability, so the strongest elicitation counts.
const SEVERITY: Record<EvaluationVerdict, number> = {
  crossed: 3,
  inconclusive: 2,
  insufficient: 1,
  below: 0,
};

/** §2: every evaluation carrying the metric, and the most severe verdict among them. */
export function evaluateIndicator(
  ind: Indicator,
  evaluations: readonly SummaryEvaluation[],
  stats: Statistics,
): IndicatorResult {
  const results = evaluations.filter((e) => e.metric === ind.metric).map((e) => evaluate(e, ind, stats));
  let verdict: IndicatorVerdict = 'missing';
  for (const r of results)
    if (verdict === 'missing' || SEVERITY[r.verdict] > SEVERITY[verdict]) verdict = r.verdict;
  return {
    metric: ind.metric,
    direction: ind.direction,
    threshold: round12(ind.threshold),
    verdict,
    evaluations: results,
  };
}
