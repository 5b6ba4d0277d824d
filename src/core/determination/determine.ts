import { digestOf, type HasherFactory, nobleSha256 } from '../digest.js';
import { GreenlightError } from '../errors.js';
import { summarizeEvidence } from '../evidence/summarize.js';
import type { Evidence, SummaryDocument } from '../evidence/types.js';
import type { Domain, Framework, Threshold } from '../framework/types.js';
import { evaluateIndicator } from './evaluate.js';
import type {
  Determination,
  DeterminationRequest,
  DomainResult,
  IndicatorResult,
  Outcome,
  ThresholdResult,
  ThresholdStatus,
} from './types.js';

export const ENGINE = 'greenlight-determination/1';

export interface DetermineOptions {
  /** The native evidence as written, when it differs from `evidence` (e.g. carries keys in another order). */
  evidenceValue?: unknown;
  hasher?: HasherFactory;
}

/**
 * determine(framework, evidence, request) → determination. Pure: the same inputs give byte-identical output.
 * summarize (§0) → evaluate indicators (§1–2) → thresholds (§3) → domains (§4) → outcome (§5) → digests (§6).
 */
export function determine(
  framework: Framework,
  evidence: Evidence,
  request: DeterminationRequest = {},
  options: DetermineOptions = {},
): Determination {
  const hasher = options.hasher ?? nobleSha256;
  const requestedTier = resolveRequestedTier(framework, request);
  const summary = summarizeEvidence(evidence);
  const body = determineFromSummary(framework, summary, requestedTier, hasher);
  const evidenceDigest = digestOf(options.evidenceValue ?? evidence, hasher);
  return { ...body, evidence_digest: evidenceDigest, digest: digestOf(body, hasher) } as Determination;
}

function resolveRequestedTier(framework: Framework, request: DeterminationRequest): string {
  const tier = request.tier ?? framework.tiers[framework.tiers.length - 1]!.id;
  if (!framework.tiers.some((t) => t.id === tier)) {
    const known = framework.tiers.map((t) => t.id).join(', ');
    throw new GreenlightError('invalid_request', `unknown tier "${tier}"`, [
      { path: 'tier', message: `unknown tier "${tier}" (tiers: ${known})` },
    ]);
  }
  return tier;
}

type Body = Omit<Determination, 'digest' | 'evidence_digest'>;

function determineFromSummary(
  framework: Framework,
  summary: SummaryDocument,
  requestedTier: string,
  hasher: HasherFactory,
): Body {
  const domains = framework.domains.map((d) => evaluateDomain(d, summary, framework));
  const rank = tierRank(framework);
  const levels = framework.domains.flatMap((d, i) => {
    const level = domains[i]!.level;
    return level === null ? [] : [d.thresholds.find((t) => t.id === level)!];
  });
  const mostOpen = framework.tiers[framework.tiers.length - 1]!.id;
  const maxTier = levels.reduce(
    (acc, t) => (rank(t.requires.max_tier) < rank(acc) ? t.requires.max_tier : acc),
    mostOpen,
  );
  const required = requiredSafeguards(framework.domains, domains);
  const attested = summary.safeguards;
  const missing = required.filter((s) => !attested.includes(s));
  const grantedTier = rank(maxTier) < rank(requestedTier) ? maxTier : requestedTier;
  const outcome: Outcome = domains.some((d) => d.pending)
    ? 'more_evidence'
    : missing.length > 0
      ? 'safeguards_missing'
      : rank(maxTier) < rank(requestedTier)
        ? 'approve_restricted'
        : 'approve';
  const used = new Set(
    framework.domains.flatMap((d) => d.thresholds.flatMap((t) => t.indicators.map((i) => i.metric))),
  );
  const unmatched = [...new Set(summary.evaluations.map((e) => e.metric).filter((m) => !used.has(m)))].sort();
  return {
    greenlight: 1,
    framework: { id: framework.id, version: framework.version, digest: framework.digest },
    model: { id: summary.model.id, version: summary.model.version },
    requested_tier: requestedTier,
    outcome,
    max_tier: maxTier,
    granted_tier: grantedTier,
    safeguards: { required, attested, missing },
    domains,
    unmatched_metrics: unmatched,
    evidence_summary: summary,
    engine: ENGINE,
    inputs_digest: digestOf(
      { framework: framework.document, summary, request: { tier: requestedTier } },
      hasher,
    ),
  };
}

/** Tier ids ranked from most restricted (0) to most open. */
export function tierRank(framework: Framework): (id: string) => number {
  const ranks = new Map(framework.tiers.map((t, i) => [t.id, i]));
  return (id) => ranks.get(id) ?? -1;
}

/** §3: the threshold's status from its indicators' verdicts under its rule. */
export function thresholdStatus(
  rule: Threshold['rule'],
  indicators: readonly IndicatorResult[],
): ThresholdStatus {
  const k = indicators.length;
  const crossed = indicators.filter((i) => i.verdict === 'crossed').length;
  const below = indicators.filter((i) => i.verdict === 'below').length;
  const undecided = k - crossed - below;
  switch (rule) {
    case 'any':
      return crossed >= 1 ? 'crossed' : below === k ? 'below' : 'unresolved';
    case 'all':
      return crossed === k ? 'crossed' : below >= 1 ? 'below' : 'unresolved';
    case 'majority':
      return 2 * crossed > k ? 'crossed' : 2 * (crossed + undecided) <= k ? 'below' : 'unresolved';
  }
}

/** §4: thresholds in order; the level is the last one reached; pending under request_evidence. */
function evaluateDomain(domain: Domain, summary: SummaryDocument, framework: Framework): DomainResult {
  const thresholds: ThresholdResult[] = domain.thresholds.map((t) => {
    const indicators = t.indicators.map((ind) =>
      evaluateIndicator(ind, summary.evaluations, framework.statistics),
    );
    const status = thresholdStatus(t.rule, indicators);
    const reached =
      status === 'crossed' || (status === 'unresolved' && domain.unresolved === 'treat_as_crossed');
    return { id: t.id, rule: t.rule, status, reached, indicators };
  });
  let levelIndex = -1;
  thresholds.forEach((t, i) => {
    if (t.reached) levelIndex = i;
  });
  const pending =
    domain.unresolved === 'request_evidence' &&
    thresholds.slice(levelIndex + 1).some((t) => t.status === 'unresolved');
  return { id: domain.id, level: levelIndex < 0 ? null : thresholds[levelIndex]!.id, pending, thresholds };
}

/** §5: union of the safeguards of every threshold up to and including each domain's level, sorted. */
function requiredSafeguards(domains: readonly Domain[], results: readonly DomainResult[]): string[] {
  const out = new Set<string>();
  domains.forEach((d, i) => {
    const level = results[i]!.level;
    if (level === null) return;
    for (const t of d.thresholds) {
      for (const s of t.requires.safeguards) out.add(s);
      if (t.id === level) break;
    }
  });
  return [...out].sort();
}
