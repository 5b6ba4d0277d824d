/** Test-only builders of synthetic Inspect logs (header, samples, summaries) in both containers. */
import { buildZip, type ZipMember, type ZipOptions } from './zip-writer.js';

type Obj = Record<string, unknown>;

export function header(over: Obj = {}, evalOver: Obj = {}, n = 3): Obj {
  return {
    version: 2,
    status: 'success',
    eval: {
      eval_id: 'EVAL1',
      run_id: 'RUN1',
      created: '2026-01-01T00:00:00+00:00',
      task: 'demo',
      task_id: 'TASK1',
      model: 'openai/gpt-4o-mini',
      dataset: { name: 'demo', samples: n, sample_ids: Array.from({ length: n }, (_, i) => i + 1) },
      config: { epochs: 1 },
      packages: { inspect_ai: '0.3.240' },
      ...evalOver,
    },
    plan: { name: 'plan', steps: [{ solver: 'generate', params: {} }] },
    results: {
      total_samples: n,
      completed_samples: n,
      scores: [
        {
          name: 'match',
          scorer: 'match',
          reducer: null,
          metrics: { accuracy: { name: 'accuracy', value: 0.5 } },
        },
      ],
    },
    stats: {
      started_at: '2026-01-01T00:00:00+00:00',
      completed_at: '2026-01-01T00:01:00+00:00',
      model_usage: {},
    },
    ...over,
  };
}

/** A full EvalSample with a transcript. */
export function sample(id: string | number, epoch: number, scores: Obj | null, extra: Obj = {}): Obj {
  return {
    id,
    epoch,
    input: `question ${id}`,
    target: 'yes',
    messages: [
      { role: 'user', content: `question ${id} "quoted" \\ back` },
      { role: 'assistant', content: 'an answer', source: 'generate' },
    ],
    output: {
      model: 'gpt-4o-mini',
      choices: [{ message: { role: 'assistant', content: 'x' } }],
      completion: 'x',
    },
    scores,
    metadata: {},
    events: [{ event: 'model', input: [], output: {} }],
    ...extra,
  };
}

/** The summary Inspect writes for a sample. */
export function summary(s: Obj): Obj {
  const out: Obj = {
    id: s.id,
    epoch: s.epoch,
    input: s.input,
    target: s.target,
    scores: s.scores,
    completed: true,
  };
  if (s.error !== undefined && s.error !== null) out.error = (s.error as Obj).message;
  if (Array.isArray(s.error_retries)) out.retries = s.error_retries.length;
  return out;
}

export const NAN = '__NaN__';
export const INF = '__Infinity__';
export const NINF = '__-Infinity__';

/** JSON text with NaN/±Infinity written as Inspect writes them (bare tokens). */
export function jsonText(value: unknown, indent?: number): string {
  const text = JSON.stringify(
    value,
    (_k, v) => {
      if (typeof v === 'number' && Number.isNaN(v)) return NAN;
      if (v === Number.POSITIVE_INFINITY) return INF;
      if (v === Number.NEGATIVE_INFINITY) return NINF;
      return v;
    },
    indent,
  );
  return text
    .replaceAll(`"${NAN}"`, 'NaN')
    .replaceAll(`"${INF}"`, 'Infinity')
    .replaceAll(`"${NINF}"`, '-Infinity');
}

export function jsonLog(h: Obj, samples: Obj[] | undefined, extra: Obj = {}): Uint8Array {
  const log: Obj = { ...h };
  if (samples !== undefined) log.samples = samples;
  Object.assign(log, extra);
  return new TextEncoder().encode(jsonText(log, 2));
}

export interface EvalParts {
  header?: Obj;
  /** Written as samples/{id}_epoch_{epoch}.json and summarized in summaries.json (unless `summaries` is false). */
  samples?: Obj[];
  summaries?: Obj[] | false;
  reductions?: unknown;
  journal?: boolean;
  extra?: ZipMember[];
}

export function evalLog(parts: EvalParts, zip?: ZipOptions): Uint8Array {
  const h = parts.header ?? header();
  const samples = parts.samples ?? [];
  const members: ZipMember[] = [];
  if (parts.journal !== false)
    members.push({ name: '_journal/start.json', data: jsonText({ version: 2, eval: h.eval, plan: h.plan }) });
  for (const s of samples)
    members.push({ name: `samples/${String(s.id)}_epoch_${String(s.epoch)}.json`, data: jsonText(s) });
  const sums = parts.summaries ?? samples.map(summary);
  if (sums !== false) {
    if (parts.journal !== false) members.push({ name: '_journal/summaries/1.json', data: jsonText(sums) });
    members.push({ name: 'summaries.json', data: jsonText(sums) });
  }
  if (parts.reductions !== undefined)
    members.push({ name: 'reductions.json', data: jsonText(parts.reductions) });
  members.push({ name: 'header.json', data: jsonText(h, 2) });
  members.push(...(parts.extra ?? []));
  return buildZip(members, zip);
}
