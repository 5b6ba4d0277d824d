import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureBuilt, spawnCli } from '../../server/test-helpers/cli-process.js';

beforeAll(() => ensureBuilt(), 120_000);

const dir = mkdtempSync(join(tmpdir(), 'greenlight-demo-'));
const dbPath = join(dir, 'demo.sqlite');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  url: string;
  tokens: Record<string, string>;
  output: string;
}

/** Starts `greenlight demo` and resolves once its banner (ending with "Stop with Ctrl-C.") is printed. */
function startDemo(args: string[] = []): Promise<Started> {
  const child = spawnCli(['demo', '--port', '0', '--db', `sqlite:${dbPath}`, ...args], { LOG_LEVEL: 'warn' });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no banner within 30 s; stdout: ${out}; stderr: ${err}`));
    }, 30_000);
    child.stderr!.on('data', (d) => {
      err += d;
    });
    child.stdout!.on('data', (d) => {
      out += d;
      if (!out.includes('Stop with Ctrl-C.')) return;
      clearTimeout(timer);
      const url = /dashboard:\s+(http:\/\/\S+?)\/\s*$/m.exec(out)?.[1];
      const tokens: Record<string, string> = {};
      for (const m of out.matchAll(/^\s+(admin|reviewer|developer|auditor)\s+(glt_\S+)/gm))
        tokens[m[1]!] = m[2]!;
      if (!url) reject(new Error(`no URL in: ${out}`));
      else resolve({ child, url, tokens, output: out });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before the banner; stdout: ${out}; stderr: ${err}`));
    });
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

it('seeds, serves, prints the URLs and one demo token per role, and stops on SIGTERM', async () => {
  const demo = await startDemo();
  try {
    expect(demo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(demo.url).not.toMatch(/:0$/);
    expect(demo.output).toContain(`${demo.url}/docs`);
    expect(demo.output).toContain(`${demo.url}/openapi.json`);
    expect(demo.output).toContain(`${demo.url}/log/checkpoint`);
    expect(demo.output).toMatch(/DEMO credentials/);
    expect(Object.keys(demo.tokens).sort()).toEqual(['admin', 'auditor', 'developer', 'reviewer']);

    const models = await fetch(`${demo.url}/v1/models?limit=50`);
    expect(models.status).toBe(200);
    const body = (await models.json()) as { items: { id: string }[] };
    expect(body.items.map((m) => m.id)).toContain('larkspur-ai/atlas-3');

    // An authenticated route: refused without a token, answered with the printed reviewer token.
    expect((await fetch(`${demo.url}/v1/orgs`)).status).toBe(401);
    const orgs = await fetch(`${demo.url}/v1/orgs`, {
      headers: { authorization: `Bearer ${demo.tokens.reviewer}` },
    });
    expect(orgs.status).toBe(200);
    expect(JSON.stringify(await orgs.json())).toContain('harbourlight-security');
  } finally {
    expect(await stop(demo.child)).toBe(0);
  }
  expect(statSync(`${dbPath}.tokens.json`).mode & 0o777).toBe(0o600);
}, 60_000);

it('prints the same tokens on a later start without seeding again, and --fresh starts over', async () => {
  const first = await startDemo();
  const tokens = first.tokens;
  expect(first.output).toContain('already present');
  expect(await stop(first.child)).toBe(0);

  const fresh = await startDemo(['--fresh']);
  try {
    expect(fresh.output).toContain('seeded:');
    expect(fresh.tokens.reviewer).toBeDefined();
    expect(fresh.tokens.reviewer).not.toBe(tokens.reviewer);
    const ok = await fetch(`${fresh.url}/v1/orgs`, {
      headers: { authorization: `Bearer ${fresh.tokens.reviewer}` },
    });
    expect(ok.status).toBe(200);
  } finally {
    expect(await stop(fresh.child)).toBe(0);
  }
}, 60_000);
