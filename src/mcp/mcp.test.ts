import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt, runCli } from '../server/test-helpers/cli-process.js';
import {
  EVIDENCE,
  EVIDENCE_FILE,
  FRAMEWORK_FILE,
  type McpWorld,
  MODEL,
  ORG,
  startWorld,
} from './test-helpers/world.js';

const INSPECT = new URL('../../../shared/fixtures/inspect/', import.meta.url);
const BROKEN_LOG = new URL('2024-08-29T15-11-18+00-00_popularity_5EAmX6wjMFqea6WY7XHzZp.json', INSPECT);
const GOOD_LOG = new URL('2025-05-12T20-28-13-04-00_popularity.json', INSPECT);
const ZSTD_EVAL = new URL('chunked-zstd/log_streaming.eval', INSPECT);
const FRAMEWORK = { id: 'example-frontier', version: '2026.1' };

const TOOLS = [
  'list_frameworks',
  'get_framework',
  'search_registry',
  'get_model_status',
  'get_determination',
  'preassess',
  'check_access',
  'verify_log',
  'report_incident',
  'submit',
  'sign_decision',
];

type ToolResult = {
  isError?: boolean;
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
};

async function tool(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolResult> {
  return (await client.callTool({ name, arguments: args })) as ToolResult;
}
const text = (r: ToolResult) => r.content.map((c) => c.text ?? '').join('\n');
const b64 = (u: URL) => readFileSync(u).toString('base64');

async function httpClient(url: string, token?: string): Promise<Client> {
  const client = new Client({ name: 'greenlight-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
      ...(token ? { requestInit: { headers: { authorization: `Bearer ${token}` } } } : {}),
    }),
  );
  return client;
}

let world: McpWorld;
let anon: Client;
let developer: Client;
let reviewer2: Client;
let submissionId: string;

beforeAll(async () => {
  ensureBuilt();
  world = await startWorld();
  anon = await httpClient(world.url);
  developer = await httpClient(world.url, world.tokens.developer);
  reviewer2 = await httpClient(world.url, world.tokens.reviewer2);
}, 120_000);

afterAll(async () => {
  for (const c of [anon, developer, reviewer2]) await c?.close().catch(() => {});
  await world?.close();
});

