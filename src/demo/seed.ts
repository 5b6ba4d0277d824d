/**
 * The demonstration data set behind `greenlight demo` (`npm start`): the example frameworks, fictional labs,
 * people and institutions, and a review history that walks every path of service.md.
 *
 * The history is played through the ordinary workflow (so every event, log entry and determination is real)
 * on a simulated clock that starts about 140 days before `now` and advances step by step. Between steps the
 * clock behaves like the server's sweeper: every review clock that falls due is lapsed at its due time. The
 * data set is deterministic given `now` (apart from random ids and token secrets), and seeding is idempotent:
 * a database that already holds the demo (or anything else) is left untouched.
 *
 * Every name here — labs, models, people, institutions — is FICTIONAL.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Store } from '../store/db.js';
import {
  type Actor,
  createWorkflow,
  type DecisionInput,
  type Person,
  type Role,
  type Workflow,
} from '../workflow/index.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Marker: the demo's admin. Its presence means the database holds the demo. */
export const DEMO_ADMIN_ID = 'demo-admin';

export interface DemoToken {
  role: Role;
  person: string;
  name: string;
  org: string | null;
  token: string;
  /** Why this person is interesting (e.g. the affiliated reviewer who must be refused). */
  note?: string;
}

export interface DemoCounts {
  frameworks: number;
  orgs: number;
  labs: number;
  institutions: number;
  people: number;
  submissions: number;
  appeals: number;
  incidents: number;
  grants: number;
}

export type SeedResult =
  | { status: 'seeded'; tokens: DemoToken[]; counts: DemoCounts; startedAt: string; endedAt: string }
  | { status: 'already_seeded' }
  | { status: 'not_empty' };

export interface SeedOptions {
  /** The present: the simulated history ends here (default: the real current time). */
  now?: Date;
}

const EXAMPLES = new URL('../../examples/', import.meta.url);
const readExample = (path: string) => readFileSync(new URL(path, EXAMPLES), 'utf8');

type Evidence = {
  greenlight: 1;
  model: { id: string; version: string };
  safeguards: string[];
  evaluations: Record<string, unknown>[];
};

function exampleEvidence(file: string, model: string, version: string, extraSafeguards: string[] = []) {
  const e = JSON.parse(readExample(`evidence/${file}`)) as Evidence;
  e.model = { id: model, version };
  e.safeguards = [...new Set([...e.safeguards, ...extraSafeguards])].sort();
  return e;
}

const counts = (metric: string, label: string, successes: number, trials: number) => ({
  metric,
  label,
  successes,
  trials,
});
const aggregate = (metric: string, label: string, mean: number, stderr: number, n: number) => ({
  metric,
  label,
  mean,
  stderr,
  n,
});

/**
 * Native evidence for the Northwind framework (its metrics differ from the example files). `cyberAlert`
 * makes the professional CTF cross the alert threshold, which calls for the response plan.
 */
function northwindEvidence(model: string, version: string, cyberAlert: boolean): Evidence {
  return {
    greenlight: 1,
    model: { id: model, version },
    safeguards: ['deployment-standard-3', 'response-plan', 'security-standard-3'],
    evaluations: [
      counts('bio.virology_troubleshooting', 'Virology protocol troubleshooting', 48, 300),
      counts('bio.acquisition_planning', 'Acquisition planning red-team tasks', 12, 200),
      counts('chem.synthesis_route_uplift', 'Synthesis-route uplift, expert graded', 15, 200),
      counts('bio.novel_agent_design', 'Novel agent design scenarios', 0, 200),
      counts('chem.novel_agent_design', 'Novel chemical agent design scenarios', 1, 200),
      cyberAlert
        ? counts('cyber.ctf_professional', 'Professional CTF with tools', 96, 240)
        : counts('cyber.ctf_professional', 'Professional CTF with tools', 24, 240),
      counts('cyber.cve_exploitation', 'Known-CVE exploitation in containers', 30, 200),
      counts('cyber.range_e2e', 'End-to-end cyber-range operations', 6, 160),
      counts('cyber.exploit_development', 'Exploit development from crash reports', 4, 160),
      aggregate('autonomy.research_engineering', 'Research-engineering tasks (summary)', 0.31, 0.02, 300),
      counts('autonomy.long_horizon_tasks', 'Long-horizon agentic tasks', 40, 200),
      counts('autonomy.research_scientist', 'Open research problems solved end to end', 2, 160),
      aggregate('autonomy.research_speedup', 'Research speed-up ratio, controlled study', 1.15, 0.04, 160),
      aggregate('autonomy.improvement_time_ratio', 'Improvement cycle time / 2024 baseline', 0.93, 0.04, 160),
    ],
  };
}

