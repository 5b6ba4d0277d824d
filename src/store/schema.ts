/**
 * The database schema, one for SQLite and PostgreSQL. Portable column choices: times are RFC 3339 UTC text with
 * milliseconds (sorts correctly as text), JSON documents are text, booleans are integers 0/1.
 */
export interface OrgsTable {
  id: string;
  name: string;
  jurisdiction: string;
  verified: number;
  created_at: string;
}

export interface PeopleTable {
  id: string;
  name: string;
  role: 'admin' | 'reviewer' | 'developer' | 'auditor';
  org_id: string | null;
  active: number;
  created_at: string;
}

export interface TokensTable {
  id: string;
  person_id: string;
  /** SHA-256 hex of the secret; the secret itself is never stored. */
  hash: string;
  expires_at: string | null;
  revoked_at: string | null;
  created_at: string;
}

export interface FrameworksTable {
  id: string;
  version: string;
  digest: string;
  effective: string;
  /** The framework as written (JSON text of the document). */
  document: string;
  /** The source text as uploaded (YAML or JSON). */
  source: string;
  published_at: string;
  log_index: number;
}

export interface ModelsTable {
  id: string;
  org_id: string;
  name: string;
  created_at: string;
  /** 0002: the version of the most recent concluded approval (null until one). */
  current_version: string | null;
}

export interface ModelVersionsTable {
  model_id: string;
  version: string;
  withdrawn_at: string | null;
  created_at: string;
  /** 0002: the latest concluding review of this version: 'approved' | 'denied' (null until one concludes). */
  conclusion: string | null;
  /** 0002: the tier of the latest concluding approval (null when none or denied). */
  approved_tier: string | null;
  /** 0002: the decision id (or the review id for a lapse) the conclusion rests on. */
  governing_ref: string | null;
  /** 0002: JSON conditions of the governing decision. */
  conditions: string | null;
  /** 0002: the framework of the governing review. */
  framework_id: string | null;
  framework_version: string | null;
  concluded_at: string | null;
}

/** A review: a submission or a re-review of one model version. */
export interface SubmissionsTable {
  id: string;
  kind: 'submission' | 'rereview';
  model_id: string;
  version: string;
  framework_id: string;
  framework_version: string;
  requested_tier: string;
  status: string;
  /** Native evidence as submitted (confidential). */
  evidence: string;
  /** The determination JSON (public: summaries only). */
  determination: string;
  determination_digest: string;
  evidence_digest: string;
  outcome: string;
  granted_tier: string;
  decision_due: string;
  received_at: string;
  concluded_at: string | null;
  /** The approved tier when it concluded with approval (decision or lapse); null otherwise. */
  approved_tier: string | null;
  conditions: string | null;
  submitted_by: string | null;
  reason: string | null;
  log_index: number;
}

export interface AppealsTable {
  id: string;
  submission_id: string;
  status: string;
  reasons: string;
  evidence: string | null;
  determination: string | null;
  decision_due: string;
  filed_at: string;
  filed_by: string;
  concluded_at: string | null;
  result: string | null;
  approved_tier: string | null;
  log_index: number;
}

export interface DecisionsTable {
  id: string;
  review_kind: 'submission' | 'appeal';
  review_id: string;
  action: 'approve' | 'deny' | 'request_evidence';
  tier: string | null;
  conditions: string | null;
  rationale: string;
  justification: string | null;
  override: number;
  status: 'proposed' | 'effective' | 'void';
  proposed_by: string;
  proposed_at: string;
  effective_at: string | null;
  /** 0002: the log index of its `decision.proposed` event. */
  log_index: number | null;
}

export interface SignaturesTable {
  decision_id: string;
  person_id: string;
  signed_at: string;
}

export interface IncidentsTable {
  id: string;
  model_id: string;
  version: string | null;
  class: string;
  reported_class: string;
  description: string;
  description_digest: string;
  evidence: string | null;
  discovered_at: string;
  reported_at: string;
  reported_by: string | null;
  status: 'reported' | 'classified' | 'dismissed' | 'resolved';
  late: number;
  max_tier: string | null;
  rereview_id: string | null;
  resolution: string | null;
  updated_at: string;
  /** 0002: the log index of its `incident.reported` event. */
  log_index: number | null;
}

export interface GrantsTable {
  id: string;
  model_id: string;
  org_id: string;
  tier: string;
  expires_at: string | null;
  reason: string;
  granted_by: string;
  created_at: string;
  revoked_at: string | null;
  /** 0002: the log index of its `grant.created` event. */
  log_index: number | null;
}

/** Every public event; its log entry has the same index. */
export interface EventsTable {
  type: string;
  at: string;
  actor: string;
  reason: string | null;
  submission_id: string | null;
  appeal_id: string | null;
  model_id: string | null;
  incident_id: string | null;
  subject: string;
  data: string;
  log_index: number;
}

/** The transparency log's sequenced entries; integration (hashes, tiles, checkpoints) runs behind them. */
export interface LogEntriesTable {
  idx: number;
  entry: string;
}

export interface LogStateTable {
  id: number;
  next_index: number;
}

/** 0003: the log's identity: origin (fixed at first start) and Ed25519 signer key (`PRIVATE+KEY+…`). */
export interface LogConfigTable {
  id: number;
  origin: string;
  signer_key: string;
  created_at: string;
}

/** 0003: hash tiles (C2SP tlog-tiles); `data` is base64 of width × 32 bytes; full tiles (256) never change. */
export interface LogTilesTable {
  level: number;
  idx: number;
  width: number;
  data: string;
}

/** 0003: entry bundles; `data` is base64 of the bundle (u16be length ‖ entry, repeated). */
export interface LogBundlesTable {
  idx: number;
  width: number;
  data: string;
}

/** 0003: how far integration got: size, compact range (JSON array of base64 hashes) and root (base64). */
export interface LogIntegratedTable {
  id: number;
  size: number;
  compact_range: string;
  root: string;
}

/** 0003: every signed checkpoint (signed note text). */
export interface LogCheckpointsTable {
  size: number;
  note: string;
  at: string;
}

export interface IdempotencyTable {
  key: string;
  person_id: string;
  body_digest: string;
  status: number;
  response: string;
  created_at: string;
}

/** A counter bumped by every change that can alter an access answer (servers poll it to refresh caches). */
export interface ChangeCounterTable {
  id: number;
  value: number;
}

export interface Database {
  orgs: OrgsTable;
  people: PeopleTable;
  tokens: TokensTable;
  frameworks: FrameworksTable;
  models: ModelsTable;
  model_versions: ModelVersionsTable;
  submissions: SubmissionsTable;
  appeals: AppealsTable;
  decisions: DecisionsTable;
  signatures: SignaturesTable;
  incidents: IncidentsTable;
  grants: GrantsTable;
  events: EventsTable;
  log_entries: LogEntriesTable;
  log_state: LogStateTable;
  log_config: LogConfigTable;
  log_tiles: LogTilesTable;
  log_bundles: LogBundlesTable;
  log_integrated: LogIntegratedTable;
  log_checkpoints: LogCheckpointsTable;
  idempotency: IdempotencyTable;
  change_counter: ChangeCounterTable;
}
