/**
 * The contract between the workflow (domain operations over the store) and its front ends (HTTP server, CLI
 * admin, MCP, demo). Shapes follow ../shared/spec/service.md's API contract so the server can return them as is.
 * Times are RFC 3339 UTC strings with milliseconds.
 */
import type { Determination } from '../core/determination/types.js';

export type Role = 'admin' | 'reviewer' | 'developer' | 'auditor';

export interface Person {
  id: string;
  name: string;
  role: Role;
  org: string | null;
  active: boolean;
}

/**
 * Who is acting: a person (authenticated by token), the public (no token), the clock (sweeper), or the system
 * (offline `greenlight admin` on the database, and the demo seeding; admin powers, recorded as `system`).
 */
export type Actor =
  | { kind: 'person'; person: Person }
  | { kind: 'public' }
  | { kind: 'clock' }
  | { kind: 'system' };

/** The closed set of service error codes; the server maps each to its HTTP status (service.md). */
export type ServiceErrorCode =
  | 'bad_request' // 400
  | 'unauthorized' // 401
  | 'forbidden' // 403
  | 'not_found' // 404
  | 'conflict' // 409
  | 'payload_too_large' // 413
  | 'invalid' // 422, every problem in details
  | 'rate_limited' // 429
  | 'internal'; // 500

export interface ErrorDetail {
  path: string;
  message: string;
}

export class ServiceError extends Error {
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ServiceError';
  }
}

export type EventType =
  | 'framework.published'
  | 'submission.received'
  | 'determination.computed'
  | 'evidence.added'
  | 'decision.proposed'
  | 'decision.signed'
  | 'decision.effective'
  | 'clock.lapsed'
  | 'review.escalated'
  | 'review.opened'
  | 'submission.withdrawn'
  | 'submission.superseded'
  | 'appeal.filed'
  | 'appeal.decided'
  | 'incident.reported'
  | 'incident.classified'
  | 'incident.dismissed'
  | 'incident.resolved'
  | 'grant.created'
  | 'grant.revoked'
  | 'model.withdrawn'
  | 'token.issued'
  | 'token.revoked';

