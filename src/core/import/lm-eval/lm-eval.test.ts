import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../digest.js';
import { GreenlightError } from '../../errors.js';
import type { AggregateEvaluation, PerSampleEvaluation } from '../../evidence/types.js';
import { validateEvidence } from '../../evidence/validate.js';
import type { ImportOptions, MetricMapping } from '../types.js';
import {
  importLmEvalResults,
  importLmEvalSamples,
  parseJsonTolerant,
  parseSamplesFileName,
} from './index.js';

const FIXTURES = '../../../../../shared/fixtures/lm-eval/';
const GSM8K = 'results_2024-08-25T21-59-12.123082.json';
const QWEN = 'results_2026-07-08T18-15-33.115417.json';
const GEMMA = 'results_2025-03-06T19-20-09.274097.json';
const PYTHIA = '160m-5shot_step143000.json';
const SAMPLES = 'samples_negotiationtom_belief_2026-07-08T18-15-33.115417.jsonl';

function fixture(name: string): string {
  return readFileSync(new URL(FIXTURES + name, import.meta.url), 'utf8');
}

function opts(fileName: string, text: string, extra: Partial<ImportOptions>): ImportOptions {
  return { fileName, sha256: sha256Hex(text), ...extra };
}

function results(name: string, extra: Partial<ImportOptions>) {
  const text = fixture(name);
  return importLmEvalResults(text, opts(name, text, extra));
}

function only(name: string, extra: Partial<ImportOptions>): AggregateEvaluation {
  const r = results(name, extra);
  expect(r.evaluations).toHaveLength(1);
  return r.evaluations[0] as AggregateEvaluation;
}

function errorOf(f: () => unknown): GreenlightError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(GreenlightError);
    return e as GreenlightError;
  }
  throw new Error('expected an error');
}

/** The evaluations must be valid native evidence. */
function valid(evaluations: unknown[]): void {
  validateEvidence({ greenlight: 1, model: { id: 'example-lab/model-x', version: '1' }, evaluations });
}

describe('lm-eval results: gsm8k (two filters, mid-2024)', () => {
  it('imports each filter with its own stderr and n from n-samples.effective', () => {
    const strict = only(GSM8K, { metric: 'reasoning.math', scorer: 'exact_match,strict-match' });
    expect(strict.metric).toBe('reasoning.math');
    expect(strict.label).toBe('gsm8k_cot_llama / exact_match,strict-match');
    expect(strict.mean).toBe(0.7725549658832449);
    expect(strict.stderr).toBe(0.01154636331254809);
    expect(strict.n).toBe(1319);
    const flexible = only(GSM8K, { metric: 'reasoning.math', scorer: 'exact_match,flexible-extract' });
    expect(flexible.mean).toBe(0.7778620166793025);
    expect(flexible.stderr).toBe(0.011449986902435323);
    expect(flexible.n).toBe(1319);
    valid([strict, flexible]);
  });

  it('records provenance in source', () => {
    const text = fixture(GSM8K);
    const e = only(GSM8K, { metric: 'reasoning.math', scorer: 'exact_match,strict-match' });
    expect(e.source).toMatchObject({
      format: 'lm-eval',
      file: GSM8K,
      sha256: sha256Hex(text),
      task: 'gsm8k_cot_llama',
      scorer: 'exact_match,strict-match',
      model: 'meta-llama/Meta-Llama-3-8B-Instruct',
      model_args: 'pretrained=meta-llama/Meta-Llama-3-8B-Instruct',
      model_backend: 'vllm',
      git_hash: '7489a342',
      date: '2024-08-25T21:55:00.313Z',
      task_version: 3,
      num_fewshot: 5,
      task_hash: 'a978e36e39aa2bdf4bfe41af21fd2ffcf052677fd439dde950d6904680741ba8',
      n_original: 1319,
      n_effective: 1319,
      n_from: 'n-samples.effective',
    });
    expect(e.source).not.toHaveProperty('allow_incomplete');
    expect(e.source).not.toHaveProperty('lm_eval_version');
  });

  it('asks for the scorer when there are several, listing them', () => {
    const e = errorOf(() => results(GSM8K, { metric: 'reasoning.math' }));
    expect(e.code).toBe('invalid_input');
    expect(e.message).toContain('exact_match,strict-match, exact_match,flexible-extract');
    expect(e.message).toContain('--scorer');
  });

  it('says a bare metric name is ambiguous across filters', () => {
    const e = errorOf(() => results(GSM8K, { metric: 'reasoning.math', scorer: 'exact_match' }));
    expect(e.message).toContain('ambiguous');
  });

  it('names an unknown task or scorer and lists what exists', () => {
    expect(errorOf(() => results(GSM8K, { metric: 'm', task: 'nope' })).message).toContain(
      'no task "nope" in the log (tasks: gsm8k_cot_llama)',
    );
    expect(errorOf(() => results(GSM8K, { metric: 'm', scorer: 'acc,none' })).message).toContain(
      'no scorer "acc,none"',
    );
  });

  it('ignores --n when the log records n, with a warning', () => {
    const r = results(GSM8K, { metric: 'm', scorer: 'exact_match,strict-match', n: 10 });
    expect((r.evaluations[0] as AggregateEvaluation).n).toBe(1319);
    expect(r.warnings.join('\n')).toContain('--n 10 ignored');
  });
});

