/**
 * The workflow against a server (interfaces.md CLI table): `submit`, `status`, `decide`, `sign`, `appeal`,
 * `incident …`, `grant …`, `frameworks`. Every command takes `--url` and `--token` (default GREENLIGHT_URL,
 * GREENLIGHT_TOKEN, http://127.0.0.1:8080) and `--json` (the server's JSON as is); otherwise readable text.
 * An error answer is printed as `code: message` plus one line per detail; exit 2 for a 4xx answer or a server
 * that cannot be reached, 1 for a 5xx answer.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type Command, Option } from 'commander';
import type { Determination } from '../../core/determination/types.js';
import { GreenlightError } from '../../core/errors.js';
import {
  ApiError,
  type ApiRequest,
  call,
  DEFAULT_URL,
  type GreenlightApi,
  httpApi,
  modelPath,
  parseFrameworkRef,
  seg,
  UNREACHABLE,
} from '../../mcp/api.js';
import { importLogs } from '../../mcp/logs.js';
import { ioError, readText } from '../lib/files.js';
import { formatDetermination } from '../lib/report.js';
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, ExitCode } from '../run.js';

interface ServerFlags {
  url?: string;
  token?: string;
  json?: boolean;
}

type Obj = Record<string, unknown>;

function withServer(cmd: Command): Command {
  return cmd
    .option('--url <url>', `the Greenlight server (default: GREENLIGHT_URL, else ${DEFAULT_URL})`)
    .option('--token <token>', 'API token (default: GREENLIGHT_TOKEN)')
    .option('--json', 'print the server’s JSON answer');
}

function apiOf(flags: ServerFlags): GreenlightApi {
  return httpApi({
    url: flags.url ?? process.env.GREENLIGHT_URL ?? DEFAULT_URL,
    token: flags.token ?? process.env.GREENLIGHT_TOKEN,
  });
}

/** Calls the API; an error answer is printed and ends the command with its exit code. */
async function request(flags: ServerFlags, req: ApiRequest): Promise<unknown> {
  try {
    return await call(apiOf(flags), req);
  } catch (e) {
    if (e instanceof ApiError) {
      for (const line of e.lines()) process.stderr.write(`${line}\n`);
      throw new ExitCode(e.status === UNREACHABLE || e.status < 500 ? EXIT_BAD_INPUT : EXIT_CHECK_FAILED);
    }
    throw e;
  }
}

function print(flags: ServerFlags, value: unknown, text: () => string): void {
  process.stdout.write(flags.json ? `${JSON.stringify(value, null, 2)}\n` : text());
}

function usage(message: string): GreenlightError {
  return new GreenlightError('invalid_input', message);
}

const o = (x: unknown): Obj => (x && typeof x === 'object' ? (x as Obj) : {});
const str = (x: unknown): string => (x === null || x === undefined || x === '' ? '—' : String(x));

/** A table: columns padded to their widest cell. */
function table(header: string[], rows: string[][]): string {
  if (rows.length === 0) return '  (none)\n';
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `  ${cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()}\n`;
  return line(header) + rows.map(line).join('');
}