/** An event as the API shows it. `actor` is `person:<id>`, `clock` or `public`. */
export interface EventView {
  type: EventType;
  at: string;
  actor: string;
  reason?: string;
  log_index: number;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export type SubmissionStatus =
  | 'in_review'
  | 'evidence_requested'
  | 'decided'
  | 'deemed_approved'
  | 'escalated'
  | 'withdrawn'
  | 'superseded';

export type AppealStatus = 'appealed' | 'appeal_decided' | 'appeal_deemed' | 'appeal_escalated';

export interface JurisdictionConditions {
  jurisdictions?: { allow?: string[]; deny?: string[] };
}

export interface DecisionInput {
  action: 'approve' | 'deny' | 'request_evidence';
  tier?: string;
  conditions?: JurisdictionConditions;
  rationale: string;
  justification?: string;
}

export interface DecisionView {
  id: string;
  review: { kind: 'submission' | 'appeal'; id: string };
  action: DecisionInput['action'];
  tier: string | null;
  conditions: JurisdictionConditions | null;
  rationale: string;
  justification: string | null;
  override: boolean;
  status: 'proposed' | 'effective' | 'void';
  signatures: number;
  signers: string[];
  effective: boolean;
  proposed_by: string;
  proposed_at: string;
  effective_at: string | null;
  log_index: number;
}

export interface AppealView {
  id: string;
  submission_id: string;
  status: AppealStatus;
  reasons: string;
  result: 'upheld' | 'reversed' | null;
  approved_tier: string | null;
  determination: Determination | null;
  decision_due: string;
  filed_at: string;
  concluded_at: string | null;
  decisions: DecisionView[];
  log_index: number;
}

export interface SubmissionView {
  id: string;
  kind: 'submission' | 'rereview';
  status: SubmissionStatus;
  model: { id: string; version: string };
  framework: { id: string; version: string; digest: string };
  requested_tier: string;
  /** Public view: the determination (summaries only, never samples). */
  determination: Determination;
  decision_due: string;
  received_at: string;
  concluded_at: string | null;
  approved_tier: string | null;
  /** Seconds until decision_due while the clock runs; negative when late; null when not running. */
  time_left_seconds: number | null;
  decisions: DecisionView[];
  appeals: AppealView[];
  events: EventView[];
  log_index: number;
  /** Only for the submitting organisation, reviewers and auditors: the evidence as submitted. */
  evidence?: unknown;
}

/**
 * A list item (GET /v1/submissions): the submission without evidence or events (`events` is always empty), its
 * determination reduced to the outcome, tiers and digests. The full view is GET /v1/submissions/{id}.
 */
export interface SubmissionSummaryView extends Omit<SubmissionView, 'determination' | 'evidence'> {
  determination: Pick<
    Determination,
    'outcome' | 'requested_tier' | 'granted_tier' | 'digest' | 'evidence_digest'
  >;
  /** Never in a list item, whoever reads it. */
  evidence?: undefined;
}

export interface IncidentView {
  id: string;
  model: string;
  version: string | null;
  class: string;
  status: 'reported' | 'classified' | 'dismissed' | 'resolved';
  late: boolean;
  discovered_at: string;
  reported_at: string;
  description_digest: string;
  /** Redactable text: shown unless redacted. */
  description?: string;
  max_tier: string | null;
  rereview_id: string | null;
  log_index: number;
}

export interface GrantView {
  id: string;
  model: string;
  org: string;
  tier: string;
  expires_at: string | null;
  reason: string;
  granted_by: string;
  created_at: string;
  revoked_at: string | null;
  log_index: number;
}

export interface ModelVersionView {
  version: string;
  effective_tier: string | null;
  status: string;
  withdrawn: boolean;
}

export interface ModelView {
  id: string;
  current_version: string | null;
  effective_tier: string | null;
  status: string;
  versions: ModelVersionView[];
  submissions: SubmissionView[];
  incidents: IncidentView[];
  /** Reviewers, auditors, admins and the developing organisation only. */
  grants?: GrantView[];
}

export interface AccessAnswer {
  allow: boolean;
  tier: string | null;
  rule:
    | 'developer'
    | 'public'
    | 'verified'
    | 'grant'
    | 'unverified'
    | 'not_granted'
    | 'grant_expired'
    | 'jurisdiction'
    | 'withdrawn'
    | 'no_approval'
    | 'unknown_model';
  ref: string | null;
}

/** A row of the registry list (GET /v1/models). */
export interface OpenClock {
  review: string;
  kind: 'submission' | 'rereview' | 'appeal';
  decision_due: string;
  time_left_seconds: number;
}

export interface RegistryRow {
  id: string;
  current_version: string | null;
  effective_tier: string | null;
  status: string;
  open_clocks: OpenClock[];
  open_incidents: number;
}

/** A published framework version (GET /v1/frameworks). */
export interface FrameworkSummary {
  id: string;
  version: string;
  digest: string;
  effective: string;
  title: string;
  publisher: string;
  published_at: string;
  log_index: number;
  superseded_by: string | null;
}

export interface FrameworkDetail extends FrameworkSummary {
  document: unknown;
  source: string;
}

/** Public statistics (GET /v1/statistics), overall and per framework. */
export interface Bucket {
  reviews: number;
  decided: number;
  time_to_decision_seconds: { median: number | null; p90: number | null; values?: number[] };
  deadlines_met: number;
  deadlines_missed: number;
  lapses: { deemed_approved: number; escalated: number };
  overrides: number;
  appeals: { filed: number; upheld: number; reversed: number; pending: number };
}

export interface Statistics extends Bucket {
  per_framework: Record<string, Bucket>;
}
