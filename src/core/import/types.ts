import type { Evaluation, ModelRef } from '../evidence/types.js';

/** One row of a mapping file: which task/scorer of a log becomes which framework metric. */
export interface MappingRule {
  task: string;
  scorer: string;
  metric: string;
}

export interface MetricMapping {
  model?: ModelRef;
  map: MappingRule[];
}

/** How to turn one log file into native evaluations (evidence.md, Importers). */
export interface ImportOptions {
  /** With --metric: the single framework metric; --task/--scorer choose within the log. */
  metric?: string;
  task?: string;
  scorer?: string;
  /** With --map: many task/scorer pairs to metrics. Exactly one of `metric` and `map` is given. */
  map?: MetricMapping;
  /** --allow-incomplete: accept non-comparable logs, recorded in `source`. */
  allowIncomplete?: boolean;
  /** --n for lm-eval v0.3 results, which carry no sample count. */
  n?: number;
  /** lm-eval samples files: which filter to use when several exist. */
  filter?: string;
  /** Provenance, computed by the caller from the bytes. */
  fileName: string;
  sha256: string;
  /** Caps against hostile archives; defaults apply when absent. */
  limits?: ImportLimits;
  /** Called with (bytes done, bytes total) on long work. */
  onProgress?: (done: number, total: number) => void;
}

export interface ImportLimits {
  /** Total decompressed bytes across all members read. */
  maxDecompressedBytes?: number;
  /** Number of ZIP entries in the central directory. */
  maxEntries?: number;
  /** JSON nesting depth. */
  maxDepth?: number;
}

export interface ImportResult {
  evaluations: Evaluation[];
  /** Things a person should know (excluded samples, allowed incompleteness); also recorded in each `source`. */
  warnings: string[];
}

export type LogFormat =
  | 'inspect-eval'
  | 'inspect-json'
  | 'lm-eval-results'
  | 'lm-eval-samples'
  | 'csv'
  | 'native';
