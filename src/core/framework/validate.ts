/**
 * The rules of framework.md, checked on a plain JSON value (the document as written). Pure: no I/O.
 * Every problem is collected (never just the first); nothing is built unless there are none.
 */
import { joinPath } from '../errors.js';
import type {
  AccessKind,
  Domain,
  Duration,
  DurationUnit,
  Framework,
  IncidentClass,
  Indicator,
  IntervalMethod,
  ReviewRules,
  Statistics,
  Threshold,
  ThresholdRule,
  Tier,
  UnresolvedPolicy,
} from './types.js';

/** A problem before it is located: `part` says whether to point at the key or at its value. */
export interface RawProblem {
  path: string;
  message: string;
  part: 'key' | 'value';
}

/** Marks a value that already has a problem reported (e.g. an unsupported YAML tag); checks skip it silently. */
export const INVALID: unique symbol = Symbol('invalid');

/** Optional access to how a scalar was written (e.g. `2026.10`), for clearer messages. */
export type SourceText = (path: string) => string | undefined;

export const ID_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
/** The framework id: the example's comment gives `[a-z0-9][a-z0-9-]*` (it appears in URLs and file names). */
export const FRAMEWORK_ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

export const ACCESS_KINDS: readonly AccessKind[] = ['developer', 'grant', 'verified', 'public'];
export const INTERVALS: readonly IntervalMethod[] = ['wilson', 'clopper-pearson', 'clt'];
export const RULES: readonly ThresholdRule[] = ['any', 'all', 'majority'];
export const UNRESOLVED: readonly UnresolvedPolicy[] = ['treat_as_crossed', 'request_evidence'];
export const ON_LAPSE: readonly ReviewRules['on_lapse'][] = ['deemed_approved', 'escalate'];
export const DURATION_UNITS: readonly DurationUnit[] = [
  'seconds',
  'minutes',
  'hours',
  'days',
  'business_days',
];

/** Upper bounds on durations (about 100 years) so that every clock stays a valid date. */
export const DURATION_MAX: Readonly<Record<DurationUnit, number>> = {
  seconds: 3_155_760_000,
  minutes: 52_596_000,
  hours: 876_600,
  days: 36_525,
  business_days: 26_100,
};

export const STATISTICS_DEFAULTS: Readonly<Statistics> = {
  confidence: 0.95,
  min_samples: 1,
  interval: 'wilson',
};

const ROOT_KEYS = [
  'greenlight',
  'id',
  'version',
  'title',
  'publisher',
  'effective',
  'statistics',
  'tiers',
  'safeguards',
  'domains',
  'review',
  'incidents',
] as const;
const ROOT_REQUIRED = [
  'greenlight',
  'id',
  'version',
  'title',
  'publisher',
  'effective',
  'tiers',
  'domains',
  'review',
];
const STATISTICS_KEYS = ['confidence', 'min_samples', 'interval'];
const TIER_KEYS = ['id', 'title', 'access'];
const SAFEGUARD_KEYS = ['id', 'title'];
const DOMAIN_KEYS = ['id', 'title', 'unresolved', 'thresholds'];
const DOMAIN_REQUIRED = ['id', 'title', 'thresholds'];
const THRESHOLD_KEYS = ['id', 'text', 'rule', 'indicators', 'requires'];
const THRESHOLD_REQUIRED = ['id', 'text', 'indicators', 'requires'];
const INDICATOR_KEYS = ['metric', 'above', 'below'];
const REQUIRES_KEYS = ['max_tier', 'safeguards'];
const REVIEW_KEYS = [
  'decision_within',
  'on_lapse',
  'quorum',
  'appeal_within',
  'appeal_decision_within',
  'holidays',
  'timezone',
];
const REVIEW_REQUIRED = ['decision_within', 'on_lapse', 'appeal_within', 'appeal_decision_within'];
const INCIDENT_KEYS = ['id', 'title', 'definition', 'report_within', 'response'];
const RESPONSE_KEYS = ['max_tier', 'rereview'];