describe('lm-eval results: Qwen3-8B negotiationtom (2026, group, N/A stderr, --limit 20)', () => {
  it('refuses a --limit subset as not comparable', () => {
    const e = errorOf(() => results(QWEN, { metric: 'tom.belief', task: 'negotiationtom_belief' }));
    expect(e.code).toBe('not_comparable');
    expect(e.message).toContain('20 of 13812 documents evaluated');
    expect(e.message).toContain('--allow-incomplete');
  });

  it('accepts it with allowIncomplete, recorded in source and warned about', () => {
    const r = results(QWEN, { metric: 'tom.belief', task: 'negotiationtom_belief', allowIncomplete: true });
    const e = r.evaluations[0] as AggregateEvaluation;
    expect(e.mean).toBe(0.45);
    expect(e.stderr).toBe(0.11413288653790232);
    expect(e.n).toBe(20);
    expect(e.source).toMatchObject({
      task: 'negotiationtom_belief',
      scorer: 'acc,none',
      allow_incomplete: true,
      samples_excluded: { not_evaluated: 13792 },
      n_original: 13812,
      n_effective: 20,
      limit: 20,
      model: 'Qwen/Qwen3-8B',
      model_args: { pretrained: 'Qwen/Qwen3-8B', dtype: 'bfloat16', enable_thinking: false },
      model_sha: 'b968826d9c46dd6066d109eabc6255188de91218',
      lm_eval_version: '0.4.13.dev0',
      git_hash: 'eb02ba327fb7c76475b12c8cdcf88623ec013a24',
      task_version: 0,
    });
    expect(e.source?.incomplete_reasons).toEqual(['20 of 13812 documents evaluated (--limit 20)']);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toContain('--allow-incomplete');
    valid([e]);
  });

  it('turns "N/A" stderr into null, never 0', () => {
    const e = only(QWEN, {
      metric: 'tom.intention',
      task: 'negotiationtom_intention',
      scorer: 'micro_f1,none',
      allowIncomplete: true,
    });
    expect(e.mean).toBe(0.2857142857142857);
    expect(e.stderr).toBeNull();
    expect(e.n).toBe(20);
    expect(e.source?.stderr_note).toContain('"N/A"');
    valid([e]);
  });

  it('imports a group row with n from its sample_count', () => {
    const acc = only(QWEN, {
      metric: 'tom.all',
      task: 'negotiationtom',
      scorer: 'acc,none',
      allowIncomplete: true,
    });
    expect(acc.mean).toBe(0.525);
    expect(acc.stderr).toBe(0.08009040943964843);
    expect(acc.n).toBe(40);
    expect(acc.source).toMatchObject({
      group: true,
      n_from: 'sample_count',
      subtasks: ['negotiationtom_belief', 'negotiationtom_desire'],
      n_original: 27624,
      n_effective: 40,
      samples_excluded: { not_evaluated: 27584 },
    });
    const em = only(QWEN, {
      metric: 'tom.all',
      task: 'negotiationtom',
      scorer: 'exact_match',
      allowIncomplete: true,
    });
    expect(em.mean).toBe(0.2);
    expect(em.n).toBe(20);
    expect(em.source?.subtasks).toEqual(['negotiationtom_intention']);
  });

  it('refuses the group too when its subtasks were limited', () => {
    const e = errorOf(() => results(QWEN, { metric: 'tom.all', task: 'negotiationtom', scorer: 'acc,none' }));
    expect(e.code).toBe('not_comparable');
    expect(e.message).toContain('negotiationtom_belief: 20 of 13812');
  });

  it('asks for --task when the log has several, listing them', () => {
    const e = errorOf(() => results(QWEN, { metric: 'm' }));
    expect(e.message).toContain('several tasks');
    expect(e.message).toContain(
      'negotiationtom_belief, negotiationtom_desire, negotiationtom_intention, negotiationtom',
    );
  });

  it('maps several tasks with a mapping file, in rule order', () => {
    const map: MetricMapping = {
      map: [
        { task: 'negotiationtom_desire', scorer: 'acc,none', metric: 'tom.desire' },
        { task: 'negotiationtom_belief', scorer: 'acc', metric: 'tom.belief' },
        { task: 'some_other_task', scorer: 'acc,none', metric: 'other' },
      ],
    };
    const r = results(QWEN, { map, allowIncomplete: true });
    expect(r.evaluations.map((e) => [e.metric, (e as AggregateEvaluation).mean])).toEqual([
      ['tom.desire', 0.6],
      ['tom.belief', 0.45],
    ]);
    expect((r.evaluations[0] as AggregateEvaluation).stderr).toBe(0.11239029738980327);
  });

  it('refuses a mapping file none of whose rules names a task of the log', () => {
    const e = errorOf(() => results(QWEN, { map: { map: [{ task: 'x', scorer: 'y', metric: 'z' }] } }));
    expect(e.message).toContain('no rule of the mapping file names a task of this log');
  });
});

