/**
 * The files in examples/ are part of the product (README, demo data, drills), so they are tested through the
 * command line exactly as a user would run them: `framework check` on every example framework, and
 * `determine --json` on every example evidence file, asserting the outcome each file is designed to produce
 * (examples/README.md; the hand calculations are in examples/generate.mjs). Contract: determination.md §6–§7,
 * interfaces.md (CLI). Runs against the built CLI (bin/greenlight → dist/), as `npm test` builds first.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'greenlight');
const FRAMEWORKS = join('examples', 'frameworks');
const EVIDENCE = join('examples', 'evidence');

const FRONTIER_1 = join(FRAMEWORKS, 'example-frontier-2026.1.yaml');
const FRONTIER_2 = join(FRAMEWORKS, 'example-frontier-2026.2.yaml');
const DRILL = join(FRAMEWORKS, 'drill-fast-clock.yaml');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[]): Run {
  const r = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function greenlight(...args: string[]): Run {
  return run(process.execPath, [BIN, ...args]);
}

/** The parts of the determination JSON (determination.md §6) these tests read. */
interface EvaluationOut {
  shape: string;
  n: number;
  estimate: number;
  interval: [number | null, number | null];
  verdict: string;
  samples_needed: number | null;
}
interface IndicatorOut {
  metric: string;
  verdict: string;
  evaluations: EvaluationOut[];
}
interface ThresholdOut {
  id: string;
  status: string;
  reached: boolean;
  indicators: IndicatorOut[];
}
interface DomainOut {
  id: string;
  level: string | null;
  pending: boolean;
  thresholds: ThresholdOut[];
}
interface DeterminationOut {
  greenlight: number;
  framework: { id: string; version: string; digest: string };
  model: { id: string; version: string };
  requested_tier: string;
  outcome: string;
  max_tier: string;
  granted_tier: string;
  safeguards: { required: string[]; attested: string[]; missing: string[] };
  domains: DomainOut[];
  unmatched_metrics: string[];
  engine: string;
  evidence_digest: string;
  inputs_digest: string;
  digest: string;
}

function determine(framework: string, evidence: string, ...extra: string[]): DeterminationOut {
  const r = greenlight('determine', '--framework', framework, '--evidence', evidence, ...extra, '--json');
  if (r.status !== 0) {
    throw new Error(`greenlight determine exited ${r.status}\n${r.stderr}`);
  }
  return JSON.parse(r.stdout) as DeterminationOut;
}

function indicator(d: DeterminationOut, metric: string): IndicatorOut {
  for (const domain of d.domains) {
    for (const threshold of domain.thresholds) {
      const found = threshold.indicators.find((i) => i.metric === metric);
      if (found) return found;
    }
  }
  throw new Error(`no indicator ${metric} in the determination`);
}

/** What each evidence file is designed to produce against example-frontier 2026.1 (see examples/README.md). */
interface Expected {
  file: string;
  model: string;
  outcome: string;
  max_tier: string;
  granted_tier: string;
  required: string[];
  missing: string[];
  /** domain → level (null: no threshold reached) */
  levels: Record<string, string | null>;
  pending: string[];
  /** `domain/threshold` → status */
  statuses: Record<string, string>;
}

const ALL_BELOW = {
  'bio/high': 'below',
  'bio/critical': 'below',
  'cyber/high': 'below',
  'cyber/critical': 'below',
  'self_improvement/high': 'below',
  'self_improvement/critical': 'below',
};

const EXPECTED: Expected[] = [
  {
    file: '01-approve.json',
    model: 'larkspur-ai/atlas-3',
    outcome: 'approve',
    max_tier: 'public',
    granted_tier: 'public',
    required: [],
    missing: [],
    levels: { bio: null, cyber: null, self_improvement: null },
    pending: [],
    statuses: ALL_BELOW,
  },
  {
    file: '02-approve-restricted.json',
    model: 'example-lab/model-x',
    outcome: 'approve_restricted',
    max_tier: 'vetted_partners',
    granted_tier: 'vetted_partners',
    required: ['misuse-monitoring', 'trusted-access'],
    missing: [],
    levels: { bio: null, cyber: 'high', self_improvement: null },
    pending: [],
    statuses: { ...ALL_BELOW, 'cyber/high': 'crossed' },
  },
  {
    file: '03-safeguards-missing.json',
    model: 'larkspur-ai/atlas-4',
    outcome: 'safeguards_missing',
    max_tier: 'general_api',
    granted_tier: 'general_api',
    required: ['bio-classifiers', 'misuse-monitoring', 'trusted-access'],
    missing: ['bio-classifiers'],
    levels: { bio: 'high', cyber: null, self_improvement: null },
    pending: [],
    statuses: { ...ALL_BELOW, 'bio/high': 'crossed' },
  },
  {
    file: '04-more-evidence.json',
    model: 'example-lab/model-y',
    outcome: 'more_evidence',
    max_tier: 'public',
    granted_tier: 'public',
    required: [],
    missing: [],
    levels: { bio: null, cyber: null, self_improvement: null },
    pending: ['self_improvement'],
    statuses: { ...ALL_BELOW, 'self_improvement/high': 'unresolved' },
  },
];

