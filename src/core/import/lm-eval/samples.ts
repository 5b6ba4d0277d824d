/**
 * lm-evaluation-harness `samples_<task>_<timestamp>.jsonl` → per-sample evaluations `{id: doc_id, value}`.
 *
 * The file has one line per (document, filter). One filter is chosen: `opts.filter`, else the filter part of the
 * scorer key (`exact_match,strict-match`), else the only one in the file; the value is the line's key named by
 * the metric part. `NaN` values (unscored) are excluded and counted. A samples file names neither the model nor
 * the run's size, so the results file of the same run can be passed as `run`: it adds the model and tool
 * provenance and lets a `--limit` subset (or a truncated samples file) be refused like a results import.
 */
import { GreenlightError } from '../../errors.js';
import type { PerSampleEvaluation, Sample } from '../../evidence/types.js';
import type { ImportOptions, ImportResult } from '../types.js';
import { chooseTargets, invalid, isObject, type Json, listNames, own, splitScorer } from './common.js';
import { parseJsonTolerant } from './json.js';
import { parseLmEvalRun, runProvenance, taskCounts, taskProvenance } from './results.js';

/** The results file written by the same run, for provenance and the completeness check. */
export interface LmEvalRunFile {
  text: string;
  fileName: string;
  sha256: string;
}

const NAME_RE = /^samples_(.+)_(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(?:\.\d+)?)\.jsonl$/;

/** `samples_<task>_<ts>.jsonl` → {task, timestamp}; undefined for other names. Accepts a path. */
export function parseSamplesFileName(fileName: string): { task: string; timestamp: string } | undefined {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const m = NAME_RE.exec(base);
  return m === null ? undefined : { task: m[1]!, timestamp: m[2]! };
}

/** The results file name that belongs to a samples file name (`results_<ts>.json`), if the name has the pattern. */
export function companionResultsName(samplesFileName: string): string | undefined {
  const p = parseSamplesFileName(samplesFileName);
  return p === undefined ? undefined : `results_${p.timestamp}.json`;
}

interface Line {
  line: number;
  docId: number | string;
  filter: string;
  row: Json;
}

function readLines(text: string, file: string, maxDepth: number | undefined): Line[] {
  const out: Line[] = [];
  let start = 0;
  let lineNo = 0;
  if (text.charCodeAt(0) === 0xfeff) start = 1;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNo++;
    let raw = text.slice(start, end);
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    start = end + 1;
    if (raw.trim() === '') {
      if (end >= text.length) break;
      continue;
    }
    const row = parseJsonTolerant(raw, { file, firstLine: lineNo, maxDepth });
    if (!isObject(row)) throw invalid(`${file}:${lineNo}: expected a JSON object per line`);
    const docId = own(row, 'doc_id');
    if (!(typeof docId === 'string' || (typeof docId === 'number' && Number.isSafeInteger(docId))))
      throw invalid(
        `${file}:${lineNo}: ${docId === undefined ? 'no "doc_id"' : '"doc_id" is not an integer or a string'}: not an lm-eval samples line`,
      );
    const filter = own(row, 'filter');
    if (filter !== undefined && typeof filter !== 'string')
      throw invalid(`${file}:${lineNo}: "filter" is not a string`);
    out.push({ line: lineNo, docId, filter: filter ?? 'none', row });
    if (end >= text.length) break;
  }
  return out;
}

function metricsOf(lines: readonly Line[]): string[] {
  const names: string[] = [];
  for (const l of lines) {
    const m = own(l.row, 'metrics');
    if (!Array.isArray(m)) continue;
    for (const x of m) if (typeof x === 'string' && !names.includes(x)) names.push(x);
  }
  return names;
}