describe('/mcp over Streamable HTTP', () => {
  it('lists every tool with an input schema, an output schema and annotations', async () => {
    const { tools } = await anon.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...TOOLS].sort());
    for (const t of tools) {
      expect(t.inputSchema, t.name).toMatchObject({ type: 'object' });
      expect(t.outputSchema, t.name).toMatchObject({ type: 'object' });
      expect(typeof t.annotations?.readOnlyHint, t.name).toBe('boolean');
      expect(typeof t.annotations?.destructiveHint, t.name).toBe('boolean');
      expect(typeof t.description, t.name).toBe('string');
    }
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(byName.get('get_model_status')!.annotations!.readOnlyHint).toBe(true);
    expect(byName.get('submit')!.annotations!.readOnlyHint).toBe(false);
  });

  it('a write tool is refused without a token and accepted with one', async () => {
    const refused = await tool(anon, 'submit', { framework: FRAMEWORK, evidence: EVIDENCE });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(/needs a token/);

    const wrongRole = await tool(reviewer2, 'submit', { framework: FRAMEWORK, evidence: EVIDENCE });
    expect(wrongRole.isError).toBe(true);
    expect(text(wrongRole)).toMatch(/^forbidden: /);

    const ok = await tool(developer, 'submit', {
      framework: FRAMEWORK,
      evidence: EVIDENCE,
      idempotency_key: 'k1',
    });
    expect(ok.isError).toBeFalsy();
    expect(ok.structuredContent).toMatchObject({ status: 'in_review', model: EVIDENCE.model });
    submissionId = ok.structuredContent!.id as string;
    // Idempotent replay: the same answer.
    const again = await tool(developer, 'submit', {
      framework: FRAMEWORK,
      evidence: EVIDENCE,
      idempotency_key: 'k1',
    });
    expect(again.structuredContent!.id).toBe(submissionId);
  });

  it('sign_decision: a reviewer signs a proposed decision; it takes effect at quorum', async () => {
    const proposed = await fetch(`${world.url}/v1/submissions/${submissionId}/decision`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.tokens.reviewer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'approve', tier: 'public', rationale: 'all indicators below' }),
    });
    expect(proposed.status).toBe(201);
    const decision = (await proposed.json()) as { id: string };
    const refused = await tool(anon, 'sign_decision', { decision_id: decision.id });
    expect(refused.isError).toBe(true);
    const signed = await tool(reviewer2, 'sign_decision', { decision_id: decision.id });
    expect(signed.isError).toBeFalsy();
    expect(signed.structuredContent).toMatchObject({ id: decision.id, signatures: 2, effective: true });
    const twice = await tool(reviewer2, 'sign_decision', { decision_id: decision.id });
    expect(twice.isError).toBe(true);
    expect(text(twice)).toMatch(/^conflict: /);
  });

  it('read tools answer from the seeded server', async () => {
    const list = await tool(anon, 'list_frameworks');
    expect(list.structuredContent!.items).toEqual([expect.objectContaining(FRAMEWORK)]);

    const fw = await tool(anon, 'get_framework', FRAMEWORK);
    expect(fw.structuredContent).toMatchObject({ ...FRAMEWORK, digest: expect.stringMatching(/^sha256:/) });

    const search = await tool(anon, 'search_registry', { query: 'atlas' });
    expect(search.structuredContent!.items).toEqual([expect.objectContaining({ id: MODEL })]);

    const model = await tool(anon, 'get_model_status', { model: MODEL });
    expect(model.structuredContent).toMatchObject({
      id: MODEL,
      effective_tier: 'public',
      status: 'approved',
    });

    const det = await tool(anon, 'get_determination', { submission_id: submissionId });
    expect(det.structuredContent).toMatchObject({ submission_id: submissionId, status: 'decided' });
    expect((det.structuredContent!.determination as { outcome: string }).outcome).toBe('approve');
    expect(text(det)).toContain('Outcome: approve');

    const access = await tool(anon, 'check_access', { model: MODEL, org: 'someone-else' });
    expect(access.structuredContent).toMatchObject({ allow: true, tier: 'public', rule: 'public' });

    const incident = await tool(anon, 'report_incident', {
      model: MODEL,
      class: 'general_jailbreak',
      description: 'a universal jailbreak prompt',
      discovered_at: '2026-01-05T10:00:00.000Z',
    });
    expect(incident.isError, text(incident)).toBeFalsy();
    expect(incident.structuredContent!.id).toEqual(expect.any(String));

    // The log integrates in batches: wait until the checkpoint covers something, then audit it.
    let verified: ToolResult | undefined;
    for (let i = 0; i < 50; i++) {
      verified = await tool(anon, 'verify_log', {});
      if (!verified.isError && (verified.structuredContent!.size as number) > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(verified!.isError, text(verified!)).toBeFalsy();
    expect(verified!.structuredContent).toMatchObject({ ok: true, failures: [] });
    const elsewhere = await tool(anon, 'verify_log', { url: 'http://169.254.169.254' });
    expect(elsewhere.isError).toBe(true);
  });

  it('resources: frameworks and models', async () => {
    const { resources } = await anon.listResources();
    const uris = resources.map((r) => r.uri);
    expect(uris).toContain('greenlight://frameworks/example-frontier/2026.1');
    expect(uris).toContain(`greenlight://models/${MODEL}`);
    const read = await anon.readResource({ uri: `greenlight://models/${MODEL}` });
    const first = read.contents[0] as { text: string };
    expect(JSON.parse(first.text)).toMatchObject({ id: MODEL });
  });

  it('invalid arguments are tool errors, not protocol errors', async () => {
    const bad = await tool(anon, 'get_model_status', { model: 'no-slash' });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toMatch(/organisation/);
    const extra = await tool(anon, 'check_access', { model: MODEL, org: ORG, surprise: 1 });
    expect(extra.isError).toBe(true);
    const neither = await tool(anon, 'preassess', { framework: FRAMEWORK });
    expect(neither.isError).toBe(true);
    expect(text(neither)).toMatch(/evidence/);
    const missing = await tool(anon, 'get_model_status', { model: 'nobody/nothing' });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toMatch(/^not_found: /);
    const notBase64 = await tool(anon, 'preassess', {
      framework: FRAMEWORK,
      logs: [{ file_name: 'x.json', content_base64: '%%%' }],
      metric: 'persuasion.popularity',
      model: MODEL,
      model_version: '1',
    });
    expect(notBase64.isError).toBe(true);
    // Server-side, .eval archives are refused (their zstd members are decoded without a time bound).
    const archive = await tool(anon, 'preassess', {
      framework: FRAMEWORK,
      logs: [
        { file_name: 'x.eval', content_base64: Buffer.from([0x50, 0x4b, 3, 4, 0, 0]).toString('base64') },
      ],
      metric: 'persuasion.popularity',
      model: MODEL,
      model_version: '1',
    });
    expect(archive.isError).toBe(true);
    expect(text(archive)).toMatch(/not imported on this server/);
  });

  it('refuses a foreign Host or Origin (DNS rebinding)', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const { request } = await import('node:http');
    const status = (extra: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          `${world.url}/mcp`,
          { method: 'POST', headers: { ...headers, ...extra } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    expect(await status({ host: 'evil.example:80' })).toBe(403);
    expect(await status({ origin: 'http://evil.example' })).toBe(403);
  });
});

describe('preassess matches the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'greenlight-mcp-'));
  const path = (u: URL) => fileURLToPath(u);

  it('native evidence: the same determination as greenlight determine', async () => {
    const r = await tool(anon, 'preassess', { framework: FRAMEWORK, evidence: EVIDENCE });
    expect(r.isError, text(r)).toBeFalsy();
    const cli = await runCli([
      'determine',
      '--framework',
      path(FRAMEWORK_FILE),
      '--evidence',
      path(EVIDENCE_FILE),
      '--json',
    ]);
    expect(cli.code).toBe(0);
    expect(r.structuredContent!.determination).toEqual(JSON.parse(cli.stdout));
  });

  it('the Inspect fixture that cannot be imported: the same problem as greenlight evidence import', async () => {
    const args = {
      framework: FRAMEWORK,
      logs: [
        {
          file_name: '2024-08-29T15-11-18+00-00_popularity_5EAmX6wjMFqea6WY7XHzZp.json',
          content_base64: b64(BROKEN_LOG),
        },
      ],
      metric: 'persuasion.popularity',
      model: MODEL,
      model_version: '9',
    };
    const r = await tool(anon, 'preassess', args);
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/not comparable: status is "error"; limit 1 selects 1 of the 100/);
    const cli = await runCli([
      'evidence',
      'import',
      path(BROKEN_LOG),
      '--metric',
      'persuasion.popularity',
      '--model',
      MODEL,
      '--model-version',
      '9',
    ]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/not comparable: status is "error"; limit 1 selects 1 of the 100/);
    const incomplete = await tool(anon, 'preassess', { ...args, allow_incomplete: true });
    expect(incomplete.isError).toBe(true);
    expect(text(incomplete)).toMatch(/no per-sample scores/);
  });

  it('an importable Inspect log: the same determination as evidence import + determine', async () => {
    const r = await tool(anon, 'preassess', {
      framework: FRAMEWORK,
      logs: [{ file_name: '2025-05-12T20-28-13-04-00_popularity.json', content_base64: b64(GOOD_LOG) }],
      metric: 'persuasion.popularity',
      model: MODEL,
      model_version: '9',
      allow_incomplete: true,
      include_evidence: true,
    });
    expect(r.isError, text(r)).toBeFalsy();
    const out = join(dir, 'imported.json');
    const imp = await runCli([
      'evidence',
      'import',
      path(GOOD_LOG),
      '--metric',
      'persuasion.popularity',
      '--model',
      MODEL,
      '--model-version',
      '9',
      '--allow-incomplete',
      '-o',
      out,
    ]);
    expect(imp.code, imp.stderr).toBe(0);
    expect(r.structuredContent!.evidence).toEqual(JSON.parse(readFileSync(out, 'utf8')));
    const cli = await runCli(['determine', '--framework', path(FRAMEWORK_FILE), '--evidence', out, '--json']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(r.structuredContent!.determination).toEqual(JSON.parse(cli.stdout));
    expect((r.structuredContent!.warnings as string[]).length).toBeGreaterThan(0);
  });
});

