import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureBuilt, spawnCli } from '../../server/test-helpers/cli-process.js';
import {
  describeOnEachDatabase,
  freshDatabase,
  type TestDatabase,
} from '../../store/test-helpers/databases.js';
import { startServer, startSweeper } from './serve.js';

beforeAll(() => ensureBuilt(), 120_000);

function waitForLine(child: ChildProcess, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    let stderr = '';
    const timer = setTimeout(
      () => reject(new Error(`no output within ${timeoutMs} ms; stderr: ${stderr}`)),
      timeoutMs,
    );
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    child.stdout!.on('data', (d) => {
      buffer += d;
      const nl = buffer.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(buffer.slice(0, nl));
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} before listening; stderr: ${stderr}`)));
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });
}

describeOnEachDatabase('greenlight serve', (dialect) => {
  let db: TestDatabase;
  beforeAll(() => {
    db = freshDatabase(dialect);
  });
  afterAll(async () => {
    await db.cleanup();
  });

  it('startServer: bootstraps the admin, sweeps, serves, closes gracefully (in-flight requests finish)', async () => {
    let sweeps = 0;
    const server = await startServer({
      db: db.url,
      storeOptions: db.schema ? { schema: db.schema } : {},
      port: 0,
      bootstrapToken: 'boot-secret-1',
      logger: false,
      sweepIntervalMs: 50,
    });
    const realSweep = server.workflow.sweep.bind(server.workflow);
    server.workflow.sweep = async () => {
      sweeps++;
      return realSweep();
    };
    try {
      const me = await fetch(`${server.url}/v1/me`, { headers: { authorization: 'Bearer boot-secret-1' } });
      expect(await me.json()).toMatchObject({ kind: 'person', role: 'admin' });
      await new Promise((r) => setTimeout(r, 200));
      expect(sweeps).toBeGreaterThan(0);
      // A request in flight when close() begins still gets its answer.
      const inFlight = fetch(`${server.url}/v1/models`);
      await new Promise((r) => setTimeout(r, 5));
      const closing = server.close();
      expect((await inFlight).status).toBe(200);
      await closing;
      const after = sweeps;
      await new Promise((r) => setTimeout(r, 150));
      expect(sweeps).toBe(after);
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    } finally {
      await server.close();
    }
  });

  it('as a real process: prints the URL, serves, exits 0 on SIGTERM', async () => {
    const args = ['serve', '--port', '0', '--db', db.url, '--json'];
    const env: NodeJS.ProcessEnv = {
      GREENLIGHT_BOOTSTRAP_TOKEN: 'boot-secret-2' /* ignored: the database has an admin */,
      LOG_LEVEL: 'warn',
    };
    if (db.schema) {
      // The CLI takes no schema flag; PostgreSQL's search_path via PGOPTIONS isolates the test's schema.
      env.PGOPTIONS = `-c search_path=${db.schema}`;
    }
    const child = spawnCli(args, env);
    try {
      const line = await waitForLine(child);
      const { url } = JSON.parse(line) as { url: string };
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${url}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok' });
      const me = await fetch(`${url}/v1/me`, { headers: { authorization: 'Bearer boot-secret-1' } });
      expect(me.status).toBe(200);
      const docs = await fetch(`${url}/docs`);
      expect(docs.status).toBe(200);
      child.kill('SIGTERM');
      expect(await exitOf(child)).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

it('the sweeper reports errors and keeps going; stop waits for a sweep in progress', async () => {
  const errors: unknown[] = [];
  let calls = 0;
  const stop = startSweeper(
    {
      sweep: async () => {
        calls++;
        if (calls === 1) throw new Error('database down');
        return 0;
      },
    },
    10,
    (e) => errors.push(e),
  );
  await new Promise((r) => setTimeout(r, 100));
  await stop();
  const n = calls;
  await new Promise((r) => setTimeout(r, 50));
  expect(calls).toBe(n);
  expect(calls).toBeGreaterThan(2);
  expect(errors).toHaveLength(1);
});
