/**
 * What both Inspect containers share once parsed: the header, one record per (sample id, epoch), and the rules
 * that turn them into native evaluations — comparability, scorer selection, score conversion, provenance.
 */
import { GreenlightError } from '../../errors.js';
import type { Evaluation, Sample } from '../../evidence/types.js';
import type { ImportLimits, ImportOptions, ImportResult, MappingRule } from '../types.js';
import { ALL, arr, obj, type Sel, SKIP } from './json-stream.js';
import { inspectScoreToNumber } from './score.js';
import { firstLine, printable } from './text.js';

export const DEFAULT_LIMITS: Required<ImportLimits> = {
  maxDecompressedBytes: 4 * 1024 * 1024 * 1024,
  maxEntries: 100_000,
  maxDepth: 1000,
};

export function resolveLimits(limits: ImportLimits | undefined): Required<ImportLimits> {
  const pick = (v: number | undefined, d: number, name: string) => {
    if (v === undefined) return d;
    if (!Number.isSafeInteger(v) || v < 1)
      throw new GreenlightError('invalid_input', `limits.${name} must be a positive integer, got ${v}`);
    return v;
  };
  return {
    maxDecompressedBytes: pick(
      limits?.maxDecompressedBytes,
      DEFAULT_LIMITS.maxDecompressedBytes,
      'maxDecompressedBytes',
    ),
    maxEntries: pick(limits?.maxEntries, DEFAULT_LIMITS.maxEntries, 'maxEntries'),
    maxDepth: pick(limits?.maxDepth, DEFAULT_LIMITS.maxDepth, 'maxDepth'),
  };
}

/** `EvalLog.version` (LOG_SCHEMA_VERSION) as of the format notes. */
const KNOWN_LOG_VERSION = 2;

/** Inspect's key for the single legacy `score` of a sample (`SCORER_PLACEHOLDER`). */
const LEGACY_SCORE_KEY = '88F74D2C';

// ---------------------------------------------------------------------------------------------------------
// Selectors: what is built of a log; everything else is parsed and dropped.

const SCORE_SEL = obj({ value: ALL, history: arr(SKIP) });

/** An `EvalSample` (sample member, `.json` samples) or an `EvalSampleSummary` (summaries). */
export const ROW_SEL: Sel = obj({
  id: ALL,
  epoch: ALL,
  scores: obj({}, SCORE_SEL),
  score: SCORE_SEL,
  error: obj({ message: ALL }),
  error_retries: arr(SKIP),
  retries: ALL,
  completed: ALL,
  limit: obj({ type: ALL }),
});

const EVAL_SEL = obj({
  eval_id: ALL,
  run_id: ALL,
  created: ALL,
  task: ALL,
  task_id: ALL,
  task_registry_name: ALL,
  task_display_name: ALL,
  model: ALL,
  model_roles: obj({}, obj({ model: ALL })),
  dataset: obj({ name: ALL, samples: ALL, sample_ids: arr(SKIP) }),
  config: obj({ limit: ALL, sample_id: arr(SKIP), epochs: ALL, epochs_reducer: ALL }),
  packages: obj({ inspect_ai: ALL }),
});

export const REDUCTIONS_SEL: Sel = arr(
  obj({ scorer: ALL, reducer: ALL, samples: arr(obj({ sample_id: ALL, value: ALL })) }),
);

/**
 * An `EvalLog` (a `.json` log, `header.json`, `_journal/start.json`). Samples go to `onSample` one by one;
 * `reductions` is built only while `wantReductions()` says so (they are a fallback for logs without samples).
 */
export function logSel(onSample: (v: unknown) => void, wantReductions: () => boolean): Sel {
  return obj({
    version: ALL,
    status: ALL,
    invalidated: ALL,
    eval: EVAL_SEL,
    results: obj({
      total_samples: ALL,
      completed_samples: ALL,
      scores: arr(obj({ name: ALL, scorer: ALL, reducer: ALL })),
      scorer: obj({ name: ALL }),
    }),
    error: obj({ message: ALL }),
    samples: arr(ROW_SEL, onSample),
    reductions: () => (wantReductions() ? REDUCTIONS_SEL : SKIP),
  });
}

