/**
 * `greenlight admin …`: organisations, people and tokens, directly on a database (offline, acting as `system`).
 * Tokens are printed once and never again.
 */
import type { Command } from 'commander';
import type { ServerWorkflow } from '../../server/workflow-port.js';
import { openStore, resolveDatabaseUrl } from '../../store/db.js';
import { createWorkflow } from '../../workflow/index.js';
import { type Actor, ServiceError } from '../../workflow/types.js';
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, ExitCode } from '../run.js';

const SYSTEM: Actor = { kind: 'system' };
const ROLES = ['admin', 'reviewer', 'developer', 'auditor'] as const;

interface DbOpts {
  db?: string;
  json?: boolean;
}

/** Opens the database, runs `fn` with the workflow, closes; service errors become one line per problem. */
async function withWorkflow<T>(opts: DbOpts, fn: (w: ServerWorkflow) => T | Promise<T>): Promise<T> {
  const store = await openStore(resolveDatabaseUrl(opts.db));
  try {
    return await fn(createWorkflow(store) as ServerWorkflow);
  } catch (e) {
    if (e instanceof ServiceError) {
      const lines =
        e.details.length > 0 ? e.details.map((d) => `${d.path ? `${d.path}: ` : ''}${d.message}`) : [];
      process.stderr.write(`greenlight admin: ${e.message}\n${lines.map((l) => `  ${l}\n`).join('')}`);
      throw new ExitCode(e.code === 'internal' ? EXIT_CHECK_FAILED : EXIT_BAD_INPUT);
    }
    throw e;
  } finally {
    await store.close();
  }
}

function print(opts: DbOpts, value: unknown, text: string): void {
  process.stdout.write(opts.json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
}

function dbOptions(cmd: Command): Command {
  return cmd
    .option(
      '--db <url>',
      'database: sqlite:PATH or postgres://… (default: DATABASE_URL, else sqlite:greenlight.sqlite)',
    )
    .option('--json', 'print the result as JSON');
}

export function registerAdminCommands(program: Command): void {
  const admin = program
    .command('admin')
    .description('organisations, people and tokens, directly on a database (offline; acts as system)');

  const org = admin.command('org').description('organisations');
  dbOptions(
    org
      .command('add')
      .description('register an organisation')
      .argument('<id>', 'organisation id')
      .requiredOption('--name <name>', 'display name')
      .requiredOption('--jurisdiction <code>', 'ISO 3166-1 alpha-2 code, e.g. US')
      .option('--verified', 'a verified organisation (access at "verified" tiers)', false),
  ).action(async (id: string, opts: DbOpts & { name: string; jurisdiction: string; verified: boolean }) => {
    const created = await withWorkflow(opts, (w) =>
      w.createOrg(SYSTEM, { id, name: opts.name, jurisdiction: opts.jurisdiction, verified: opts.verified }),
    );
    print(opts, created, `organisation ${id} registered`);
  });
  dbOptions(org.command('list').description('list organisations')).action(async (opts: DbOpts) => {
    const orgs = (await withWorkflow(opts, async (w) => w.listOrgs(SYSTEM))) as {
      id: string;
      name: string;
      jurisdiction: string;
      verified: boolean;
    }[];
    print(
      opts,
      orgs,
      orgs.length === 0
        ? 'no organisations'
        : orgs
            .map((o) => `${o.id}\t${o.jurisdiction}\t${o.verified ? 'verified' : 'unverified'}\t${o.name}`)
            .join('\n'),
    );
  });

  const person = admin.command('person').description('people');
  dbOptions(
    person
      .command('add')
      .description('register a person with a role; prints their first token (shown only once)')
      .argument('<id>', 'person id')
      .requiredOption('--name <name>', 'display name')
      .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
      .option('--org <org>', 'organisation (required for developers)'),
  ).action(async (id: string, opts: DbOpts & { name: string; role: string; org?: string }) => {
    if (!(ROLES as readonly string[]).includes(opts.role)) {
      process.stderr.write(`greenlight admin: --role must be one of ${ROLES.join(', ')}, got ${opts.role}\n`);
      throw new ExitCode(EXIT_BAD_INPUT);
    }
    const created = await withWorkflow(opts, (w) =>
      w.createPerson(SYSTEM, {
        id,
        name: opts.name,
        role: opts.role as (typeof ROLES)[number],
        org: opts.org ?? null,
      }),
    );
    print(
      opts,
      created,
      `person ${created.id} (${created.role}${created.org ? ` of ${created.org}` : ''}) registered\ntoken (shown only once): ${created.token}`,
    );
  });
  dbOptions(
    person
      .command('deactivate')
      .description('deactivate a person: their tokens stop working')
      .argument('<id>', 'person id'),
  ).action(async (id: string, opts: DbOpts) => {
    const result = await withWorkflow(opts, async (w) => w.deactivatePerson(SYSTEM, id));
    print(opts, result ?? { id, active: false }, `person ${id} deactivated`);
  });

  const token = admin.command('token').description('API tokens');
  dbOptions(
    token
      .command('issue')
      .description('issue a token for a person (shown only once)')
      .argument('<person>', 'person id')
      .option('--expires-at <time>', 'RFC 3339 expiry, e.g. 2027-01-01T00:00:00Z'),
  ).action(async (personId: string, opts: DbOpts & { expiresAt?: string }) => {
    const issued = await withWorkflow(opts, (w) =>
      w.issueToken(SYSTEM, { person: personId, ...(opts.expiresAt ? { expires_at: opts.expiresAt } : {}) }),
    );
    print(opts, issued, `token ${issued.id} for ${personId} (shown only once): ${issued.token}`);
  });
  dbOptions(token.command('revoke').description('revoke a token').argument('<id>', 'token id')).action(
    async (id: string, opts: DbOpts) => {
      const result = await withWorkflow(opts, async (w) => w.revokeToken(SYSTEM, id));
      print(opts, result ?? { id }, `token ${id} revoked`);
    },
  );
}