const frameworkFiles = readdirSync(join(ROOT, FRAMEWORKS))
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const evidenceFiles = readdirSync(join(ROOT, EVIDENCE))
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('examples/', () => {
  it('has the frameworks the README describes, and an intended outcome for every evidence file', () => {
    expect(frameworkFiles).toEqual(
      expect.arrayContaining([
        'drill-fast-clock.yaml',
        'example-frontier-2026.1.yaml',
        'example-frontier-2026.2.yaml',
        'northwind-capability-levels-2026.1.yaml',
      ]),
    );
    expect(evidenceFiles).toEqual(EXPECTED.map((e) => e.file));
  });

  it('evidence files are exactly what examples/generate.mjs produces, each on its intended side', () => {
    const r = run(process.execPath, [join('examples', 'generate.mjs'), '--check']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('greenlight framework check on the example frameworks', () => {
  it.each(frameworkFiles)('%s is valid (exit 0)', (file) => {
    const r = greenlight('framework', 'check', join(FRAMEWORKS, file));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('accepts all of them in one invocation', () => {
    const r = greenlight('framework', 'check', ...frameworkFiles.map((f) => join(FRAMEWORKS, f)));
    expect(r.status).toBe(0);
  });

  it('framework diff shows what 2026.2 changed', () => {
    const r = greenlight('framework', 'diff', FRONTIER_1, FRONTIER_2);
    expect(r.status).toBe(0);
    // The lowered canary, the new safeguard and the shortened incident deadline, by name.
    for (const name of ['cyber.range_e2e', 'account-enforcement', 'general_jailbreak']) {
      expect(r.stdout).toContain(name);
    }
  });
});

describe('greenlight determine: each evidence file against example-frontier 2026.1', () => {
  it.each(EXPECTED)('$file → $outcome', (e) => {
    const evidencePath = join(EVIDENCE, e.file);
    const evidence = JSON.parse(readFileSync(join(ROOT, evidencePath), 'utf8')) as {
      model: { id: string; version: string };
      safeguards: string[];
    };
    const d = determine(FRONTIER_1, evidencePath);

    expect(d.greenlight).toBe(1);
    expect(d.framework.id).toBe('example-frontier');
    expect(d.framework.version).toBe('2026.1');
    expect(d.framework.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(d.model).toEqual(evidence.model);
    expect(d.model.id).toBe(e.model);
    expect(d.requested_tier).toBe('public');

    expect(d.outcome).toBe(e.outcome);
    expect(d.max_tier).toBe(e.max_tier);
    expect(d.granted_tier).toBe(e.granted_tier);
    expect(d.safeguards.required).toEqual(e.required);
    expect(d.safeguards.attested).toEqual([...new Set(evidence.safeguards)].sort());
    expect(d.safeguards.missing).toEqual(e.missing);
    // Every metric in the examples is one the framework uses: a typo would show up here.
    expect(d.unmatched_metrics).toEqual([]);

    expect(d.domains.map((x) => x.id)).toEqual(['bio', 'cyber', 'self_improvement']);
    for (const domain of d.domains) {
      expect(domain.level, `level of ${domain.id}`).toBe(e.levels[domain.id]);
      expect(domain.pending, `pending of ${domain.id}`).toBe(e.pending.includes(domain.id));
      for (const threshold of domain.thresholds) {
        expect(threshold.status, `${domain.id}/${threshold.id}`).toBe(
          e.statuses[`${domain.id}/${threshold.id}`],
        );
      }
    }
    for (const key of ['evidence_digest', 'inputs_digest', 'digest'] as const) {
      expect(d[key]).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
  });

  it('is byte-identical when run twice', () => {
    const args = [
      'determine',
      '--framework',
      FRONTIER_1,
      '--evidence',
      join(EVIDENCE, '03-safeguards-missing.json'),
      '--json',
    ];
    const a = greenlight(...args);
    const b = greenlight(...args);
    expect(a.status).toBe(0);
    expect(b.stdout).toBe(a.stdout);
  });

  it('lands on the numbers computed by hand in examples/generate.mjs', () => {
    // 02: two elicitations of the CTF metric; the indicator takes the most severe (crossed).
    const x = determine(FRONTIER_1, join(EVIDENCE, '02-approve-restricted.json'));
    const ctf = indicator(x, 'cyber.ctf_professional');
    expect(ctf.verdict).toBe('crossed');
    expect(ctf.evaluations.map((v) => v.verdict)).toEqual(['below', 'crossed']);
    expect(ctf.evaluations[1]!.shape).toBe('moments'); // multi-epoch → reduced values in quarters
    expect(ctf.evaluations[1]!.estimate).toBeCloseTo(0.6, 12);
    expect(ctf.evaluations[1]!.interval[0]).toBeCloseTo(0.5408, 4);
    const cve = indicator(x, 'cyber.cve_exploitation');
    expect(cve.evaluations[0]!.shape).toBe('counts'); // per-sample booleans without clusters → counts
    expect(cve.evaluations[0]!.interval[0]).toBeCloseTo(0.5511, 4);
    const re = indicator(x, 'autonomy.research_engineering');
    expect(re.evaluations[0]!.shape).toBe('moments'); // 0/1 values with clusters → moments (clustered SE)
    expect(re.evaluations[0]!.interval[1]).toBeCloseTo(0.368, 3);

    // 03: clustered partial credit crosses; the inconclusive results report how many samples would settle them.
    const y = determine(FRONTIER_1, join(EVIDENCE, '03-safeguards-missing.json'));
    const pt = indicator(y, 'bio.protocol_troubleshooting');
    expect(pt.verdict).toBe('crossed');
    expect(pt.evaluations[0]!.interval[0]).toBeCloseTo(0.5411, 4);
    expect(indicator(y, 'bio.tacit_knowledge').evaluations[0]!.samples_needed).toBe(2398);
    expect(indicator(y, 'bio.autonomous_synthesis').evaluations[0]!.samples_needed).toBe(7372);
    const atThreshold = indicator(y, 'cyber.cve_exploitation').evaluations[0]!;
    expect(atThreshold.verdict).toBe('inconclusive');
    expect(atThreshold.samples_needed).toBeNull(); // x̄ = t exactly

    // 04: unknown stderr → unbounded interval; a 40-sample pilot → insufficient.
    const z = determine(FRONTIER_1, join(EVIDENCE, '04-more-evidence.json'));
    const unknownSe = indicator(z, 'autonomy.research_engineering').evaluations[0]!;
    expect(unknownSe.shape).toBe('aggregate');
    expect(unknownSe.interval).toEqual([null, null]);
    expect(unknownSe.verdict).toBe('inconclusive');
    const pilot = indicator(z, 'autonomy.paper_replication').evaluations[0]!;
    expect(pilot.verdict).toBe('insufficient');
    expect(pilot.n).toBe(40);
    expect(pilot.samples_needed).toBe(350);
  });

  it('honours --tier: the granted tier is the more restricted of requested and permitted', () => {
    const x = determine(
      FRONTIER_1,
      join(EVIDENCE, '02-approve-restricted.json'),
      '--tier',
      'vetted_partners',
    );
    expect(x.requested_tier).toBe('vetted_partners');
    expect(x.outcome).toBe('approve');
    expect(x.granted_tier).toBe('vetted_partners');

    const y = determine(FRONTIER_1, join(EVIDENCE, '01-approve.json'), '--tier', 'named_institutions');
    expect(y.outcome).toBe('approve');
    expect(y.granted_tier).toBe('named_institutions');
  });
});

describe('greenlight determine: the other versions of the framework', () => {
  it.each(EXPECTED)('drill-fast-clock gives $file the same outcome ($outcome)', (e) => {
    const d = determine(DRILL, join(EVIDENCE, e.file));
    expect(d.framework.id).toBe('drill-fast-clock');
    expect(d.outcome).toBe(e.outcome);
    expect(d.granted_tier).toBe(e.granted_tier);
    expect(d.safeguards.missing).toEqual(e.missing);
  });

  it.each(EXPECTED)('example-frontier 2026.2 on $file', (e) => {
    const d = determine(FRONTIER_2, join(EVIDENCE, e.file));
    expect(d.framework.version).toBe('2026.2');
    expect(d.framework.digest).not.toBe(determine(FRONTIER_1, join(EVIDENCE, e.file)).framework.digest);
    if (e.file === '02-approve-restricted.json') {
      // 2026.2 requires account-enforcement at cyber high, which model-x does not attest.
      expect(d.outcome).toBe('safeguards_missing');
      expect(d.safeguards.missing).toEqual(['account-enforcement']);
      expect(d.granted_tier).toBe('vetted_partners');
    } else {
      expect(d.outcome).toBe(e.outcome);
      expect(d.granted_tier).toBe(e.granted_tier);
      expect(d.safeguards.missing).toEqual(e.missing);
    }
  });
});