// ---------------------------------------------------------------------------------------------------------
// Per-sample records.

type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function int(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined;
}

interface ScoreCell {
  value: unknown;
  edits: number;
}

/** One (sample id, epoch): the part of a sample or summary that the import needs. */
export interface Row {
  id: string | number;
  epoch: number;
  scores: Map<string, ScoreCell> | null;
  error: string | null;
  completed: boolean | null;
  retries: number;
  limit: string | null;
}

function showId(id: string | number): string {
  return typeof id === 'number' ? String(id) : JSON.stringify(id);
}

/** Normalizes one built sample or summary; `where` names it for errors (file and member or position). */
export function toRow(raw: unknown, where: string): Row {
  if (!isObj(raw)) throw new GreenlightError('invalid_input', `${where}: a sample record is not an object`);
  const id = raw.id;
  if (!(typeof id === 'string' || int(id) !== undefined))
    throw new GreenlightError(
      'invalid_input',
      `${where}: a sample has ${id === undefined ? 'no id' : `an id that is neither a string nor an integer (${JSON.stringify(id) ?? String(id)})`}`,
    );
  const sid = id as string | number;
  let epoch = 1;
  if (raw.epoch !== undefined && raw.epoch !== null) {
    const e = int(raw.epoch);
    if (e === undefined || e < 1)
      throw new GreenlightError(
        'invalid_input',
        `${where}: sample ${showId(sid)} has epoch ${JSON.stringify(raw.epoch) ?? String(raw.epoch)}, not an integer ≥ 1`,
      );
    epoch = e;
  }
  let scores: Map<string, ScoreCell> | null = null;
  const cell = (s: unknown): ScoreCell =>
    isObj(s)
      ? { value: s.value, edits: Array.isArray(s.history) ? s.history.length : 0 }
      : { value: undefined, edits: 0 };
  if (isObj(raw.scores)) {
    scores = new Map();
    for (const [k, s] of Object.entries(raw.scores)) scores.set(k, cell(s));
  } else if (raw.scores !== undefined && raw.scores !== null) {
    throw new GreenlightError(
      'invalid_input',
      `${where}: sample ${showId(sid)} epoch ${epoch}: "scores" is not an object`,
    );
  } else if (isObj(raw.score)) {
    scores = new Map([[LEGACY_SCORE_KEY, cell(raw.score)]]);
  }
  let error: string | null = null;
  if (typeof raw.error === 'string' && raw.error !== '') error = raw.error;
  else if (isObj(raw.error)) error = str(raw.error.message) ?? 'error';
  const retries = int(raw.retries) ?? (Array.isArray(raw.error_retries) ? raw.error_retries.length : 0);
  const limit = str(raw.limit) ?? (isObj(raw.limit) ? (str(raw.limit.type) ?? 'limit') : null);
  return {
    id: sid,
    epoch,
    scores,
    error,
    completed: typeof raw.completed === 'boolean' ? raw.completed : null,
    retries,
    limit,
  };
}

/** Records keyed by (id, epoch); a later record replaces an earlier one (Inspect's "last one wins"). */
export class RowSet {
  private readonly rows = new Map<string, Row>();

  add(row: Row): void {
    this.rows.set(`${typeof row.id === 'number' ? 'n' : 's'}${row.id}\u0000${row.epoch}`, row);
  }

  get size(): number {
    return this.rows.size;
  }

  /** Sorted by id (numbers first, then strings), then epoch. */
  sorted(): Row[] {
    return [...this.rows.values()].sort((a, b) => {
      if (a.id !== b.id) {
        if (typeof a.id !== typeof b.id) return typeof a.id === 'number' ? -1 : 1;
        return a.id < b.id ? -1 : 1;
      }
      return a.epoch - b.epoch;
    });
  }
}

/**
 * Per-sample records from reductions, for logs that hold no samples (e.g. header-only `.json`). Only a mean
 * reduction (or any reduction of a single epoch) stands in for the per-sample values.
 */
