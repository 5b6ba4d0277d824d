/**
 * What changed between two versions of a framework, threshold by threshold, in words a non-programmer can
 * read. Compares the frameworks as loaded (defaults applied), so writing a default out changes nothing.
 * Items are matched by id (indicators by metric), never by position. Pure.
 */
import type {
  AccessKind,
  Domain,
  Duration,
  Framework,
  IncidentClass,
  Indicator,
  Threshold,
  ThresholdRule,
  Tier,
} from './types.js';

export type ChangeSection =
  | 'metadata'
  | 'statistics'
  | 'tiers'
  | 'safeguards'
  | 'domains'
  | 'review'
  | 'incidents';

export type ChangeKind =
  | 'metadata_changed'
  | 'statistics_changed'
  | 'tier_added'
  | 'tier_removed'
  | 'tier_title_changed'
  | 'tier_access_changed'
  | 'tiers_reordered'
  | 'safeguard_added'
  | 'safeguard_removed'
  | 'safeguard_title_changed'
  | 'domain_added'
  | 'domain_removed'
  | 'domain_title_changed'
  | 'domain_unresolved_changed'
  | 'threshold_added'
  | 'threshold_removed'
  | 'thresholds_reordered'
  | 'threshold_text_changed'
  | 'threshold_rule_changed'
  | 'indicator_added'
  | 'indicator_removed'
  | 'indicator_value_changed'
  | 'indicator_direction_changed'
  | 'required_tier_changed'
  | 'required_safeguards_changed'
  | 'review_changed'
  | 'incident_added'
  | 'incident_removed'
  | 'incident_changed';

/**
 * `stricter`: models face more restrictions or reach thresholds more easily; `looser`: the reverse. Absent when
 * a change is neither (wording, deadlines, reordering) or cannot be judged on its own.
 */
export type ChangeEffect = 'stricter' | 'looser';

export interface FrameworkChange {
  section: ChangeSection;
  /** Id-based path, stable across versions: `domains[id=cyber].thresholds[id=high].indicators[metric=m].above`. */
  path: string;
  kind: ChangeKind;
  /** The old value, `null` when the item was added. */
  before: unknown;
  /** The new value, `null` when the item was removed. */
  after: unknown;
  /** Plain-English description. */
  summary: string;
  effect?: ChangeEffect;
  /** Domain id, for changes within a domain. */
  domain?: string;
  /** Threshold id, for changes within a threshold. */
  threshold?: string;
}

const ACCESS_ORDER: readonly AccessKind[] = ['developer', 'grant', 'verified', 'public'];
const ACCESS_WORDS: Record<AccessKind, string> = {
  developer: 'the developer only',
  grant: 'organisations holding a grant',
  verified: 'any verified organisation',
  public: 'anyone',
};
/** How easily a rule is satisfied: `any` triggers most easily. */
const RULE_EASE: Record<ThresholdRule, number> = { all: 0, majority: 1, any: 2 };
const RULE_WORDS: Record<ThresholdRule, string> = {
  any: 'any one of its indicators is crossed',
  majority: 'more than half of its indicators are crossed',
  all: 'all of its indicators are crossed',
};

export function diffFrameworks(a: Framework, b: Framework): FrameworkChange[] {
  const out: FrameworkChange[] = [];
  metadata(a, b, out);
  statistics(a, b, out);
  tiers(a, b, out);
  safeguards(a, b, out);
  domains(a, b, out);
  review(a, b, out);
  incidents(a, b, out);
  return out;
}

/** "1 day", "30 business days". */
export function formatDuration(d: Duration): string {
  const words: Record<Duration['unit'], [string, string]> = {
    seconds: ['second', 'seconds'],
    minutes: ['minute', 'minutes'],
    hours: ['hour', 'hours'],
    days: ['calendar day', 'calendar days'],
    business_days: ['business day', 'business days'],
  };
  const [one, many] = words[d.unit];
  return `${d.amount} ${d.amount === 1 ? one : many}`;
}

const q = (s: string) => JSON.stringify(s);
const sameDuration = (x: Duration, y: Duration) => x.unit === y.unit && x.amount === y.amount;