export function importLmEvalSamples(
  text: string,
  opts: ImportOptions,
  runFile?: LmEvalRunFile,
): ImportResult {
  const file = opts.fileName;
  const lines = readLines(text, file, opts.limits?.maxDepth);
  if (lines.length === 0) throw invalid(`${file}: no samples (the file is empty)`);
  const fromName = parseSamplesFileName(file);
  let task = fromName?.task;
  if (task === undefined) {
    if (opts.task === undefined)
      throw invalid(
        `${file}: the task cannot be read from the file name (expected samples_<task>_<timestamp>.jsonl); ${opts.map === undefined ? 'pass --task' : 'rename the file, or import it with --metric and --task'}`,
      );
    task = opts.task;
  } else if (opts.metric !== undefined && opts.task !== undefined && opts.task !== task) {
    throw invalid(`${file}: this is a samples file of task "${task}", not "${opts.task}"`);
  }
  const targets = chooseTargets(opts, [task], file);

  const filters: string[] = [];
  for (const l of lines) if (!filters.includes(l.filter)) filters.push(l.filter);

  const run =
    runFile === undefined ? undefined : parseLmEvalRun(runFile.text, runFile.fileName, opts.limits?.maxDepth);
  const warnings: string[] = [];
  const evaluations: PerSampleEvaluation[] = [];

  for (const target of targets) {
    const where = `${file}: task "${task}"`;
    const wanted = target.scorer === undefined ? undefined : splitScorer(target.scorer);
    // The filter.
    let filter = opts.filter;
    if (wanted?.filter !== undefined) {
      if (filter !== undefined && filter !== wanted.filter)
        throw invalid(`${where}: --filter ${filter} contradicts the scorer "${target.scorer}"`);
      filter = wanted.filter;
    }
    if (filter === undefined) {
      if (filters.length !== 1)
        throw invalid(
          `${where}: the file has several filters (${listNames(filters)}); choose one with --filter or a scorer "<metric>,<filter>"`,
        );
      filter = filters[0]!;
    } else if (!filters.includes(filter)) {
      throw invalid(`${where}: no filter "${filter}" in the file (filters: ${listNames(filters)})`);
    }
    const chosen = lines.filter((l) => l.filter === filter);
    // The metric.
    const metricNames = metricsOf(chosen);
    let metricKey = wanted?.metric;
    if (metricKey === undefined) {
      if (metricNames.length !== 1)
        throw invalid(
          metricNames.length === 0
            ? `${where}: the lines name no metrics; choose one with --scorer`
            : `${where}: the file has several metrics (${listNames(metricNames)}); choose one with --scorer`,
        );
      metricKey = metricNames[0]!;
    } else if (metricNames.length > 0 && !metricNames.includes(metricKey)) {
      throw invalid(`${where}: no metric "${metricKey}" in the file (metrics: ${listNames(metricNames)})`);
    }

    const samples: Sample[] = [];
    const firstLine = new Map<number | string, number>();
    let excluded = 0;
    for (const l of chosen) {
      const at = `${file}:${l.line}: doc_id ${JSON.stringify(l.docId)}`;
      const prior = firstLine.get(l.docId);
      if (prior !== undefined)
        throw invalid(`${at}: appears twice for filter "${filter}" (first on line ${prior})`);
      firstLine.set(l.docId, l.line);
      const v = own(l.row, metricKey);
      if (typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) {
        samples.push({ id: l.docId, value: v });
      } else if (typeof v === 'number' && Number.isNaN(v)) {
        excluded++;
      } else if (v === undefined) {
        throw invalid(`${at}: no value for metric "${metricKey}"`);
      } else if (Array.isArray(v)) {
        throw invalid(
          `${at}: the value of "${metricKey}" is a list, not a per-document score (corpus-level metrics such as f1 log [gold, prediction] pairs); import the results file instead`,
        );
      } else {
        throw invalid(
          `${at}: the value of "${metricKey}" is ${v === null ? 'null' : typeof v === 'number' ? String(v) : JSON.stringify(v)}, not a finite number or a boolean`,
        );
      }
    }
    if (samples.length === 0)
      throw invalid(`${where}: no scored documents for "${metricKey},${filter}" (${excluded} unscored, NaN)`);

    const scorer = `${metricKey},${filter}`;
    const source: Json = {
      format: 'lm-eval',
      file,
      sha256: opts.sha256,
      layout: 'samples',
      task,
      scorer,
      filter,
    };
    source.documents = chosen.length;
    source.samples_excluded = { unscored: excluded };
    if (excluded > 0) {
      warnings.push(`${where}: ${excluded} of ${chosen.length} documents unscored (NaN) and excluded`);
    }

    let subset: string | undefined;
    if (run !== undefined && runFile !== undefined) {
      source.results_file = runFile.fileName;
      source.results_sha256 = runFile.sha256;
      Object.assign(source, runProvenance(run), taskProvenance(run, task));
      const c = taskCounts(run, task);
      if (c !== undefined) {
        source.n_original = c.original;
        source.n_effective = c.effective;
        if (chosen.length > c.effective)
          throw invalid(
            `${where}: ${chosen.length} documents in the samples file, but ${runFile.fileName} says the run evaluated ${c.effective}: not the same run`,
          );
        if (c.effective < c.original)
          subset = `${c.effective} of ${c.original} documents evaluated${run.limit !== undefined ? ` (--limit ${run.limit})` : ''}`;
        else if (chosen.length < c.effective)
          subset = `the samples file holds ${chosen.length} of the ${c.effective} documents the run evaluated`;
      } else if (!run.entries.has(task)) {
        warnings.push(`${where}: ${runFile.fileName} has no task "${task}"; completeness not checked`);
        source.completeness_checked = false;
      } else if (run.limit !== undefined) {
        subset = `the run was limited to ${run.limit} documents per task (config.limit)`;
      }
    } else {
      source.completeness_checked = false;
      warnings.push(
        `${where}: no results file of the same run given: the model and whether the run was a --limit subset are not checked`,
      );
    }
    if (subset !== undefined) {
      if (!opts.allowIncomplete)
        throw new GreenlightError(
          'not_comparable',
          `${where} is not comparable: ${subset}; pass --allow-incomplete to import it anyway`,
        );
      source.allow_incomplete = true;
      source.incomplete_reasons = [subset];
      warnings.push(`${where}: ${subset}; imported because of --allow-incomplete`);
    }
    evaluations.push({ metric: target.metric, label: `${task} / ${scorer}`, source, samples });
  }
  return { evaluations, warnings };
}