describe('lm-eval results: gemma-2-2b MMLU (three-level groups, full run)', () => {
  it('imports a subject task', () => {
    const e = only(GEMMA, { metric: 'knowledge.logic', task: 'mmlu_formal_logic' });
    expect(e.mean).toBe(0.3253968253968254);
    expect(e.stderr).toBe(0.04190596438871137);
    expect(e.n).toBe(126);
    expect(e.source).toMatchObject({
      model: 'google/gemma-2-2b',
      model_args: 'pretrained=google/gemma-2-2b,trust_remote_code=True,add_bos_token=True',
      model_revision: 'main',
      task_version: 0,
      num_fewshot: 5,
    });
    expect(e.source).not.toHaveProperty('git_hash');
  });

  it('imports the top group with n summed over its 57 subjects', () => {
    const e = only(GEMMA, { metric: 'knowledge.mmlu', task: 'mmlu' });
    expect(e.mean).toBe(0.5304087736789631);
    expect(e.stderr).toBe(0.00404300273387798);
    expect(e.n).toBe(14042);
    expect(e.source?.n_from).toBe('sum of subtasks n-samples.effective');
    expect(e.source?.subtasks).toHaveLength(57);
    expect(e.source?.group).toBe(true);
    valid([e]);
  });

  it('imports a middle group with n summed over its subjects', () => {
    const e = only(GEMMA, { metric: 'knowledge.humanities', task: 'mmlu_humanities' });
    expect(e.mean).toBe(0.47906482465462275);
    expect(e.stderr).toBe(0.007001837478994221);
    expect(e.n).toBe(4705);
    expect(e.source?.subtasks).toHaveLength(13);
  });
});

