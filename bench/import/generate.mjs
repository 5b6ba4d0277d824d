/**
 * Synthetic but realistic Inspect logs for the import benchmark: samples with a chat transcript, model output,
 * events with timestamps and usage, scores. Deterministic (seeded), so runs are comparable.
 */

/** A small deterministic PRNG (mulberry32). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS =
  'the model answer question tool call result file system search python error output value test case function return list dict string number because therefore however sandbox container flag exploit patch review'.split(
    ' ',
  );

function prose(r, words) {
  let s = '';
  for (let i = 0; i < words; i++) {
    s += (i ? ' ' : '') + WORDS[Math.floor(r() * WORDS.length)];
    if (r() < 0.07) s += r() < 0.5 ? '.\n' : ', "quoted" \\ path/to/x';
  }
  return s;
}

const iso = (t) => new Date(1_767_225_600_000 + t).toISOString().replace('Z', '+00:00');

/** One EvalSample: about 12 KB of JSON at the default size (Inspect's popularity samples are 13.6 KB), more for larger `size`. */
export function makeSample(i, epoch, r, size = 8000) {
  const scale = Math.max(1, size / 8000);
  const turns = 2 + Math.floor(r() * 4);
  const messages = [{ id: `m${i}s`, role: 'system', content: prose(r, 40), source: 'input' }];
  const events = [];
  let t = i * 1000;
  for (let k = 0; k < turns; k++) {
    const user = {
      id: `m${i}u${k}`,
      role: 'user',
      content: prose(r, Math.floor(60 * scale)),
      source: 'input',
    };
    const asst = {
      id: `m${i}a${k}`,
      role: 'assistant',
      content: [{ type: 'text', text: prose(r, Math.floor(90 * scale)) }],
      source: 'generate',
      model: 'gpt-4o-mini',
      tool_calls:
        r() < 0.5
          ? [
              {
                id: `call_${i}_${k}`,
                function: 'bash',
                arguments: { cmd: `ls -la /tmp/${k}` },
                type: 'function',
              },
            ]
          : null,
    };
    messages.push(user, asst);
    const start = t + 13;
    const done = start + 900;
    t = done + 7;
    events.push(
      {
        uuid: `e${i}-${k}-1`,
        span_id: `s${k}`,
        timestamp: iso(start),
        working_start: start / 1000,
        event: 'model',
        model: 'openai/gpt-4o-mini',
        input: [],
        tools: [],
        tool_choice: 'auto',
        config: { temperature: 0.5 },
        output: {
          model: 'gpt-4o-mini',
          choices: [{ message: asst, stop_reason: 'stop' }],
          usage: { input_tokens: 100 + k, output_tokens: 50 + k, total_tokens: 150 + 2 * k },
          time: r() * 3,
        },
        completed: iso(done),
        working_time: r() * 2,
      },
      {
        uuid: `e${i}-${k}-2`,
        timestamp: iso(t),
        working_start: t / 1000,
        event: 'state',
        changes: [{ op: 'add', path: `/messages/${2 * k + 1}`, value: asst.id }],
      },
    );
  }
  const correct = r() < 0.6;
  return {
    id: i,
    epoch,
    input: messages[1].content,
    target: correct ? 'yes' : 'no',
    messages,
    output: {
      model: 'gpt-4o-mini',
      choices: [{ message: messages.at(-1), stop_reason: 'stop' }],
      completion: 'final',
      usage: { input_tokens: 400, output_tokens: 200, total_tokens: 600 },
    },
    scores: {
      match: {
        value: correct ? 'C' : 'I',
        answer: correct ? 'yes' : 'no',
        explanation: prose(r, 12),
        history: [],
      },
    },
    metadata: { category: WORDS[i % WORDS.length], difficulty: i % 5 },
    store: {},
    events,
    model_usage: { 'openai/gpt-4o-mini': { input_tokens: 400, output_tokens: 200, total_tokens: 600 } },
    total_time: r() * 30,
    working_time: r() * 20,
    uuid: `uuid-${i}-${epoch}`,
    error_retries: [],
    attachments: {},
  };
}

export function makeSummary(s) {
  return {
    id: s.id,
    epoch: s.epoch,
    input: s.input.slice(0, 200),
    target: s.target,
    metadata: s.metadata,
    scores: {
      match: {
        value: s.scores.match.value,
        answer: s.scores.match.answer,
        explanation: s.scores.match.explanation,
      },
    },
    model_usage: s.model_usage,
    total_time: s.total_time,
    working_time: s.working_time,
    uuid: s.uuid,
    retries: 0,
    completed: true,
    message_count: s.messages.length,
  };
}

export function makeHeader(n, epochs = 1) {
  return {
    version: 2,
    status: 'success',
    eval: {
      eval_id: 'BenchEvalId',
      run_id: 'BenchRunId',
      created: '2026-01-01T00:00:00+00:00',
      task: 'bench_task',
      task_id: 'BenchTaskId',
      task_version: 0,
      dataset: {
        name: 'bench',
        samples: n,
        sample_ids: Array.from({ length: n }, (_, i) => i + 1),
        shuffled: false,
      },
      model: 'openai/gpt-4o-mini',
      config: { epochs, epochs_reducer: ['mean'], fail_on_error: true },
      packages: { inspect_ai: '0.3.240' },
      scorers: [
        { name: 'match', options: {}, metrics: [{ name: 'inspect_ai/accuracy', options: {} }], metadata: {} },
      ],
    },
    plan: { name: 'plan', steps: [{ solver: 'generate', params: {} }], config: {} },
    results: {
      total_samples: n * epochs,
      completed_samples: n * epochs,
      scores: [
        {
          name: 'match',
          scorer: 'match',
          reducer: 'mean',
          scored_samples: n,
          unscored_samples: 0,
          params: {},
          metrics: { accuracy: { name: 'accuracy', value: 0.6, params: {} } },
        },
      ],
    },
    stats: {
      started_at: '2026-01-01T00:00:00+00:00',
      completed_at: '2026-01-01T01:00:00+00:00',
      model_usage: {},
    },
  };
}
