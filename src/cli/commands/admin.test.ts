import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { ensureBuilt, runCli } from '../../server/test-helpers/cli-process.js';
import {
  describeOnEachDatabase,
  freshDatabase,
  type TestDatabase,
} from '../../store/test-helpers/databases.js';
import { createWorkflow } from '../../workflow/index.js';
import { ExitCode } from '../run.js';
import { registerAdminCommands } from './admin.js';

/** Runs `greenlight admin …` in this process (fast), capturing its output and exit code. */
async function inProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const program = new Command('greenlight');
  registerAdminCommands(program);
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const c of all(program)) c.exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    stdout += String(s);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    stderr += String(s);
    return true;
  });
  let code = 0;
  try {
    await program.parseAsync(['node', 'greenlight', ...args]);
  } catch (e) {
    if (e instanceof ExitCode) code = e.code;
    else if (e instanceof CommanderError) code = 2;
    else throw e;
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return { code, stdout, stderr };
}

describeOnEachDatabase('greenlight admin (offline on the database)', (dialect) => {
  let db: TestDatabase;
  const previous = process.env.PGOPTIONS;
  beforeAll(async () => {
    db = freshDatabase(dialect);
    // The CLI takes a URL only; PostgreSQL's search_path (PGOPTIONS) isolates the test's schema.
    if (db.schema) process.env.PGOPTIONS = `-c search_path=${db.schema}`;
    await (await db.open()).close();
  });
  afterAll(async () => {
    if (previous === undefined) delete process.env.PGOPTIONS;
    else process.env.PGOPTIONS = previous;
    await db.cleanup();
  });
  const admin = (...args: string[]) => inProcess(['admin', ...args, '--db', db.url]);

  it('org add|list, person add|deactivate, token issue|revoke; tokens printed once; --json', async () => {
    const org = await admin(
      'org',
      'add',
      'acme',
      '--name',
      'Acme Labs',
      '--jurisdiction',
      'US',
      '--verified',
    );
    expect(org.code, org.stderr).toBe(0);
    expect(org.stdout).toContain('acme');
    const list = await admin('org', 'list', '--json');
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject([
      { id: 'acme', name: 'Acme Labs', jurisdiction: 'US', verified: true },
    ]);
    expect((await admin('org', 'list')).stdout).toMatch(/^acme\tUS\tverified\tAcme Labs/);

    const person = await admin(
      'person',
      'add',
      'alice',
      '--name',
      'Alice',
      '--role',
      'developer',
      '--org',
      'acme',
      '--json',
    );
    expect(person.code, person.stderr).toBe(0);
    const created = JSON.parse(person.stdout);
    expect(created).toMatchObject({ id: 'alice', role: 'developer', org: 'acme' });
    const plain = await admin('person', 'add', 'rita', '--name', 'Rita', '--role', 'reviewer');
    expect(plain.stdout).toMatch(/token \(shown only once\): glt_/);

    const issued = await admin('token', 'issue', 'alice', '--expires-at', '2099-01-01T00:00:00Z', '--json');
    expect(issued.code, issued.stderr).toBe(0);
    const token = JSON.parse(issued.stdout) as { id: string; token: string };

    const store = await db.open();
    try {
      const workflow = createWorkflow(store);
      expect(await workflow.authenticate(created.token)).toMatchObject({ id: 'alice' });
      expect(await workflow.authenticate(token.token)).toMatchObject({ id: 'alice' });
      expect((await admin('token', 'revoke', token.id)).code).toBe(0);
      await expect(workflow.authenticate(token.token)).rejects.toMatchObject({ code: 'unauthorized' });
      expect((await admin('person', 'deactivate', 'alice')).code).toBe(0);
      await expect(workflow.authenticate(created.token)).rejects.toMatchObject({ code: 'unauthorized' });
    } finally {
      await store.close();
    }
  });

  it('bad input: one clear line per problem, exit 2', async () => {
    const r = await admin('person', 'add', 'bob', '--name', 'Bob', '--role', 'developer');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('org');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const dup = await admin('org', 'add', 'acme', '--name', 'Again', '--jurisdiction', 'US');
    expect(dup.code).toBe(2);
    expect(dup.stderr).toMatch(/exists/);
    expect((await admin('person', 'add', 'carol', '--name', 'C', '--role', 'wizard')).code).toBe(2);
    expect((await admin('token', 'revoke', 'tok_nope')).code).toBe(2);
  });
});

it('greenlight admin as a real process: prints the token, exit codes 0 and 2', async () => {
  ensureBuilt();
  const db = freshDatabase('sqlite');
  try {
    const org = await runCli([
      'admin',
      'org',
      'add',
      'acme',
      '--name',
      'Acme',
      '--jurisdiction',
      'US',
      '--db',
      db.url,
    ]);
    expect(org.code, org.stderr).toBe(0);
    const [person, bad] = await Promise.all([
      runCli(['admin', 'person', 'add', 'al', '--name', 'Al', '--role', 'auditor', '--json', '--db', db.url]),
      runCli(['admin', 'person', 'add', 'bo', '--name', 'Bo', '--role', 'developer', '--db', db.url]),
    ]);
    expect(person.code, person.stderr).toBe(0);
    expect(JSON.parse(person.stdout).token).toMatch(/^glt_/);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n').length).toBeLessThanOrEqual(3);
  } finally {
    await db.cleanup();
  }
}, 120_000);
