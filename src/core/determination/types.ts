import type { ModelRef, Shape, SummaryDocument } from '../evidence/types.js';
import type { Direction, ThresholdRule } from '../framework/types.js';

export type EvaluationVerdict = 'crossed' | 'below' | 'inconclusive' | 'insufficient';
export type IndicatorVerdict = EvaluationVerdict | 'missing';
export type ThresholdStatus = 'crossed' | 'below' | 'unresolved';
export type Outcome = 'more_evidence' | 'safeguards_missing' | 'approve_restricted' | 'approve';

export interface EvaluationResult {
  shape: Shape;
  summary: Record<string, unknown>;
  n: number;
  estimate: number;
  stderr: number | null;
  /** Infinite bounds are written as null. */
  interval: [number | null, number | null];
  method: string;
  verdict: EvaluationVerdict;
  samples_needed: number | null;
  label?: string;
  source?: Record<string, unknown>;
}

export interface IndicatorResult {
  metric: string;
  direction: Direction;
  threshold: number;
  verdict: IndicatorVerdict;
  evaluations: EvaluationResult[];
}

export interface ThresholdResult {
  id: string;
  rule: ThresholdRule;
  status: ThresholdStatus;
  reached: boolean;
  indicators: IndicatorResult[];
}

export interface DomainResult {
  id: string;
  level: string | null;
  pending: boolean;
  thresholds: ThresholdResult[];
}

export interface Determination {
  greenlight: 1;
  framework: { id: string; version: string; digest: string };
  model: ModelRef;
  requested_tier: string;
  outcome: Outcome;
  max_tier: string;
  granted_tier: string;
  safeguards: { required: string[]; attested: string[]; missing: string[] };
  domains: DomainResult[];
  unmatched_metrics: string[];
  evidence_summary: SummaryDocument;
  engine: string;
  evidence_digest: string;
  inputs_digest: string;
  digest: string;
}

export interface DeterminationRequest {
  /** Requested tier id; defaults to the framework's most open tier. */
  tier?: string;
}
