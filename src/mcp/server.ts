/**
 * The Greenlight MCP server (interfaces.md "MCP server"): read tools over the registry, frameworks, models and
 * determinations, pre-assessment (computed here with the core, from native evidence or an uploaded log), the
 * access check, log verification and incident reports; write tools (submit, sign_decision) that need a token.
 * Every tool has an input and an output schema and annotations; every failure is a tool error (`isError`).
 *
 * `api` talks to a Greenlight server (over HTTP, or in-process on the server's own `/mcp`). Without one (offline,
 * `greenlight mcp --framework FILE`), only pre-assessment against the local framework works.
 */
import { type CallToolResult, McpServer, ResourceTemplate } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { type VerifyReport, verifyLog } from '../cli/commands/verify.js';
import { nodeSha256 } from '../cli/lib/files.js';
import { formatDetermination } from '../cli/lib/report.js';
import { determineDocuments } from '../core/determination/index.js';
import type { Determination } from '../core/determination/types.js';
import { errorLines, GreenlightError, isGreenlightError } from '../core/errors.js';
import type { Framework } from '../core/framework/index.js';
import { parseFramework } from '../core/framework/index.js';
import { ApiError, call, type GreenlightApi, modelPath, seg } from './api.js';
import { importLogs, type LogImportOptions } from './logs.js';

export const MCP_SERVER_NAME = 'greenlight';
export const MCP_SERVER_VERSION = '0.1.0';

export interface LocalFramework {
  text: string;
  file: string;
}

export interface CreateMcpServerOptions {
  /** The Greenlight API; undefined: offline (pre-assessment against `framework` only). */
  api?: GreenlightApi | undefined;
  /** A local framework document for pre-assessment (`greenlight mcp --framework FILE`). */
  framework?: LocalFramework | undefined;
  /**
   * verify_log may audit any log URL (stdio, on the user's machine). On the server's own `/mcp` this is false:
   * only the server's own log, so the endpoint cannot be used to make the server fetch arbitrary URLs.
   */
  verifyAnyUrl?: boolean;
  /**
   * Import uploaded Inspect `.eval` archives (default true). The server's /mcp endpoint turns this off: the zstd
   * decoder can loop without end on some corrupted archives, and although decoding runs in a worker stopped
   * after GREENLIGHT_IMPORT_TIMEOUT_MS, each hostile upload would hold a core of a shared server that long.
   */
  acceptEvalArchives?: boolean;
  /** Where verify_log keeps pinned keys and checkpoints (trust on first use). */
  verifyStatePath?: string | undefined;
}

// ---- schemas ----

const Id = z.string().min(1).max(200);
const ModelId = z
  .string()
  .regex(/^[^/\s]+\/[^/\s]+$/, 'a model id is "<organisation>/<name>"')
  .describe('model id "<organisation>/<name>", e.g. larkspur-ai/atlas-3');
const FrameworkRef = z
  .strictObject({ id: Id, version: z.string().min(1).max(100) })
  .describe('a framework published on the server, by id and version');
const Obj = z.looseObject({});
const LogUpload = z
  .strictObject({
    file_name: z
      .string()
      .min(1)
      .max(500)
      .describe('the file name, e.g. 2024-08-29_popularity.json (tells the format)'),
    content_base64: z.string().min(1).describe('the file content, base64'),
  })
  .describe(
    'an evaluation log: Inspect .eval/.json, lm-eval results_*.json/samples_*.jsonl, or CSV (id,value)',
  );
