/**
 * Evaluation logs (bytes in memory) → one native evidence document, with the core's importers. Used by the MCP
 * tools (uploaded logs, base64) and the CLI's `submit LOG… --metric/--map`. Large Inspect logs are better
 * imported with `greenlight evidence import`, which streams them. Inspect .eval archives are decoded in a worker
 * thread stopped after a time limit (src/node/bounded-import.ts): the zstd decoder can loop without end on some
 * corrupted archives.
 */
import { createHash } from 'node:crypto';
import { GreenlightError } from '../core/errors.js';
import type { Evidence } from '../core/evidence/types.js';
import {
  type ImportOptions,
  type ImportResult,
  importLog,
  type MetricMapping,
  mergeImported,
  parseMappingFile,
  resolveFormat,
} from '../core/import/index.js';
import { importEvalBounded } from '../node/bounded-import.js';

export interface LogFile {
  fileName: string;
  bytes: Uint8Array;
}

export interface LogImportOptions {
  format?: 'inspect' | 'lm-eval' | 'csv' | undefined;
  metric?: string | undefined;
  task?: string | undefined;
  scorer?: string | undefined;
  /** A mapping file's text (YAML) and its name for messages. */
  mapText?: string | undefined;
  mapName?: string | undefined;
  model?: string | undefined;
  modelVersion?: string | undefined;
  allowIncomplete?: boolean | undefined;
  n?: number | undefined;
  filter?: string | undefined;
  safeguards?: string[] | undefined;
}

export interface ImportedLogs {
  evidence: Evidence;
  warnings: string[];
}

const bad = (m: string) => new GreenlightError('invalid_input', m);

export async function importLogs(files: readonly LogFile[], o: LogImportOptions): Promise<ImportedLogs> {
  if (files.length === 0) throw bad('no log given');
  if ((o.metric === undefined) === (o.mapText === undefined))
    throw bad(
      o.metric === undefined
        ? 'say which framework metric the log measures: a metric (with task/scorer) or a mapping file'
        : 'give either a metric or a mapping file, not both',
    );
  let mapping: MetricMapping | undefined;
  if (o.mapText !== undefined) mapping = parseMappingFile(o.mapText, o.mapName ?? 'mapping');
  const id = o.model ?? mapping?.model?.id;
  const version = o.modelVersion ?? mapping?.model?.version;
  if (id === undefined || version === undefined)
    throw bad('missing the model under review: a model ("<organisation>/<name>") and its version');

  const base: Omit<ImportOptions, 'fileName' | 'sha256'> = {};
  if (o.metric !== undefined) base.metric = o.metric;
  if (o.task !== undefined) base.task = o.task;
  if (o.scorer !== undefined) base.scorer = o.scorer;
  if (mapping !== undefined) base.map = mapping;
  if (o.allowIncomplete) base.allowIncomplete = true;
  if (o.n !== undefined) base.n = o.n;
  if (o.filter !== undefined) base.filter = o.filter;

  const results: ImportResult[] = [];
  const warnings: string[] = [];
  for (const file of files) {
    const format = resolveFormat(o.format, file.bytes.subarray(0, 256 * 1024), file.fileName);
    if (format === null)
      throw bad(
        `${file.fileName}: cannot tell the log format (Inspect .eval/.json, lm-eval results/samples, CSV); give the format`,
      );
    const sha256 = createHash('sha256').update(file.bytes).digest('hex');
    const opts: ImportOptions = { ...base, fileName: file.fileName, sha256 };
    const result =
      format === 'inspect-eval'
        ? await importEvalBounded(file.bytes, opts)
        : importLog(format, file.bytes, opts);
    results.push(result);
    warnings.push(
      ...result.warnings.map((w) => (w.startsWith(file.fileName) ? w : `${file.fileName}: ${w}`)),
    );
  }
  return { evidence: mergeImported(results, { id, version }, o.safeguards ?? []), warnings };
}
