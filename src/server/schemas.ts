/**
 * Zod 4 schemas of request bodies, parameters and queries (they validate requests and generate the OpenAPI
 * document), and descriptive schemas of answers (documentation only; answers are sent as the workflow made them).
 */
import { z } from 'zod';

const text = (max: number) => z.string().min(1).max(max);
export const Id = text(200);
export const Time = z.iso.datetime({ offset: true }).describe('RFC 3339 time');
export const TierName = text(100);

export const FrameworkRef = z.strictObject({ id: Id, version: text(100) }).meta({ id: 'FrameworkRef' });

const Evaluation = z
  .looseObject({
    metric: text(200),
    label: z.string().optional(),
    source: z.record(z.string(), z.unknown()).optional(),
  })
  .describe(
    'one of: per-sample {samples}, {successes, trials}, {n, sum, sumsq, clusters?}, {mean, stderr, n} (evidence.md)',
  );

export const Evidence = z
  .looseObject({
    greenlight: z.literal(1),
    model: z.looseObject({ id: text(401), version: text(200) }),
    safeguards: z.array(z.string()).optional(),
    evaluations: z.array(Evaluation),
  })
  .describe('native evidence (evidence.md)')
  .meta({ id: 'Evidence' });

export const Conditions = z.strictObject({
  jurisdictions: z
    .strictObject({
      allow: z.array(z.string().regex(/^[A-Z]{2}$/)).optional(),
      deny: z.array(z.string().regex(/^[A-Z]{2}$/)).optional(),
    })
    .optional(),
});

export const DecisionBody = z
  .strictObject({
    action: z.enum(['approve', 'deny', 'request_evidence']),
    tier: TierName.optional(),
    conditions: Conditions.optional(),
    rationale: text(20_000),
    justification: text(20_000).optional(),
  })
  .meta({ id: 'DecisionInput' });

export const AssessBody = z.strictObject({
  framework: FrameworkRef,
  evidence: Evidence,
  tier: TierName.optional(),
});

export const OrgBody = z.strictObject({
  id: Id,
  name: text(500),
  jurisdiction: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .describe('ISO 3166-1 alpha-2'),
  verified: z.boolean(),
});

export const PersonBody = z.strictObject({
  id: Id,
  name: text(500),
  role: z.enum(['admin', 'reviewer', 'developer', 'auditor']),
  org: Id.nullable().optional(),
});

export const TokenBody = z.strictObject({ person: Id, expires_at: Time.optional() });
export const ReasonBody = z.strictObject({ reason: text(20_000) });
export const OptionalReasonBody = z.strictObject({ reason: text(20_000).optional() }).optional();
export const EvidenceBody = z.strictObject({ evidence: Evidence });
export const AppealBody = z.strictObject({ reasons: text(20_000), evidence: Evidence.optional() });
export const WithdrawModelBody = z.strictObject({ version: text(200).optional(), reason: text(20_000) });
export const IncidentBody = z.strictObject({
  model: text(401),
  class: Id,
  description: text(50_000),
  discovered_at: Time,
  evidence: z.array(text(2000)).max(100).optional().describe('links'),
});
export const ClassifyBody = z.strictObject({ class: Id });
export const GrantBody = z.strictObject({
  model: text(401),
  org: Id,
  tier: TierName,
  expires_at: Time.optional(),
  reason: text(20_000),
});
export const GrantsBody = z.strictObject({
  model: text(401),
  orgs: z.array(Id).min(1).max(10_000),
  tier: TierName,
  expires_at: Time.optional(),
  reason: text(20_000),
});
export const AccessQuery = z.strictObject({ model: text(401), org: Id, version: text(200).optional() });
export const AccessBatchBody = z.strictObject({ checks: z.array(AccessQuery).min(1).max(1000) });

export const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(1000).optional(),
});
export const SubmissionsQuery = PageQuery.extend({
  status: z
    .enum([
      'in_review',
      'evidence_requested',
      'decided',
      'deemed_approved',
      'escalated',
      'withdrawn',
      'superseded',
    ])
    .optional(),
  model: text(401).optional(),
});
export const ModelsQuery = PageQuery.extend({ q: z.string().max(200).optional() });

export const IdParams = z.strictObject({ id: Id });
export const FrameworkParams = z.strictObject({ id: Id, version: text(100) });
export const ModelParams = z.strictObject({ org: Id, name: Id });

// ---- answers (documentation) ----

export const ErrorAnswer = z
  .object({
    error: z.object({
      code: z.enum([
        'bad_request',
        'unauthorized',
        'forbidden',
        'not_found',
        'conflict',
        'payload_too_large',
        'invalid',
        'rate_limited',
        'internal',
      ]),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })),
    }),
  })
  .meta({ id: 'Error' });

export const AnyObject = z.looseObject({});
export const ListAnswer = z.object({ items: z.array(AnyObject), next_cursor: z.string().nullable() });
export const Published = z.object({
  id: z.string(),
  version: z.string(),
  digest: z.string(),
  log_index: z.number().int().optional(),
});
export const PersonCreated = z.object({
  id: z.string(),
  role: z.string(),
  org: z.string().nullable(),
  token: z.string(),
});
export const TokenIssued = z.object({ id: z.string(), token: z.string() });
export const Created = z.looseObject({ id: z.string() });
export const AccessAnswer = z
  .object({
    allow: z.boolean(),
    tier: z.string().nullable(),
    rule: z.enum([
      'developer',
      'public',
      'verified',
      'grant',
      'unverified',
      'not_granted',
      'grant_expired',
      'jurisdiction',
      'withdrawn',
      'no_approval',
      'unknown_model',
    ]),
    ref: z.string().nullable(),
  })
  .meta({ id: 'AccessAnswer' });
export const AccessBatchAnswer = z.object({ results: z.array(AccessAnswer) });
export const DecisionAnswer = z
  .looseObject({
    id: z.string(),
    action: z.enum(['approve', 'deny', 'request_evidence']),
    tier: z.string().nullable(),
    override: z.boolean(),
    signatures: z.number().int(),
    signers: z.array(z.string()),
    effective: z.boolean(),
  })
  .meta({ id: 'Decision' });
export const SubmissionAnswer = z
  .looseObject({
    id: z.string(),
    kind: z.enum(['submission', 'rereview']),
    status: z.string(),
    model: z.object({ id: z.string(), version: z.string() }),
    framework: z.object({ id: z.string(), version: z.string(), digest: z.string() }),
    requested_tier: z.string(),
    determination: AnyObject,
    decision_due: z.string(),
    decisions: z.array(DecisionAnswer),
    appeals: z.array(AnyObject),
    events: z.array(AnyObject),
    log_index: z.number().int(),
  })
  .meta({ id: 'Submission' });
export const AppealAnswer = z
  .looseObject({ id: z.string(), status: z.string(), decision_due: z.string() })
  .meta({ id: 'Appeal' });
export const ModelAnswer = z
  .looseObject({
    id: z.string(),
    current_version: z.string().nullable(),
    effective_tier: z.string().nullable(),
    status: z.string(),
    versions: z.array(AnyObject),
    submissions: z.array(AnyObject),
    incidents: z.array(AnyObject),
    grants: z.array(AnyObject).optional(),
  })
  .meta({ id: 'Model' });