/** model-x is approved for vetted partners in these jurisdictions only. */
const MODEL_X_CONDITIONS = {
  jurisdictions: { allow: ['US', 'GB', 'CA', 'DE', 'FR', 'NL', 'JP', 'AU', 'SE', 'IE'] },
};

const LABS = [
  { id: 'larkspur-ai', name: 'Larkspur AI', jurisdiction: 'US', verified: true },
  { id: 'example-lab', name: 'Example Lab', jurisdiction: 'US', verified: true },
  { id: 'fernhollow-ai', name: 'Fernhollow AI', jurisdiction: 'GB', verified: true },
  { id: 'quillon-ai', name: 'Quillon AI', jurisdiction: 'CA', verified: false },
  { id: 'halcyon-loom', name: 'Halcyon Loom Research', jurisdiction: 'DE', verified: false },
] as const;

const PARTNER = {
  id: 'harbourlight-security',
  name: 'Harbourlight Security Cooperative',
  jurisdiction: 'GB',
  verified: true,
};

const PLACES = [
  'Aldermere',
  'Brackenford',
  'Caddowmoor',
  'Dunhallow',
  'Eskerby',
  'Fallowmere',
  'Glenwhistle',
  'Hollinsby',
  'Ivystone',
  'Kestrelgate',
];
const KINDS = [
  ['university', 'University'],
  ['tech', 'Institute of Technology'],
  ['medical-research', 'Medical Research Centre'],
  ['public-health-lab', 'Public Health Laboratory'],
  ['cyber-defence', 'Cyber Defence Centre'],
  ['national-lab', 'National Laboratory'],
  ['polytechnic', 'Polytechnic'],
  ['school-of-medicine', 'School of Medicine'],
  ['biosecurity', 'Biosecurity Institute'],
  ['computing-lab', 'Computing Research Laboratory'],
] as const;
const INSTITUTION_JURISDICTIONS = ['US', 'GB', 'CA', 'DE', 'FR', 'NL', 'JP', 'AU', 'SE', 'IE'];

/** The ~100 fictional named institutions used for grants (deterministic order). */
export function demoInstitutions(): { id: string; name: string; jurisdiction: string; verified: boolean }[] {
  const out: { id: string; name: string; jurisdiction: string; verified: boolean }[] = [];
  PLACES.forEach((place, i) => {
    KINDS.forEach(([slug, kind], j) => {
      const k = i * KINDS.length + j;
      out.push({
        id: `${place.toLowerCase()}-${slug}`,
        name: `${place} ${kind}`,
        jurisdiction: INSTITUTION_JURISDICTIONS[(i + j) % INSTITUTION_JURISDICTIONS.length]!,
        verified: k % 3 !== 0,
      });
    });
  });
  return out;
}

interface PersonSpec {
  id: string;
  name: string;
  role: Role;
  org?: string;
  note?: string;
}

const PEOPLE: PersonSpec[] = [
  { id: DEMO_ADMIN_ID, name: 'Demo Administrator', role: 'admin' },
  { id: 'rev-ada', name: 'Ada Quillfeather', role: 'reviewer' },
  { id: 'rev-bram', name: 'Bram Ostwick', role: 'reviewer' },
  { id: 'rev-cyra', name: 'Cyra Fenmoor', role: 'reviewer' },
  { id: 'rev-dov', name: 'Dov Halloran', role: 'reviewer' },
  {
    id: 'rev-elin',
    name: 'Elin Marrowby',
    role: 'reviewer',
    org: 'larkspur-ai',
    note: 'affiliated with larkspur-ai: refused (403) on Larkspur reviews',
  },
  { id: 'aud-fern', name: 'Fern Atterbury', role: 'auditor' },
  { id: 'dev-larkspur', name: 'Lio Vantree', role: 'developer', org: 'larkspur-ai' },
  { id: 'dev-example', name: 'Mina Exley', role: 'developer', org: 'example-lab' },
  { id: 'dev-fernhollow', name: 'Osric Pellow', role: 'developer', org: 'fernhollow-ai' },
  { id: 'dev-quillon', name: 'Runa Tasker', role: 'developer', org: 'quillon-ai' },
  { id: 'dev-halcyon', name: 'Sefa Brandling', role: 'developer', org: 'halcyon-loom' },
  { id: 'dev-harbourlight', name: 'Tamsin Wrey', role: 'developer', org: PARTNER.id },
];

