import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVIDENCE, EVIDENCE_FILE, type McpWorld, MODEL, startWorld } from '../../mcp/test-helpers/world.js';
import { ensureBuilt, runCli } from '../../server/test-helpers/cli-process.js';
import { timeLeft } from './client.js';

const INSPECT = new URL('../../../../shared/fixtures/inspect/', import.meta.url);
const GOOD_LOG = fileURLToPath(new URL('2025-05-12T20-28-13-04-00_popularity.json', INSPECT));

let world: McpWorld;
beforeAll(async () => {
  ensureBuilt();
  world = await startWorld();
}, 120_000);
afterAll(async () => {
  await world?.close();
});

const as = (token: keyof McpWorld['tokens']) => ({
  GREENLIGHT_URL: world.url,
  GREENLIGHT_TOKEN: world.tokens[token],
});

describe('client commands against a running server', () => {
  let submission: string;
  let decision: string;

  it('frameworks: a table, one version, --json', async () => {
    const [r, one, json, bad] = await Promise.all([
      runCli(['frameworks', '--url', world.url]),
      runCli(['frameworks', 'example-frontier@2026.1', '--url', world.url]),
      runCli(['frameworks', '--json', '--url', world.url]),
      runCli(['frameworks', 'nope@1', '--url', world.url]),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/example-frontier\s+2026\.1/);
    expect(one.stdout).toMatch(/Digest: sha256:/);
    expect(JSON.parse(json.stdout).items[0]).toMatchObject({ id: 'example-frontier' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('not_found: framework not found\n');
  });

  it('submit: native evidence; errors as one line with details, exit 2', async () => {
    const [noToken, r, readable] = await Promise.all([
      runCli(
        ['submit', '--framework', 'example-frontier@2026.1', '--evidence', fileURLToPath(EVIDENCE_FILE)],
        {
          GREENLIGHT_URL: world.url,
          GREENLIGHT_TOKEN: '',
        },
      ),
      runCli(
        [
          'submit',
          '--framework',
          'example-frontier@2026.1',
          '--evidence',
          fileURLToPath(EVIDENCE_FILE),
          '--json',
        ],
        as('developer'),
      ),
      runCli(
        [
          'submit',
          '--framework',
          'example-frontier@2026.1',
          '--evidence',
          fileURLToPath(EVIDENCE_FILE),
          '--tier',
          'nope',
        ],
        as('developer'),
      ),
    ]);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr.split('\n')[0]).toMatch(/^(unauthorized|forbidden): /);
    expect(noToken.stderr).not.toMatch(/\n\s+at /);

    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ status: 'in_review', model: EVIDENCE.model });
    submission = s.id;

    expect(readable.code).toBe(2);
    expect(readable.stderr).toMatch(/^\w+: /);
  });

  it('submit: a log imported first (--metric)', async () => {
    const r = await runCli(
      [
        'submit',
        GOOD_LOG,
        '--metric',
        'persuasion.popularity',
        '--allow-incomplete',
        '--model',
        MODEL,
        '--model-version',
        'log-1',
        '--framework',
        'example-frontier@2026.1',
      ],
      as('developer'),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Status: in_review/);
    expect(r.stdout).toMatch(/Outcome: /);
    expect(r.stderr).toMatch(/^warning: /);
  });

  it('status of a submission and of a model (clocks, time left)', async () => {
    const [s, m, missing] = await Promise.all([
      runCli(['status', submission], as('developer')),
      runCli(['status', MODEL, '--url', world.url]),
      runCli(['status', 'nobody/nothing', '--url', world.url]),
    ]);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toMatch(/Status: in_review/);
    expect(s.stdout).toMatch(/Decision due: .*left\)/);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout).toMatch(/Open clocks:/);
    expect(m.stdout).toContain(submission);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('not_found: model not found\n');
  });

  it('decide, sign: quorum makes it effective; a second signature is 409', async () => {
    const d = await runCli(
      [
        'decide',
        submission,
        '--action',
        'approve',
        '--tier',
        'public',
        '--rationale',
        'below every threshold',
        '--json',
      ],
      as('reviewer'),
    );
    expect(d.code, d.stderr).toBe(0);
    decision = JSON.parse(d.stdout).id;
    const s = await runCli(['sign', decision], as('reviewer2'));
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toMatch(/Signatures: 2 .*in effect/);
    const again = await runCli(['sign', decision], as('reviewer2'));
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^conflict: /);
    const usage = await runCli(['decide', '--action', 'deny', '--rationale', 'x'], as('reviewer'));
    expect(usage.code).toBe(2);
  });

  it('appeal; incidents; grants', async () => {
    const appeal = await runCli(['appeal', submission, '--reasons', 'we disagree'], as('developer'));
    // An approval at the most open tier cannot be appealed: the server says why, exit 2.
    expect(appeal.code).toBe(2);
    expect(appeal.stderr).toMatch(/^\w+: /);

    const rep = await runCli(
      [
        'incident',
        'report',
        '--model',
        MODEL,
        '--class',
        'general_jailbreak',
        '--description',
        'found one',
        '--json',
      ],
      { GREENLIGHT_URL: world.url },
    );
    expect(rep.code, rep.stderr).toBe(0);
    const incident = JSON.parse(rep.stdout).id as string;
    const cls = await runCli(
      ['incident', 'classify', incident, '--class', 'general_jailbreak'],
      as('reviewer'),
    );
    expect(cls.code, cls.stderr).toBe(0);
    const res = await runCli(['incident', 'resolve', incident, '--reason', 'patched'], as('reviewer'));
    expect(res.code, res.stderr).toBe(0);

    const add = await runCli(
      [
        'grant',
        'add',
        '--model',
        MODEL,
        '--org',
        'larkspur-ai',
        '--tier',
        'public',
        '--reason',
        'test',
        '--json',
      ],
      as('reviewer'),
    );
    expect(add.code, add.stderr).toBe(0);
    const grant = JSON.parse(add.stdout).id as string;
    const revoke = await runCli(['grant', 'revoke', grant], as('reviewer'));
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(revoke.stdout).toMatch(/revoked/);
  });

  it('a server that cannot be reached: one line, exit 2', async () => {
    const r = await runCli(['frameworks', '--url', 'http://127.0.0.1:1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^unreachable: cannot reach http:\/\/127\.0\.0\.1:1/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

it('timeLeft', () => {
  expect(timeLeft(3 * 86400 + 4 * 3600 + 5)).toBe('3d 4h left');
  expect(timeLeft(-(2 * 3600 + 5 * 60))).toBe('2h 5m late');
  expect(timeLeft(null)).toBe('—');
});
