/**
 * `greenlight verify` as a user runs it — `node bin/greenlight verify …` in a child process — against a real
 * listening server (Fastify + the log plugin over a store), including a tampered database and a forked log.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSignerKey, openCheckpoint, parseSignerKey, signCheckpoint } from '../../core/tlog/index.js';
import { createIntegrator } from '../../log/integrator.js';
import { readLogIdentity } from '../../log/keys.js';
import { logRoutes } from '../../log/routes.js';
import { appendEntries } from '../../log/test-helpers/entries.js';
import type { Store } from '../../store/db.js';
import { freshDatabase, type TestDatabase } from '../../store/test-helpers/databases.js';

const ROOT = join(import.meta.dirname, '../../..');

function cli(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/greenlight', ...args],
      { cwd: ROOT, timeout: 30_000 },
      (err, stdout, stderr) => {
        const status = err ? (typeof err.code === 'number' ? err.code : 99) : 0;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

interface TestLog {
  tdb: TestDatabase;
  store: Store;
  app: FastifyInstance;
  url: string;
  integrate(): Promise<void>;
}

let clock = Date.parse('2026-01-01T00:00:00.000Z');
const now = () => new Date(clock);

async function startLog(origin: string, signerKey?: string): Promise<TestLog> {
  const tdb = freshDatabase('sqlite');
  const store = await tdb.open();
  if (signerKey) {
    await store.db
      .insertInto('log_config')
      .values({ id: 1, origin, signer_key: signerKey, created_at: now().toISOString() })
      .execute();
  }
  const app = Fastify();
  await app.register(logRoutes, { store, origin, integrate: false });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const id = (await readLogIdentity(store))!;
  const integ = createIntegrator(store, { signer: id.signer, origin, now });
  return {
    tdb,
    store,
    app,
    url,
    integrate: async () => {
      for (;;) {
        clock += 1500;
        const r = await integ.integrateOnce();
        if (r.from === r.to && !r.checkpoint) return;
      }
    },
  };
}

describe('greenlight verify (process, against a listening server)', () => {
  let log: TestLog;
  let dir: string;
  let state: string;

  beforeAll(async () => {
    const built = join(ROOT, 'dist/cli/commands/verify.js');
    if (!existsSync(built)) throw new Error('dist/ is missing: run `npm run build` before these tests');
    if (statSync(built).mtimeMs < statSync(join(ROOT, 'src/cli/commands/verify.ts')).mtimeMs) {
      throw new Error('dist/ is older than src/: run `npm run build` first');
    }
    dir = mkdtempSync(join(tmpdir(), 'greenlight-verify-'));
    state = join(dir, 'state.json');
    log = await startLog('verify.example/log');
    await appendEntries(log.store, 300);
    await log.integrate();
  });
  afterAll(async () => {
    await log.app.close();
    await log.store.close();
    await log.tdb.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('verifies a good log, pins the key on first use, then checks consistency as it grows', async () => {
    const first = await cli(['verify', '--url', log.url, '--state', state]);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/trusting key verify\.example\/log\+/);
    expect(first.stdout).toMatch(/all 300 entries/);
    const saved = JSON.parse(readFileSync(state, 'utf8'));
    expect(Object.values(saved.logs)).toHaveLength(1);

    await appendEntries(log.store, 20, 'more');
    await log.integrate();
    const second = await cli(['verify', '--url', log.url, '--state', state, '--json']);
    expect(second.status).toBe(0);
    const report = JSON.parse(second.stdout);
    expect(report).toMatchObject({ ok: true, size: 320 });
    expect(report.checks.join('\n')).toMatch(/consistent with the saved checkpoint of size 300/);
  });

  it('--entry N verifies one inclusion', async () => {
    const r = await cli(['verify', '--url', log.url, '--state', state, '--entry', '257']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/entry 257 is included in the checkpoint of size 320/);
    const missing = await cli(['verify', '--url', log.url, '--state', state, '--entry', '5000']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/entry 5000 is not in the log/);
  });

  it('fails on a key mismatch: --key, and a pinned key the server no longer serves', async () => {
    const other = generateSignerKey('verify.example/log').verifierKey;
    const r = await cli(['verify', '--url', log.url, '--state', state, '--key', other]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/key mismatch/);
    const tofu = join(dir, 'tofu.json');
    const saved = JSON.parse(readFileSync(state, 'utf8'));
    for (const k of Object.keys(saved.logs)) saved.logs[k].key = other;
    writeFileSync(tofu, JSON.stringify(saved));
    const r2 = await cli(['verify', '--url', log.url, '--state', tofu]);
    expect(r2.status).toBe(1);
    expect(r2.stderr).toMatch(/key mismatch: the log now serves key/);
    // A fresh state with --key of the right key passes.
    const key = (await (await fetch(`${log.url}/log/key`)).text()).trim();
    const r3 = await cli(['verify', '--url', log.url, '--state', join(dir, 'fresh.json'), '--key', key]);
    expect(r3.status).toBe(0);
  });

  it('detects an edited entry, then a deleted one (exit 1, naming the index)', async () => {
    const original = await log.store.db
      .selectFrom('log_entries')
      .selectAll()
      .where('idx', 'in', [3, 7])
      .orderBy('idx')
      .execute();
    await log.store.db
      .updateTable('log_entries')
      .set({ entry: original[1]!.entry.replace('"e7"', '"e7-edited"') })
      .where('idx', '=', 7)
      .execute();
    const r = await cli(['verify', '--url', log.url, '--state', state]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/entry hash mismatch at index 7/);
    const one = await cli(['verify', '--url', log.url, '--state', state, '--entry', '7']);
    expect(one.status).toBe(1);
    expect(one.stderr).toMatch(/index 7/);

    await log.store.db.deleteFrom('log_entries').where('idx', '=', 3).execute();
    const d = await cli(['verify', '--url', log.url, '--state', state]);
    expect(d.status).toBe(1);
    expect(d.stderr).toMatch(/entry bundle 0 .*removed/);

    await log.store.db.insertInto('log_entries').values(original[0]!).execute();
    await log.store.db
      .updateTable('log_entries')
      .set({ entry: original[1]!.entry })
      .where('idx', '=', 7)
      .execute();
    expect((await cli(['verify', '--url', log.url, '--state', state])).status).toBe(0);
  });

  it('detects a bad checkpoint signature', async () => {
    const latest = await log.store.db
      .selectFrom('log_checkpoints')
      .selectAll()
      .orderBy('size', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    const key = (await (await fetch(`${log.url}/log/key`)).text()).trim();
    const cp = openCheckpoint(latest.note, key).checkpoint;
    const forger = parseSignerKey(generateSignerKey('verify.example/log').signerKey);
    await log.store.db
      .updateTable('log_checkpoints')
      .set({ note: signCheckpoint(cp, forger) })
      .where('size', '=', latest.size)
      .execute();
    const r = await cli(['verify', '--url', log.url, '--state', state]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/signature/);
    await log.store.db
      .updateTable('log_checkpoints')
      .set({ note: latest.note })
      .where('size', '=', latest.size)
      .execute();
  });

  it('detects a fork: a checkpoint signed by the same key over another history', async () => {
    const signerKey = (
      await log.store.db.selectFrom('log_config').select('signer_key').executeTakeFirstOrThrow()
    ).signer_key;
    const fork = await startLog('verify.example/log', signerKey);
    try {
      await appendEntries(fork.store, 330, 'fork');
      await fork.integrate();
      // The verifier saw the real log at this URL; now the same URL shows the fork (e.g. a split view).
      const saved = JSON.parse(readFileSync(state, 'utf8'));
      saved.logs[fork.url.replace(/\/+$/, '')] = saved.logs[log.url.replace(/\/+$/, '')];
      writeFileSync(state, JSON.stringify(saved));
      const r = await cli(['verify', '--url', fork.url, '--state', state]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/inconsistent with saved checkpoint \(fork\)/);
    } finally {
      await fork.app.close();
      await fork.store.close();
      await fork.tdb.cleanup();
    }
  });

  it('usage and network errors exit 2', async () => {
    expect((await cli(['verify', '--url', 'http://127.0.0.1:1', '--state', state])).status).toBe(2);
    expect((await cli(['verify', '--url', log.url, '--state', state, '--entry', 'x'])).status).toBe(2);
  });
});