function rowsFromReductions(reductions: unknown, epochs: number): { rows: Row[]; skipped: string[] } {
  const out = new RowSet();
  const byId = new Map<string, Row>();
  const skipped: string[] = [];
  if (!Array.isArray(reductions)) return { rows: [], skipped };
  const byScorer = new Map<string, Obj[]>();
  for (const r of reductions) {
    if (!isObj(r) || typeof r.scorer !== 'string') continue;
    const list = byScorer.get(r.scorer) ?? [];
    list.push(r);
    byScorer.set(r.scorer, list);
  }
  for (const [scorer, list] of byScorer) {
    const pick =
      list.find((r) => r.reducer === undefined || r.reducer === null || r.reducer === 'mean') ??
      (epochs <= 1 ? list[0] : undefined);
    if (pick === undefined || !Array.isArray(pick.samples)) {
      skipped.push(scorer);
      continue;
    }
    for (const s of pick.samples) {
      if (!isObj(s)) continue;
      const id = s.sample_id;
      if (!(typeof id === 'string' || int(id) !== undefined)) continue;
      const key = `${typeof id}:${id}`;
      let row = byId.get(key);
      if (row === undefined) {
        row = {
          id: id as string | number,
          epoch: 1,
          scores: new Map(),
          error: null,
          completed: null,
          retries: 0,
          limit: null,
        };
        byId.set(key, row);
        out.add(row);
      }
      row.scores!.set(scorer, { value: s.value, edits: 0 });
    }
  }
  return { rows: out.sorted(), skipped };
}

// ---------------------------------------------------------------------------------------------------------
// From a parsed log to evaluations.

export type SampleSource = 'samples' | 'summaries' | 'journal summaries';

export interface ParsedLog {
  /** The built `EvalLog` header (or `_journal/start.json`). */
  header: unknown;
  /** True when `header.json` was missing and the header came from `_journal/start.json`. */
  fromJournal: boolean;
  rows: RowSet;
  source: SampleSource;
  /** Built reductions, when the log holds no per-sample records. */
  reductions: unknown;
  warnings: string[];
}

interface Selected {
  metric: string;
  scorer: string;
  key: string | undefined;
  spec: string;
}

interface Catalogue {
  /** Scorer name → its dict keys, or null for scalar scores. */
  scorers: Map<string, Set<string> | null>;
}

function catalogue(rows: Row[]): Catalogue {
  const scorers = new Map<string, Set<string> | null>();
  for (const r of rows) {
    if (r.scores === null) continue;
    for (const [name, c] of r.scores) {
      if (isObj(c.value)) {
        let keys = scorers.get(name);
        if (keys === null || keys === undefined) {
          keys = new Set();
          scorers.set(name, keys);
        }
        for (const k of Object.keys(c.value)) keys.add(k);
      } else if (!scorers.has(name)) scorers.set(name, null);
    }
  }
  return { scorers };
}

