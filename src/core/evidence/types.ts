/** Native evidence (evidence.md) and its public summary (determination.md §0). */
export interface ModelRef {
  id: string;
  version: string;
}

export interface Sample {
  id: string | number;
  epoch?: number;
  value: number | boolean;
  cluster?: string;
}

interface EvaluationBase {
  metric: string;
  label?: string;
  source?: Record<string, unknown>;
}

export interface PerSampleEvaluation extends EvaluationBase {
  samples: Sample[];
}
export interface CountsFields {
  successes: number;
  trials: number;
}
export interface ClusterMoments {
  n: number;
  sum: number;
  sumsq: number;
}
export interface MomentsFields {
  n: number;
  sum: number;
  sumsq: number;
  clusters?: ClusterMoments[];
}
export interface AggregateFields {
  mean: number;
  stderr: number | null;
  n: number;
}

export type CountsEvaluation = EvaluationBase & CountsFields;
export type MomentsEvaluation = EvaluationBase & MomentsFields;
export type AggregateEvaluation = EvaluationBase & AggregateFields;
export type Evaluation = PerSampleEvaluation | CountsEvaluation | MomentsEvaluation | AggregateEvaluation;
export type SummaryEvaluation = CountsEvaluation | MomentsEvaluation | AggregateEvaluation;

export type Shape = 'counts' | 'moments' | 'aggregate';

export interface Evidence {
  greenlight: 1;
  model: ModelRef;
  safeguards: string[];
  evaluations: Evaluation[];
}

/** The §0 summary document: itself valid native evidence, with only summary shapes. */
export interface SummaryDocument {
  greenlight: 1;
  model: ModelRef;
  safeguards: string[];
  evaluations: SummaryEvaluation[];
}