/** Approximate length in seconds, to say "shorter"/"longer" (business days count as 7/5 calendar days). */
function approxSeconds(d: Duration): number {
  const unit = { seconds: 1, minutes: 60, hours: 3600, days: 86_400, business_days: 86_400 * 1.4 }[d.unit];
  return d.amount * unit;
}

function longerOrShorter(before: Duration, after: Duration): string {
  const x = approxSeconds(before);
  const y = approxSeconds(after);
  return y < x ? 'shorter' : y > x ? 'longer' : 'changed';
}

function push(out: FrameworkChange[], c: FrameworkChange): void {
  if (c.effect === undefined) delete c.effect;
  if (c.domain === undefined) delete c.domain;
  if (c.threshold === undefined) delete c.threshold;
  out.push(c);
}

function byId<T extends { id: string }>(list: readonly T[]): Map<string, T> {
  return new Map(list.map((x) => [x.id, x]));
}

/** The ids common to both lists, in each list's order; reordered when the orders differ. */
function reordered(
  a: readonly string[],
  b: readonly string[],
): { before: string[]; after: string[] } | undefined {
  const inB = new Set(b);
  const inA = new Set(a);
  const before = a.filter((x) => inB.has(x));
  const after = b.filter((x) => inA.has(x));
  return before.some((x, i) => x !== after[i]) ? { before, after } : undefined;
}

function metadata(a: Framework, b: Framework, out: FrameworkChange[]): void {
  const fields: Array<[keyof Framework & string, string]> = [
    ['id', 'Framework id'],
    ['version', 'Version'],
    ['title', 'Title'],
    ['publisher', 'Publisher'],
    ['effective', 'Effective date'],
  ];
  for (const [k, label] of fields) {
    if (a[k] === b[k]) continue;
    push(out, {
      section: 'metadata',
      path: k,
      kind: 'metadata_changed',
      before: a[k],
      after: b[k],
      summary: `${label} changed from ${q(a[k] as string)} to ${q(b[k] as string)}${
        k === 'id' ? ' (these are different frameworks, not two versions of one)' : ''
      }`,
    });
  }
}

function statistics(a: Framework, b: Framework, out: FrameworkChange[]): void {
  const sa = a.statistics;
  const sb = b.statistics;
  if (sa.confidence !== sb.confidence) {
    push(out, {
      section: 'statistics',
      path: 'statistics.confidence',
      kind: 'statistics_changed',
      before: sa.confidence,
      after: sb.confidence,
      summary: `Confidence level of every interval changed from ${pct(sa.confidence)} to ${pct(sb.confidence)}: intervals become ${
        sb.confidence > sa.confidence ? 'wider' : 'narrower'
      }`,
    });
  }
  if (sa.min_samples !== sb.min_samples) {
    const more = sb.min_samples > sa.min_samples;
    push(out, {
      section: 'statistics',
      path: 'statistics.min_samples',
      kind: 'statistics_changed',
      before: sa.min_samples,
      after: sb.min_samples,
      effect: more ? 'stricter' : 'looser',
      summary: `An evaluation now needs at least ${sb.min_samples} distinct samples (was ${sa.min_samples}); with fewer it is "insufficient" — ${
        more ? 'more samples required (stricter)' : 'fewer samples required (more permissive)'
      }`,
    });
  }
  if (sa.interval !== sb.interval) {
    push(out, {
      section: 'statistics',
      path: 'statistics.interval',
      kind: 'statistics_changed',
      before: sa.interval,
      after: sb.interval,
      summary: `Intervals for 0/1 data are now computed with the ${sb.interval} method (was ${sa.interval})`,
    });
  }
}

function pct(x: number): string {
  return `${Math.round(x * 10_000) / 100}%`;
}