type Obj = Record<string, unknown>;

/** Checks `doc` against every rule; returns the problems (empty when valid). */
export function checkFrameworkDocument(doc: unknown, sourceText?: SourceText): RawProblem[] {
  const c = new Checker(sourceText);
  c.root(doc);
  return c.problems;
}

/** Builds the validated framework from a document that `checkFrameworkDocument` accepted. */
export function buildFramework(doc: unknown, digest: string): Framework {
  const d = doc as Obj;
  const stats = (d.statistics ?? {}) as Obj;
  const review = d.review as Obj;
  const str = (v: unknown) => v as string;
  const list = (v: unknown) => (v ?? []) as Obj[];
  return {
    id: str(d.id),
    version: str(d.version),
    title: str(d.title),
    publisher: str(d.publisher),
    effective: str(d.effective),
    statistics: {
      confidence: (stats.confidence as number | undefined) ?? STATISTICS_DEFAULTS.confidence,
      min_samples: (stats.min_samples as number | undefined) ?? STATISTICS_DEFAULTS.min_samples,
      interval: (stats.interval as IntervalMethod | undefined) ?? STATISTICS_DEFAULTS.interval,
    },
    tiers: list(d.tiers).map(
      (t): Tier => ({ id: str(t.id), access: t.access as AccessKind, title: str(t.title) }),
    ),
    safeguards: list(d.safeguards).map((s) => ({ id: str(s.id), title: str(s.title) })),
    domains: list(d.domains).map(
      (dom): Domain => ({
        id: str(dom.id),
        title: str(dom.title),
        unresolved: (dom.unresolved as UnresolvedPolicy | undefined) ?? 'treat_as_crossed',
        thresholds: list(dom.thresholds).map((t): Threshold => {
          const req = t.requires as Obj;
          return {
            id: str(t.id),
            text: str(t.text),
            rule: (t.rule as ThresholdRule | undefined) ?? 'any',
            indicators: list(t.indicators).map(
              (i): Indicator =>
                Object.hasOwn(i, 'above')
                  ? { metric: str(i.metric), direction: 'above', threshold: i.above as number }
                  : { metric: str(i.metric), direction: 'below', threshold: i.below as number },
            ),
            requires: { max_tier: str(req.max_tier), safeguards: [...((req.safeguards ?? []) as string[])] },
          };
        }),
      }),
    ),
    review: {
      decision_within: toDuration(review.decision_within),
      on_lapse: review.on_lapse as ReviewRules['on_lapse'],
      quorum: (review.quorum as number | undefined) ?? 1,
      appeal_within: toDuration(review.appeal_within),
      appeal_decision_within: toDuration(review.appeal_decision_within),
      holidays: [...((review.holidays ?? []) as string[])],
      timezone: (review.timezone as string | undefined) ?? 'UTC',
    },
    incidents: list(d.incidents).map((i): IncidentClass => {
      const r = i.response as Obj;
      const response: IncidentClass['response'] = { rereview: (r.rereview as boolean | undefined) ?? false };
      if (r.max_tier !== undefined) response.max_tier = str(r.max_tier);
      return {
        id: str(i.id),
        title: str(i.title),
        definition: str(i.definition),
        report_within: toDuration(i.report_within),
        response,
      };
    }),
    document: doc,
    digest,
  };
}

function toDuration(v: unknown): Duration {
  const o = v as Obj;
  const unit = Object.keys(o)[0] as DurationUnit;
  return { unit, amount: o[unit] as number };
}

/** A short description of a value for "expected X, got Y" messages. */
export function describe(v: unknown): string {
  if (v === null) return 'an empty value (null)';
  if (Array.isArray(v)) return v.length === 0 ? 'an empty list' : 'a list';
  switch (typeof v) {
    case 'string':
      return v === ''
        ? 'empty text ""'
        : `the text ${JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v)}`;
    case 'number':
      return `the number ${v}`;
    case 'boolean':
      return `${v}`;
    case 'object':
      return 'a mapping';
    default:
      return `a ${typeof v}`;
  }
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const own = (o: Obj, k: string) => Object.hasOwn(o, k);

function isRealDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]!;
  return d <= days;
}

