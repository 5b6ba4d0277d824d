/**
 * `greenlight demo` (what `npm start` runs): the server over a demo database. On an empty database it first
 * seeds the demonstration data set (src/demo/seed.ts) and writes the demo tokens to a sidecar file
 * `<db>.tokens.json` (mode 0600), so that every later start can print them again. Then it serves with the real
 * clock, exactly as `greenlight serve` does, and prints the URLs and one demo token per role.
 */
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DEMO_ADMIN_ID, type DemoToken, PRINTED_PERSON, seedDemo } from '../../demo/seed.js';
import { openStore } from '../../store/db.js';
import type { Role } from '../../workflow/index.js';
import { EXIT_BAD_INPUT, ExitCode } from '../run.js';
import { startServer } from './serve.js';

export const DEFAULT_DEMO_DB = 'greenlight-demo.sqlite';

interface DemoOptions {
  port: string;
  host: string;
  db?: string;
  fresh?: boolean;
  json?: boolean;
}

const isPostgres = (url: string) => url.startsWith('postgres://') || url.startsWith('postgresql://');

/** The SQLite file of a `sqlite:PATH` (or bare path) URL, or null for PostgreSQL and in-memory databases. */
function sqlitePath(url: string): string | null {
  if (isPostgres(url)) return null;
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  return path === ':memory:' ? null : path;
}

/** Where the demo tokens are kept: next to the SQLite file, else in the current directory. */
export function tokensFileFor(url: string): string {
  const path = sqlitePath(url);
  return resolve(path ? `${path}.tokens.json` : 'greenlight-demo.tokens.json');
}

function fail(message: string): never {
  process.stderr.write(`greenlight demo: ${message}\n`);
  throw new ExitCode(EXIT_BAD_INPUT);
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) fail(`--port expects 0–65535, got ${value}`);
  return n;
}

function readTokens(file: string): DemoToken[] | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { tokens?: DemoToken[] };
    return Array.isArray(parsed.tokens) ? parsed.tokens : null;
  } catch {
    return null;
  }
}

function banner(
  url: string,
  db: string,
  tokens: DemoToken[] | null,
  tokensFile: string,
  note: string,
): string {
  const lines = [
    '',
    'Greenlight demo',
    `  ${note}`,
    `  database:        ${db}`,
    '',
    `  dashboard:       ${url}/`,
    `  API docs:        ${url}/docs`,
    `  OpenAPI:         ${url}/openapi.json`,
    `  log checkpoint:  ${url}/log/checkpoint`,
    '',
  ];
  const printed = (['admin', 'reviewer', 'developer', 'auditor'] as Role[])
    .map(
      (role) =>
        tokens?.find((t) => t.person === PRINTED_PERSON[role]) ?? tokens?.find((t) => t.role === role),
    )
    .filter((t): t is DemoToken => t !== undefined);
  if (printed.length) {
    lines.push('  DEMO credentials (fictional people; for this demo database only, never for real use):');
    for (const t of printed) {
      const who = `${t.name} (${t.person}${t.org ? `, ${t.org}` : ''})`;
      lines.push(`    ${t.role.padEnd(10)} ${t.token}   ${who}`);
    }
    lines.push(`  All demo tokens (incl. the reviewer affiliated with larkspur-ai): ${tokensFile}`);
    const reviewer = printed.find((t) => t.role === 'reviewer');
    if (reviewer) {
      lines.push(
        '',
        '  Try:',
        `    curl -s ${url}/v1/models`,
        `    curl -s -H 'Authorization: Bearer ${reviewer.token}' '${url}/v1/submissions?status=in_review'`,
      );
    }
  } else {
    lines.push(
      `  No demo tokens found (${tokensFile}); issue one with: greenlight admin … (see greenlight admin --help)`,
    );
  }
  lines.push('', '  Stop with Ctrl-C.', '');
  return lines.join('\n');
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run the server over a demonstration data set (fictional labs, models and history)')
    .option('--port <port>', 'port to listen on (0: any free port)', '8080')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--db <url>', `database: sqlite:PATH or postgres://… (default: sqlite:${DEFAULT_DEMO_DB})`)
    .option('--fresh', 'delete the demo SQLite database first and seed it again')
    .option('--json', 'print {url, docs, openapi, checkpoint, database, tokens} as JSON once listening')
    .action(async (opts: DemoOptions) => {
      const port = parsePort(opts.port);
      const db = opts.db ?? `sqlite:${DEFAULT_DEMO_DB}`;
      const tokensFile = tokensFileFor(db);
      if (opts.fresh) {
        const path = sqlitePath(db);
        if (!path) fail('--fresh only deletes a SQLite file; drop a PostgreSQL database yourself');
        for (const f of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`, tokensFile]) {
          rmSync(f, { force: true });
        }
      }

      const store = await openStore(db);
      let note: string;
      try {
        process.stderr.write('greenlight demo: preparing the demo data set…\n');
        const result = await seedDemo(store);
        if (result.status === 'seeded') {
          writeFileSync(
            tokensFile,
            `${JSON.stringify(
              {
                note: 'Greenlight DEMO credentials for fictional people; valid only on this demo database.',
                database: store.description,
                tokens: result.tokens,
              },
              null,
              2,
            )}\n`,
            { mode: 0o600 },
          );
          chmodSync(tokensFile, 0o600);
          const c = result.counts;
          note = `seeded: ${c.labs} labs, ${c.institutions} institutions, ${c.people} people, ${c.submissions} reviews, ${c.appeals} appeals, ${c.incidents} incidents, ${c.grants} grants (history ${result.startedAt.slice(0, 10)} → today)`;
        } else if (result.status === 'already_seeded') {
          note = 'demo data set already present (use --fresh to start over)';
        } else {
          note = `the database is not empty and not a demo database: serving it as it is, without demo data (no ${DEMO_ADMIN_ID})`;
        }
      } catch (e) {
        await store.close().catch(() => {});
        throw e;
      }

      const server = await startServer({
        store,
        closeStore: true,
        port,
        host: opts.host,
        logger: { level: process.env.LOG_LEVEL ?? 'warn', stream: process.stderr },
      });
      // Listen for the signals before printing: whoever reads the banner may stop us at once.
      const stopped = new Promise<void>((done) => {
        const stop = (signal: NodeJS.Signals) => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          server.app.log.info({ signal }, 'shutting down');
          server.close().then(done, (e) => {
            server.app.log.error({ err: e }, 'shutdown failed');
            process.exitCode = 1;
            done();
          });
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
      const tokens = existsSync(tokensFile) ? readTokens(tokensFile) : null;
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify({
            url: server.url,
            docs: `${server.url}/docs`,
            openapi: `${server.url}/openapi.json`,
            checkpoint: `${server.url}/log/checkpoint`,
            database: store.description,
            tokens_file: tokensFile,
            tokens: Object.fromEntries(
              (['admin', 'reviewer', 'developer', 'auditor'] as Role[]).map((role) => [
                role,
                tokens?.find((t) => t.person === PRINTED_PERSON[role]) ?? null,
              ]),
            ),
          })}\n`,
        );
      } else {
        process.stdout.write(banner(server.url, store.description, tokens, tokensFile, note));
      }

      await stopped;
    });
}