function tiers(a: Framework, b: Framework, out: FrameworkChange[]): void {
  const ma = byId(a.tiers);
  const mb = byId(b.tiers);
  for (const t of a.tiers) {
    if (mb.has(t.id)) continue;
    push(out, {
      section: 'tiers',
      path: `tiers[id=${t.id}]`,
      kind: 'tier_removed',
      before: t,
      after: null,
      summary: `Tier ${q(t.id)} (${t.title}) was removed`,
    });
  }
  b.tiers.forEach((t, i) => {
    const old = ma.get(t.id);
    if (!old) {
      push(out, {
        section: 'tiers',
        path: `tiers[id=${t.id}]`,
        kind: 'tier_added',
        before: null,
        after: t,
        summary: `New tier ${q(t.id)} (${t.title}): access for ${ACCESS_WORDS[t.access]}, ${position(b.tiers, i)}`,
      });
      return;
    }
    if (old.title !== t.title) {
      push(out, {
        section: 'tiers',
        path: `tiers[id=${t.id}].title`,
        kind: 'tier_title_changed',
        before: old.title,
        after: t.title,
        summary: `Tier ${q(t.id)} renamed from ${q(old.title)} to ${q(t.title)}`,
      });
    }
    if (old.access !== t.access) {
      const stricter = ACCESS_ORDER.indexOf(t.access) < ACCESS_ORDER.indexOf(old.access);
      push(out, {
        section: 'tiers',
        path: `tiers[id=${t.id}].access`,
        kind: 'tier_access_changed',
        before: old.access,
        after: t.access,
        effect: stricter ? 'stricter' : 'looser',
        summary: `Tier ${q(t.id)} access changed from ${old.access} (${ACCESS_WORDS[old.access]}) to ${t.access} (${
          ACCESS_WORDS[t.access]
        }) — ${stricter ? 'more restricted (stricter)' : 'more open (more permissive)'}`,
      });
    }
  });
  const r = reordered(
    a.tiers.map((t) => t.id),
    b.tiers.map((t) => t.id),
  );
  if (r) {
    push(out, {
      section: 'tiers',
      path: 'tiers',
      kind: 'tiers_reordered',
      before: r.before,
      after: r.after,
      summary: `Tiers were reordered (most restricted to most open): now ${r.after.join(' < ')} (was ${r.before.join(' < ')})`,
    });
  }
}

function position(list: readonly Tier[], i: number): string {
  if (list.length === 1) return 'the only tier';
  if (i === 0) return `the most restricted tier, before ${q(list[1]!.id)}`;
  return `more open than ${q(list[i - 1]!.id)}`;
}

function safeguards(a: Framework, b: Framework, out: FrameworkChange[]): void {
  const ma = byId(a.safeguards);
  const mb = byId(b.safeguards);
  for (const s of a.safeguards) {
    if (!mb.has(s.id)) {
      push(out, {
        section: 'safeguards',
        path: `safeguards[id=${s.id}]`,
        kind: 'safeguard_removed',
        before: s,
        after: null,
        summary: `Safeguard ${q(s.id)} (${s.title}) was removed from the catalogue`,
      });
    }
  }
  for (const s of b.safeguards) {
    const old = ma.get(s.id);
    if (!old) {
      push(out, {
        section: 'safeguards',
        path: `safeguards[id=${s.id}]`,
        kind: 'safeguard_added',
        before: null,
        after: s,
        summary: `New safeguard ${q(s.id)} in the catalogue: ${s.title}`,
      });
    } else if (old.title !== s.title) {
      push(out, {
        section: 'safeguards',
        path: `safeguards[id=${s.id}].title`,
        kind: 'safeguard_title_changed',
        before: old.title,
        after: s.title,
        summary: `Safeguard ${q(s.id)} now reads ${q(s.title)} (was ${q(old.title)})`,
      });
    }
  }
}