const zoneCache = new Map<string, string | null>();
/** The canonical IANA name Intl resolves `name` to, or null when it is not a time zone. */
function resolveTimeZone(name: string): string | null {
  let r = zoneCache.get(name);
  if (r !== undefined) return r;
  r = null;
  // IANA names are letters, digits and _ + - separated by slashes; this also rules out offsets like "+01:00".
  if (/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name) && name.length <= 64) {
    try {
      r = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    } catch {
      r = null;
    }
  }
  if (zoneCache.size < 1000) zoneCache.set(name, r);
  return r;
}

/** Levenshtein distance, for "did you mean" hints on short keys. */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

function suggest(key: string, allowed: readonly string[]): string | undefined {
  const lower = key.toLowerCase().replace(/[\s-]/g, '_');
  const exact = allowed.find((a) => a === lower);
  if (exact) return exact;
  if (key.length > 40) return undefined;
  let best: string | undefined;
  let bestD = 3;
  for (const a of allowed) {
    const d = distance(lower, a);
    if (d < bestD) {
      bestD = d;
      best = a;
    }
  }
  return bestD <= (key.length <= 3 ? 1 : 2) ? best : undefined;
}

interface TierInfo {
  index: number;
  id: string;
}

class Checker {
  readonly problems: RawProblem[] = [];
  private tierIds: string[] = [];
  private tierIndex = new Map<string, number>();
  /** False when `tiers` is missing or not a list: then tier references are not checked (no noise). */
  private tiersKnown = false;
  private safeguardIds: string[] = [];
  private safeguardSet = new Set<string>();
  private safeguardsKnown = false;

  constructor(private readonly sourceText?: SourceText) {}

  add(path: string, message: string, part: 'key' | 'value' = 'value'): void {
    this.problems.push({ path, message, part });
  }

  /** A mapping with only `allowed` keys, all of `required` present. Returns it, or undefined after a problem. */
  obj(
    v: unknown,
    path: string,
    what: string,
    allowed: readonly string[],
    required: readonly string[],
  ): Obj | undefined {
    if (v === INVALID) return undefined;
    if (!isObj(v)) {
      this.add(path, `expected ${what} (a mapping of keys to values), got ${describe(v)}`);
      return undefined;
    }
    for (const k of Object.keys(v)) {
      if (allowed.includes(k)) continue;
      const hint = suggest(k, allowed);
      this.add(
        joinPath(path, k),
        `unknown key ${JSON.stringify(k)}${hint ? ` (did you mean "${hint}"?)` : ''}; ${what} has only: ${allowed.join(', ')}`,
        'key',
      );
    }
    for (const k of required) {
      if (!own(v, k)) this.add(path, `missing required key "${k}" in ${what}`);
    }
    return v;
  }

  /** A list of at least `min` entries. */
  list(v: unknown, path: string, what: string, min: number): unknown[] | undefined {
    if (v === INVALID) return undefined;
    if (!Array.isArray(v)) {
      this.add(path, `expected a list of ${what}, got ${describe(v)}`);
      return undefined;
    }
    if (v.length < min) this.add(path, `must list at least one ${what.replace(/s$/, '')}`);
    return v;
  }

  text(v: unknown, path: string): string | undefined {
    if (v === INVALID) return undefined;
    if (typeof v !== 'string') {
      this.add(path, `expected text, got ${describe(v)}`);
      return undefined;
    }
    if (v.trim() === '') {
      this.add(path, 'must not be empty');
      return undefined;
    }
    return v;
  }