const LogOptions = {
  logs: z.array(LogUpload).min(1).max(20).optional().describe('logs to import (instead of `evidence`)'),
  format: z.enum(['inspect', 'lm-eval', 'csv']).optional().describe('log format (default: detected)'),
  metric: z.string().min(1).max(200).optional().describe('the framework metric the log measures'),
  task: z
    .string()
    .min(1)
    .max(500)
    .optional()
    .describe('with metric: the task in the log, when it has several'),
  scorer: z.string().min(1).max(500).optional().describe('with metric: the scorer, e.g. match'),
  mapping: z
    .string()
    .min(1)
    .max(100_000)
    .optional()
    .describe('instead of metric: a mapping file (YAML text: model and {task, scorer, metric} rules)'),
  model: ModelId.optional().describe('with logs: the model under review, "<organisation>/<name>"'),
  model_version: z.string().min(1).max(200).optional().describe('with logs: the version under review'),
  allow_incomplete: z
    .boolean()
    .optional()
    .describe('import logs that are not comparable (recorded in source)'),
  n: z.number().int().min(1).optional().describe('lm-eval v0.3 results: the number of documents'),
  safeguards: z
    .array(z.string().min(1).max(200))
    .max(100)
    .optional()
    .describe('with logs: safeguards attested'),
};
const Tier = z.string().min(1).max(100).describe('requested tier (default: the most open tier)');
const Evidence = z
  .looseObject({})
  .describe('native Greenlight evidence JSON ({greenlight: 1, model, evaluations})');

const ListOut = z.object({ items: z.array(Obj), next_cursor: z.string().nullable() });
const DeterminationOut = z.object({
  determination: Obj,
  report: z.string().describe('the determination as a readable report'),
  warnings: z.array(z.string()),
  evidence: Obj.optional().describe('the imported evidence (with include_evidence)'),
});

// ---- results ----

type Structured = Record<string, unknown>;

function ok(structured: Structured, text?: string): CallToolResult {
  return {
    content: [{ type: 'text', text: text ?? JSON.stringify(structured, null, 2) }],
    structuredContent: structured,
  };
}

function fail(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/** One clear message for any failure. */
export function describeError(e: unknown): string {
  if (e instanceof ApiError) return e.lines().join('\n');
  if (isGreenlightError(e)) return errorLines(e).join('\n');
  return e instanceof Error ? e.message : String(e);
}

function guard<A>(fn: (args: A) => Promise<CallToolResult>): (args: A) => Promise<CallToolResult> {
  return async (args) => {
    try {
      return await fn(args);
    } catch (e) {
      return fail(describeError(e));
    }
  };
}

const asObject = (x: unknown): Structured =>
  x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Structured) : { value: x };

function asList(x: unknown): { items: Structured[]; next_cursor: string | null } {
  if (Array.isArray(x)) return { items: x.map(asObject), next_cursor: null };
  const o = asObject(x);
  return {
    items: Array.isArray(o.items) ? o.items.map(asObject) : [],
    next_cursor: typeof o.next_cursor === 'string' ? o.next_cursor : null,
  };
}

const READ = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
} as const;