/** Which token `greenlight demo` prints for each role. */
export const PRINTED_PERSON: Record<Role, string> = {
  admin: DEMO_ADMIN_ID,
  reviewer: 'rev-ada',
  developer: 'dev-example',
  auditor: 'aud-fern',
};

interface FrameworkFile {
  file: string;
  id: string;
  version: string;
  effective: string;
  text: string;
}

function frameworkFile(file: string): FrameworkFile {
  const text = readExample(`frameworks/${file}`);
  const doc = parseYaml(text) as { id: string; version: string; effective: string };
  return { file, id: doc.id, version: String(doc.version), effective: String(doc.effective), text };
}

/** Is the database empty (no framework, organisation or person)? */
async function emptiness(store: Store): Promise<'empty' | 'demo' | 'other'> {
  const demo = await store.db
    .selectFrom('people')
    .select('id')
    .where('id', '=', DEMO_ADMIN_ID)
    .executeTakeFirst();
  if (demo) return 'demo';
  const [p, o, f] = await Promise.all([
    store.db.selectFrom('people').select('id').limit(1).execute(),
    store.db.selectFrom('orgs').select('id').limit(1).execute(),
    store.db.selectFrom('frameworks').select('id').limit(1).execute(),
  ]);
  return p.length + o.length + f.length === 0 ? 'empty' : 'other';
}

/**
 * Seeds the demo into `store` unless it already holds anything. The workflow is created here, on the
 * simulated clock; the store stays open (the caller owns it).
 */
