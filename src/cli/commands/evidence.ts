/**
 * `greenlight evidence import FILE…`: real evaluation logs → one native evidence document (evidence.md).
 *
 * Every file is read once, its SHA-256 computed with node:crypto while it streams. Inspect `.json` logs are
 * streamed chunk by chunk into the streaming importer (they can be gigabytes); `.eval` archives, lm-eval files and
 * CSV are read into memory. Everything is imported before anything is written, and `-o` writes through a
 * temporary file and a rename, so a failure never leaves a file, or half of one, behind.
 */

import { constants as bufferConstants } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type Command, Option } from 'commander';
import { GreenlightError, isGreenlightError, type Problem } from '../../core/errors.js';
import type { Evaluation, Evidence, ModelRef } from '../../core/evidence/types.js';
import {
  checkModel,
  companionResultsName,
  createInspectJsonImporter,
  decodeUtf8,
  type ImportContext,
  type ImportOptions,
  type ImportResult,
  importLog,
  type LogFormat,
  type MetricMapping,
  mergeImported,
  parseMappingFile,
  resolveFormat,
} from '../../core/import/index.js';
import { importEvalBounded } from '../../node/bounded-import.js';
import { ioError } from '../lib/files.js';

/** An I/O failure as one line, `file: why`. */
function ioFail(file: string, e: unknown): GreenlightError {
  return new GreenlightError('io', ioError(file, e).message, [], { cause: e });
}

type FormatFlag = 'inspect' | 'lm-eval' | 'csv';

interface ImportFlags {
  format?: FormatFlag;
  metric?: string;
  task?: string;
  scorer?: string;
  map?: string;
  model?: string;
  modelVersion?: string;
  allowIncomplete?: boolean;
  n?: string;
  filter?: string;
  output?: string;
  json?: boolean;
}

/** Bytes read to tell the format from the content. */
const HEAD_BYTES = 256 * 1024;
/** Text formats are decoded into one string; V8 caps strings near 512 MiB. */
const MAX_TEXT_BYTES = 512 * 1024 * 1024;
/** Files at least this large get a progress bar on a terminal. */
const PROGRESS_MIN_BYTES = 8 * 1024 * 1024;

const FORMAT_NAMES: Record<LogFormat, string> = {
  'inspect-eval': 'an Inspect .eval log',
  'inspect-json': 'an Inspect .json log',
  'lm-eval-results': 'lm-evaluation-harness results',
  'lm-eval-samples': 'lm-evaluation-harness samples',
  csv: 'CSV',
  native: 'native evidence',
};

export function registerEvidenceCommands(program: Command): void {
  const evidence = program.command('evidence').description('evaluation evidence (evidence.md)');
  evidence
    .command('import')
    .description(
      'turn evaluation logs (Inspect .eval/.json, lm-eval results_*.json/samples_*.jsonl, CSV) into one native evidence document',
    )
    .argument('<files...>', 'log files; several are merged into one document, evaluations in file order')
    .addOption(
      new Option(
        '--format <format>',
        'the log format (default: detected from the content, then the name)',
      ).choices(['inspect', 'lm-eval', 'csv']),
    )
    .option('--metric <metric>', 'the framework metric the log measures (one task/scorer)')
    .option('--task <task>', 'with --metric: the task in the log, when it has several')
    .option('--scorer <scorer>', 'with --metric: the scorer, e.g. includes or "exact_match,strict-match"')
    .option(
      '--map <file>',
      'a YAML mapping file: model and {task, scorer, metric} rules, for many files or tasks',
    )
    .option(
      '--model <org/name>',
      'the model under review, "<organisation>/<name>" (overrides the mapping file)',
    )
    .option('--model-version <version>', 'the version of the model under review (overrides the mapping file)')
    .option(
      '--allow-incomplete',
      'import logs that are not comparable (subset, errors, cancelled); recorded in source',
    )
    .option('--n <n>', 'the number of documents, for lm-eval v0.3 results (which record none)')
    .option('--filter <filter>', 'lm-eval samples: the filter to use when the file has several')
    .option('-o, --output <file>', 'write the evidence here (default: standard output)')
    .option('--json', 'with -o: print a JSON summary of what was imported')
    .action(async (files: string[], flags: ImportFlags) => {
      await runImport(files, flags);
    });
}

function usage(message: string): GreenlightError {
  return new GreenlightError('invalid_input', `evidence import: ${message}`);
}