export function createMcpServer(options: CreateMcpServerOptions): McpServer {
  const { api } = options;
  const server = new McpServer(
    { name: MCP_SERVER_NAME, version: MCP_SERVER_VERSION },
    {
      instructions:
        'Greenlight: transparent release review of frontier AI models. Read the registry, frameworks, model ' +
        'status and determinations; pre-assess evidence or evaluation logs against a framework before ' +
        'submitting; check access; verify the transparency log; report incidents. submit and sign_decision ' +
        'need a token.',
    },
  );

  const needApi = (): GreenlightApi => {
    if (!api)
      throw new GreenlightError(
        'invalid_request',
        'no Greenlight server configured (offline mode: only preassess against the local framework works); start with --url',
      );
    return api;
  };
  const needToken = (tool: string): GreenlightApi => {
    const a = needApi();
    if (!a.hasToken)
      throw new GreenlightError(
        'invalid_request',
        `${tool} needs a token: start greenlight mcp with --token (or GREENLIGHT_TOKEN), or send "Authorization: Bearer <token>" to /mcp`,
      );
    return a;
  };
  const get = (path: string) => call(needApi(), { method: 'GET', path });

  let localFramework: Framework | undefined;
  const local = (): Framework | undefined => {
    if (!options.framework) return undefined;
    localFramework ??= parseFramework(options.framework.text, { file: options.framework.file });
    return localFramework;
  };

  async function resolveFramework(
    ref: { id: string; version: string } | undefined,
    text: string | undefined,
  ): Promise<Framework> {
    if (ref !== undefined && text !== undefined)
      throw new GreenlightError(
        'invalid_request',
        'give either framework (id and version) or framework_text',
      );
    if (text !== undefined) return parseFramework(text, { file: 'framework_text' });
    const l = local();
    if (ref === undefined) {
      if (l) return l;
      throw new GreenlightError(
        'invalid_request',
        'which framework? give framework {id, version} (published on the server) or framework_text',
      );
    }
    if (l && l.id === ref.id && l.version === ref.version) return l;
    const detail = asObject(await get(`/v1/frameworks/${seg(ref.id)}/${seg(ref.version)}`));
    const source =
      typeof detail.source === 'string' ? detail.source : JSON.stringify(detail.document ?? detail);
    return parseFramework(source, { file: `${ref.id}@${ref.version}` });
  }

  type EvidenceArgs = {
    evidence?: Structured | undefined;
    logs?: { file_name: string; content_base64: string }[] | undefined;
  } & Omit<LogImportOptions, 'mapText' | 'mapName' | 'modelVersion' | 'allowIncomplete'> & {
      mapping?: string | undefined;
      model_version?: string | undefined;
      allow_incomplete?: boolean | undefined;
    };

  async function evidenceOf(
    args: EvidenceArgs,
  ): Promise<{ value: unknown; warnings: string[]; imported: boolean }> {
    if ((args.evidence === undefined) === (args.logs === undefined))
      throw new GreenlightError(
        'invalid_request',
        'give either evidence (native JSON) or logs (uploaded files)',
      );
    if (args.evidence !== undefined) return { value: args.evidence, warnings: [], imported: false };
    const files = args.logs!.map((l) => {
      const clean = l.content_base64.replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean))
        throw new GreenlightError('invalid_request', `${l.file_name}: content_base64 is not base64`);
      const bytes = new Uint8Array(Buffer.from(clean, 'base64'));
      if (options.acceptEvalArchives === false && bytes[0] === 0x50 && bytes[1] === 0x4b)
        throw new GreenlightError(
          'unsupported',
          `${l.file_name}: Inspect .eval archives are not imported on this server's /mcp endpoint; import it locally (greenlight evidence import, or greenlight mcp on stdio) and send the native evidence`,
        );
      return { fileName: l.file_name, bytes };
    });
    const { evidence, warnings } = await importLogs(files, {
      format: args.format,
      metric: args.metric,
      task: args.task,
      scorer: args.scorer,
      mapText: args.mapping,
      mapName: 'mapping',
      model: args.model,
      modelVersion: args.model_version,
      allowIncomplete: args.allow_incomplete,
      n: args.n,
      safeguards: args.safeguards,
    });
    return { value: evidence, warnings, imported: true };
  }

  // ---- read tools ----

  server.registerTool(
    'list_frameworks',
    {
      title: 'List frameworks',
      description:
        'Every framework published on the server, with its versions (newest effective first is not implied).',
      inputSchema: z.strictObject({}),
      outputSchema: ListOut,
      annotations: READ,
    },
    guard(async () => ok(asList(await get('/v1/frameworks')))),
  );

  server.registerTool(
    'get_framework',
    {
      title: 'Get a framework',
      description:
        'One framework version: summary, digest, the parsed document (domains, thresholds, tiers, safeguards, review clock) and its source text.',
      inputSchema: z.strictObject({ id: Id, version: z.string().min(1).max(100) }),
      outputSchema: z.looseObject({ id: z.string(), version: z.string(), digest: z.string() }),
      annotations: READ,
    },
    guard(async ({ id, version }) => {
      const l = local();
      if (l && l.id === id && l.version === version && !api)
        return ok({
          id,
          version,
          digest: l.digest,
          document: l as unknown as Structured,
          source: options.framework!.text,
        });
      return ok(asObject(await get(`/v1/frameworks/${seg(id)}/${seg(version)}`)));
    }),
  );

  server.registerTool(
    'search_registry',
    {
      title: 'Search the registry',
      description:
        'Models in the registry with their effective tier and status; optionally filtered by a search text.',
      inputSchema: z.strictObject({
        query: z.string().max(200).optional().describe('text to search for in model ids'),
        limit: z.number().int().min(1).max(500).optional(),
        cursor: z.string().max(1000).optional().describe('next_cursor of a previous page'),
      }),
      outputSchema: ListOut,
      annotations: READ,
    },
    guard(async ({ query, limit, cursor }) => {
      const q = new URLSearchParams();
      if (query) q.set('q', query);
      if (limit !== undefined) q.set('limit', String(limit));
      if (cursor) q.set('cursor', cursor);
      const qs = q.toString();
      return ok(asList(await get(`/v1/models${qs ? `?${qs}` : ''}`)));
    }),
  );

  server.registerTool(
    'get_model_status',
    {
      title: 'Model status',
      description:
        'A model: current version, effective tier, status, versions, submissions (with their clocks), incidents and grants (grants only for reviewers and its developer).',
      inputSchema: z.strictObject({ model: ModelId }),
      outputSchema: z.looseObject({
        id: z.string(),
        current_version: z.string().nullable(),
        effective_tier: z.string().nullable(),
        status: z.string(),
      }),
      annotations: READ,
    },
    guard(async ({ model }) => ok(asObject(await get(modelPath(model))))),
  );

  server.registerTool(
    'get_determination',
    {
      title: 'Determination of a submission',
      description:
        'The determination of a submission or re-review (per indicator: estimate, interval, verdict; outcome and tiers), with its status and decision deadline, and a readable report.',
      inputSchema: z.strictObject({ submission_id: Id }),
      outputSchema: z.object({
        submission_id: z.string(),
        status: z.string(),
        model: Obj,
        decision_due: z.string().nullable(),
        determination: Obj,
        report: z.string(),
      }),
      annotations: READ,
    },
    guard(async ({ submission_id }) => {
      const s = asObject(await get(`/v1/submissions/${seg(submission_id)}`));
      const determination = asObject(s.determination);
      let report = '';
      try {
        report = formatDetermination(determination as unknown as Determination);
      } catch {
        report = JSON.stringify(determination, null, 2);
      }
      const out = {
        submission_id: String(s.id ?? submission_id),
        status: String(s.status ?? ''),
        model: asObject(s.model),
        decision_due: typeof s.decision_due === 'string' ? s.decision_due : null,
        determination,
        report,
      };
      return ok(out, `${report}\nStatus: ${out.status}; decision due ${out.decision_due ?? '—'}`);
    }),
  );

  server.registerTool(
    'preassess',
    {
      title: 'Pre-assess evidence',
      description:
        'Compute the determination of evidence against a framework before submitting; nothing is stored. The ' +
        'evidence is native Greenlight JSON, or evaluation logs (base64) imported with a metric or a mapping. ' +
        'The framework is one published on the server (framework: {id, version}), a framework document ' +
        '(framework_text), or the local framework the MCP server was started with.',
      inputSchema: z.strictObject({
        framework: FrameworkRef.optional(),
        framework_text: z
          .string()
          .min(1)
          .max(2_000_000)
          .optional()
          .describe('a framework document, YAML or JSON'),
        evidence: Evidence.optional(),
        ...LogOptions,
        tier: Tier.optional(),
        include_evidence: z.boolean().optional().describe('also answer the imported evidence (to submit it)'),
      }),
      outputSchema: DeterminationOut,
      annotations: READ,
    },
    guard(async (args) => {
      const framework = await resolveFramework(args.framework, args.framework_text);
      const ev = await evidenceOf(args);
      const determination = determineDocuments(
        framework,
        [{ file: ev.imported ? 'imported logs' : 'evidence', value: ev.value }],
        args.tier,
        nodeSha256,
      );
      const report = formatDetermination(determination);
      const out: Structured = {
        determination: determination as unknown as Structured,
        report,
        warnings: ev.warnings,
      };
      if (args.include_evidence) out.evidence = asObject(ev.value);
      const warn = ev.warnings.map((w) => `warning: ${w}\n`).join('');
      return ok(out, `${warn}${report}`);
    }),
  );

  server.registerTool(
    'check_access',
    {
      title: 'Access check',
      description:
        'May this organisation use this model (version)? Answers {allow, tier, rule, ref}: rule is why (developer, public, verified, grant, unverified, not_granted, grant_expired, jurisdiction, withdrawn, no_approval, unknown_model).',
      inputSchema: z.strictObject({
        model: ModelId,
        org: Id.describe('organisation id'),
        version: z.string().min(1).max(200).optional().describe('default: the current version'),
      }),
      outputSchema: z.looseObject({
        allow: z.boolean(),
        tier: z.string().nullable(),
        rule: z.string(),
        ref: z.string().nullable(),
      }),
      annotations: READ,
    },
    guard(async ({ model, org, version }) => {
      const q = new URLSearchParams({ model, org });
      if (version) q.set('version', version);
      return ok(asObject(await get(`/v1/access/check?${q}`)));
    }),
  );

  server.registerTool(
    'verify_log',
    {
      title: 'Verify the transparency log',
      description:
        'Audit the transparency log: checkpoint signature (pinned key or trust on first use), consistency with ' +
        'the last checkpoint seen, every entry bundle and tile (or one entry), optionally recomputing every ' +
        'published determination. ok is false when any check failed.',
      inputSchema: z.strictObject({
        url: z
          .string()
          .url()
          .optional()
          .describe('the log server (default: the configured Greenlight server; on /mcp only its own log)'),
        key: z.string().min(1).max(1000).optional().describe('the log verifier key to pin'),
        entry: z.number().int().min(0).optional().describe('verify the inclusion of one entry only'),
        determinations: z.boolean().optional().describe('recompute every published determination'),
      }),
      outputSchema: z.object({
        ok: z.boolean(),
        url: z.string(),
        key: z.string(),
        size: z.number().optional(),
        root: z.string().optional(),
        checks: z.array(z.string()),
        failures: z.array(z.string()),
      }),
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    guard(async ({ url, key, entry, determinations }) => {
      const own = api?.baseUrl;
      if (url !== undefined && !options.verifyAnyUrl && url.replace(/\/+$/, '') !== own)
        return fail(
          'verify_log on this endpoint audits only this server’s own log; run greenlight verify for others',
        );
      const target = url ?? own;
      if (target === undefined) return fail('no log URL: give url, or start greenlight mcp with --url');
      const report: VerifyReport = await verifyLog({
        url: target,
        ...(key !== undefined ? { key } : {}),
        ...(entry !== undefined ? { entry: String(entry) } : {}),
        ...(determinations ? { determinations: true } : {}),
        ...(options.verifyStatePath !== undefined ? { state: options.verifyStatePath } : {}),
      });
      const text = [
        ...report.checks.map((c) => `ok: ${c}`),
        ...report.failures.map((f) => `FAILED: ${f}`),
        report.ok ? 'log verified' : 'log verification FAILED',
      ].join('\n');
      return ok(report as unknown as Structured, text);
    }),
  );

  server.registerTool(
    'report_incident',
    {
      title: 'Report an incident',
      description:
        'Report an incident against a model (anyone may; anonymous reports are rate-limited). The public log records the report’s digest and class, not its text.',
      inputSchema: z.strictObject({
        model: ModelId,
        class: Id.describe('an incident class of the model’s framework, e.g. general_jailbreak'),
        description: z.string().min(1).max(50_000),
        discovered_at: z.iso.datetime({ offset: true }).describe('RFC 3339 time'),
        evidence: z.array(z.string().min(1).max(2000)).max(100).optional().describe('links'),
      }),
      outputSchema: z.looseObject({ id: z.string() }),
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: true,
      },
    },
    guard(async (args) =>
      ok(asObject(await call(needApi(), { method: 'POST', path: '/v1/incidents', body: args }))),
    ),
  );

  // ---- write tools (a token) ----

  server.registerTool(
    'submit',
    {
      title: 'Submit for review',
      description:
        'Submit a model version for review (needs a developer token of the model’s organisation): native ' +
        'evidence or logs imported as for preassess, against a framework published on the server. Answers the ' +
        'submission with its determination, decision_due and log_index. Pre-assess first.',
      inputSchema: z.strictObject({
        framework: FrameworkRef,
        evidence: Evidence.optional(),
        ...LogOptions,
        tier: Tier.optional(),
        idempotency_key: z
          .string()
          .min(1)
          .max(200)
          .optional()
          .describe('same key and body within 24 h: the original answer'),
      }),
      outputSchema: z.looseObject({ id: z.string(), status: z.string() }),
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: false,
      },
    },
    guard(async (args) => {
      const a = needToken('submit');
      const ev = await evidenceOf(args);
      const body: Structured = { framework: args.framework, evidence: ev.value };
      if (args.tier !== undefined) body.tier = args.tier;
      const headers = args.idempotency_key ? { 'idempotency-key': args.idempotency_key } : undefined;
      const answer = asObject(
        await call(a, { method: 'POST', path: '/v1/submissions', body, ...(headers ? { headers } : {}) }),
      );
      return ok(answer);
    }),
  );

  server.registerTool(
    'sign_decision',
    {
      title: 'Sign a decision',
      description:
        'Sign a proposed decision (needs a reviewer token; not affiliated with the organisation); it takes effect when the quorum has signed. A second signature by the same reviewer is refused.',
      inputSchema: z.strictObject({ decision_id: Id }),
      outputSchema: z.looseObject({
        id: z.string(),
        signatures: z.number(),
        signers: z.array(z.string()),
        effective: z.boolean(),
      }),
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: false,
      },
    },
    guard(async ({ decision_id }) => {
      const a = needToken('sign_decision');
      return ok(asObject(await call(a, { method: 'POST', path: `/v1/decisions/${seg(decision_id)}/sign` })));
    }),
  );

  // ---- resources ----

  const json = (uri: URL, value: unknown) => ({
    contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }],
  });
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';

  server.registerResource(
    'framework',
    new ResourceTemplate('greenlight://frameworks/{id}/{version}', {
      list: async () => {
        if (!api) {
          const l = local();
          return {
            resources: l
              ? [{ uri: `greenlight://frameworks/${l.id}/${l.version}`, name: `${l.id}@${l.version}` }]
              : [],
          };
        }
        const { items } = asList(await get('/v1/frameworks'));
        return {
          resources: items.map((f) => ({
            uri: `greenlight://frameworks/${seg(String(f.id))}/${seg(String(f.version))}`,
            name: `${f.id}@${f.version}`,
            ...(typeof f.title === 'string' && f.title ? { title: f.title } : {}),
            mimeType: 'application/json',
          })),
        };
      },
    }),
    { title: 'Framework version', description: 'A framework version as JSON', mimeType: 'application/json' },
    async (uri, vars) => {
      const id = decodeURIComponent(one(vars.id));
      const version = decodeURIComponent(one(vars.version));
      const l = local();
      if (!api && l && l.id === id && l.version === version) return json(uri, l);
      return json(uri, await get(`/v1/frameworks/${seg(id)}/${seg(version)}`));
    },
  );

  server.registerResource(
    'model',
    new ResourceTemplate('greenlight://models/{org}/{name}', {
      list: async () => {
        if (!api) return { resources: [] };
        const { items } = asList(await get('/v1/models?limit=500'));
        return {
          resources: items.map((m) => ({
            uri: `greenlight://models/${String(m.id)}`,
            name: String(m.id),
            mimeType: 'application/json',
          })),
        };
      },
    }),
    { title: 'Model', description: 'A model’s status in the registry as JSON', mimeType: 'application/json' },
    async (uri, vars) =>
      json(
        uri,
        await get(modelPath(`${decodeURIComponent(one(vars.org))}/${decodeURIComponent(one(vars.name))}`)),
      ),
  );

  return server;
}
