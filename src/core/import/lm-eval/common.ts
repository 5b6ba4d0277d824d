/** Helpers shared by the lm-evaluation-harness importers (pure: no I/O). */
import { GreenlightError } from '../../errors.js';
import type { ImportOptions, MappingRule } from '../types.js';

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function own(o: Json, k: string): unknown {
  return Object.hasOwn(o, k) ? o[k] : undefined;
}

export function invalid(message: string): GreenlightError {
  return new GreenlightError('invalid_input', message);
}

/** `a, b, c` — at most `max` names, then how many more. */
export function listNames(names: readonly string[], max = 12): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown}, … and ${names.length - max} more` : shown;
}

/** `"acc,none"` → {metric: 'acc', filter: 'none'}; a bare `"acc"` (v0.3, or a scorer given without a filter). */
export function splitScorer(key: string): { metric: string; filter: string | undefined } {
  const i = key.indexOf(',');
  return i < 0 ? { metric: key, filter: undefined } : { metric: key.slice(0, i), filter: key.slice(i + 1) };
}

/**
 * Finds the scorer key `wanted` among `available`: exactly, or — when `wanted` names only the metric — the single
 * key with that metric (any filter). Returns the key, or an error message.
 */
export function resolveScorer(
  available: readonly string[],
  wanted: string,
): { key: string } | { error: string } {
  if (available.includes(wanted)) return { key: wanted };
  const { metric, filter } = splitScorer(wanted);
  if (filter === undefined) {
    const same = available.filter((k) => splitScorer(k).metric === metric);
    if (same.length === 1) return { key: same[0]! };
    if (same.length > 1)
      return {
        error: `scorer "${wanted}" is ambiguous: the log has ${listNames(same)}; name the filter too`,
      };
  } else if (filter === 'none' && available.includes(metric)) {
    // v0.3 keys carry no filter; "acc,none" means "acc".
    return { key: metric };
  }
  return { error: `no scorer "${wanted}" (scorers: ${listNames(available) || 'none'})` };
}

/** One (task, scorer) of a log that becomes a framework metric. */
export interface Target {
  task: string;
  /** As asked for (from --scorer or the mapping rule), or undefined when the log has only one. */
  scorer: string | undefined;
  metric: string;
}

/**
 * The (task, scorer, metric) triples to import from a log with the given tasks: --metric with --task/--scorer,
 * or every mapping rule whose task is in the log. `what` names the file in messages.
 */
export function chooseTargets(opts: ImportOptions, tasks: readonly string[], what: string): Target[] {
  if (opts.metric !== undefined) {
    let task = opts.task;
    if (task === undefined) {
      if (tasks.length !== 1)
        throw invalid(
          tasks.length === 0
            ? `${what}: no tasks in the log`
            : `${what}: the log has several tasks (${listNames(tasks)}); choose one with --task`,
        );
      task = tasks[0]!;
    } else if (!tasks.includes(task)) {
      throw invalid(`${what}: no task "${task}" in the log (tasks: ${listNames(tasks) || 'none'})`);
    }
    return [{ task, scorer: opts.scorer, metric: opts.metric }];
  }
  if (opts.map !== undefined) {
    const rules: MappingRule[] = opts.map.map.filter((r) => tasks.includes(r.task));
    if (rules.length === 0)
      throw invalid(
        `${what}: no rule of the mapping file names a task of this log (tasks: ${listNames(tasks) || 'none'})`,
      );
    return rules.map((r) => ({ task: r.task, scorer: r.scorer, metric: r.metric }));
  }
  throw invalid(`${what}: no framework metric given: pass --metric or --map`);
}

/** A unix time (seconds) as ISO 8601, or undefined. */
export function isoFromUnix(v: unknown): string | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > 1e11) return undefined;
  return new Date(Math.round(v * 1000)).toISOString();
}

/** Adds `key: value` unless value is undefined. */
export function put(o: Json, key: string, value: unknown): void {
  if (value !== undefined) o[key] = value;
}