async function runImport(files: string[], flags: ImportFlags): Promise<void> {
  if ((flags.metric === undefined) === (flags.map === undefined))
    throw usage(
      flags.metric === undefined
        ? 'missing --metric M (with --task/--scorer) or --map FILE: which framework metric the logs measure'
        : 'give either --metric or --map, not both',
    );
  if (flags.map !== undefined && (flags.task !== undefined || flags.scorer !== undefined))
    throw usage('--task and --scorer go with --metric; with --map the mapping file names tasks and scorers');
  let n: number | undefined;
  if (flags.n !== undefined) {
    n = /^\d+$/.test(flags.n.trim()) ? Number(flags.n.trim()) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < 1) throw usage(`--n must be an integer ≥ 1, got "${flags.n}"`);
  }

  let mapping: MetricMapping | undefined;
  if (flags.map !== undefined) {
    let text: string;
    try {
      text = await readFile(flags.map, 'utf8');
    } catch (e) {
      throw ioFail(flags.map, e);
    }
    mapping = parseMappingFile(text, flags.map);
  }
  const model = resolveModel(flags, mapping);

  const base: Omit<ImportOptions, 'fileName' | 'sha256'> = {};
  if (flags.metric !== undefined) base.metric = flags.metric;
  if (flags.task !== undefined) base.task = flags.task;
  if (flags.scorer !== undefined) base.scorer = flags.scorer;
  if (mapping !== undefined) base.map = mapping;
  if (flags.allowIncomplete) base.allowIncomplete = true;
  if (n !== undefined) base.n = n;
  if (flags.filter !== undefined) base.filter = flags.filter;

  const results: ImportResult[] = [];
  const perFile: { file: string; result: ImportResult }[] = [];
  let approxOutputBytes = 0;
  for (const file of files) {
    const result = await importFile(file, flags.format, base);
    approxOutputBytes += result.evaluations.reduce(
      (acc, e) => acc + ('samples' in e ? e.samples.length * 32 : 0),
      0,
    );
    for (const w of result.warnings) process.stderr.write(`warning: ${nameFile(w, file)}\n`);
    results.push(result);
    perFile.push({ file, result });
  }
  if (mapping !== undefined) {
    const evals = results.flatMap((r) => r.evaluations);
    for (const rule of mapping.map) {
      const used = evals.some((e) => e.metric === rule.metric && e.source?.task === rule.task);
      if (!used)
        process.stderr.write(
          `warning: ${flags.map}: rule {task: ${rule.task}, scorer: ${rule.scorer}, metric: ${rule.metric}} matched no file\n`,
        );
    }
  }

  const status = new Progress('', approxOutputBytes);
  status.status('checking and writing the evidence…');
  let doc: Evidence;
  let text: string;
  try {
    doc = mergeImported(results, model);
    text = formatEvidence(doc);
  } finally {
    status.clear();
  }
  if (flags.output === undefined) {
    process.stdout.write(text);
    return;
  }
  await writeAtomic(flags.output, text);
  const summary = perFile.flatMap(({ file, result }) =>
    result.evaluations.map((e) => ({ file, ...describeEvaluation(e) })),
  );
  if (flags.json) {
    const warnings = perFile.flatMap(({ file, result }) => result.warnings.map((w) => nameFile(w, file)));
    process.stdout.write(
      `${JSON.stringify({ output: flags.output, model: doc.model, evaluations: summary, warnings })}\n`,
    );
  } else {
    process.stdout.write(
      `wrote ${flags.output}: ${doc.evaluations.length} evaluation${doc.evaluations.length === 1 ? '' : 's'} from ${files.length} file${files.length === 1 ? '' : 's'}\n`,
    );
    for (const s of summary) process.stdout.write(`  ${s.metric}  ${s.shape} n=${s.n}  (${s.file})\n`);
  }
}

function resolveModel(flags: ImportFlags, mapping: MetricMapping | undefined): ModelRef {
  const id = flags.model ?? mapping?.model?.id;
  const version = flags.modelVersion ?? mapping?.model?.version;
  const fromMap = flags.map !== undefined ? ` (or model.id in ${flags.map})` : '';
  const fromMapV = flags.map !== undefined ? ` (or model.version in ${flags.map})` : '';
  if (id === undefined && version === undefined)
    throw usage(
      `missing the model under review: --model ORG/NAME${fromMap} and --model-version V${fromMapV}`,
    );
  if (id === undefined) throw usage(`missing --model ORG/NAME${fromMap}: the model under review`);
  if (version === undefined) throw usage(`missing --model-version V${fromMapV}: the version under review`);
  try {
    return checkModel({ id, version });
  } catch (e) {
    if (isGreenlightError(e)) throw usage(e.message);
    throw e;
  }
}