describe('greenlight mcp on stdio', () => {
  it('against the server: tools, reads, a token for writes', async () => {
    const client = new Client({ name: 'greenlight-test', version: '1.0.0' });
    const home = mkdtempSync(join(tmpdir(), 'greenlight-mcp-home-'));
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [
          BIN,
          'mcp',
          '--url',
          world.url,
          '--token',
          world.tokens.developer,
          '--state',
          join(home, 'state.json'),
        ],
        env: { PATH: process.env.PATH ?? '' },
        stderr: 'pipe',
      }),
    );
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual([...TOOLS].sort());
      const model = await tool(client, 'get_model_status', { model: MODEL });
      expect(model.structuredContent).toMatchObject({ id: MODEL, status: 'approved' });
      const pre = await tool(client, 'preassess', { framework: FRAMEWORK, evidence: EVIDENCE });
      expect((pre.structuredContent!.determination as { outcome: string }).outcome).toBe('approve');
      const submitted = await tool(client, 'submit', {
        framework: FRAMEWORK,
        evidence: { ...EVIDENCE, model: { ...EVIDENCE.model, version: 'stdio-2' } },
      });
      expect(submitted.isError, text(submitted)).toBeFalsy();
      expect(submitted.structuredContent!.status).toBe('in_review');
      const verified = await tool(client, 'verify_log', {});
      expect(verified.structuredContent).toMatchObject({ ok: true });
    } finally {
      await client.close();
    }
  });

  it('offline: an uploaded .eval is decoded in a worker with a time limit (GREENLIGHT_IMPORT_TIMEOUT_MS)', async () => {
    const args = {
      logs: [{ file_name: 'log_streaming.eval', content_base64: b64(ZSTD_EVAL) }],
      metric: 'bio.tacit_knowledge',
      model: MODEL,
      model_version: 'eval-1',
      allow_incomplete: true,
      include_evidence: true,
    };
    const connect = async (env: Record<string, string>) => {
      const client = new Client({ name: 'greenlight-test', version: '1.0.0' });
      await client.connect(
        new StdioClientTransport({
          command: process.execPath,
          args: [BIN, 'mcp', '--framework', fileURLToPath(FRAMEWORK_FILE)],
          env: { PATH: process.env.PATH ?? '', ...env },
          stderr: 'pipe',
        }),
      );
      return client;
    };
    const client = await connect({});
    try {
      const ok = await tool(client, 'preassess', args);
      expect(ok.isError, text(ok)).toBeFalsy();
      const evidence = ok.structuredContent!.evidence as { evaluations: { metric: string }[] };
      expect(evidence.evaluations.map((e) => e.metric)).toEqual(['bio.tacit_knowledge']);
    } finally {
      await client.close();
    }
    // A 1 ms limit stands in for a decoder that never finishes.
    const limited = await connect({ GREENLIGHT_IMPORT_TIMEOUT_MS: '1' });
    try {
      const stopped = await tool(limited, 'preassess', args);
      expect(stopped.isError).toBe(true);
      expect(text(stopped)).toContain(
        'log_streaming.eval: decoding did not finish within 1 ms; the archive is malformed or hostile',
      );
    } finally {
      await limited.close();
    }
  });

  it('offline with a local framework: preassess only', async () => {
    const client = new Client({ name: 'greenlight-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [BIN, 'mcp', '--framework', fileURLToPath(FRAMEWORK_FILE)],
        env: { PATH: process.env.PATH ?? '' },
        stderr: 'pipe',
      }),
    );
    try {
      const pre = await tool(client, 'preassess', { evidence: EVIDENCE, tier: 'vetted_partners' });
      expect(pre.isError, text(pre)).toBeFalsy();
      expect(pre.structuredContent!.determination).toMatchObject({
        outcome: 'approve',
        requested_tier: 'vetted_partners',
      });
      const model = await tool(client, 'get_model_status', { model: MODEL });
      expect(model.isError).toBe(true);
      expect(text(model)).toMatch(/offline/);
    } finally {
      await client.close();
    }
  });
});
