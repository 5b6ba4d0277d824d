import { GreenlightError, joinPath, type Problem } from '../errors.js';
import { reduceSamples } from './reduce.js';
import type { Evaluation, Evidence, Sample } from './types.js';

/** Framework ids and metric names. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
/** `<organisation>/<name>`. */
export const MODEL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;

const ROOT_KEYS = new Set(['greenlight', 'model', 'safeguards', 'evaluations']);
const MODEL_KEYS = new Set(['id', 'version']);
const COMMON_KEYS = ['metric', 'label', 'source'];
const SHAPE_KEYS = {
  samples: new Set([...COMMON_KEYS, 'samples']),
  counts: new Set([...COMMON_KEYS, 'successes', 'trials']),
  moments: new Set([...COMMON_KEYS, 'n', 'sum', 'sumsq', 'clusters']),
  aggregate: new Set([...COMMON_KEYS, 'mean', 'stderr', 'n']),
} as const;
const SAMPLE_KEYS = new Set(['id', 'epoch', 'value', 'cluster']);
const CLUSTER_KEYS = new Set(['n', 'sum', 'sumsq']);
const MAX_PROBLEMS = 200;

/**
 * Checks a parsed JSON value against the native evidence format (evidence.md) and returns it typed.
 * Every problem is reported by JSON path; nothing is partially accepted.
 */
export function validateEvidence(value: unknown, file?: string): Evidence {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => {
    if (problems.length < MAX_PROBLEMS)
      problems.push(file === undefined ? { path, message } : { file, path, message });
  };
  checkRoot(value, add);
  if (problems.length > 0) {
    const more = problems.length >= MAX_PROBLEMS ? ` (showing the first ${MAX_PROBLEMS})` : '';
    throw new GreenlightError(
      'invalid_evidence',
      `invalid evidence: ${problems.length} problem(s)${more}`,
      problems,
    );
  }
  return value as Evidence;
}

type Add = (path: string, message: string) => void;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

function unknownKeys(obj: Record<string, unknown>, allowed: Set<string>, path: string, add: Add): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.has(k)) add(joinPath(path, k), `unknown key (expected one of: ${[...allowed].join(', ')})`);
  }
}

function checkRoot(v: unknown, add: Add): void {
  if (!isObject(v)) {
    add('', `expected a JSON object with greenlight, model and evaluations, got ${describe(v)}`);
    return;
  }
  unknownKeys(v, ROOT_KEYS, '', add);
  if (v.greenlight !== 1)
    add('greenlight', `expected 1, got ${v.greenlight === undefined ? 'nothing' : describe(v.greenlight)}`);
  checkModel(v.model, add);
  if (v.safeguards !== undefined) {
    if (!Array.isArray(v.safeguards))
      add('safeguards', `expected an array of safeguard ids, got ${describe(v.safeguards)}`);
    else
      v.safeguards.forEach((s, i) => {
        if (typeof s !== 'string' || !ID_PATTERN.test(s))
          add(
            `safeguards[${i}]`,
            `expected a safeguard id matching [a-z0-9][a-z0-9._-]*, got ${describe(s)}`,
          );
      });
  }
  if (!Array.isArray(v.evaluations)) {
    add(
      'evaluations',
      `expected an array of evaluations, got ${v.evaluations === undefined ? 'nothing' : describe(v.evaluations)}`,
    );
    return;
  }
  v.evaluations.forEach((e, i) => {
    checkEvaluation(e, `evaluations[${i}]`, add);
  });
}

function checkModel(m: unknown, add: Add): void {
  if (!isObject(m)) {
    add('model', `expected {id, version}, got ${m === undefined ? 'nothing' : describe(m)}`);
    return;
  }
  unknownKeys(m, MODEL_KEYS, 'model', add);
  if (typeof m.id !== 'string' || !MODEL_ID_PATTERN.test(m.id))
    add(
      'model.id',
      `expected "<organisation>/<name>", got ${m.id === undefined ? 'nothing' : describe(m.id)}`,
    );
  if (typeof m.version !== 'string' || m.version.length === 0)
    add(
      'model.version',
      `expected a non-empty string, got ${m.version === undefined ? 'nothing' : describe(m.version)}`,
    );
}