/** One evaluation in a line of the summary. */
function describeEvaluation(e: Evaluation): { metric: string; shape: string; n: number } {
  if ('samples' in e) return { metric: e.metric, shape: 'samples', n: e.samples.length };
  if ('trials' in e) return { metric: e.metric, shape: 'counts', n: e.trials };
  if ('sum' in e) return { metric: e.metric, shape: 'moments', n: e.n };
  return { metric: e.metric, shape: 'aggregate', n: e.n };
}

/** Reads, hashes and imports one file; errors name the file as the user gave it. */
async function importFile(
  file: string,
  formatFlag: FormatFlag | undefined,
  base: Omit<ImportOptions, 'fileName' | 'sha256'>,
): Promise<ImportResult> {
  const name = basename(file);
  let size: number;
  let head: Uint8Array;
  try {
    const st = await stat(file);
    if (st.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    size = st.size;
    head = await readHead(file);
  } catch (e) {
    throw ioFail(file, e);
  }
  const format = resolveFormat(formatFlag, head, name);
  if (format === null)
    throw new GreenlightError(
      'invalid_input',
      `${file}: cannot tell the format (not an Inspect log, lm-eval results or samples, or a CSV with an id,value header); pass --format inspect|lm-eval|csv`,
    );
  if (format === 'native')
    throw new GreenlightError(
      'unsupported',
      `${file}: already native Greenlight evidence; use it as it is (nothing to import)`,
    );
  const bar = new Progress(file, size);
  const opts: ImportOptions = { ...base, fileName: name, sha256: '' };
  if (process.stderr.isTTY) opts.onProgress = (done, total) => bar.update(done, total, 'importing');
  try {
    if (format === 'inspect-json') return await streamInspectJson(file, opts, bar);
    const max = format === 'inspect-eval' ? bufferConstants.MAX_LENGTH : MAX_TEXT_BYTES;
    if (size > max)
      throw new GreenlightError(
        'too_large',
        `${file}: ${mib(size)} is too large to import as ${FORMAT_NAMES[format]} (at most ${mib(max)})`,
      );
    const { bytes, sha256 } = await readAll(file, bar);
    opts.sha256 = sha256;
    const context: ImportContext = {};
    if (format === 'lm-eval-samples') {
      const run = await readCompanion(file);
      if (run !== undefined) context.lmEvalRun = run;
    }
    bar.status(`importing ${file}…`);
    // .eval archives are decoded in a worker with a time limit (see src/node/bounded-import.ts).
    if (format === 'inspect-eval') return await importEvalBounded(bytes, opts);
    return importLog(format, bytes, opts, context);
  } catch (e) {
    throw attribute(e, file, name, format);
  } finally {
    bar.clear();
  }
}

async function readHead(file: string): Promise<Uint8Array> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** The whole file, hashed while it streams. */
async function readAll(file: string, bar: Progress): Promise<{ bytes: Uint8Array; sha256: string }> {
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let done = 0;
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
      const b = chunk as Buffer;
      hash.update(b);
      chunks.push(b);
      done += b.length;
      bar.update(done, bar.total, 'reading');
    }
  } catch (e) {
    throw ioFail(file, e);
  }
  return { bytes: Buffer.concat(chunks, done), sha256: hash.digest('hex') };
}

/** An Inspect `.json` log, streamed into the importer in chunks; never held whole. */
async function streamInspectJson(file: string, opts: ImportOptions, bar: Progress): Promise<ImportResult> {
  const hash = createHash('sha256');
  const importer = createInspectJsonImporter(opts);
  let done = 0;
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream) {
      const b = chunk as Buffer;
      hash.update(b);
      importer.push(b);
      done += b.length;
      bar.update(done, bar.total, 'reading');
    }
  } catch (e) {
    stream.destroy();
    if (isGreenlightError(e)) throw e;
    if (typeof (e as NodeJS.ErrnoException)?.code === 'string') throw ioFail(file, e);
    throw e;
  }
  const sha256 = hash.digest('hex');
  // The hash is known only now: importers read opts.sha256 when they build `source`, and any copy taken
  // earlier is corrected below.
  opts.sha256 = sha256;
  const result = importer.finish();
  for (const e of result.evaluations) if (e.source !== undefined) e.source.sha256 = sha256;
  return result;
}