/** `3d 4h left`, `2h 5m late`. */
export function timeLeft(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  const late = seconds < 0;
  let s = Math.abs(Math.round(seconds));
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  const parts = d > 0 ? [`${d}d`, `${h}h`] : h > 0 ? [`${h}h`, `${m}m`] : [`${m}m`, `${s - m * 60}s`];
  return `${parts.join(' ')} ${late ? 'late' : 'left'}`;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function readJson(file: string): unknown {
  const text = readText(file);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw usage(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

function readBytes(file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (e) {
    throw ioError(file, e);
  }
}

// ---- submit ----

interface SubmitFlags extends ServerFlags {
  framework: string;
  evidence: string[];
  map?: string;
  metric?: string;
  task?: string;
  scorer?: string;
  format?: 'inspect' | 'lm-eval' | 'csv';
  model?: string;
  modelVersion?: string;
  allowIncomplete?: boolean;
  tier?: string;
  idempotencyKey?: string;
}

/** Native evidence files, or logs imported with the core's importers. */
async function evidenceFor(logs: string[], flags: SubmitFlags): Promise<unknown> {
  const viaLogs = logs.length > 0;
  if (viaLogs === flags.evidence.length > 0)
    throw usage(
      viaLogs
        ? 'submit: give either --evidence FILE… or LOG… with --map/--metric, not both'
        : 'submit: missing the evidence: --evidence FILE… (native JSON), or LOG… with --map FILE or --metric M',
    );
  if (!viaLogs) {
    const docs = flags.evidence.map(readJson);
    if (docs.length === 1) return docs[0];
    const first = o(docs[0]);
    return {
      ...first,
      evaluations: docs.flatMap((d) =>
        Array.isArray(o(d).evaluations) ? (o(d).evaluations as unknown[]) : [],
      ),
      safeguards: [
        ...new Set(
          docs.flatMap((d) => (Array.isArray(o(d).safeguards) ? (o(d).safeguards as string[]) : [])),
        ),
      ],
    };
  }
  if ((flags.map === undefined) === (flags.metric === undefined))
    throw usage('submit: with logs, give exactly one of --map FILE and --metric M');
  const { evidence, warnings } = await importLogs(
    logs.map((f) => ({ fileName: basename(f), bytes: readBytes(f) })),
    {
      format: flags.format,
      metric: flags.metric,
      task: flags.task,
      scorer: flags.scorer,
      mapText: flags.map !== undefined ? readText(flags.map) : undefined,
      mapName: flags.map,
      model: flags.model,
      modelVersion: flags.modelVersion,
      allowIncomplete: flags.allowIncomplete,
    },
  );
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  return evidence;
}

function submissionText(s: Obj): string {
  const model = o(s.model);
  const out = [
    `Submission ${str(s.id)} (${str(s.kind ?? 'submission')}): ${str(model.id)} version ${str(model.version)}`,
    `Status: ${str(s.status)}`,
  ];
  if (s.framework) out.push(`Framework: ${str(o(s.framework).id)} ${str(o(s.framework).version)}`);
  if (s.decision_due)
    out.push(
      `Decision due: ${str(s.decision_due)}${s.time_left_seconds !== undefined && s.time_left_seconds !== null ? ` (${timeLeft(s.time_left_seconds as number)})` : ''}`,
    );
  if (s.log_index !== undefined) out.push(`Log index: ${str(s.log_index)}`);
  const det = o(s.determination);
  if (det.outcome !== undefined)
    out.push(`Determination: ${str(det.outcome)}, granted tier ${str(det.granted_tier)}`);
  const decisions = Array.isArray(s.decisions) ? (s.decisions as Obj[]) : [];
  if (decisions.length > 0) {
    out.push('', 'Decisions:');
    out.push(
      table(
        ['id', 'action', 'tier', 'signatures', 'effective', 'override'],
        decisions.map((d) => [
          str(d.id),
          str(d.action),
          str(d.tier),
          str(d.signatures),
          d.effective ? 'yes' : 'no',
          d.override ? 'yes' : 'no',
        ]),
      ).trimEnd(),
    );
  }
  const appeals = Array.isArray(s.appeals) ? (s.appeals as Obj[]) : [];
  if (appeals.length > 0) {
    out.push('', 'Appeals:');
    out.push(
      table(
        ['id', 'status', 'decision due'],
        appeals.map((a) => [str(a.id), str(a.status), str(a.decision_due)]),
      ).trimEnd(),
    );
  }
  return `${out.join('\n')}\n`;
}

function modelText(m: Obj): string {
  const out = [
    `Model ${str(m.id)}`,
    `Status: ${str(m.status)}; effective tier ${str(m.effective_tier)}; current version ${str(m.current_version)}`,
    '',
    'Open clocks:',
  ];
  const clocks = Array.isArray(m.open_clocks) ? (m.open_clocks as Obj[]) : [];
  out.push(
    table(
      ['review', 'kind', 'decision due', 'time left'],
      clocks.map((c) => [
        str(c.review),
        str(c.kind),
        str(c.decision_due),
        timeLeft(c.time_left_seconds as number),
      ]),
    ).trimEnd(),
  );
  const subs = Array.isArray(m.submissions) ? (m.submissions as Obj[]) : [];
  out.push('', 'Submissions:');
  out.push(
    table(
      ['id', 'kind', 'version', 'status', 'outcome', 'decision due'],
      subs.map((s) => [
        str(s.id),
        str(s.kind),
        str(o(s.model).version),
        str(s.status),
        str(o(s.determination).outcome),
        str(s.decision_due),
      ]),
    ).trimEnd(),
  );
  const incidents = Array.isArray(m.incidents) ? (m.incidents as Obj[]) : [];
  out.push('', 'Incidents:');
  out.push(
    table(
      ['id', 'class', 'status', 'reported'],
      incidents.map((i) => [str(i.id), str(i.class), str(i.status), str(i.reported_at)]),
    ).trimEnd(),
  );
  if (Array.isArray(m.grants)) {
    out.push('', 'Grants:');
    out.push(
      table(
        ['id', 'org', 'tier', 'expires'],
        (m.grants as Obj[]).map((g) => [str(g.id), str(g.org), str(g.tier), str(g.expires_at)]),
      ).trimEnd(),
    );
  }
  return `${out.join('\n')}\n`;
}

function decisionText(d: Obj): string {
  const signers = Array.isArray(d.signers) ? (d.signers as string[]).join(', ') : '';
  return (
    `Decision ${str(d.id)}${d.action ? `: ${str(d.action)}` : ''}${d.tier ? ` at tier ${str(d.tier)}` : ''}` +
    `${d.override ? ' (override)' : ''}\n` +
    `Signatures: ${str(d.signatures)} (${signers || 'none'}); ${d.effective ? 'in effect' : 'not yet in effect'}\n`
  );
}

const created = (what: string) => (x: unknown) => `${what} ${str(o(x).id)}\n`;

export function registerClientCommands(program: Command): void {
  withServer(
    program
      .command('submit')
      .description(
        'submit a model version for review: native evidence, or logs imported first (--map/--metric)',
      )
      .argument('[logs...]', 'evaluation logs to import (with --map FILE or --metric M)')
      .requiredOption('--framework <id@version>', 'the framework, e.g. example-frontier@2026.1')
      .option('--evidence <file>', 'native evidence JSON (repeat to merge several files)', collect, [])
      .option('--map <file>', 'with logs: a mapping file (task/scorer → metric, model)')
      .option('--metric <metric>', 'with logs: the framework metric they measure')
      .option('--task <task>', 'with --metric: the task in the log')
      .option('--scorer <scorer>', 'with --metric: the scorer')
      .addOption(
        new Option('--format <format>', 'log format (default: detected)').choices([
          'inspect',
          'lm-eval',
          'csv',
        ]),
      )
      .option('--model <org/name>', 'with logs: the model under review')
      .option('--model-version <version>', 'with logs: the version under review')
      .option('--allow-incomplete', 'with logs: import logs that are not comparable')
      .option('--tier <tier>', 'requested tier (default: the most open tier)')
      .option('--idempotency-key <key>', 'same key and body within 24 h: the original answer'),
  ).action(async (logs: string[], flags: SubmitFlags) => {
    const framework = refOrUsage(flags.framework);
    const evidence = await evidenceFor(logs, flags);
    const body: Obj = { framework, evidence };
    if (flags.tier !== undefined) body.tier = flags.tier;
    const answer = await request(flags, {
      method: 'POST',
      path: '/v1/submissions',
      body,
      ...(flags.idempotencyKey ? { headers: { 'idempotency-key': flags.idempotencyKey } } : {}),
    });
    print(flags, answer, () => {
      const s = o(answer);
      let text = submissionText(s);
      const det = o(s.determination);
      if (Array.isArray(det.domains)) text += `\n${formatDetermination(det as unknown as Determination)}`;
      return text;
    });
  });

  withServer(
    program
      .command('status')
      .description('a submission (by id) or a model (ORG/NAME): status, clocks and time left')
      .argument('<target>', 'SUBMISSION_ID or ORG/NAME'),
  ).action(async (target: string, flags: ServerFlags) => {
    if (target.includes('/')) {
      const m = await request(flags, { method: 'GET', path: modelOrUsage(target) });
      print(flags, m, () => modelText(o(m)));
    } else {
      const s = await request(flags, { method: 'GET', path: `/v1/submissions/${seg(target)}` });
      print(flags, s, () => submissionText(o(s)));
    }
  });

  withServer(
    program
      .command('decide')
      .description(
        'propose a decision on a submission (or with --appeal, on an appeal); your signature counts',
      )
      .argument('[submission]', 'SUBMISSION_ID (not with --appeal)')
      .addOption(
        new Option('--action <action>', 'the decision')
          .choices(['approve', 'deny', 'request_evidence'])
          .makeOptionMandatory(),
      )
      .option('--appeal <appeal-id>', 'decide this appeal instead of a submission')
      .option('--tier <tier>', 'with approve: the tier')
      .option('--rationale <text>', 'why (required by the server)')
      .option('--justification <text>', 'for an override: why the tier is more open than the determination')
      .option('--allow-jurisdictions <codes>', 'condition: only these ISO 3166 countries (comma-separated)')
      .option('--deny-jurisdictions <codes>', 'condition: not these ISO 3166 countries (comma-separated)'),
  ).action(
    async (
      submission: string | undefined,
      flags: ServerFlags & {
        action: string;
        appeal?: string;
        tier?: string;
        rationale?: string;
        justification?: string;
        allowJurisdictions?: string;
        denyJurisdictions?: string;
      },
    ) => {
      if ((submission === undefined) === (flags.appeal === undefined))
        throw usage('decide: give a SUBMISSION_ID, or --appeal APPEAL_ID (not both)');
      const body: Obj = { action: flags.action, rationale: flags.rationale ?? '' };
      if (flags.tier !== undefined) body.tier = flags.tier;
      if (flags.justification !== undefined) body.justification = flags.justification;
      const codes = (s: string) =>
        s
          .split(',')
          .map((c) => c.trim().toUpperCase())
          .filter((c) => c !== '');
      if (flags.allowJurisdictions !== undefined || flags.denyJurisdictions !== undefined) {
        const j: Obj = {};
        if (flags.allowJurisdictions !== undefined) j.allow = codes(flags.allowJurisdictions);
        if (flags.denyJurisdictions !== undefined) j.deny = codes(flags.denyJurisdictions);
        body.conditions = { jurisdictions: j };
      }
      const path =
        flags.appeal !== undefined
          ? `/v1/appeals/${seg(flags.appeal)}/decision`
          : `/v1/submissions/${seg(submission!)}/decision`;
      const d = await request(flags, { method: 'POST', path, body });
      print(flags, d, () => decisionText(o(d)));
    },
  );

  withServer(
    program.command('sign').description('sign a proposed decision').argument('<decision>', 'DECISION_ID'),
  ).action(async (decision: string, flags: ServerFlags) => {
    const d = await request(flags, { method: 'POST', path: `/v1/decisions/${seg(decision)}/sign` });
    print(flags, d, () => decisionText(o(d)));
  });

  withServer(
    program
      .command('appeal')
      .description('appeal a decision or lapse, with reasons and optionally new evidence')
      .argument('<submission>', 'SUBMISSION_ID')
      .requiredOption('--reasons <text>', 'why the outcome should change')
      .option('--evidence <file>', 'new native evidence JSON'),
  ).action(async (submission: string, flags: ServerFlags & { reasons: string; evidence?: string }) => {
    const body: Obj = { reasons: flags.reasons };
    if (flags.evidence !== undefined) body.evidence = readJson(flags.evidence);
    const a = await request(flags, {
      method: 'POST',
      path: `/v1/submissions/${seg(submission)}/appeal`,
      body,
    });
    print(flags, a, () => {
      const x = o(a);
      return `Appeal ${str(x.id)}: ${str(x.status)}; decision due ${str(x.decision_due)}\n`;
    });
  });

  // ---- incidents ----
  const incident = program.command('incident').description('report and handle incidents');
  withServer(
    incident
      .command('report')
      .description('report an incident against a model (anyone may)')
      .requiredOption('--model <org/name>', 'the model')
      .requiredOption('--class <class>', 'an incident class of the model’s framework')
      .requiredOption('--description <text>', 'what happened')
      .option('--discovered-at <time>', 'RFC 3339 time (default: now)')
      .option('--evidence-link <url>', 'a link to evidence (repeatable)', collect, []),
  ).action(
    async (
      flags: ServerFlags & {
        model: string;
        class: string;
        description: string;
        discoveredAt?: string;
        evidenceLink: string[];
      },
    ) => {
      const body: Obj = {
        model: flags.model,
        class: flags.class,
        description: flags.description,
        discovered_at: flags.discoveredAt ?? new Date().toISOString(),
      };
      if (flags.evidenceLink.length > 0) body.evidence = flags.evidenceLink;
      const r = await request(flags, { method: 'POST', path: '/v1/incidents', body });
      print(flags, r, () => created('Incident reported:')(r));
    },
  );
  withServer(
    incident
      .command('classify')
      .description('classify a reported incident (possibly into another class)')
      .argument('<incident>', 'INCIDENT_ID')
      .requiredOption('--class <class>', 'the class'),
  ).action(async (id: string, flags: ServerFlags & { class: string }) => {
    const r = await request(flags, {
      method: 'POST',
      path: `/v1/incidents/${seg(id)}/classify`,
      body: { class: flags.class },
    });
    print(flags, r, () => `Incident ${id}: ${str(o(r).status ?? 'classified')}\n`);
  });
  for (const verb of ['dismiss', 'resolve'] as const) {
    withServer(
      incident
        .command(verb)
        .description(verb === 'dismiss' ? 'dismiss a reported incident' : 'resolve a classified incident')
        .argument('<incident>', 'INCIDENT_ID')
        .requiredOption('--reason <text>', 'why'),
    ).action(async (id: string, flags: ServerFlags & { reason: string }) => {
      const r = await request(flags, {
        method: 'POST',
        path: `/v1/incidents/${seg(id)}/${verb}`,
        body: { reason: flags.reason },
      });
      print(
        flags,
        r,
        () => `Incident ${id}: ${str(o(r).status ?? (verb === 'dismiss' ? 'dismissed' : 'resolved'))}\n`,
      );
    });
  }

  // ---- grants ----
  const grant = program.command('grant').description('access grants (reviewers)');
  withServer(
    grant
      .command('add')
      .description('grant an organisation access to a model at a tier')
      .requiredOption('--model <org/name>', 'the model')
      .requiredOption('--org <org>', 'the organisation')
      .requiredOption('--tier <tier>', 'the tier')
      .requiredOption('--reason <text>', 'why')
      .option('--expires-at <time>', 'RFC 3339 time'),
  ).action(
    async (
      flags: ServerFlags & { model: string; org: string; tier: string; reason: string; expiresAt?: string },
    ) => {
      const body: Obj = { model: flags.model, org: flags.org, tier: flags.tier, reason: flags.reason };
      if (flags.expiresAt !== undefined) body.expires_at = flags.expiresAt;
      const r = await request(flags, { method: 'POST', path: '/v1/grants', body });
      print(flags, r, () => created('Grant')(r));
    },
  );
  withServer(
    grant
      .command('bulk')
      .description(
        'grant many organisations access at once (--orgs a,b,c or --orgs-file FILE, one id a line)',
      )
      .requiredOption('--model <org/name>', 'the model')
      .option('--orgs <ids>', 'organisation ids, comma-separated')
      .option('--orgs-file <file>', 'a file of organisation ids, one a line')
      .requiredOption('--tier <tier>', 'the tier')
      .requiredOption('--reason <text>', 'why')
      .option('--expires-at <time>', 'RFC 3339 time'),
  ).action(
    async (
      flags: ServerFlags & {
        model: string;
        orgs?: string;
        orgsFile?: string;
        tier: string;
        reason: string;
        expiresAt?: string;
      },
    ) => {
      const orgs = [
        ...(flags.orgs?.split(',') ?? []),
        ...(flags.orgsFile !== undefined ? readText(flags.orgsFile).split(/\r?\n/) : []),
      ]
        .map((s) => s.trim())
        .filter((s) => s !== '' && !s.startsWith('#'));
      if (orgs.length === 0) throw usage('grant bulk: no organisations (--orgs a,b,c or --orgs-file FILE)');
      const body: Obj = { model: flags.model, orgs, tier: flags.tier, reason: flags.reason };
      if (flags.expiresAt !== undefined) body.expires_at = flags.expiresAt;
      const r = await request(flags, { method: 'POST', path: '/v1/grants/bulk', body });
      print(flags, r, () => {
        const items = Array.isArray(o(r).items) ? (o(r).items as Obj[]) : [];
        return `${items.length} grant(s) created\n${table(
          ['id', 'org', 'tier'],
          items.map((g) => [str(g.id), str(g.org), str(g.tier)]),
        )}`;
      });
    },
  );
  withServer(grant.command('revoke').description('revoke a grant').argument('<grant>', 'GRANT_ID')).action(
    async (id: string, flags: ServerFlags) => {
      const r = await request(flags, { method: 'DELETE', path: `/v1/grants/${seg(id)}` });
      print(flags, r, () => `Grant ${id} revoked\n`);
    },
  );

  // ---- frameworks ----
  withServer(
    program
      .command('frameworks')
      .description('frameworks published on the server, or one version (ID@VERSION)')
      .argument('[framework]', 'ID@VERSION'),
  ).action(async (ref: string | undefined, flags: ServerFlags) => {
    if (ref === undefined) {
      const r = await request(flags, { method: 'GET', path: '/v1/frameworks' });
      const items = Array.isArray(o(r).items) ? (o(r).items as Obj[]) : [];
      print(flags, r, () =>
        table(
          ['id', 'version', 'effective', 'title', 'superseded by'],
          items.map((f) => [str(f.id), str(f.version), str(f.effective), str(f.title), str(f.superseded_by)]),
        ),
      );
      return;
    }
    const { id, version } = refOrUsage(ref);
    const f = await request(flags, { method: 'GET', path: `/v1/frameworks/${seg(id)}/${seg(version)}` });
    print(flags, f, () => {
      const x = o(f);
      const doc = o(x.document);
      const tiers = Array.isArray(doc.tiers) ? (doc.tiers as Obj[]).map((t) => str(t.id ?? t.name ?? t)) : [];
      const domains = Array.isArray(doc.domains) ? (doc.domains as Obj[]).map((d) => str(d.id)) : [];
      return (
        `${str(x.title)} (${str(x.id)} ${str(x.version)})\n` +
        `Publisher: ${str(x.publisher)}\nEffective: ${str(x.effective)}\nDigest: ${str(x.digest)}\n` +
        `Domains: ${domains.join(', ') || '—'}\nTiers: ${tiers.join(', ') || '—'}\n` +
        (x.superseded_by ? `Superseded by: ${str(x.superseded_by)}\n` : '')
      );
    });
  });
}

function refOrUsage(ref: string): { id: string; version: string } {
  try {
    return parseFrameworkRef(ref);
  } catch (e) {
    throw usage((e as Error).message);
  }
}

function modelOrUsage(model: string): string {
  try {
    return modelPath(model);
  } catch (e) {
    throw usage((e as Error).message);
  }
}