function shapeOf(e: Record<string, unknown>): keyof typeof SHAPE_KEYS | 'mixed' | 'none' {
  const found: (keyof typeof SHAPE_KEYS)[] = [];
  if ('samples' in e) found.push('samples');
  if ('successes' in e || 'trials' in e) found.push('counts');
  if ('sum' in e || 'sumsq' in e || 'clusters' in e) found.push('moments');
  if ('mean' in e || 'stderr' in e) found.push('aggregate');
  if (found.length === 0) return 'n' in e ? 'mixed' : 'none';
  return found.length === 1 ? found[0]! : 'mixed';
}

function checkEvaluation(e: unknown, path: string, add: Add): void {
  if (!isObject(e)) {
    add(path, `expected an evaluation object, got ${describe(e)}`);
    return;
  }
  if (typeof e.metric !== 'string' || !ID_PATTERN.test(e.metric))
    add(
      joinPath(path, 'metric'),
      `expected a metric name matching [a-z0-9][a-z0-9._-]*, got ${e.metric === undefined ? 'nothing' : describe(e.metric)}`,
    );
  if (e.label !== undefined && typeof e.label !== 'string')
    add(joinPath(path, 'label'), `expected a string, got ${describe(e.label)}`);
  if (e.source !== undefined && !isObject(e.source))
    add(joinPath(path, 'source'), `expected an object, got ${describe(e.source)}`);
  const shape = shapeOf(e);
  if (shape === 'none' || shape === 'mixed') {
    add(
      path,
      `${shape === 'none' ? 'has no data' : 'mixes shapes'}: an evaluation carries exactly one of samples; successes+trials; n+sum+sumsq[+clusters]; mean+stderr+n`,
    );
    return;
  }
  unknownKeys(e, SHAPE_KEYS[shape], path, add);
  switch (shape) {
    case 'samples':
      checkSamples(e.samples, joinPath(path, 'samples'), add);
      return;
    case 'counts':
      checkCounts(e, path, add);
      return;
    case 'moments':
      checkMoments(e, path, add, true);
      return;
    case 'aggregate':
      checkAggregate(e, path, add);
      return;
  }
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

function checkCounts(e: Record<string, unknown>, path: string, add: Add): void {
  const { successes, trials } = e;
  if (!isCount(trials) || trials < 1)
    add(joinPath(path, 'trials'), `expected an integer ≥ 1, got ${describe(trials)}`);
  if (!isCount(successes) || successes < 0)
    add(joinPath(path, 'successes'), `expected an integer ≥ 0, got ${describe(successes)}`);
  else if (isCount(trials) && successes > trials)
    add(
      joinPath(path, 'successes'),
      `${successes} successes out of ${trials} trials: successes cannot exceed trials`,
    );
}

// n·sumsq ≥ sum² must hold "up to rounding".
function consistentMoments(n: number, sum: number, sumsq: number): boolean {
  const lhs = n * sumsq;
  const rhs = sum * sum;
  return lhs >= rhs || rhs - lhs <= 1e-9 * Math.max(Math.abs(rhs), 1);
}

function checkMoments(e: Record<string, unknown>, path: string, add: Add, top: boolean): boolean {
  let ok = true;
  const bad = (key: string, msg: string) => {
    ok = false;
    add(joinPath(path, key), msg);
  };
  const { n, sum, sumsq } = e;
  if (!isCount(n) || n < 1)
    bad('n', `expected an integer ≥ 1, got ${n === undefined ? 'nothing' : describe(n)}`);
  if (typeof sum !== 'number' || !Number.isFinite(sum))
    bad('sum', `expected a finite number, got ${sum === undefined ? 'nothing' : describe(sum)}`);
  if (typeof sumsq !== 'number' || !Number.isFinite(sumsq) || sumsq < 0)
    bad('sumsq', `expected a finite number ≥ 0, got ${sumsq === undefined ? 'nothing' : describe(sumsq)}`);
  if (ok && !consistentMoments(n as number, sum as number, sumsq as number))
    bad(
      'sumsq',
      `inconsistent moments: n·sumsq (${(n as number) * (sumsq as number)}) < sum² (${(sum as number) ** 2})`,
    );
  if (!top) return ok;
  if (e.clusters !== undefined) {
    if (!Array.isArray(e.clusters)) {
      add(joinPath(path, 'clusters'), `expected an array of {n, sum, sumsq}, got ${describe(e.clusters)}`);
      return false;
    }
    let total = 0;
    let clustersOk = true;
    e.clusters.forEach((c, i) => {
      const cp = `${joinPath(path, 'clusters')}[${i}]`;
      if (!isObject(c)) {
        clustersOk = false;
        add(cp, `expected {n, sum, sumsq}, got ${describe(c)}`);
        return;
      }
      unknownKeys(c, CLUSTER_KEYS, cp, add);
      if (checkMoments(c, cp, add, false)) total += c.n as number;
      else clustersOk = false;
    });
    if (clustersOk && isCount(n) && total > n)
      add(joinPath(path, 'clusters'), `cluster sizes add up to ${total}, more than n = ${n}`);
  }
  return ok;
}

function checkAggregate(e: Record<string, unknown>, path: string, add: Add): void {
  const { mean, stderr, n } = e;
  if (typeof mean !== 'number' || !Number.isFinite(mean))
    add(
      joinPath(path, 'mean'),
      `expected a finite number, got ${mean === undefined ? 'nothing' : describe(mean)}`,
    );
  if (stderr !== null && (typeof stderr !== 'number' || !Number.isFinite(stderr) || stderr < 0))
    add(
      joinPath(path, 'stderr'),
      `expected a number ≥ 0 or null (unknown), got ${stderr === undefined ? 'nothing' : describe(stderr)}`,
    );
  if (!isCount(n) || n < 1)
    add(joinPath(path, 'n'), `expected an integer ≥ 1, got ${n === undefined ? 'nothing' : describe(n)}`);
}

function checkSamples(samples: unknown, path: string, add: Add): void {
  if (!Array.isArray(samples)) {
    add(path, `expected a non-empty array of samples, got ${describe(samples)}`);
    return;
  }
  if (samples.length === 0) {
    add(path, 'expected a non-empty array of samples');
    return;
  }
  let allValid = true;
  const invalid = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    if (!checkSample(samples[i], `${path}[${i}]`, add)) {
      allValid = false;
      invalid[i] = 1;
    }
  }
  // Duplicates and cluster consistency among the well-typed samples; when all are, this caches the §0 reduction.
  reduceSamples(samples as Sample[], path, add, allValid ? undefined : invalid);
}

