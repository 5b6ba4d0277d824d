/** A loaded, validated framework (framework.md), with defaults applied. `document` is the framework as written. */
export type AccessKind = 'developer' | 'grant' | 'verified' | 'public';
export type IntervalMethod = 'wilson' | 'clopper-pearson' | 'clt';
export type ThresholdRule = 'any' | 'all' | 'majority';
export type UnresolvedPolicy = 'treat_as_crossed' | 'request_evidence';
export type Direction = 'above' | 'below';
export type DurationUnit = 'seconds' | 'minutes' | 'hours' | 'days' | 'business_days';

export interface Duration {
  unit: DurationUnit;
  amount: number;
}

export interface Statistics {
  confidence: number;
  min_samples: number;
  interval: IntervalMethod;
}

export interface Tier {
  id: string;
  access: AccessKind;
  title: string;
}

export interface Safeguard {
  id: string;
  title: string;
}

export interface Indicator {
  metric: string;
  direction: Direction;
  threshold: number;
}

export interface Threshold {
  id: string;
  text: string;
  rule: ThresholdRule;
  indicators: Indicator[];
  requires: { max_tier: string; safeguards: string[] };
}

export interface Domain {
  id: string;
  title: string;
  unresolved: UnresolvedPolicy;
  thresholds: Threshold[];
}

export interface ReviewRules {
  decision_within: Duration;
  on_lapse: 'deemed_approved' | 'escalate';
  quorum: number;
  appeal_within: Duration;
  appeal_decision_within: Duration;
  holidays: string[];
  timezone: string;
}

export interface IncidentClass {
  id: string;
  title: string;
  definition: string;
  report_within: Duration;
  response: { max_tier?: string; rereview: boolean };
}

export interface Framework {
  id: string;
  version: string;
  title: string;
  publisher: string;
  effective: string;
  statistics: Statistics;
  /** Ordered from most restricted to most open. */
  tiers: Tier[];
  safeguards: Safeguard[];
  domains: Domain[];
  review: ReviewRules;
  incidents: IncidentClass[];
  /** The document as written (YAML turned into the same JSON value, no defaults filled in). */
  document: unknown;
  /** `sha256:<hex>` of the RFC 8785 canonical JSON of `document`. */
  digest: string;
}
