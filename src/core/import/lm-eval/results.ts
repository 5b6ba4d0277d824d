/**
 * lm-evaluation-harness `results_*.json` → aggregate evaluations `{metric, mean, stderr, n}`.
 *
 * Two layouts: the current one (v0.4+: `"<metric>,<filter>"` keys, `n-samples`, `configs`, `group_subtasks`,
 * `groups`) and the legacy v0.3 one (bare `acc`/`acc_stderr` keys, no sample count: `--n` is required).
 *
 * How `n` is found, in order:
 * - a task: `n-samples.<task>.effective`;
 * - a group: the group's own `sample_count["<metric>,<filter>"]` (written by the harness since 2026), else the sum
 *   of `n-samples.effective` over its leaf subtasks (found through `group_subtasks`, recursively) that report the
 *   same scorer key — the number of documents behind the group's size-weighted mean;
 * - otherwise (v0.3, or a count missing from the log) `--n`, and without it the import is refused.
 * A run that evaluated fewer documents than the task has (`effective < original`, i.e. `--limit`) is a subset:
 * refused with `not_comparable` unless `allowIncomplete`, which is then recorded in `source`.
 */
import { GreenlightError } from '../../errors.js';
import type { AggregateEvaluation } from '../../evidence/types.js';
import type { ImportOptions, ImportResult } from '../types.js';
import {
  chooseTargets,
  invalid,
  isObject,
  isoFromUnix,
  type Json,
  listNames,
  own,
  put,
  resolveScorer,
  splitScorer,
} from './common.js';
import { parseJsonTolerant } from './json.js';

export type ResultsLayout = 'v0.4' | 'v0.3';

/** A parsed results file, with what the importers need from it. */
export interface LmEvalRun {
  doc: Json;
  layout: ResultsLayout;
  /** Task and group rows: `results` merged with `groups`. */
  entries: Map<string, Json>;
  /** Group name → its direct subtasks (non-empty lists only). */
  groups: Map<string, string[]>;
  /** `config.limit` when set. */
  limit: number | undefined;
}

const NON_METRIC_KEYS = new Set(['alias', 'name', 'sample_len', 'sample_count']);

export function parseLmEvalRun(text: string, file: string, maxDepth?: number): LmEvalRun {
  const doc = parseJsonTolerant(text, { file, maxDepth });
  if (!isObject(doc) || !isObject(own(doc, 'results')))
    throw invalid(`${file}: not an lm-evaluation-harness results file (no "results" object)`);
  const entries = new Map<string, Json>();
  const results = own(doc, 'results') as Json;
  const groupsRows = own(doc, 'groups');
  for (const source of [results, isObject(groupsRows) ? groupsRows : {}]) {
    for (const [name, row] of Object.entries(source)) {
      if (!isObject(row)) throw invalid(`${file}: results.${name} is not an object`);
      if (!entries.has(name)) entries.set(name, row);
    }
  }
  const groups = new Map<string, string[]>();
  const gs = own(doc, 'group_subtasks');
  if (isObject(gs)) {
    for (const [name, subs] of Object.entries(gs)) {
      if (Array.isArray(subs) && subs.length > 0)
        groups.set(
          name,
          subs.filter((s): s is string => typeof s === 'string'),
        );
    }
  }
  const modern =
    Object.hasOwn(doc, 'n-samples') ||
    Object.hasOwn(doc, 'configs') ||
    Object.hasOwn(doc, 'group_subtasks') ||
    [...entries.values()].some((row) => Object.keys(row).some((k) => k.includes(',')));
  const config = own(doc, 'config');
  const limitRaw = isObject(config) ? own(config, 'limit') : undefined;
  const limit = typeof limitRaw === 'number' && Number.isFinite(limitRaw) ? limitRaw : undefined;
  return { doc, layout: modern ? 'v0.4' : 'v0.3', entries, groups, limit };
}

