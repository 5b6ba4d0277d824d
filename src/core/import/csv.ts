/**
 * CSV → one per-sample evaluation. A header row names the columns `id`, `value`, and optionally `epoch` and
 * `cluster`, in any order (names are case-insensitive). RFC 4180 quoting (`"a,b"`, `""` for a quote, line breaks
 * inside quotes), LF or CRLF, an optional UTF-8 BOM. Unquoted fields are trimmed of spaces and tabs; quoted
 * fields are taken as written. Ids stay strings (CSV has no types). Values: a decimal number, or `true`/`false`.
 * An empty `epoch` means 1 (the default), an empty `cluster` none.
 *
 * With `--map`, the file's task is its name without the extension and its scorer is `value`.
 */
import { GreenlightError, type Problem } from '../errors.js';
import type { PerSampleEvaluation, Sample } from '../evidence/types.js';
import type { ImportOptions, ImportResult } from './types.js';

const COLUMNS = ['id', 'value', 'epoch', 'cluster'] as const;
type Column = (typeof COLUMNS)[number];
const MAX_PROBLEMS = 100;
const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

interface Field {
  text: string;
  quoted: boolean;
}
interface CsvRecord {
  line: number;
  fields: Field[];
}

/** Splits CSV text into records; `line` is where each record starts (1-based). */
export function parseCsvRecords(text: string, file: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  const fail = (at: number, message: string): never => {
    throw new GreenlightError('invalid_input', `${file}:${at}: ${message}`, [
      { file, line: at, path: '', message },
    ]);
  };
  while (i < n) {
    const recLine = line;
    const fields: Field[] = [];
    for (;;) {
      // One field.
      if (text[i] === '"') {
        const startLine = line;
        i++;
        let value = '';
        for (;;) {
          if (i >= n) fail(startLine, 'unterminated quoted field');
          const q = text.indexOf('"', i);
          if (q < 0) fail(startLine, 'unterminated quoted field');
          const chunk = text.slice(i, q);
          for (let k = 0; k < chunk.length; k++) if (chunk.charCodeAt(k) === 10) line++;
          value += chunk;
          i = q + 1;
          if (text[i] === '"') {
            value += '"';
            i++;
            continue;
          }
          break;
        }
        // Only spaces may follow the closing quote before the separator.
        while (text[i] === ' ' || text[i] === '\t') i++;
        if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r')
          fail(line, 'unexpected text after a closing quote (a quote inside a quoted field is written "")');
        fields.push({ text: value, quoted: true });
      } else {
        let j = i;
        while (j < n) {
          const c = text[j];
          if (c === ',' || c === '\n' || c === '\r') break;
          if (c === '"')
            fail(line, 'a quote inside an unquoted field (quote the whole field and double the quote)');
          j++;
        }
        fields.push({ text: text.slice(i, j).replace(/^[ \t]+|[ \t]+$/g, ''), quoted: false });
        i = j;
      }
      if (text[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    // End of record.
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    line++;
    const blank = fields.length === 1 && !fields[0]!.quoted && fields[0]!.text === '';
    if (!blank) records.push({ line: recLine, fields });
  }
  return records;
}

/** The per-sample evaluation of a CSV file (see the module comment). */
export function importCsv(text: string, opts: ImportOptions): ImportResult {
  const file = opts.fileName;
  const records = parseCsvRecords(text, file);
  const problems: Problem[] = [];
  let total = 0;
  const add = (line: number, message: string) => {
    total++;
    if (problems.length < MAX_PROBLEMS) problems.push({ file, line, path: '', message });
  };
  const fail = (): never => {
    const more = total > problems.length ? ` (showing the first ${problems.length})` : '';
    if (total > problems.length)
      problems.push({ file, path: '', message: `… and ${total - problems.length} more problems` });
    throw new GreenlightError('invalid_input', `${file}: ${total} problem(s) in the CSV${more}`, problems);
  };

  const { metric, task } = csvMetric(opts);
  const header = records[0];
  if (header === undefined) {
    add(1, 'empty file: expected a header row id,value[,epoch][,cluster] and at least one sample');
    return fail();
  }
  const index = new Map<Column, number>();
  header.fields.forEach((f, k) => {
    const name = f.text.trim().toLowerCase();
    if (!(COLUMNS as readonly string[]).includes(name)) {
      add(
        header.line,
        `unknown column "${f.text}" in the header (expected id, value, and optionally epoch, cluster)`,
      );
      return;
    }
    if (index.has(name as Column)) add(header.line, `column "${name}" appears twice in the header`);
    else index.set(name as Column, k);
  });
  for (const req of ['id', 'value'] as const)
    if (!index.has(req))
      add(header.line, `the header has no "${req}" column (expected id,value[,epoch][,cluster])`);
  if (problems.length > 0) return fail();
  if (records.length === 1) {
    add(header.line, 'no samples after the header row');
    return fail();
  }

  const width = header.fields.length;
  const col = (r: CsvRecord, c: Column): Field | undefined => {
    const k = index.get(c);
    return k === undefined ? undefined : r.fields[k];
  };
  const samples: Sample[] = [];
  // Per id: its cluster and first (epoch, line); further epochs as [epoch, line, epoch, line, …] only when needed.
  const byId = new Map<
    string,
    { cluster: string | undefined; epoch: number; line: number; more?: number[] }
  >();
  for (let k = 1; k < records.length; k++) {
    const r = records[k]!;
    if (r.fields.length !== width) {
      add(
        r.line,
        `expected ${width} fields (${header.fields.map((f) => f.text.trim()).join(',')}), found ${r.fields.length}`,
      );
      continue;
    }
    let ok = true;
    const id = col(r, 'id')!.text;
    if (id === '') {
      add(r.line, 'empty id');
      ok = false;
    }
    const value = parseValue(col(r, 'value')!.text);
    if (typeof value === 'string') {
      add(r.line, value);
      ok = false;
    }
    let epoch: number | undefined;
    const ef = col(r, 'epoch');
    if (ef !== undefined && ef.text.trim() !== '') {
      const t = ef.text.trim();
      epoch = /^\d+$/.test(t) ? Number(t) : Number.NaN;
      if (!Number.isSafeInteger(epoch) || epoch < 1) {
        add(r.line, `epoch "${ef.text}" is not an integer ≥ 1`);
        ok = false;
      }
    }
    const cf = col(r, 'cluster');
    const cluster = cf !== undefined && cf.text !== '' ? cf.text : undefined;
    if (!ok) continue;
    const ep = epoch ?? 1;
    const prior = byId.get(id);
    if (prior === undefined) {
      byId.set(id, { cluster, epoch: ep, line: r.line });
    } else {
      const dup = duplicateLine(prior, ep);
      if (dup !== undefined) {
        add(r.line, `duplicate sample: id ${JSON.stringify(id)} epoch ${ep} already on line ${dup}`);
        continue;
      }
      if (prior.cluster !== cluster) {
        add(
          r.line,
          `id ${JSON.stringify(id)} is in cluster ${JSON.stringify(cluster ?? '')} here but ${JSON.stringify(prior.cluster ?? '')} on line ${prior.line}: all epochs of a sample carry the same cluster`,
        );
        continue;
      }
      if (prior.more === undefined) prior.more = [ep, r.line];
      else prior.more.push(ep, r.line);
    }
    const s: Sample = { id, value: value as number | boolean };
    if (epoch !== undefined) s.epoch = epoch;
    if (cluster !== undefined) s.cluster = cluster;
    samples.push(s);
  }
  if (problems.length > 0) return fail();

  const source: Record<string, unknown> = { format: 'csv', file, sha256: opts.sha256 };
  if (task !== undefined) {
    source.task = task;
    source.scorer = 'value';
  }
  source.rows = samples.length;
  const evaluation: PerSampleEvaluation = { metric, source, samples };
  return { evaluations: [evaluation], warnings: [] };
}

/** The line where this id already had epoch `ep`, if it had. */
function duplicateLine(
  prior: { epoch: number; line: number; more?: number[] },
  ep: number,
): number | undefined {
  if (prior.epoch === ep) return prior.line;
  const more = prior.more;
  if (more !== undefined) for (let i = 0; i < more.length; i += 2) if (more[i] === ep) return more[i + 1];
  return undefined;
}

/** A number or boolean, or an error message. */
function parseValue(raw: string): number | boolean | string {
  const t = raw.trim();
  if (t === '') return 'empty value';
  const lower = t.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (/^[+-]?(nan|inf|infinity)$/.test(lower))
    return `value ${t} is not a finite number (leave unscored samples out of the file)`;
  if (!NUMBER_RE.test(t)) return `value "${raw}" is not a number or true/false`;
  const v = Number(t);
  if (!Number.isFinite(v)) return `value ${t} is out of range`;
  return v;
}

/** The file's framework metric: --metric, or the mapping rule for {task: <file stem>, scorer: value}. */
function csvMetric(opts: ImportOptions): { metric: string; task?: string } {
  if (opts.metric !== undefined) return { metric: opts.metric };
  const base = opts.fileName.split(/[\\/]/).pop() ?? opts.fileName;
  const stem = base.replace(/\.[^.]*$/, '');
  if (opts.map !== undefined) {
    const rules = opts.map.map.filter((r) => r.task === stem && r.scorer === 'value');
    if (rules.length === 1) return { metric: rules[0]!.metric, task: stem };
    if (rules.length > 1)
      throw new GreenlightError(
        'invalid_input',
        `${opts.fileName}: several mapping rules for {task: ${stem}, scorer: value}; a CSV file is one evaluation`,
      );
    throw new GreenlightError(
      'invalid_input',
      `${opts.fileName}: no mapping rule for this CSV file (a CSV file maps as {task: ${stem}, scorer: value, metric: …})`,
    );
  }
  throw new GreenlightError(
    'invalid_input',
    `${opts.fileName}: no framework metric given: pass --metric or --map`,
  );
}