  id(v: unknown, path: string, what: string, pattern = ID_PATTERN): string | undefined {
    if (v === INVALID) return undefined;
    const shown = pattern.source.replace(/^\^|\$$/g, '');
    if (typeof v !== 'string') {
      this.add(path, `expected ${what} as text matching ${shown}, got ${describe(v)}`);
      return undefined;
    }
    if (!pattern.test(v)) {
      this.add(
        path,
        `invalid ${what} ${JSON.stringify(v)}: use lowercase letters, digits${pattern === ID_PATTERN ? ' and . _ -' : ' and -'}, starting with a letter or digit (${shown})`,
      );
      return undefined;
    }
    return v;
  }

  oneOf<T extends string>(v: unknown, path: string, options: readonly T[]): T | undefined {
    if (v === INVALID) return undefined;
    if (typeof v !== 'string' || !options.includes(v as T)) {
      const hint = typeof v === 'string' ? suggest(v, options) : undefined;
      this.add(
        path,
        `expected one of ${options.join(', ')}, got ${describe(v)}${hint && hint !== v ? ` (did you mean "${hint}"?)` : ''}`,
      );
      return undefined;
    }
    return v as T;
  }

  integer(v: unknown, path: string, min: number): number | undefined {
    if (v === INVALID) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.add(path, `expected a whole number ≥ ${min}, got ${describe(v)}`);
      return undefined;
    }
    if (v < min) {
      this.add(path, `must be a whole number ≥ ${min}, got ${v}`);
      return undefined;
    }
    if (!Number.isSafeInteger(v)) {
      this.add(path, `the number ${v} is too large`);
      return undefined;
    }
    return v;
  }

  finite(v: unknown, path: string): number | undefined {
    if (v === INVALID) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.add(path, `expected a finite number, got ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  boolean(v: unknown, path: string): boolean | undefined {
    if (v === INVALID) return undefined;
    if (typeof v !== 'boolean') {
      this.add(path, `expected true or false, got ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  date(v: unknown, path: string): string | undefined {
    if (v === INVALID) return undefined;
    if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) {
      this.add(path, `expected a date written as YYYY-MM-DD, got ${describe(v)}`);
      return undefined;
    }
    if (!isRealDate(v)) {
      this.add(path, `${JSON.stringify(v)} is not a real calendar date`);
      return undefined;
    }
    return v;
  }

  duration(v: unknown, path: string): void {
    if (v === INVALID) return;
    const expected = `a duration with exactly one of ${DURATION_UNITS.join(', ')}, e.g. { days: 15 }`;
    if (!isObj(v)) {
      this.add(path, `expected ${expected}, got ${describe(v)}`);
      return;
    }
    const keys = Object.keys(v);
    const units = keys.filter((k) => (DURATION_UNITS as readonly string[]).includes(k));
    for (const k of keys) {
      if (units.includes(k)) continue;
      const hint = suggest(k, DURATION_UNITS);
      this.add(
        joinPath(path, k),
        `unknown unit ${JSON.stringify(k)}${hint ? ` (did you mean "${hint}"?)` : ''}; units: ${DURATION_UNITS.join(', ')}`,
        'key',
      );
    }
    if (units.length === 0) {
      if (keys.length === 0) this.add(path, `expected ${expected}, got an empty mapping`);
      return;
    }
    if (units.length > 1) {
      this.add(path, `has ${units.map((u) => `"${u}"`).join(' and ')}; a duration has exactly one unit`);
    }
    for (const u of units as DurationUnit[]) {
      const p = joinPath(path, u);
      const n = v[u];
      if (n === INVALID) continue;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
        this.add(p, `expected a positive whole number of ${u.replace('_', ' ')}, got ${describe(n)}`);
      } else if (n > DURATION_MAX[u]) {
        this.add(p, `${n} ${u.replace('_', ' ')} is too long (at most ${DURATION_MAX[u]}, about 100 years)`);
      }
    }
  }

  /** Reports the second and later uses of an id in one list. */
  unique(ids: Array<{ id: string | undefined; path: string }>, what: string, listPath: string): void {
    const first = new Map<string, number>();
    ids.forEach(({ id, path }, i) => {
      if (id === undefined) return;
      const j = first.get(id);
      if (j === undefined) first.set(id, i);
      else this.add(path, `duplicate ${what} ${JSON.stringify(id)} (already used by ${listPath}[${j}])`);
    });
  }

  tierRef(v: unknown, path: string): TierInfo | undefined {
    if (v === INVALID) return undefined;
    if (typeof v !== 'string') {
      this.add(path, `expected a tier id, got ${describe(v)}`);
      return undefined;
    }
    if (!this.tiersKnown) return undefined;
    const index = this.tierIndex.get(v);
    if (index === undefined) {
      this.add(
        path,
        `unknown tier ${JSON.stringify(v)} (tiers: ${this.tierIds.join(', ') || 'none defined'})`,
      );
      return undefined;
    }
    return { index, id: v };
  }

  safeguardRefs(v: unknown, path: string): void {
    const list = this.list(v, path, 'safeguard ids', 0);
    if (!list) return;
    const seen = new Map<string, number>();
    list.forEach((s, i) => {
      const p = joinPath(path, i);
      if (s === INVALID) return;
      if (typeof s !== 'string') {
        this.add(p, `expected a safeguard id, got ${describe(s)}`);
        return;
      }
      const j = seen.get(s);
      if (j !== undefined)
        this.add(p, `safeguard ${JSON.stringify(s)} is listed twice (also at ${path}[${j}])`);
      else seen.set(s, i);
      if (this.safeguardsKnown && !this.safeguardSet.has(s)) {
        this.add(
          p,
          `unknown safeguard ${JSON.stringify(s)} (${
            this.safeguardIds.length > 0
              ? `safeguards: ${this.safeguardIds.join(', ')}`
              : 'no safeguards are defined; list them under safeguards'
          })`,
        );
      }
    });
  }

  root(doc: unknown): void {
    if (doc === INVALID) return;
    if (!isObj(doc)) {
      this.add('', `a framework must be a mapping of keys to values at the top level, got ${describe(doc)}`);
      return;
    }
    const d = this.obj(doc, '', 'a framework', ROOT_KEYS, ROOT_REQUIRED);
    if (!d) return;

    if (own(d, 'greenlight') && d.greenlight !== INVALID && d.greenlight !== 1) {
      this.add(
        'greenlight',
        `must be 1 (the only version of the framework format), got ${describe(d.greenlight)}`,
      );
    }
    if (own(d, 'id')) this.id(d.id, 'id', 'framework id', FRAMEWORK_ID_PATTERN);
    if (own(d, 'version')) this.version(d.version);
    for (const k of ['title', 'publisher'] as const) if (own(d, k)) this.text(d[k], k);
    if (own(d, 'effective')) this.date(d.effective, 'effective');
    if (own(d, 'statistics')) this.statistics(d.statistics);

    // Catalogues first: thresholds and incidents refer to them.
    if (own(d, 'tiers')) this.tiers(d.tiers);
    if (own(d, 'safeguards')) this.safeguards(d.safeguards);
    else this.safeguardsKnown = true; // absent means the empty catalogue

    if (own(d, 'domains')) this.domains(d.domains);
    if (own(d, 'review')) this.review(d.review);
    if (own(d, 'incidents')) this.incidents(d.incidents);
  }

  version(v: unknown): void {
    if (v === INVALID) return;
    if (typeof v === 'string') {
      if (v.trim() === '') this.add('version', 'must not be empty');
      return;
    }
    if (typeof v === 'number') {
      const src = this.sourceText?.('version')?.trim();
      const written = src && /^[0-9.eE+-]+$/.test(src) ? src : String(v);
      const misread = written !== String(v) ? ` (unquoted, ${written} is read as the number ${v})` : '';
      this.add(
        'version',
        `must be text, not a number: write it in quotes, e.g. version: "${written}"${misread}`,
      );
      return;
    }
    this.add('version', `expected text such as "2026.1", got ${describe(v)}`);
  }

  statistics(v: unknown): void {
    const s = this.obj(v, 'statistics', 'statistics', STATISTICS_KEYS, []);
    if (!s) return;
    if (own(s, 'confidence')) {
      const c = this.finite(s.confidence, 'statistics.confidence');
      if (c !== undefined && !(c > 0 && c < 1)) {
        this.add('statistics.confidence', `must be between 0 and 1 (both excluded), e.g. 0.95; got ${c}`);
      }
    }
    if (own(s, 'min_samples')) this.integer(s.min_samples, 'statistics.min_samples', 1);
    if (own(s, 'interval')) this.oneOf(s.interval, 'statistics.interval', INTERVALS);
  }

  tiers(v: unknown): void {
    const list = this.list(v, 'tiers', 'tiers', 1);
    if (!list) return;
    this.tiersKnown = true;
    const ids: Array<{ id: string | undefined; path: string }> = [];
    /** The most open access kind so far and the tier that has it. */
    let maxRank = -1;
    let maxAt = -1;
    list.forEach((t, i) => {
      const path = joinPath('tiers', i);
      const o = this.obj(t, path, 'a tier', TIER_KEYS, TIER_KEYS);
      if (!o) {
        ids.push({ id: undefined, path });
        return;
      }
      const id = own(o, 'id') ? this.id(o.id, joinPath(path, 'id'), 'tier id') : undefined;
      ids.push({ id, path: joinPath(path, 'id') });
      if (id !== undefined && !this.tierIndex.has(id)) {
        this.tierIndex.set(id, i);
        this.tierIds.push(id);
      }
      if (own(o, 'title')) this.text(o.title, joinPath(path, 'title'));
      if (!own(o, 'access')) return;
      const access = this.oneOf(o.access, joinPath(path, 'access'), ACCESS_KINDS);
      if (access === undefined) return;
      const rank = ACCESS_KINDS.indexOf(access);
      if (rank < maxRank) {
        const prev = list[maxAt] as Obj;
        const prevName = typeof prev.id === 'string' ? ` "${prev.id}"` : '';
        this.add(
          joinPath(path, 'access'),
          `access "${access}" is more restrictive than "${ACCESS_KINDS[maxRank]}" of the more restricted tier${prevName} (tiers[${maxAt}]); tiers go from most restricted to most open, so access must not become more restrictive (${ACCESS_KINDS.join(' < ')})`,
        );
      } else {
        maxRank = rank;
        maxAt = i;
      }
    });
    this.unique(ids, 'tier id', 'tiers');
  }

  safeguards(v: unknown): void {
    const list = this.list(v, 'safeguards', 'safeguards', 0);
    if (!list) return;
    this.safeguardsKnown = true;
    const ids: Array<{ id: string | undefined; path: string }> = [];
    list.forEach((s, i) => {
      const path = joinPath('safeguards', i);
      const o = this.obj(s, path, 'a safeguard', SAFEGUARD_KEYS, SAFEGUARD_KEYS);
      if (!o) return;
      const id = own(o, 'id') ? this.id(o.id, joinPath(path, 'id'), 'safeguard id') : undefined;
      ids.push({ id, path: joinPath(path, 'id') });
      if (id !== undefined && !this.safeguardSet.has(id)) {
        this.safeguardSet.add(id);
        this.safeguardIds.push(id);
      }
      if (own(o, 'title')) this.text(o.title, joinPath(path, 'title'));
    });
    this.unique(ids, 'safeguard id', 'safeguards');
  }

  domains(v: unknown): void {
    const list = this.list(v, 'domains', 'domains', 1);
    if (!list) return;
    const ids: Array<{ id: string | undefined; path: string }> = [];
    list.forEach((dv, i) => {
      const path = joinPath('domains', i);
      const o = this.obj(dv, path, 'a domain', DOMAIN_KEYS, DOMAIN_REQUIRED);
      if (!o) return;
      ids.push({
        id: own(o, 'id') ? this.id(o.id, joinPath(path, 'id'), 'domain id') : undefined,
        path: joinPath(path, 'id'),
      });
      if (own(o, 'title')) this.text(o.title, joinPath(path, 'title'));
      if (own(o, 'unresolved')) this.oneOf(o.unresolved, joinPath(path, 'unresolved'), UNRESOLVED);
      if (own(o, 'thresholds')) this.thresholds(o.thresholds, joinPath(path, 'thresholds'));
    });
    this.unique(ids, 'domain id', 'domains');
  }

  thresholds(v: unknown, listPath: string): void {
    const list = this.list(v, listPath, 'thresholds', 1);
    if (!list) return;
    const ids: Array<{ id: string | undefined; path: string }> = [];
    /** The most restricted max_tier so far (lowest index) and the threshold that set it. */
    let strictest: { index: number; tier: string; threshold: string; at: number } | undefined;
    list.forEach((tv, i) => {
      const path = joinPath(listPath, i);
      const o = this.obj(tv, path, 'a threshold', THRESHOLD_KEYS, THRESHOLD_REQUIRED);
      if (!o) return;
      const id = own(o, 'id') ? this.id(o.id, joinPath(path, 'id'), 'threshold id') : undefined;
      ids.push({ id, path: joinPath(path, 'id') });
      if (own(o, 'text')) this.text(o.text, joinPath(path, 'text'));
      if (own(o, 'rule')) this.oneOf(o.rule, joinPath(path, 'rule'), RULES);
      if (own(o, 'indicators')) this.indicators(o.indicators, joinPath(path, 'indicators'));
      if (!own(o, 'requires')) return;
      const reqPath = joinPath(path, 'requires');
      const req = this.obj(o.requires, reqPath, 'requires', REQUIRES_KEYS, ['max_tier']);
      if (!req) return;
      if (own(req, 'safeguards')) this.safeguardRefs(req.safeguards, joinPath(reqPath, 'safeguards'));
      if (!own(req, 'max_tier')) return;
      const tierPath = joinPath(reqPath, 'max_tier');
      const tier = this.tierRef(req.max_tier, tierPath);
      if (!tier) return;
      const name = id ?? `number ${i + 1}`;
      if (strictest && tier.index > strictest.index) {
        this.add(
          tierPath,
          `tier "${tier.id}" is more open than "${strictest.tier}" required by the less severe threshold "${strictest.threshold}" (${listPath}[${strictest.at}]); thresholds are listed in ascending severity, so max_tier must not become more open`,
        );
      } else {
        strictest = { index: tier.index, tier: tier.id, threshold: name, at: i };
      }
    });
    this.unique(ids, 'threshold id', listPath);
  }

  indicators(v: unknown, listPath: string): void {
    const list = this.list(v, listPath, 'indicators', 1);
    if (!list) return;
    const metrics: Array<{ id: string | undefined; path: string }> = [];
    list.forEach((iv, i) => {
      const path = joinPath(listPath, i);
      const o = this.obj(iv, path, 'an indicator', INDICATOR_KEYS, ['metric']);
      if (!o) return;
      const metric = own(o, 'metric')
        ? this.id(o.metric, joinPath(path, 'metric'), 'metric name')
        : undefined;
      metrics.push({ id: metric, path: joinPath(path, 'metric') });
      const hasAbove = own(o, 'above');
      const hasBelow = own(o, 'below');
      if (hasAbove && hasBelow) {
        this.add(
          path,
          'has both "above" and "below"; an indicator has exactly one (above: crossed when the value is ≥ x; below: crossed when ≤ x)',
        );
      } else if (!hasAbove && !hasBelow) {
        this.add(
          path,
          'needs "above: x" (crossed when the value is ≥ x) or "below: x" (crossed when the value is ≤ x)',
        );
      }
      if (hasAbove) this.finite(o.above, joinPath(path, 'above'));
      if (hasBelow) this.finite(o.below, joinPath(path, 'below'));
    });
    const seen = new Map<string, number>();
    metrics.forEach(({ id, path }, i) => {
      if (id === undefined) return;
      const j = seen.get(id);
      if (j === undefined) seen.set(id, i);
      else
        this.add(
          path,
          `metric ${JSON.stringify(id)} is used twice in this threshold (also at ${listPath}[${j}])`,
        );
    });
  }

  review(v: unknown): void {
    const r = this.obj(v, 'review', 'review', REVIEW_KEYS, REVIEW_REQUIRED);
    if (!r) return;
    for (const k of ['decision_within', 'appeal_within', 'appeal_decision_within'] as const) {
      if (own(r, k)) this.duration(r[k], joinPath('review', k));
    }
    if (own(r, 'on_lapse')) this.oneOf(r.on_lapse, 'review.on_lapse', ON_LAPSE);
    if (own(r, 'quorum')) this.integer(r.quorum, 'review.quorum', 1);
    if (own(r, 'holidays')) {
      const list = this.list(r.holidays, 'review.holidays', 'dates (YYYY-MM-DD)', 0);
      const seen = new Map<string, number>();
      list?.forEach((h, i) => {
        const p = joinPath('review.holidays', i);
        const d = this.date(h, p);
        if (d === undefined) return;
        const j = seen.get(d);
        if (j !== undefined) this.add(p, `holiday ${d} is listed twice (also at review.holidays[${j}])`);
        else seen.set(d, i);
      });
    }
    if (own(r, 'timezone')) this.timezone(r.timezone);
  }

  timezone(v: unknown): void {
    if (v === INVALID) return;
    const path = 'review.timezone';
    if (typeof v !== 'string') {
      this.add(path, `expected an IANA time zone name such as America/New_York or UTC, got ${describe(v)}`);
      return;
    }
    const resolved = resolveTimeZone(v);
    if (resolved === null) {
      this.add(
        path,
        `unknown time zone ${JSON.stringify(v)} (expected an IANA name such as America/New_York, Europe/Paris or UTC)`,
      );
    } else if (resolved !== v && resolved.toLowerCase() === v.toLowerCase()) {
      this.add(path, `write the time zone as ${JSON.stringify(resolved)} (IANA names are case-sensitive)`);
    }
  }

  incidents(v: unknown): void {
    const list = this.list(v, 'incidents', 'incident classes', 0);
    if (!list) return;
    const ids: Array<{ id: string | undefined; path: string }> = [];
    list.forEach((iv, i) => {
      const path = joinPath('incidents', i);
      const o = this.obj(iv, path, 'an incident class', INCIDENT_KEYS, INCIDENT_KEYS);
      if (!o) return;
      ids.push({
        id: own(o, 'id') ? this.id(o.id, joinPath(path, 'id'), 'incident id') : undefined,
        path: joinPath(path, 'id'),
      });
      if (own(o, 'title')) this.text(o.title, joinPath(path, 'title'));
      if (own(o, 'definition')) this.text(o.definition, joinPath(path, 'definition'));
      if (own(o, 'report_within')) this.duration(o.report_within, joinPath(path, 'report_within'));
      if (!own(o, 'response')) return;
      const rp = joinPath(path, 'response');
      const resp = this.obj(o.response, rp, 'an incident response', RESPONSE_KEYS, []);
      if (!resp) return;
      if (own(resp, 'max_tier')) this.tierRef(resp.max_tier, joinPath(rp, 'max_tier'));
      if (own(resp, 'rereview')) this.boolean(resp.rereview, joinPath(rp, 'rereview'));
    });
    this.unique(ids, 'incident id', 'incidents');
  }
}