/** The `results_<ts>.json` written next to a `samples_<task>_<ts>.jsonl` by the same run, if it is there. */
async function readCompanion(file: string): Promise<ImportContext['lmEvalRun']> {
  const name = companionResultsName(basename(file));
  if (name === undefined) return undefined;
  const path = join(dirname(file), name);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException)?.code === 'ENOENT') return undefined;
    throw ioFail(path, e);
  }
  return {
    text: decodeUtf8(bytes, path),
    fileName: name,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

/** Makes an error name the file as given on the command line; unexpected errors become one clear line. */
function attribute(e: unknown, file: string, name: string, format: LogFormat): unknown {
  if (isGreenlightError(e)) {
    const problems: Problem[] = e.problems.map((p) => {
      if (p.file === undefined) return { ...p, file };
      return p.file === name ? { ...p, file } : p;
    });
    return new GreenlightError(e.code, nameFile(e.message, file), problems, { cause: e });
  }
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.code === 'string' && typeof err.path === 'string') return e;
  const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
  return new GreenlightError(
    'invalid_input',
    `${file}: cannot be read as ${FORMAT_NAMES[format]}: ${why}`,
    [],
    {
      cause: e,
    },
  );
}

/** `name: …` → `path: …`; a message that does not name the file gets `path: ` in front. */
function nameFile(message: string, file: string): string {
  const name = basename(file);
  if (message.startsWith(file)) return message;
  if (message.startsWith(name)) return file + message.slice(name.length);
  return `${file}: ${message}`;
}

/** Writes through a temporary file in the same directory and a rename. */
async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text, { flag: 'wx' });
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw ioFail(file, e);
  }
}

/**
 * Evidence as JSON, two-space indented, except that an array of flat objects (the samples) is written one
 * object per line: readable, diffable, and far shorter than fully indented.
 */
export function formatEvidence(doc: Evidence): string {
  return `${write(doc, '')}\n`;
}

function isFlat(v: unknown): boolean {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.values(v).every((x) => x === null || typeof x !== 'object')
  );
}

function write(v: unknown, indent: string): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (v.every(isFlat)) return `[\n${v.map((x) => inner + JSON.stringify(x)).join(',\n')}\n${indent}]`;
    return `[\n${v.map((x) => inner + write(x, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(v).filter(([, x]) => x !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${write(x, inner)}`).join(',\n')}\n${indent}}`;
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** A one-line progress bar on stderr, drawn only on a terminal and only for large files. */
class Progress {
  private last = 0;
  private drawn = false;
  private readonly enabled: boolean;

  constructor(
    private readonly label: string,
    readonly total: number,
  ) {
    this.enabled = process.stderr.isTTY === true && total >= PROGRESS_MIN_BYTES;
  }

  update(done: number, total: number, phase: string): void {
    if (!this.enabled || total <= 0) return;
    const now = Date.now();
    if (now - this.last < 100 && done < total) return;
    this.last = now;
    const frac = Math.min(1, done / total);
    const width = 24;
    const full = Math.round(frac * width);
    const cols = (process.stderr.columns ?? 0) >= 40 ? process.stderr.columns : 80;
    let line = `${phase} ${this.label} [${'#'.repeat(full)}${'.'.repeat(width - full)}] ${(frac * 100).toFixed(0).padStart(3)}%`;
    if (line.length >= cols) line = line.slice(line.length - cols + 1);
    process.stderr.write(`\r${line}\x1b[K`);
    this.drawn = true;
  }

  /** A line that stays until the next update or clear(), for synchronous work that cannot report progress. */
  status(text: string): void {
    if (!this.enabled) return;
    const cols = (process.stderr.columns ?? 0) >= 40 ? process.stderr.columns : 80;
    process.stderr.write(`\r${text.length >= cols ? text.slice(text.length - cols + 1) : text}\x1b[K`);
    this.drawn = true;
  }

  clear(): void {
    if (this.drawn) process.stderr.write('\r\x1b[K');
    this.drawn = false;
  }
}