function domains(a: Framework, b: Framework, out: FrameworkChange[]): void {
  const ma = byId(a.domains);
  const mb = byId(b.domains);
  for (const d of b.domains) {
    const old = ma.get(d.id);
    if (!old) {
      push(out, {
        section: 'domains',
        path: `domains[id=${d.id}]`,
        kind: 'domain_added',
        before: null,
        after: d,
        domain: d.id,
        effect: 'stricter',
        summary: `New domain ${q(d.id)} (${d.title}) with ${count(d.thresholds.length, 'threshold')}: ${d.thresholds
          .map((t) => t.id)
          .join(', ')}`,
      });
      continue;
    }
    domain(old, d, a, b, out);
  }
  for (const d of a.domains) {
    if (mb.has(d.id)) continue;
    push(out, {
      section: 'domains',
      path: `domains[id=${d.id}]`,
      kind: 'domain_removed',
      before: d,
      after: null,
      domain: d.id,
      effect: 'looser',
      summary: `Domain ${q(d.id)} (${d.title}) was removed, with its ${count(d.thresholds.length, 'threshold')}`,
    });
  }
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function domain(da: Domain, db: Domain, a: Framework, b: Framework, out: FrameworkChange[]): void {
  const base = `domains[id=${db.id}]`;
  const ctx = { section: 'domains' as const, domain: db.id };
  if (da.title !== db.title) {
    push(out, {
      ...ctx,
      path: `${base}.title`,
      kind: 'domain_title_changed',
      before: da.title,
      after: db.title,
      summary: `Domain ${q(db.id)} renamed from ${q(da.title)} to ${q(db.title)}`,
    });
  }
  if (da.unresolved !== db.unresolved) {
    const words = {
      treat_as_crossed: 'a threshold that cannot be ruled out counts as reached',
      request_evidence: 'a threshold that cannot be ruled out leads to a request for more evidence',
    };
    const looser = db.unresolved === 'request_evidence';
    push(out, {
      ...ctx,
      path: `${base}.unresolved`,
      kind: 'domain_unresolved_changed',
      before: da.unresolved,
      after: db.unresolved,
      effect: looser ? 'looser' : 'stricter',
      summary: `In ${db.title}, ${words[db.unresolved]} (was: ${words[da.unresolved]}) — ${
        looser ? 'more permissive' : 'stricter'
      }`,
    });
  }
  const ta = byId(da.thresholds);
  const tb = byId(db.thresholds);
  for (const t of db.thresholds) {
    const old = ta.get(t.id);
    if (!old) {
      push(out, {
        ...ctx,
        threshold: t.id,
        path: `${base}.thresholds[id=${t.id}]`,
        kind: 'threshold_added',
        before: null,
        after: t,
        effect: 'stricter',
        summary: `New threshold ${q(t.id)} in ${db.title}: ${t.text} It is crossed when ${RULE_WORDS[t.rule]} (${t.indicators
          .map(indicatorWords)
          .join(
            '; ',
          )}) and then requires at most tier ${q(t.requires.max_tier)}${safeguardWords(t.requires.safeguards)}`,
      });
      continue;
    }
    threshold(old, t, base, db, a, b, out);
  }
  for (const t of da.thresholds) {
    if (tb.has(t.id)) continue;
    push(out, {
      ...ctx,
      threshold: t.id,
      path: `${base}.thresholds[id=${t.id}]`,
      kind: 'threshold_removed',
      before: t,
      after: null,
      effect: 'looser',
      summary: `Threshold ${q(t.id)} was removed from ${db.title}`,
    });
  }
  const r = reordered(
    da.thresholds.map((t) => t.id),
    db.thresholds.map((t) => t.id),
  );
  if (r) {
    push(out, {
      ...ctx,
      path: `${base}.thresholds`,
      kind: 'thresholds_reordered',
      before: r.before,
      after: r.after,
      summary: `Thresholds in ${db.title} were reordered (least to most severe): now ${r.after.join(', ')} (was ${r.before.join(', ')})`,
    });
  }
}

function safeguardWords(list: readonly string[]): string {
  return list.length === 0 ? ' with no safeguards' : ` with safeguards ${list.join(', ')}`;
}

function indicatorWords(i: Indicator): string {
  return `${i.metric} ${i.direction === 'above' ? '≥' : '≤'} ${i.threshold}`;
}

function threshold(
  ta: Threshold,
  tb: Threshold,
  domainBase: string,
  d: Domain,
  a: Framework,
  b: Framework,
  out: FrameworkChange[],
): void {
  const base = `${domainBase}.thresholds[id=${tb.id}]`;
  const ctx = { section: 'domains' as const, domain: d.id, threshold: tb.id };
  const name = `Threshold ${q(tb.id)} in ${d.title}`;
  if (ta.text !== tb.text) {
    push(out, {
      ...ctx,
      path: `${base}.text`,
      kind: 'threshold_text_changed',
      before: ta.text,
      after: tb.text,
      summary: `${name}: its description changed to: ${tb.text}`,
    });
  }
  if (ta.rule !== tb.rule) {
    const easier = RULE_EASE[tb.rule] > RULE_EASE[ta.rule];
    push(out, {
      ...ctx,
      path: `${base}.rule`,
      kind: 'threshold_rule_changed',
      before: ta.rule,
      after: tb.rule,
      effect: easier ? 'stricter' : 'looser',
      summary: `${name} is now crossed when ${RULE_WORDS[tb.rule]} (was: when ${RULE_WORDS[ta.rule]}) — ${
        easier ? 'triggers more easily (stricter)' : 'triggers less easily (more permissive)'
      }`,
    });
  }
  indicators(ta, tb, base, name, ctx, out);
  if (ta.requires.max_tier !== tb.requires.max_tier) {
    const order = tierOrder(ta.requires.max_tier, tb.requires.max_tier, a, b);
    const effect: ChangeEffect | undefined =
      order === undefined ? undefined : order < 0 ? 'stricter' : 'looser';
    push(out, {
      ...ctx,
      path: `${base}.requires.max_tier`,
      kind: 'required_tier_changed',
      before: ta.requires.max_tier,
      after: tb.requires.max_tier,
      effect,
      summary: `${name}: once reached, the model may be released at most to tier ${q(tb.requires.max_tier)} (was ${q(
        ta.requires.max_tier,
      )})${effect === 'stricter' ? ' — a more restricted tier (stricter)' : effect === 'looser' ? ' — a more open tier (more permissive)' : ''}`,
    });
  }
  const added = tb.requires.safeguards.filter((s) => !ta.requires.safeguards.includes(s));
  const removed = ta.requires.safeguards.filter((s) => !tb.requires.safeguards.includes(s));
  if (added.length > 0 || removed.length > 0) {
    const parts: string[] = [];
    if (added.length > 0) parts.push(`now also requires ${added.join(', ')}`);
    if (removed.length > 0) parts.push(`no longer requires ${removed.join(', ')}`);
    const effect: ChangeEffect | undefined =
      removed.length === 0 ? 'stricter' : added.length === 0 ? 'looser' : undefined;
    push(out, {
      ...ctx,
      path: `${base}.requires.safeguards`,
      kind: 'required_safeguards_changed',
      before: ta.requires.safeguards,
      after: tb.requires.safeguards,
      effect,
      summary: `${name}: ${parts.join('; ')}${
        effect === 'stricter' ? ' (stricter)' : effect === 'looser' ? ' (more permissive)' : ''
      }`,
    });
  }
}

/** <0 when `after` is more restricted than `before`, >0 when more open; undefined when not comparable. */
function tierOrder(before: string, after: string, a: Framework, b: Framework): number | undefined {
  for (const f of [b, a]) {
    const i = f.tiers.findIndex((t) => t.id === before);
    const j = f.tiers.findIndex((t) => t.id === after);
    if (i >= 0 && j >= 0) return j - i;
  }
  return undefined;
}

function indicators(
  ta: Threshold,
  tb: Threshold,
  base: string,
  name: string,
  ctx: { section: 'domains'; domain: string; threshold: string },
  out: FrameworkChange[],
): void {
  const ia = new Map(ta.indicators.map((i) => [i.metric, i]));
  const ib = new Map(tb.indicators.map((i) => [i.metric, i]));
  // One more indicator makes an `any` threshold easier to reach and an `all` threshold harder.
  const addEffect: ChangeEffect | undefined =
    tb.rule === 'any' ? 'stricter' : tb.rule === 'all' ? 'looser' : undefined;
  const removeEffect: ChangeEffect | undefined =
    tb.rule === 'any' ? 'looser' : tb.rule === 'all' ? 'stricter' : undefined;
  for (const i of tb.indicators) {
    const old = ia.get(i.metric);
    const path = `${base}.indicators[metric=${i.metric}]`;
    if (!old) {
      push(out, {
        ...ctx,
        path,
        kind: 'indicator_added',
        before: null,
        after: i,
        effect: addEffect,
        summary: `${name}: new indicator ${indicatorWords(i)}${effectWords(addEffect)}`,
      });
      continue;
    }
    if (old.direction !== i.direction) {
      push(out, {
        ...ctx,
        path,
        kind: 'indicator_direction_changed',
        before: old,
        after: i,
        summary: `${name}: indicator ${i.metric} is now crossed when the value is ${
          i.direction === 'above' ? 'at or above' : 'at or below'
        } ${i.threshold} (was ${old.direction === 'above' ? 'at or above' : 'at or below'} ${old.threshold})`,
      });
      continue;
    }
    if (old.threshold !== i.threshold) {
      const lower = i.threshold < old.threshold;
      const stricter = i.direction === 'above' ? lower : !lower;
      const effect: ChangeEffect = stricter ? 'stricter' : 'looser';
      const how =
        i.direction === 'above'
          ? lower
            ? 'now triggers at a lower score (stricter)'
            : 'now triggers only at a higher score (more permissive)'
          : lower
            ? 'now triggers only at a lower value (more permissive)'
            : 'now triggers at a higher value (stricter)';
      push(out, {
        ...ctx,
        path: `${path}.${i.direction}`,
        kind: 'indicator_value_changed',
        before: old.threshold,
        after: i.threshold,
        effect,
        summary: `${name}: indicator ${i.metric} moved from ${old.direction} ${old.threshold} to ${i.direction} ${i.threshold} — ${how}`,
      });
    }
  }
  for (const i of ta.indicators) {
    if (ib.has(i.metric)) continue;
    push(out, {
      ...ctx,
      path: `${base}.indicators[metric=${i.metric}]`,
      kind: 'indicator_removed',
      before: i,
      after: null,
      effect: removeEffect,
      summary: `${name}: indicator ${indicatorWords(i)} was removed${effectWords(removeEffect)}`,
    });
  }
}

function effectWords(e: ChangeEffect | undefined): string {
  return e === 'stricter' ? ' (stricter)' : e === 'looser' ? ' (more permissive)' : '';
}

function review(a: Framework, b: Framework, out: FrameworkChange[]): void {
  const ra = a.review;
  const rb = b.review;
  const ctx = { section: 'review' as const, kind: 'review_changed' as const };
  const clocks: Array<['decision_within' | 'appeal_within' | 'appeal_decision_within', string]> = [
    ['decision_within', 'The approving body must decide within'],
    ['appeal_within', 'The developer may appeal a decision within'],
    ['appeal_decision_within', 'An appeal must be decided within'],
  ];
  for (const [k, words] of clocks) {
    if (sameDuration(ra[k], rb[k])) continue;
    push(out, {
      ...ctx,
      path: `review.${k}`,
      before: ra[k],
      after: rb[k],
      summary: `${words} ${formatDuration(rb[k])} (was ${formatDuration(ra[k])}) — ${longerOrShorter(ra[k], rb[k])}`,
    });
  }
  if (ra.on_lapse !== rb.on_lapse) {
    const words = { deemed_approved: 'it is deemed approved', escalate: 'it is escalated' };
    push(out, {
      ...ctx,
      path: 'review.on_lapse',
      before: ra.on_lapse,
      after: rb.on_lapse,
      summary: `If no decision is made in time, ${words[rb.on_lapse]} (was: ${words[ra.on_lapse]})`,
    });
  }
  if (ra.quorum !== rb.quorum) {
    push(out, {
      ...ctx,
      path: 'review.quorum',
      before: ra.quorum,
      after: rb.quorum,
      summary: `${count(rb.quorum, 'reviewer')} must now sign each decision (was ${ra.quorum})`,
    });
  }
  const hAdded = rb.holidays.filter((h) => !ra.holidays.includes(h));
  const hRemoved = ra.holidays.filter((h) => !rb.holidays.includes(h));
  if (hAdded.length > 0 || hRemoved.length > 0) {
    const parts: string[] = [];
    if (hAdded.length > 0) parts.push(`added ${hAdded.join(', ')}`);
    if (hRemoved.length > 0) parts.push(`removed ${hRemoved.join(', ')}`);
    push(out, {
      ...ctx,
      path: 'review.holidays',
      before: ra.holidays,
      after: rb.holidays,
      summary: `Holidays (not business days): ${parts.join('; ')}`,
    });
  }
  if (ra.timezone !== rb.timezone) {
    push(out, {
      ...ctx,
      path: 'review.timezone',
      before: ra.timezone,
      after: rb.timezone,
      summary: `Business days and deadlines are now counted in the ${rb.timezone} time zone (was ${ra.timezone})`,
    });
  }
}

function incidents(a: Framework, b: Framework, out: FrameworkChange[]): void {
  const ma = byId(a.incidents);
  const mb = byId(b.incidents);
  for (const i of b.incidents) {
    const old = ma.get(i.id);
    const base = `incidents[id=${i.id}]`;
    if (!old) {
      push(out, {
        section: 'incidents',
        path: base,
        kind: 'incident_added',
        before: null,
        after: i,
        summary: `New incident class ${q(i.id)} (${i.title}): to be reported within ${formatDuration(i.report_within)}; ${responseWords(i)}`,
      });
      continue;
    }
    incident(old, i, base, a, b, out);
  }
  for (const i of a.incidents) {
    if (mb.has(i.id)) continue;
    push(out, {
      section: 'incidents',
      path: `incidents[id=${i.id}]`,
      kind: 'incident_removed',
      before: i,
      after: null,
      summary: `Incident class ${q(i.id)} (${i.title}) was removed`,
    });
  }
}

function responseWords(i: IncidentClass): string {
  const tier = i.response.max_tier
    ? `the model is restricted to at most tier ${q(i.response.max_tier)}`
    : 'no tier restriction';
  return `${tier}${i.response.rereview ? ' and a re-review is opened' : ''}`;
}

function incident(
  ia: IncidentClass,
  ib: IncidentClass,
  base: string,
  a: Framework,
  b: Framework,
  out: FrameworkChange[],
): void {
  const ctx = { section: 'incidents' as const, kind: 'incident_changed' as const };
  const name = `Incident class ${q(ib.id)}`;
  if (ia.title !== ib.title) {
    push(out, {
      ...ctx,
      path: `${base}.title`,
      before: ia.title,
      after: ib.title,
      summary: `${name} renamed to ${q(ib.title)} (was ${q(ia.title)})`,
    });
  }
  if (ia.definition !== ib.definition) {
    push(out, {
      ...ctx,
      path: `${base}.definition`,
      before: ia.definition,
      after: ib.definition,
      summary: `${name}: its definition changed to: ${ib.definition}`,
    });
  }
  if (!sameDuration(ia.report_within, ib.report_within)) {
    const how = longerOrShorter(ia.report_within, ib.report_within);
    push(out, {
      ...ctx,
      path: `${base}.report_within`,
      before: ia.report_within,
      after: ib.report_within,
      effect: how === 'shorter' ? 'stricter' : how === 'longer' ? 'looser' : undefined,
      summary: `${name} must now be reported within ${formatDuration(ib.report_within)} (was ${formatDuration(ia.report_within)}) — ${
        how === 'shorter'
          ? 'less time (stricter)'
          : how === 'longer'
            ? 'more time (more permissive)'
            : 'changed'
      }`,
    });
  }
  const ta = ia.response.max_tier;
  const tb = ib.response.max_tier;
  if (ta !== tb) {
    let effect: ChangeEffect | undefined;
    if (ta === undefined) effect = 'stricter';
    else if (tb === undefined) effect = 'looser';
    else {
      const o = tierOrder(ta, tb, a, b);
      effect = o === undefined ? undefined : o < 0 ? 'stricter' : 'looser';
    }
    push(out, {
      ...ctx,
      path: `${base}.response.max_tier`,
      before: ta ?? null,
      after: tb ?? null,
      effect,
      summary: `${name}: ${
        tb === undefined
          ? 'no longer restricts the model to a tier'
          : `now restricts the model to at most tier ${q(tb)}`
      } (was ${ta === undefined ? 'no restriction' : `at most ${q(ta)}`})${effectWords(effect)}`,
    });
  }
  if (ia.response.rereview !== ib.response.rereview) {
    push(out, {
      ...ctx,
      path: `${base}.response.rereview`,
      before: ia.response.rereview,
      after: ib.response.rereview,
      effect: ib.response.rereview ? 'stricter' : 'looser',
      summary: `${name}: ${ib.response.rereview ? 'now opens a re-review' : 'no longer opens a re-review'}${effectWords(
        ib.response.rereview ? 'stricter' : 'looser',
      )}`,
    });
  }
}