describe('lm-eval results: Pythia-160m (legacy v0.3)', () => {
  it('needs --n, since the layout records no sample count', () => {
    const e = errorOf(() => results(PYTHIA, { metric: 'science.qa', task: 'sciq', scorer: 'acc' }));
    expect(e.code).toBe('invalid_input');
    expect(e.message).toContain('v0.3');
    expect(e.message).toContain('--n');
  });

  it('imports with --n, bare keys and their _stderr', () => {
    const e = only(PYTHIA, { metric: 'science.qa', task: 'sciq', scorer: 'acc', n: 1000 });
    expect(e.mean).toBe(0.779);
    expect(e.stderr).toBe(0.013127502859696258);
    expect(e.n).toBe(1000);
    expect(e.source).toMatchObject({
      layout: 'results-v0.3',
      scorer: 'acc',
      n_from: '--n',
      model: 'EleutherAI/pythia-v1.1-160m',
      model_revision: 'step143000',
      model_backend: 'hf-causal',
      num_fewshot: 5,
      task_version: 0,
    });
    valid([e]);
  });

  it('reads "acc,none" as the bare "acc" and non-fraction metrics such as perplexity', () => {
    expect(only(PYTHIA, { metric: 'm', task: 'wsc', scorer: 'acc,none', n: 104 }).mean).toBe(
      0.36538461538461536,
    );
    const ppl = only(PYTHIA, { metric: 'm', task: 'lambada_openai', scorer: 'ppl', n: 5153 });
    expect(ppl.mean).toBe(65.34571058345023);
    expect(ppl.stderr).toBe(2.5473661020369867);
  });

  it('lists the scorers of a task when there are several', () => {
    const e = errorOf(() => results(PYTHIA, { metric: 'm', task: 'piqa', n: 5 }));
    expect(e.message).toContain('several scorers (acc, acc_norm)');
  });
});

describe('lm-eval results: edge cases (synthetic)', () => {
  const base = {
    results: { t: { 'acc,none': 0.5, 'acc_stderr,none': 0.1 } },
    'n-samples': { t: { original: 10, effective: 10 } },
    config: { model: 'hf', model_args: 'pretrained=org/m', limit: null },
  };
  const run = (doc: unknown, extra: Partial<ImportOptions> = { metric: 'm' }) => {
    const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
    return importLmEvalResults(text, opts('results_x.json', text, extra));
  };

  it('accepts NaN tokens in the file and refuses a NaN value', () => {
    const text = JSON.stringify(base).replace('0.5', 'NaN');
    expect(errorOf(() => run(text)).message).toContain('NaN (nothing was scored)');
    const ok = JSON.stringify(base).replace('0.1', 'NaN');
    const e = run(ok).evaluations[0] as AggregateEvaluation;
    expect(e.stderr).toBeNull();
    expect(e.mean).toBe(0.5);
  });

  it('makes a missing stderr null', () => {
    const e = run({ ...base, results: { t: { 'acc,none': 0.5 } } }).evaluations[0] as AggregateEvaluation;
    expect(e.stderr).toBeNull();
    expect(e.source?.stderr_note).toContain('no "acc_stderr,none"');
  });

  it('refuses a negative stderr and a value that is not a number', () => {
    expect(
      errorOf(() => run({ ...base, results: { t: { 'acc,none': 0.5, 'acc_stderr,none': -1 } } })).message,
    ).toContain('expected a number ≥ 0 or "N/A"');
    expect(errorOf(() => run({ ...base, results: { t: { 'acc,none': [1, 2] } } })).message).toContain(
      'a list',
    );
  });

  it('needs --n when config.limit is set and there is no n-samples, and refuses it as a subset', () => {
    const doc = { results: base.results, configs: {}, config: { model: 'hf', limit: 5 } };
    expect(errorOf(() => run(doc)).message).toContain('--n');
    const e = errorOf(() => run(doc, { metric: 'm', n: 5 }));
    expect(e.code).toBe('not_comparable');
    expect(e.message).toContain('limited to 5 documents');
    expect(
      (run(doc, { metric: 'm', n: 5, allowIncomplete: true }).evaluations[0] as AggregateEvaluation).n,
    ).toBe(5);
  });

  it('requires --n for a group when its subtasks have no counts', () => {
    const doc = {
      results: {
        g: { 'acc,none': 0.5, 'acc_stderr,none': 0.1 },
        a: { 'acc,none': 0.4 },
        b: { 'acc,none': 0.6 },
      },
      group_subtasks: { g: ['a', 'b'] },
      'n-samples': { a: { original: 5, effective: 5 } },
    };
    expect(errorOf(() => run(doc, { metric: 'm', task: 'g' })).message).toContain(
      'group "g": the log records no sample count for this group or its subtasks; pass --n',
    );
    expect((run(doc, { metric: 'm', task: 'g', n: 10 }).evaluations[0] as AggregateEvaluation).n).toBe(10);
  });

  it('refuses what is not a results file, and broken JSON with a position', () => {
    expect(errorOf(() => run({ foo: 1 })).message).toContain('not an lm-evaluation-harness results file');
    const e = errorOf(() => run('{\n  "results": {\n    "t": {"acc,none": 0.5,,}\n'));
    expect(e.message).toMatch(/^results_x\.json:3:\d+: not valid JSON/);
    expect(e.problems[0]).toMatchObject({ file: 'results_x.json', line: 3 });
  });
});