function scorerChoices(cat: Catalogue): string[] {
  const out: string[] = [];
  for (const [name, keys] of [...cat.scorers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (keys === null) out.push(name);
    else for (const k of [...keys].sort()) out.push(`${name}/${k}`);
  }
  return out;
}

function listing(xs: string[]): string {
  return xs.length === 0 ? '(none)' : xs.map((x) => JSON.stringify(x)).join(', ');
}

function taskNames(ev: Obj): string[] {
  const names = [str(ev.task), str(ev.task_registry_name), str(ev.task_display_name)].filter(
    (x): x is string => x !== undefined && x !== '',
  );
  const task = str(ev.task);
  if (task?.includes('/')) names.push(task.slice(task.lastIndexOf('/') + 1));
  return [...new Set(names)];
}

/** `scorer` or `scorer/key` → the scorer and dict key, or a reason it does not resolve. */
function resolveScorer(
  cat: Catalogue,
  spec: string,
): { scorer: string; key: string | undefined } | { problem: 'missing' | 'dict'; scorer: string } {
  const direct = cat.scorers.get(spec);
  if (direct === null) return { scorer: spec, key: undefined };
  if (direct !== undefined) return { problem: 'dict', scorer: spec };
  const slash = spec.lastIndexOf('/');
  if (slash > 0) {
    const name = spec.slice(0, slash);
    const key = spec.slice(slash + 1);
    const keys = cat.scorers.get(name);
    if (keys?.has(key)) return { scorer: name, key };
  }
  return { problem: 'missing', scorer: spec };
}

/** The (metric, scorer, key) triples to import: one for a metric, one per resolving rule for a mapping. */
function selectScorers(
  cat: Catalogue,
  opts: ImportOptions,
  rules: MappingRule[],
  task: string,
  fail: (m: string) => GreenlightError,
  warnings: string[],
): Selected[] {
  const file = opts.fileName;
  const choices = scorerChoices(cat);
  const dictProblem = (scorer: string) =>
    fail(
      `scorer ${JSON.stringify(scorer)} has dict values; choose a key with --scorer: ${listing(choices.filter((c) => c.startsWith(`${scorer}/`)))}`,
    );
  if (opts.map === undefined) {
    let spec = opts.scorer;
    if (spec === undefined) {
      if (choices.length !== 1)
        throw fail(
          `${choices.length === 0 ? 'no scorer has' : 'several scorers have'} per-sample scores (${listing(choices)}); choose one with --scorer`,
        );
      spec = choices[0]!;
    }
    const r = resolveScorer(cat, spec);
    if ('problem' in r) {
      if (r.problem === 'dict') throw dictProblem(r.scorer);
      throw fail(`scorer ${JSON.stringify(spec)} is not in this log; it has ${listing(choices)}`);
    }
    return [{ metric: opts.metric!, scorer: r.scorer, key: r.key, spec }];
  }
  const selected: Selected[] = [];
  for (const rule of rules) {
    const r = resolveScorer(cat, rule.scorer);
    if (!('problem' in r)) {
      selected.push({ metric: rule.metric, scorer: r.scorer, key: r.key, spec: rule.scorer });
      continue;
    }
    if (r.problem === 'dict') throw dictProblem(r.scorer);
    warnings.push(
      `${file}: mapping rule for task ${JSON.stringify(rule.task)} names scorer ${JSON.stringify(rule.scorer)}, which this log does not have`,
    );
  }
  if (selected.length === 0)
    throw fail(
      `no mapping rule matches this log: it has task ${JSON.stringify(task)} with scorers ${listing(choices)}; the rules for it name ${listing(rules.map((r) => r.scorer))}`,
    );
  return selected;
}

export function buildEvaluations(log: ParsedLog, opts: ImportOptions): ImportResult {
  const file = opts.fileName;
  const fail = (m: string) => new GreenlightError('invalid_input', `${file}: ${m}`);
  const header = log.header;
  if (!isObj(header) || !isObj(header.eval) || typeof header.eval.task !== 'string')
    throw fail('not an Inspect log (no eval.task)');
  if ((opts.metric === undefined) === (opts.map === undefined))
    throw fail('give exactly one of a metric and a mapping');
  const ev = header.eval;
  const task = ev.task as string;
  const warnings = [...log.warnings];
  const version = int(header.version);
  if (version !== undefined && version > KNOWN_LOG_VERSION)
    warnings.push(
      `${file}: log schema version ${version} is newer than the version ${KNOWN_LOG_VERSION} this importer knows; read tolerantly`,
    );

  // The task: one per log.
  const names = taskNames(ev);
  let rules: MappingRule[] = [];
  if (opts.map !== undefined) {
    rules = opts.map.map.filter((r) => names.includes(r.task));
    if (rules.length === 0)
      throw fail(
        `no mapping rule matches this log: it has task ${JSON.stringify(task)} with scorers ${listing(scorerChoices(catalogue(log.rows.sorted())))}`,
      );
  } else if (opts.task !== undefined && !names.includes(opts.task)) {
    throw fail(`task ${JSON.stringify(opts.task)} is not in this log; it has task ${JSON.stringify(task)}`);
  }

  // Comparability.
  const rowsAll = log.rows.sorted();
  const reasons = comparability(header, rowsAll, log.fromJournal);
  if (reasons.length > 0 && opts.allowIncomplete !== true)
    throw new GreenlightError(
      'not_comparable',
      `${file} is not comparable: ${reasons.join('; ')}; pass --allow-incomplete to import it anyway`,
    );
  if (reasons.length > 0) warnings.push(`${file}: imported although not comparable: ${reasons.join('; ')}`);

  // Per-sample records; reductions when the log holds none.
  let rows = rowsAll;
  let sampleSource: string = log.source;
  const epochs = isObj(ev.config) ? (int(ev.config.epochs) ?? 1) : 1;
  if (rows.length === 0) {
    const { rows: reduced, skipped } = rowsFromReductions(log.reductions, epochs);
    if (reduced.length === 0) {
      const scorers = resultScorers(header);
      throw fail(
        `the log holds no per-sample scores (no samples, summaries or usable reductions; scorers in its results: ${listing(scorers)})${skipped.length > 0 ? `; reductions of ${listing(skipped)} are not mean reductions` : ''}`,
      );
    }
    rows = reduced;
    sampleSource = 'reductions';
    warnings.push(
      `${file}: the log holds no samples; per-sample values come from its reductions (one value per sample, epochs already reduced by Inspect)`,
    );
  }
  const legacy = legacyScorerName(header);
  for (const r of rows) {
    const c = r.scores?.get(LEGACY_SCORE_KEY);
    if (c !== undefined && legacy !== undefined && !r.scores!.has(legacy)) {
      r.scores!.delete(LEGACY_SCORE_KEY);
      r.scores!.set(legacy, c);
    }
  }

  // Scorer selection: the scorers in the per-sample records; when no record has any score (all errored), those
  // the results name, so that the outcome is "no scored samples" rather than "no scorer".
  const cat = catalogue(rows);
  if (cat.scorers.size === 0) for (const name of resultScorers(header)) cat.scorers.set(name, null);
  const selected = selectScorers(cat, opts, rules, task, fail, warnings);

  const evaluations = selected.map((s) =>
    evaluation(s, rows, {
      header,
      ev,
      task,
      file,
      opts,
      reasons,
      sampleSource,
      epochs,
      warnings,
      fromJournal: log.fromJournal,
    }),
  );
  return { evaluations, warnings };
}

/** Scorer names in `results` (current and legacy layouts). */
function resultScorers(header: Obj): string[] {
  const r = header.results;
  if (!isObj(r)) return [];
  const out: string[] = [];
  if (isObj(r.scorer) && typeof r.scorer.name === 'string') out.push(r.scorer.name);
  if (Array.isArray(r.scores))
    for (const s of r.scores) if (isObj(s) && typeof s.scorer === 'string') out.push(s.scorer);
  return [...new Set(out)];
}

function legacyScorerName(header: Obj): string | undefined {
  const r = header.results;
  if (!isObj(r)) return undefined;
  if (isObj(r.scorer) && typeof r.scorer.name === 'string') return r.scorer.name;
  if (Array.isArray(r.scores) && r.scores.length > 0 && isObj(r.scores[0])) return str(r.scores[0].scorer);
  return undefined;
}

/** Why the log cannot be compared with a published full-benchmark threshold (empty: it can). */
function comparability(header: Obj, rows: Row[], fromJournal: boolean): string[] {
  const reasons: string[] = [];
  const ev = header.eval as Obj;
  const status = fromJournal ? 'started' : str(header.status);
  if (status === undefined) reasons.push('the log has no status');
  else if (status !== 'success') {
    let why = `status is ${JSON.stringify(status)}`;
    if (fromJournal) why += ' (header.json is missing: the run crashed or is still running)';
    if (isObj(header.error) && typeof header.error.message === 'string')
      why += ` (${firstLine(header.error.message)})`;
    reasons.push(why);
  }
  if (header.invalidated === true) reasons.push('the log is invalidated');
  const results = header.results;
  if (isObj(results)) {
    const total = int(results.total_samples);
    const completed = int(results.completed_samples);
    if (total !== undefined && completed !== undefined && completed < total)
      reasons.push(`${completed} of ${total} samples completed`);
  } else {
    // No results (a crashed or running eval): compare the records with what the dataset and epochs call for.
    const dataset = isObj(ev.dataset) ? ev.dataset : {};
    const selected = Array.isArray(dataset.sample_ids) ? dataset.sample_ids.length : int(dataset.samples);
    const epochs = isObj(ev.config) ? (int(ev.config.epochs) ?? 1) : 1;
    if (selected !== undefined && rows.length < selected * epochs)
      reasons.push(`${rows.length} of ${selected * epochs} samples recorded`);
    else if (status === 'success') reasons.push('the log has no results');
  }
  const subset = subsetReason(ev);
  if (subset !== undefined) reasons.push(subset);
  const errored = rows.filter((r) => r.error !== null).length;
  if (errored > 0) reasons.push(`${errored} sample${errored === 1 ? '' : 's'} errored`);
  const unfinished = rows.filter((r) => r.error === null && r.completed === false).length;
  if (unfinished > 0) reasons.push(`${unfinished} sample${unfinished === 1 ? '' : 's'} did not complete`);
  return reasons;
}

/** Whether `limit` or `sample_id` selected a real subset of the dataset. */
function subsetReason(ev: Obj): string | undefined {
  const config = isObj(ev.config) ? ev.config : {};
  const limit = config.limit;
  const sampleId = config.sample_id;
  const hasLimit = limit !== undefined && limit !== null;
  const hasIds = sampleId !== undefined && sampleId !== null;
  if (!hasLimit && !hasIds) return undefined;
  const dataset = isObj(ev.dataset) ? ev.dataset : {};
  const total = int(dataset.samples);
  let selected = Array.isArray(dataset.sample_ids) ? dataset.sample_ids.length : undefined;
  if (selected === undefined && total !== undefined) {
    if (typeof limit === 'number') selected = Math.min(limit, total);
    else if (
      Array.isArray(limit) &&
      limit.length === 2 &&
      typeof limit[0] === 'number' &&
      typeof limit[1] === 'number'
    )
      selected = Math.max(0, Math.min(limit[1], total) - limit[0]);
    else if (hasIds) selected = Array.isArray(sampleId) ? sampleId.length : 1;
  }
  const what = hasLimit ? `limit ${JSON.stringify(limit)}` : 'sample_id';
  if (total === undefined || selected === undefined)
    return `${what} may select a subset of the dataset (the dataset size is not recorded)`;
  if (selected < total) return `${what} selects ${selected} of the ${total} dataset samples`;
  return undefined;
}

interface EvalContext {
  header: Obj;
  ev: Obj;
  task: string;
  file: string;
  opts: ImportOptions;
  reasons: string[];
  sampleSource: string;
  epochs: number;
  warnings: string[];
  fromJournal: boolean;
}

const MAX_LISTED_EXCLUSIONS = 100;

function evaluation(s: Selected, rows: Row[], ctx: EvalContext): Evaluation {
  const { file, task, ev, header } = ctx;
  const samples: Sample[] = [];
  const exclusions: { id: string | number; epoch: number; reason: string }[] = [];
  let unscored = 0;
  let errored = 0;
  let incomplete = 0;
  let edited = 0;
  let retried = 0;
  let limited = 0;
  const exclude = (r: Row, reason: string) => {
    if (exclusions.length < MAX_LISTED_EXCLUSIONS) exclusions.push({ id: r.id, epoch: r.epoch, reason });
  };
  for (const r of rows) {
    if (r.error !== null) {
      errored++;
      exclude(r, `errored: ${firstLine(r.error)}`);
      continue;
    }
    if (r.completed === false) {
      incomplete++;
      exclude(r, 'did not complete');
      continue;
    }
    const c = r.scores?.get(s.scorer);
    let value = c?.value;
    if (c === undefined) {
      unscored++;
      exclude(r, `no "${s.scorer}" score`);
      continue;
    }
    const where = `${file}: sample ${showId(r.id)} epoch ${r.epoch}, scorer ${JSON.stringify(s.spec)}`;
    if (s.key !== undefined) {
      if (!isObj(value))
        throw new GreenlightError(
          'invalid_input',
          `${where}: the score is not a dict, so it has no key "${s.key}"`,
        );
      value = value[s.key];
      if (value === undefined) {
        unscored++;
        exclude(r, `no key "${s.key}" in the score`);
        continue;
      }
    }
    const x = inspectScoreToNumber(value, where);
    if (x === 'unscored') {
      unscored++;
      exclude(r, value === null ? 'unscored (null)' : 'unscored (NaN)');
      continue;
    }
    if (c.edits > 0) edited++;
    if (r.retries > 0) retried++;
    if (r.limit !== null) limited++;
    samples.push({ id: r.id, epoch: r.epoch, value: x });
  }
  const label = printable(`${task} / ${s.spec}`);
  if (samples.length === 0)
    throw new GreenlightError(
      'invalid_input',
      `${file}: ${label}: no scored samples (${errored} errored, ${unscored} unscored${incomplete > 0 ? `, ${incomplete} incomplete` : ''})`,
    );
  const excluded: Record<string, number> = { unscored, errored };
  if (incomplete > 0) excluded.incomplete = incomplete;
  const total = unscored + errored + incomplete;
  if (total > 0)
    ctx.warnings.push(
      `${file}: ${label}: excluded ${[
        errored > 0 ? `${errored} errored` : '',
        unscored > 0 ? `${unscored} unscored` : '',
        incomplete > 0 ? `${incomplete} incomplete` : '',
      ]
        .filter((x) => x !== '')
        .join(', ')} sample${total === 1 ? '' : 's'} (not scored as 0)`,
    );
  if (edited > 0)
    ctx.warnings.push(
      `${file}: ${label}: ${edited} score${edited === 1 ? ' was' : 's were'} edited after the run`,
    );
  const results = isObj(header.results) ? header.results : undefined;
  if (results !== undefined) {
    const completed = int(results.completed_samples);
    if (completed !== undefined && rows.length < completed && ctx.sampleSource !== 'reductions')
      ctx.warnings.push(
        `${file}: the log holds ${rows.length} sample record${rows.length === 1 ? '' : 's'} but reports ${completed} completed samples (trimmed or edited?)`,
      );
  }

  const source: Record<string, unknown> = {
    format: 'inspect',
    file,
    sha256: ctx.opts.sha256,
    task,
    scorer: s.spec,
  };
  const put = (k: string, v: unknown) => {
    if (v !== undefined && v !== null) source[k] = v;
  };
  put('task_id', str(ev.task_id));
  put('model', str(ev.model));
  if (isObj(ev.model_roles)) {
    const roles: Record<string, string> = {};
    for (const [role, m] of Object.entries(ev.model_roles))
      if (isObj(m) && typeof m.model === 'string') roles[role] = m.model;
    if (Object.keys(roles).length > 0) source.model_roles = roles;
  }
  put('eval_id', str(ev.eval_id));
  put('run_id', str(ev.run_id));
  put('created', str(ev.created));
  put('inspect_version', isObj(ev.packages) ? str(ev.packages.inspect_ai) : undefined);
  put('log_version', int(header.version));
  put('status', ctx.fromJournal ? 'started' : str(header.status));
  put('epochs', ctx.epochs);
  if (results !== undefined) {
    put('total_samples', int(results.total_samples));
    put('completed_samples', int(results.completed_samples));
  }
  source.per_sample_source = ctx.sampleSource;
  source.samples_excluded = excluded;
  if (exclusions.length > 0) source.exclusions = exclusions;
  if (total > exclusions.length) source.exclusions_truncated = true;
  if (retried > 0) source.samples_retried = retried;
  if (limited > 0) source.samples_hit_limit = limited;
  if (edited > 0) source.scores_edited = edited;
  if (ctx.opts.allowIncomplete === true) {
    source.allow_incomplete = true;
    source.incomplete_reasons = [...ctx.reasons];
  }
  return { metric: s.metric, label, source, samples };
}