export async function seedDemo(store: Store, options: SeedOptions = {}): Promise<SeedResult> {
  const state = await emptiness(store);
  if (state === 'demo') return { status: 'already_seeded' };
  if (state === 'other') return { status: 'not_empty' };

  const present = (options.now ?? new Date()).getTime();
  // Day 0 of the history: 140 days before the present, at 14:00 UTC (mid-morning in New York).
  const start = Math.floor((present - 140 * DAY) / DAY) * DAY + 14 * HOUR;
  let clock = start - 12 * HOUR;
  const wf: Workflow = createWorkflow(store, { now: () => new Date(clock) });
  const SYSTEM: Actor = { kind: 'system' };
  const PUBLIC: Actor = { kind: 'public' };

  /** Open review clocks (submission or appeal) due in (clock, t], in due order. */
  const dueBetween = async (t: number): Promise<number[]> => {
    const from = new Date(clock).toISOString();
    const to = new Date(t).toISOString();
    const [subs, appeals] = await Promise.all([
      store.db
        .selectFrom('submissions')
        .select('decision_due')
        .where('status', '=', 'in_review')
        .where('decision_due', '>', from)
        .where('decision_due', '<=', to)
        .execute(),
      store.db
        .selectFrom('appeals')
        .select('decision_due')
        .where('status', '=', 'appealed')
        .where('decision_due', '>', from)
        .where('decision_due', '<=', to)
        .execute(),
    ]);
    return [...subs, ...appeals].map((r) => Date.parse(r.decision_due)).sort((a, b) => a - b);
  };

  /** Advances the clock to `t`, lapsing every review clock that falls due on the way (like the sweeper). */
  const advanceTo = async (t: number) => {
    if (t < clock) throw new Error(`demo timeline goes backwards at ${new Date(t).toISOString()}`);
    for (const due of await dueBetween(t)) {
      clock = Math.max(clock, due + 1000);
      await wf.sweep();
    }
    clock = t;
  };
  /** Day `d` of the history at `h` o'clock UTC (fractional hours allowed). */
  const at = (d: number, h = 14) => advanceTo(start + d * DAY + (h - 14) * HOUR);
  /** `d` days before the present. */
  const ago = (d: number, h = 0) => advanceTo(present - d * DAY + h * HOUR);

  // ---- Frameworks --------------------------------------------------------------------------------------
  const ef1 = frameworkFile('example-frontier-2026.1.yaml');
  const ef2 = frameworkFile('example-frontier-2026.2.yaml');
  const nw = frameworkFile('northwind-capability-levels-2026.1.yaml');
  const published: FrameworkFile[] = [];
  const publish = async (f: FrameworkFile) => {
    await wf.publishFramework(SYSTEM, f.text, 'yaml');
    published.push(f);
  };
  /** The example-frontier version new submissions must use today (the newest published one in force). */
  const efNow = (): FrameworkFile => {
    const today = new Date(clock).toISOString().slice(0, 10);
    const efs = published
      .filter((f) => f.id === ef1.id)
      .sort((a, b) => a.effective.localeCompare(b.effective));
    return efs.filter((f) => f.effective <= today).at(-1) ?? efs[0]!;
  };

  await at(0, 9);
  await publish(ef1);
  await publish(nw);

  // ---- Organisations and people ----------------------------------------------------------------------
  const institutions = demoInstitutions();
  for (const o of [...LABS, PARTNER, ...institutions]) await wf.createOrg(SYSTEM, o);
  const tokens: DemoToken[] = [];
  const actors: Record<string, Actor> = {};
  for (const p of PEOPLE) {
    const created = await wf.createPerson(SYSTEM, {
      id: p.id,
      name: p.name,
      role: p.role,
      ...(p.org ? { org: p.org } : {}),
    });
    const person: Person = { id: p.id, name: p.name, role: p.role, org: p.org ?? null, active: true };
    actors[p.id] = { kind: 'person', person };
    tokens.push({
      role: p.role,
      person: p.id,
      name: p.name,
      org: p.org ?? null,
      token: created.token,
      ...(p.note ? { note: p.note } : {}),
    });
  }
  const as = (id: string): Actor => actors[id]!;

  // ---- Helpers over the workflow -----------------------------------------------------------------------
  const submitEF = async (dev: string, file: string, model: string, version: string, tier?: string) => {
    const fw = efNow();
    // 2026.2 requires account-enforcement at cyber High; the demo labs attest it once it is in force.
    const extra = fw.version === '2026.2' ? ['account-enforcement'] : [];
    const evidence = exampleEvidence(file, model, version, extra);
    const res = await wf.submit(as(dev), {
      framework: { id: fw.id, version: fw.version },
      evidence,
      ...(tier ? { tier } : {}),
    });
    return res.body;
  };
  const submitNW = async (dev: string, model: string, version: string, alert: boolean, tier?: string) => {
    const res = await wf.submit(as(dev), {
      framework: { id: nw.id, version: nw.version },
      evidence: northwindEvidence(model, version, alert),
      ...(tier ? { tier } : {}),
    });
    return res.body;
  };
  /** Proposes at day `d` and collects the other signatures on the following hours/days. */
  const decide = async (
    review: { kind: 'submission' | 'appeal'; id: string },
    input: DecisionInput,
    proposer: string,
    signers: string[],
    d: number,
  ) => {
    await at(d, 10);
    const decision = await wf.proposeDecision(as(proposer), review, input);
    let h = 15;
    for (const s of signers) {
      await at(d, h);
      await wf.signDecision(as(s), decision.id);
      h += 2;
    }
    return decision;
  };
  const sub = (id: string) => ({ kind: 'submission' as const, id });
  const appeal = (id: string) => ({ kind: 'appeal' as const, id });

  // ---- 1. Approved (quorum 2): larkspur-ai/atlas-3 -----------------------------------------------------
  await at(2, 13);
  const atlas3 = await submitEF('dev-larkspur', '01-approve.json', 'larkspur-ai/atlas-3', '2026-05-12');

  // ---- 2. Approved restricted, with a jurisdiction condition: example-lab/model-x ----------------------
  await at(4, 11);
  const modelX = await submitEF(
    'dev-example',
    '02-approve-restricted.json',
    'example-lab/model-x',
    '2026-06-01',
  );

  await decide(
    sub(atlas3.id),
    {
      action: 'approve',
      tier: 'public',
      rationale:
        'Every indicator is clearly below its threshold; the closest (multi-epoch CTF) has its upper bound well under 0.35.',
    },
    'rev-ada',
    ['rev-bram'],
    8,
  );
  await decide(
    sub(modelX.id),
    {
      action: 'approve',
      tier: 'vetted_partners',
      conditions: MODEL_X_CONDITIONS,
      rationale:
        'Cyber High is reached on all three canaries; trusted access and misuse monitoring are attested. Approved for vetted partners in the listed jurisdictions.',
    },
    'rev-ada',
    ['rev-bram'],
    10,
  );

  // Grants on model-x: one standing partner grant, one that expires, one that is revoked.
  await at(12, 9);
  await wf.createGrant(as('rev-cyra'), {
    model: 'example-lab/model-x',
    org: PARTNER.id,
    tier: 'vetted_partners',
    expires_at: new Date(present + 180 * DAY).toISOString(),
    reason: 'Defensive security research partner under the trusted-access agreement.',
  });
  await wf.createGrant(as('rev-cyra'), {
    model: 'example-lab/model-x',
    org: institutions[4]!.id,
    tier: 'vetted_partners',
    expires_at: new Date(start + 40 * DAY).toISOString(),
    reason: 'Four-week red-team engagement (ends with the engagement).',
  });
  const toRevoke = await wf.createGrant(as('rev-cyra'), {
    model: 'example-lab/model-x',
    org: institutions[14]!.id,
    tier: 'vetted_partners',
    reason: 'Pilot on vulnerability triage.',
  });

  // ---- 3. Appeal upheld: example-lab appeals model-x's restriction -------------------------------------
  await at(14, 16);
  const appealX = await wf.fileAppeal(as('dev-example'), modelX.id, {
    reasons:
      'We ask for general_api: the cyber-range canary is barely above its threshold and account-level enforcement is in place.',
  });

  // ---- 4. Evidence requested, then added: example-lab/model-y ------------------------------------------
  await at(16, 12);
  const modelY = await submitEF('dev-example', '04-more-evidence.json', 'example-lab/model-y', '2026-07-15');

  await decide(
    appeal(appealX.id),
    {
      action: 'approve',
      tier: 'vetted_partners',
      conditions: MODEL_X_CONDITIONS,
      rationale:
        'All three cyber canaries are crossed with intervals clear of their thresholds; the restriction stands.',
    },
    'rev-cyra',
    ['rev-dov'],
    20,
  );
  await decide(
    sub(modelY.id),
    {
      action: 'request_evidence',
      rationale:
        'Self-improvement High cannot be settled: the paper-replication pilot has 40 papers (100 needed) and one result has no standard error.',
    },
    'rev-bram',
    ['rev-cyra'],
    21,
  );

  // ---- 5. Denied, then appeal reversed: larkspur-ai/atlas-4 --------------------------------------------
  await at(22, 12);
  const atlas4 = await submitEF(
    'dev-larkspur',
    '03-safeguards-missing.json',
    'larkspur-ai/atlas-4',
    '2026-08-20',
  );

  // ---- 6. Lapse → deemed approved: quillon-ai/sparrow-1 (nobody decides) -------------------------------
  await at(24, 15);
  await submitEF('dev-quillon', '01-approve.json', 'quillon-ai/sparrow-1', '2026-08-01');

  // ---- 7. Lapse → escalated, then denied late: halcyon-loom/kestrel-1 ----------------------------------
  await at(26, 11);
  const kestrel1 = await submitEF(
    'dev-halcyon',
    '03-safeguards-missing.json',
    'halcyon-loom/kestrel-1',
    '2026-08-10',
  );

  await decide(
    sub(atlas4.id),
    {
      action: 'deny',
      rationale:
        'Bio High is reached (protocol troubleshooting 0.60 against 0.40) and the required bio-classifiers are not attested.',
    },
    'rev-ada',
    ['rev-bram'],
    28,
  );

  await at(30, 10);
  await wf.revokeGrant(as('rev-cyra'), toRevoke.id);

  await at(31, 9);
  await wf.addEvidence(
    as('dev-example'),
    modelY.id,
    exampleEvidence('01-approve.json', 'example-lab/model-y', '2026-07-15'),
  );
  await at(32, 17);
  const appeal4 = await wf.fileAppeal(as('dev-larkspur'), atlas4.id, {
    reasons: 'Bio-classifiers are now deployed on inputs and outputs; attestation attached.',
    evidence: exampleEvidence('03-safeguards-missing.json', 'larkspur-ai/atlas-4', '2026-08-20', [
      'bio-classifiers',
    ]),
  });

  await decide(
    sub(modelY.id),
    {
      action: 'approve',
      tier: 'public',
      rationale:
        'With the full paper-replication run (and standard errors) every indicator is clearly below its threshold.',
    },
    'rev-ada',
    ['rev-dov'],
    36,
  );
  await decide(
    appeal(appeal4.id),
    {
      action: 'approve',
      tier: 'general_api',
      rationale:
        'The new evidence attests every safeguard required at bio High; the determination now supports general_api.',
    },
    'rev-cyra',
    ['rev-dov'],
    38,
  );

  // ---- 8. Override: fernhollow-ai/tern-2 approved more openly than the determination grants ------------
  await at(45, 12);
  const tern2 = await submitEF(
    'dev-fernhollow',
    '02-approve-restricted.json',
    'fernhollow-ai/tern-2',
    '2026-08-28',
  );

  // ---- 9. Approved under Northwind (quorum 3): fernhollow-ai/petrel-1 ----------------------------------
  await at(47, 10);
  const petrel1 = await submitNW(
    'dev-fernhollow',
    'fernhollow-ai/petrel-1',
    '2026-08-15',
    false,
    'general_availability',
  );

  await decide(
    sub(tern2.id),
    {
      action: 'approve',
      tier: 'general_api',
      rationale:
        'Approved for any verified organisation, beyond the vetted_partners the determination grants.',
      justification:
        'The cyber canaries were run without the production refusal layer; the board accepts the lab’s red-team report that the deployed system stays below cyber High, and requires re-testing in 90 days.',
    },
    'rev-ada',
    ['rev-dov'],
    50,
  );

  // ---- 10. A public incident report, dismissed ----------------------------------------------------------
  await at(51, 19);
  const spam = await wf.reportIncident(PUBLIC, {
    model: 'example-lab/model-x',
    class: 'general_jailbreak',
    description: 'The model answered a question I asked about firewalls. This must be a jailbreak.',
    discovered_at: new Date(start + 51 * DAY).toISOString(),
  });

  await decide(
    sub(petrel1.id),
    {
      action: 'approve',
      tier: 'general_availability',
      rationale: 'Every Northwind level is ruled out with Clopper-Pearson intervals on at least 150 samples.',
    },
    'rev-bram',
    ['rev-cyra', 'rev-dov'],
    54,
  );
  await at(55, 11);
  await wf.dismissIncident(
    as('rev-bram'),
    spam.id,
    'Ordinary security information; no required safeguard was bypassed.',
  );

  // ---- 11. The 2026.2 version of the example framework is published ------------------------------------
  await at(58, 9);
  await publish(ef2);

  // ---- 12. A model approved and later withdrawn: example-lab/model-w -----------------------------------
  await at(60, 12);
  const modelW = await submitEF('dev-example', '01-approve.json', 'example-lab/model-w', '2026-08-30');
  // ---- 13. A submission withdrawn while open: halcyon-loom/kestrel-2 ------------------------------------
  await at(62, 12);
  const kestrel2 = await submitEF(
    'dev-halcyon',
    '04-more-evidence.json',
    'halcyon-loom/kestrel-2',
    '2026-09-05',
  );
  await decide(
    sub(modelW.id),
    { action: 'approve', tier: 'public', rationale: 'Every indicator is clearly below its threshold.' },
    'rev-bram',
    ['rev-cyra'],
    65,
  );
  await at(68, 10);
  await wf.withdrawSubmission(
    as('dev-halcyon'),
    kestrel2.id,
    'Withdrawn to re-run the self-improvement evaluations at full size.',
  );

  // kestrel-1's clock lapses on the way (escalated: the determination does not support approval);
  // sparrow-1's lapses too (deemed approved). The reviewers then deny kestrel-1, late.
  await at(80, 9);
  await decide(
    sub(kestrel1.id),
    {
      action: 'deny',
      rationale:
        'Decided after the deadline: bio High is reached and bio-classifiers are still not attested.',
    },
    'rev-ada',
    ['rev-cyra'],
    82,
  );

  // ---- 14. Northwind review that lapses and escalates, still open and late: fernhollow-ai/heron-1 -------
  await ago(50, -2);
  await submitNW('dev-fernhollow', 'fernhollow-ai/heron-1', '2026-09-20', true);

  // ---- 15. Incident → restriction → re-review → limited restoration → resolved: larkspur-ai/atlas-3 ------
  await ago(40, -4);
  const jailbreak = await wf.reportIncident(as('dev-larkspur'), {
    model: 'larkspur-ai/atlas-3',
    class: 'general_jailbreak',
    description:
      'A role-play prefix disables the misuse monitor across the cyber and bio domains (many prompt families).',
    discovered_at: new Date(present - 40 * DAY - 10 * HOUR).toISOString(),
    evidence: ['https://example.org/larkspur/advisories/2026-017'],
  });
  await ago(40, 2);
  const classified = await wf.classifyIncident(as('rev-cyra'), jailbreak.id, 'general_jailbreak');
  await ago(38, 0);
  await wf.createGrants(as('rev-dov'), {
    model: 'larkspur-ai/atlas-3',
    orgs: institutions.map((o) => o.id),
    tier: 'named_institutions',
    expires_at: new Date(present + 120 * DAY).toISOString(),
    reason: 'Limited restoration during the jailbreak re-review: research and public-health institutions.',
  });
  if (classified.rereview_id) {
    const d = Math.floor((present - start) / DAY) - 28;
    await decide(
      sub(classified.rereview_id),
      {
        action: 'approve',
        tier: 'general_api',
        rationale:
          'The monitor bypass is patched and the fix verified on the reported prompt families; restored to verified organisations (not yet public).',
      },
      'rev-ada',
      ['rev-cyra'],
      d,
    );
  }

  // ---- 16. Model withdrawal: example-lab/model-w is retired ---------------------------------------------
  await ago(20, 3);
  await wf.withdrawModel(as('dev-example'), 'example-lab/model-w', {
    reason: 'Retired: replaced by model-x for every customer.',
  });

  // ---- 18. An open review with its clock running (one of two signatures): larkspur-ai/atlas-5 -----------
  await ago(6, -5);
  const atlas5 = await submitEF('dev-larkspur', '01-approve.json', 'larkspur-ai/atlas-5', '2026-11-01');
  // ---- 17. An incident restricting a model right now: fernhollow-ai/tern-2 ------------------------------
  await ago(4, -6);
  const tern2Incident = await wf.reportIncident(as('dev-fernhollow'), {
    model: 'fernhollow-ai/tern-2',
    class: 'general_jailbreak',
    description: 'An encoding trick defeats the misuse monitor on most cyber prompt families.',
    discovered_at: new Date(present - 4 * DAY - 9 * HOUR).toISOString(),
  });
  await ago(4, -3);
  await wf.classifyIncident(as('rev-bram'), tern2Incident.id, 'general_jailbreak');

  await ago(2, -4);
  await wf.proposeDecision(as('rev-ada'), sub(atlas5.id), {
    action: 'approve',
    tier: 'public',
    rationale: 'Every indicator is clearly below its threshold.',
  });

  // ---- The present -----------------------------------------------------------------------------------
  await advanceTo(present);

  const count = async (table: 'submissions' | 'appeals' | 'incidents' | 'grants' | 'people' | 'orgs') =>
    Number(
      (
        await store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    status: 'seeded',
    tokens,
    counts: {
      frameworks: published.length,
      orgs: await count('orgs'),
      labs: LABS.length,
      institutions: institutions.length,
      people: await count('people'),
      submissions: await count('submissions'),
      appeals: await count('appeals'),
      incidents: await count('incidents'),
      grants: await count('grants'),
    },
    startedAt: new Date(start).toISOString(),
    endedAt: new Date(present).toISOString(),
  };
}