describe('lm-eval samples', () => {
  const text = fixture(SAMPLES);
  const sampleOpts = (extra: Partial<ImportOptions>, name = SAMPLES) => opts(name, text, extra);

  it('reads the task from the file name', () => {
    expect(parseSamplesFileName(SAMPLES)).toEqual({
      task: 'negotiationtom_belief',
      timestamp: '2026-07-08T18-15-33.115417',
    });
    expect(parseSamplesFileName('dir/samples_gsm8k_cot_2024-08-25T21-59-12.123082.jsonl')?.task).toBe(
      'gsm8k_cot',
    );
    expect(parseSamplesFileName('x.jsonl')).toBeUndefined();
  });

  it('imports the fixture: one sample per doc_id, acc values as logged', () => {
    const r = importLmEvalSamples(text, sampleOpts({ metric: 'tom.belief' }));
    const e = r.evaluations[0] as PerSampleEvaluation;
    expect(e.label).toBe('negotiationtom_belief / acc,none');
    expect(e.samples).toHaveLength(20);
    expect(e.samples.slice(0, 3)).toEqual([
      { id: 0, value: 0 },
      { id: 1, value: 1 },
      { id: 2, value: 1 },
    ]);
    const mean = e.samples.reduce((s, x) => s + Number(x.value), 0) / e.samples.length;
    expect(mean).toBeCloseTo(0.45, 12); // the results file's acc,none
    expect(e.source).toMatchObject({
      format: 'lm-eval',
      file: SAMPLES,
      sha256: sha256Hex(text),
      task: 'negotiationtom_belief',
      scorer: 'acc,none',
      filter: 'none',
      documents: 20,
      completeness_checked: false,
    });
    expect(r.warnings.join('\n')).toContain('no results file of the same run');
    valid([e]);
  });

  it('with the results file of the same run: provenance, and the --limit subset refused', () => {
    const resultsText = fixture(QWEN);
    const runFile = { text: resultsText, fileName: QWEN, sha256: sha256Hex(resultsText) };
    const e = errorOf(() => importLmEvalSamples(text, sampleOpts({ metric: 'tom.belief' }), runFile));
    expect(e.code).toBe('not_comparable');
    expect(e.message).toContain('20 of 13812 documents evaluated');
    const r = importLmEvalSamples(text, sampleOpts({ metric: 'tom.belief', allowIncomplete: true }), runFile);
    expect(r.evaluations[0]?.source).toMatchObject({
      results_file: QWEN,
      results_sha256: sha256Hex(resultsText),
      model: 'Qwen/Qwen3-8B',
      lm_eval_version: '0.4.13.dev0',
      n_original: 13812,
      n_effective: 20,
      allow_incomplete: true,
    });
  });

  it('refuses a task that contradicts the file name, and a missing metric', () => {
    expect(
      errorOf(() => importLmEvalSamples(text, sampleOpts({ metric: 'm', task: 'other' }))).message,
    ).toContain('samples file of task "negotiationtom_belief"');
    expect(
      errorOf(() => importLmEvalSamples(text, sampleOpts({ metric: 'm', scorer: 'f1' }))).message,
    ).toContain('no metric "f1"');
  });

  it('needs --task when the name does not say it', () => {
    expect(
      errorOf(() => importLmEvalSamples(text, sampleOpts({ metric: 'm' }, 'renamed.jsonl'))).message,
    ).toContain('pass --task');
    const r = importLmEvalSamples(
      text,
      sampleOpts({ metric: 'm', task: 'negotiationtom_belief' }, 'renamed.jsonl'),
    );
    expect((r.evaluations[0] as PerSampleEvaluation).samples).toHaveLength(20);
  });

  describe('several filters (synthetic, the gsm8k layout)', () => {
    const line = (doc: number, filter: string, v: string) =>
      `{"doc_id": ${doc}, "doc": {"q": "x"}, "target": "1", "filter": "${filter}", "metrics": ["exact_match"], "exact_match": ${v}}`;
    const lines = [
      line(0, 'strict-match', '1.0'),
      line(0, 'flexible-extract', '1.0'),
      line(1, 'strict-match', '0.0'),
      line(1, 'flexible-extract', '1.0'),
      line(2, 'strict-match', 'NaN'),
      line(2, 'flexible-extract', '0.0'),
    ];
    const jsonl = `${lines.join('\r\n')}\r\n`;
    const name = 'samples_gsm8k_cot_llama_2024-08-25T21-59-12.123082.jsonl';
    const run = (extra: Partial<ImportOptions>) => importLmEvalSamples(jsonl, opts(name, jsonl, extra));

    it('lists the filters when the choice is ambiguous', () => {
      const e = errorOf(() => run({ metric: 'm' }));
      expect(e.message).toContain('several filters (strict-match, flexible-extract)');
      expect(e.message).toContain('--filter');
    });

    it('takes the filter from --filter', () => {
      const e = run({ metric: 'm', filter: 'flexible-extract' }).evaluations[0] as PerSampleEvaluation;
      expect(e.samples).toEqual([
        { id: 0, value: 1 },
        { id: 1, value: 1 },
        { id: 2, value: 0 },
      ]);
      expect(e.source?.scorer).toBe('exact_match,flexible-extract');
    });

    it('takes the filter from the scorer key, excluding and counting NaN', () => {
      const r = run({ metric: 'm', scorer: 'exact_match,strict-match' });
      const e = r.evaluations[0] as PerSampleEvaluation;
      expect(e.samples).toEqual([
        { id: 0, value: 1 },
        { id: 1, value: 0 },
      ]);
      expect(e.source).toMatchObject({
        samples_excluded: { unscored: 1 },
        documents: 3,
      });
      expect(r.warnings.join('\n')).toContain('1 of 3 documents unscored (NaN) and excluded');
    });

    it('refuses a --filter that contradicts the scorer, and an unknown filter', () => {
      expect(
        errorOf(() => run({ metric: 'm', scorer: 'exact_match,strict-match', filter: 'x' })).message,
      ).toContain('contradicts');
      expect(errorOf(() => run({ metric: 'm', filter: 'x' })).message).toContain(
        'no filter "x" in the file (filters: strict-match, flexible-extract)',
      );
    });

    it('maps both filters with a mapping file', () => {
      const map: MetricMapping = {
        map: [
          { task: 'gsm8k_cot_llama', scorer: 'exact_match,strict-match', metric: 'math.strict' },
          { task: 'gsm8k_cot_llama', scorer: 'exact_match,flexible-extract', metric: 'math.flexible' },
        ],
      };
      const r = run({ map });
      expect(r.evaluations.map((e) => [e.metric, (e as PerSampleEvaluation).samples.length])).toEqual([
        ['math.strict', 2],
        ['math.flexible', 3],
      ]);
    });
  });

  describe('bad lines (synthetic)', () => {
    const name = 'samples_t_2024-01-01T00-00-00.jsonl';
    const run = (jsonl: string) => importLmEvalSamples(jsonl, opts(name, jsonl, { metric: 'm' }));
    const ok = '{"doc_id": 0, "filter": "none", "metrics": ["acc"], "acc": 1.0}';

    it('names the line of a duplicate doc_id', () => {
      expect(errorOf(() => run(`${ok}\n${ok}\n`)).message).toBe(
        `${name}:2: doc_id 0: appears twice for filter "none" (first on line 1)`,
      );
    });

    it('names the line of broken JSON, a missing doc_id, a list or null value', () => {
      expect(errorOf(() => run(`${ok}\n{"doc_id": 1,\n`)).message).toMatch(
        /^samples_t_.*\.jsonl:2:\d+: not valid JSON/,
      );
      expect(errorOf(() => run(`${ok}\n{"filter": "none"}\n`)).message).toContain(':2: no "doc_id"');
      expect(
        errorOf(() => run('{"doc_id": 0, "filter": "none", "metrics": ["acc"], "acc": [["a"], ["b"]]}'))
          .message,
      ).toContain('is a list, not a per-document score');
      expect(
        errorOf(() => run('{"doc_id": 0, "filter": "none", "metrics": ["acc"], "acc": null}')).message,
      ).toContain('is null');
      expect(errorOf(() => run('{"doc_id": 0, "filter": "none", "metrics": ["acc"]}')).message).toContain(
        'no value for metric "acc"',
      );
    });

    it('refuses a file with no scored documents, and an empty file', () => {
      expect(errorOf(() => run('{"doc_id": 0, "metrics": ["acc"], "acc": NaN}')).message).toContain(
        'no scored documents',
      );
      expect(errorOf(() => run('\n\n')).message).toContain('empty');
    });
  });
});

describe('tolerant JSON', () => {
  it('parses NaN and ±Infinity tokens and refuses the rest with a position', () => {
    const v = parseJsonTolerant('{"a": NaN, "b": [Infinity, -Infinity, 1e3], "c": "NaN"}', {
      file: 'f',
    }) as Record<string, unknown>;
    expect(v.a).toBeNaN();
    expect(v.b).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1000]);
    expect(v.c).toBe('NaN');
    expect(() => parseJsonTolerant('{"a": nan}', { file: 'f' })).toThrow('f:1:7: not valid JSON');
    expect(() => parseJsonTolerant('{"a": NaN}x', { file: 'f' })).toThrow('unexpected text after');
    expect(() => parseJsonTolerant('[NaN, "a\nb"]', { file: 'f' })).toThrow('control character');
  });

  it('caps nesting depth', () => {
    const deep = `${'['.repeat(300)}NaN${']'.repeat(300)}`;
    expect(() => parseJsonTolerant(deep, { file: 'f' })).toThrow('nested deeper than 256 levels');
  });

  it('keeps a __proto__ key as data', () => {
    const v = parseJsonTolerant('{"__proto__": {"x": NaN}}', { file: 'f' }) as Record<string, unknown>;
    expect(Object.hasOwn(v, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