function checkSample(s: unknown, sp: string, add: Add): boolean {
  if (!isObject(s)) {
    add(sp, `expected a sample {id, value[, epoch][, cluster]}, got ${describe(s)}`);
    return false;
  }
  let ok = true;
  for (const k in s) {
    if (!SAMPLE_KEYS.has(k)) {
      add(joinPath(sp, k), 'unknown key (expected one of: id, epoch, value, cluster)');
      ok = false;
    }
  }
  const { id, epoch, value, cluster } = s;
  if (id === undefined) {
    add(
      `${sp}.id`,
      epoch !== undefined
        ? 'an epoch without an id: every sample needs an id'
        : 'missing: every sample needs an id',
    );
    ok = false;
  } else if (!(typeof id === 'string' || isCount(id))) {
    add(`${sp}.id`, `expected a string or an integer, got ${describe(id)}`);
    ok = false;
  }
  if (epoch !== undefined && (!isCount(epoch) || epoch < 1)) {
    add(`${sp}.epoch`, `expected an integer ≥ 1, got ${describe(epoch)}`);
    ok = false;
  }
  if (!(typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)))) {
    add(
      `${sp}.value`,
      `expected a finite number or a boolean, got ${value === undefined ? 'nothing' : describe(value)}`,
    );
    ok = false;
  }
  if (cluster !== undefined && typeof cluster !== 'string') {
    add(`${sp}.cluster`, `expected a string, got ${describe(cluster)}`);
    ok = false;
  }
  return ok;
}

export type { Evaluation };