/** The scorer keys of a task or group row. */
export function scorerKeys(run: LmEvalRun, row: Json): string[] {
  const keys: string[] = [];
  for (const [k, v] of Object.entries(row)) {
    if (NON_METRIC_KEYS.has(k)) continue;
    if (run.layout === 'v0.4') {
      if (!k.includes(',')) continue;
      if (splitScorer(k).metric.endsWith('_stderr')) continue;
    } else if (k.endsWith('_stderr') || typeof v !== 'number') continue;
    keys.push(k);
  }
  return keys;
}

function stderrKey(run: LmEvalRun, scorer: string): string {
  if (run.layout === 'v0.3') return `${scorer}_stderr`;
  const { metric, filter } = splitScorer(scorer);
  return `${metric}_stderr,${filter}`;
}

/** The leaf tasks under a group (through nested groups); cycles are cut. */
export function leafTasks(run: LmEvalRun, group: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (g: string) => {
    if (seen.has(g)) return;
    seen.add(g);
    for (const s of run.groups.get(g) ?? []) {
      if (run.groups.has(s)) walk(s);
      else if (!out.includes(s)) out.push(s);
    }
  };
  walk(group);
  return out;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** `n-samples.<task>` as {original, effective}, when the log has it. */
export function taskCounts(
  run: LmEvalRun,
  task: string,
): { original: number; effective: number } | undefined {
  const ns = own(run.doc, 'n-samples');
  if (!isObject(ns)) return undefined;
  const c = own(ns, task);
  if (!isObject(c)) return undefined;
  const effective = own(c, 'effective');
  const original = own(c, 'original');
  if (!isCount(effective)) return undefined;
  return { effective, original: isCount(original) ? original : effective };
}

interface CountInfo {
  n: number | undefined;
  nFrom: string | undefined;
  original: number | undefined;
  effective: number | undefined;
  /** Why this is a subset of the benchmark, when it is. */
  subset: string | undefined;
  subtasks: string[] | undefined;
}

function limitText(run: LmEvalRun): string {
  return run.limit !== undefined ? ` (--limit ${run.limit})` : '';
}

function countsFor(run: LmEvalRun, task: string, scorer: string, row: Json): CountInfo {
  if (!run.groups.has(task)) {
    const c = taskCounts(run, task);
    if (c !== undefined) {
      return {
        n: c.effective,
        nFrom: 'n-samples.effective',
        original: c.original,
        effective: c.effective,
        subset:
          c.effective < c.original
            ? `${c.effective} of ${c.original} documents evaluated${limitText(run)}`
            : undefined,
        subtasks: undefined,
      };
    }
    return {
      n: undefined,
      nFrom: undefined,
      original: undefined,
      effective: undefined,
      subset:
        run.limit !== undefined
          ? `the run was limited to ${run.limit} documents per task (config.limit)`
          : undefined,
      subtasks: undefined,
    };
  }
  const allLeaves = leafTasks(run, task);
  const reporting = allLeaves.filter((t) => {
    const r = run.entries.get(t);
    return r !== undefined && Object.hasOwn(r, scorer);
  });
  const leaves = reporting.length > 0 ? reporting : allLeaves;
  let original: number | undefined = 0;
  let effective: number | undefined = 0;
  const partial: string[] = [];
  for (const leaf of leaves) {
    const c = taskCounts(run, leaf);
    if (c === undefined || original === undefined || effective === undefined) {
      original = undefined;
      effective = undefined;
      continue;
    }
    original += c.original;
    effective += c.effective;
    if (c.effective < c.original) partial.push(`${leaf}: ${c.effective} of ${c.original}`);
  }
  if (leaves.length === 0) {
    original = undefined;
    effective = undefined;
  }
  let subset: string | undefined;
  if (partial.length > 0)
    subset = `subtasks evaluated on a subset${limitText(run)}: ${partial.slice(0, 5).join('; ')}${partial.length > 5 ? `; … and ${partial.length - 5} more` : ''}`;
  else if (effective === undefined && run.limit !== undefined)
    subset = `the run was limited to ${run.limit} documents per task (config.limit)`;
  const sampleCount = own(row, 'sample_count');
  const own_n = isObject(sampleCount) ? own(sampleCount, scorer) : undefined;
  if (isCount(own_n))
    return { n: own_n, nFrom: 'sample_count', original, effective, subset, subtasks: leaves };
  return {
    n: effective,
    nFrom: effective === undefined ? undefined : 'sum of subtasks n-samples.effective',
    original,
    effective,
    subset,
    subtasks: leaves,
  };
}

/** Model, tool version and run settings as the log records them. */
export function runProvenance(run: LmEvalRun): Json {
  const d = run.doc;
  const config = isObject(own(d, 'config')) ? (own(d, 'config') as Json) : {};
  const args = own(config, 'model_args');
  const argMap: Json = {};
  if (typeof args === 'string') {
    for (const part of args.split(',')) {
      const i = part.indexOf('=');
      if (i > 0) argMap[part.slice(0, i).trim()] = part.slice(i + 1).trim();
    }
  } else if (isObject(args)) Object.assign(argMap, args);
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
  const p: Json = {};
  put(p, 'model', str(own(d, 'model_name')) ?? str(own(argMap, 'pretrained')) ?? str(own(argMap, 'model')));
  put(p, 'model_args', args ?? undefined);
  put(p, 'model_backend', str(own(config, 'model')));
  put(p, 'model_revision', str(own(config, 'model_revision')) ?? str(own(argMap, 'revision')));
  put(p, 'model_sha', str(own(config, 'model_sha')));
  put(p, 'lm_eval_version', str(own(d, 'lm_eval_version')));
  put(p, 'git_hash', str(own(d, 'git_hash')));
  put(p, 'date', isoFromUnix(own(d, 'date')));
  put(p, 'limit', run.limit);
  const boot = own(config, 'bootstrap_iters');
  put(p, 'bootstrap_iters', typeof boot === 'number' ? boot : undefined);
  return p;
}

/** Per-task settings: version, few-shot count and the task hash. */
export function taskProvenance(run: LmEvalRun, task: string): Json {
  const d = run.doc;
  const p: Json = {};
  const pick = (key: string) => {
    const m = own(d, key);
    return isObject(m) ? own(m, task) : undefined;
  };
  const version = pick('versions');
  put(p, 'task_version', typeof version === 'string' || typeof version === 'number' ? version : undefined);
  const shot = pick('n-shot');
  const config = own(d, 'config');
  const legacyShot = run.layout === 'v0.3' && isObject(config) ? own(config, 'num_fewshot') : undefined;
  put(
    p,
    'num_fewshot',
    typeof shot === 'number' ? shot : typeof legacyShot === 'number' ? legacyShot : undefined,
  );
  const hash = pick('task_hashes');
  put(p, 'task_hash', typeof hash === 'string' ? hash : undefined);
  return p;
}

function describeValue(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 30 ? `${v.slice(0, 30)}…` : v)}`;
  if (v === null) return 'null';
  return Array.isArray(v) ? 'a list' : typeof v;
}

export function importLmEvalResults(text: string, opts: ImportOptions): ImportResult {
  const file = opts.fileName;
  const run = parseLmEvalRun(text, file, opts.limits?.maxDepth);
  const tasks = [...run.entries.keys()];
  const targets = chooseTargets(opts, tasks, file);
  const warnings: string[] = [];
  const common = runProvenance(run);
  const evaluations: AggregateEvaluation[] = [];

  for (const target of targets) {
    const { task } = target;
    const row = run.entries.get(task)!;
    const kind = run.groups.has(task) ? 'group' : 'task';
    const where = `${file}: ${kind} "${task}"`;
    const available = scorerKeys(run, row);
    let scorer: string;
    if (target.scorer === undefined) {
      if (available.length !== 1)
        throw invalid(
          available.length === 0
            ? `${where} has no scores`
            : `${where} has several scorers (${listNames(available)}); choose one with --scorer`,
        );
      scorer = available[0]!;
    } else {
      const r = resolveScorer(available, target.scorer);
      if ('error' in r) throw invalid(`${where}: ${r.error}`);
      scorer = r.key;
    }

    const mean = own(row, scorer);
    if (typeof mean !== 'number' || !Number.isFinite(mean))
      throw invalid(
        `${where}: the value of "${scorer}" is ${describeValue(mean)}${Number.isNaN(mean) ? ' (nothing was scored)' : ''}, not a finite number`,
      );

    const seKey = stderrKey(run, scorer);
    const seRaw = own(row, seKey);
    let stderr: number | null;
    let stderrNote: string | undefined;
    if (seRaw === undefined || seRaw === null) {
      stderr = null;
      stderrNote = `no "${seKey}" in the log`;
    } else if (seRaw === 'N/A') {
      stderr = null;
      stderrNote = `"${seKey}" is "N/A" in the log`;
    } else if (typeof seRaw === 'number' && Number.isNaN(seRaw)) {
      stderr = null;
      stderrNote = `"${seKey}" is NaN in the log`;
    } else if (typeof seRaw === 'number' && Number.isFinite(seRaw) && seRaw >= 0) {
      stderr = seRaw;
    } else {
      throw invalid(`${where}: "${seKey}" is ${describeValue(seRaw)}; expected a number ≥ 0 or "N/A"`);
    }

    const counts = countsFor(run, task, scorer, row);
    let n = counts.n;
    let nFrom = counts.nFrom;
    if (n === undefined) {
      if (opts.n === undefined) {
        const why =
          run.layout === 'v0.3'
            ? 'the v0.3 results layout records no sample count'
            : kind === 'group'
              ? 'the log records no sample count for this group or its subtasks'
              : 'the log records no sample count (n-samples) for it';
        throw invalid(`${where}: ${why}; pass --n N (the number of documents evaluated)`);
      }
      n = opts.n;
      nFrom = '--n';
    } else if (opts.n !== undefined && opts.n !== n) {
      warnings.push(`${where}: --n ${opts.n} ignored: the log records n = ${n} (${nFrom})`);
    }
    if (!Number.isSafeInteger(n) || n < 1)
      throw invalid(`${where}: ${n} documents evaluated (${nFrom}); an aggregate needs n ≥ 1`);

    const source: Json = { format: 'lm-eval', file, sha256: opts.sha256, layout: `results-${run.layout}` };
    source.task = task;
    if (kind === 'group') {
      source.group = true;
      put(source, 'subtasks', counts.subtasks);
    }
    source.scorer = scorer;
    source.n_from = nFrom;
    put(source, 'n_original', counts.original);
    put(source, 'n_effective', counts.effective);
    put(source, 'stderr_note', stderrNote);
    Object.assign(source, common, taskProvenance(run, task));

    if (counts.subset !== undefined) {
      if (!opts.allowIncomplete)
        throw new GreenlightError(
          'not_comparable',
          `${where} is not comparable: ${counts.subset}; pass --allow-incomplete to import it anyway`,
        );
      source.allow_incomplete = true;
      source.incomplete_reasons = [counts.subset];
      if (
        counts.original !== undefined &&
        counts.effective !== undefined &&
        counts.original > counts.effective
      )
        source.samples_excluded = { not_evaluated: counts.original - counts.effective };
      warnings.push(`${where}: ${counts.subset}; imported because of --allow-incomplete`);
    }

    evaluations.push({ metric: target.metric, label: `${task} / ${scorer}`, mean, stderr, n, source });
  }
  return { evaluations, warnings };
}
