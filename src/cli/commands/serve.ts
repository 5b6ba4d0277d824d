/**
 * `greenlight serve`: the HTTP API over a database. Opens (and migrates) the store, bootstraps the admin from
 * GREENLIGHT_BOOTSTRAP_TOKEN, runs the clock sweeper at start and every 2 s, and shuts down gracefully on
 * SIGTERM/SIGINT (stop accepting, finish in-flight requests, stop the sweeper, close the store).
 */
import type { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import { type AccessChecker, createAccessChecker } from '../../access/checker.js';
import { type AccessSync, startAccessSync } from '../../access/sync.js';
import { type BuildServerOptions, buildServer, type ServerLimits } from '../../server/app.js';
import type { ServerWorkflow } from '../../server/workflow-port.js';
import { type OpenOptions, openStore, resolveDatabaseUrl, type Store } from '../../store/db.js';
import { createWorkflow } from '../../workflow/index.js';
import { EXIT_BAD_INPUT, ExitCode } from '../run.js';

export interface StartServerOptions {
  /** Database URL (`sqlite:PATH`, `postgres://…`); default from DATABASE_URL or `sqlite:greenlight.sqlite`. */
  db?: string;
  /** Open options (e.g. a PostgreSQL schema for tests). */
  storeOptions?: OpenOptions;
  /** An already-open store instead of `db` (the caller keeps ownership unless `closeStore` is true). */
  store?: Store;
  closeStore?: boolean;
  port?: number;
  host?: string;
  publicUrl?: string;
  /** The transparency log's origin, fixed at first start (default: from the public URL). */
  logOrigin?: string;
  /** Admin token to create on a database without an admin (default GREENLIGHT_BOOTSTRAP_TOKEN). */
  bootstrapToken?: string;
  /** Milliseconds between sweeps (default 2000); 0 disables the periodic sweeper (one sweep at start). */
  sweepIntervalMs?: number;
  limits?: ServerLimits;
  logger?: BuildServerOptions['logger'];
  trustProxy?: boolean;
  now?: () => Date;
  /**
   * The in-memory access checker answering /v1/access/check, kept current by polling the database's change
   * counter every `intervalMs` (default 250). `false`: answer from the database on each check.
   */
  access?: { intervalMs?: number } | false;
}

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  store: Store;
  workflow: ServerWorkflow;
  /** The in-memory access checker (absent with `access: false`). */
  access?: AccessChecker;
  /** Graceful: stops accepting, finishes in-flight requests, stops the sweeper, closes the store. Idempotent. */
  close(): Promise<void>;
}

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const store = options.store ?? (await openStore(resolveDatabaseUrl(options.db), options.storeOptions));
  const ownsStore = options.store === undefined || options.closeStore === true;
  let app: FastifyInstance | undefined;
  let stopSweeper = async () => {};
  let accessSync: AccessSync | undefined;
  try {
    const workflow = createWorkflow(store, options.now ? { now: options.now } : {}) as ServerWorkflow;
    const bootstrap = options.bootstrapToken ?? process.env.GREENLIGHT_BOOTSTRAP_TOKEN;
    if (bootstrap) await workflow.bootstrapAdmin(bootstrap);

    let access: AccessChecker | undefined;
    if (options.access !== false) {
      const now = options.now;
      access = createAccessChecker(null, now ? { now } : {});
      const sync = startAccessSync(store, access, {
        intervalMs: options.access?.intervalMs ?? 250,
        onError: (e) => app?.log.error({ err: e }, 'access sync failed'),
      });
      accessSync = sync;
      await sync.ready;
    }
    // Read-your-writes: after this server acknowledges a write, access checks wait for the index to catch up
    // (a cheap counter poll, and a reload only when the write changed an answer).
    let pendingRefresh: Promise<void> | null = null;
    const accessPort = access
      ? { check: access.check.bind(access), fresh: () => pendingRefresh ?? Promise.resolve() }
      : undefined;
    app = buildServer({
      ...(accessPort ? { access: accessPort } : {}),
      workflow,
      store,
      logger: options.logger,
      publicUrl: options.publicUrl,
      limits: options.limits,
      trustProxy: options.trustProxy,
      log: options.logOrigin !== undefined ? { origin: options.logOrigin } : {},
    });
    const sync = accessSync;
    if (sync) {
      app.addHook('onSend', async (request, reply, payload) => {
        if (request.method !== 'GET' && request.method !== 'HEAD' && reply.statusCode < 400) {
          const refresh = sync.refresh().catch(() => {});
          pendingRefresh = refresh;
          void refresh.finally(() => {
            if (pendingRefresh === refresh) pendingRefresh = null;
          });
        }
        return payload;
      });
    }
    const log = app.log;
    stopSweeper = startSweeper(workflow, options.sweepIntervalMs ?? 2000, (e) =>
      log.error({ err: e }, 'clock sweep failed'),
    );
    const host = options.host ?? '127.0.0.1';
    const address = await app.listen({ port: options.port ?? 8080, host });
    const url = options.publicUrl ?? address;
    let closing: Promise<void> | undefined;
    const started = app;
    return {
      url,
      app: started,
      store,
      workflow,
      ...(access ? { access } : {}),
      close: () => {
        closing ??= (async () => {
          try {
            await started.close();
          } finally {
            await stopSweeper();
            await accessSync?.stop();
            if (ownsStore) await store.close();
          }
        })();
        return closing;
      },
    };
  } catch (e) {
    await app?.close().catch(() => {});
    await stopSweeper();
    await accessSync?.stop().catch(() => {});
    if (ownsStore) await store.close().catch(() => {});
    throw e;
  }
}

/**
 * Runs `sweep()` now and then every `intervalMs`, never overlapping; errors are reported, never thrown.
 * Returns a stopper that waits for a sweep in progress.
 */
export function startSweeper(
  workflow: Pick<ServerWorkflow, 'sweep'>,
  intervalMs: number,
  onError: (e: unknown) => void,
): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = (async () => {
      try {
        await workflow.sweep();
      } catch (e) {
        onError(e);
      }
    })().finally(() => {
      if (!stopped && intervalMs > 0) {
        timer = setTimeout(tick, intervalMs);
        timer.unref();
      }
    });
  };
  tick();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    process.stderr.write(`greenlight serve: --port expects 0–65535, got ${value}\n`);
    throw new ExitCode(EXIT_BAD_INPUT);
  }
  return n;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP API (docs at /docs, metrics at /metrics) over a database')
    .option('--port <port>', 'port to listen on (0: any free port)', '8080')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option(
      '--db <url>',
      'database: sqlite:PATH or postgres://… (default: DATABASE_URL, else sqlite:greenlight.sqlite)',
    )
    .option('--public-url <url>', 'the URL clients reach the server at (OpenAPI servers, links)')
    .option(
      '--log-origin <origin>',
      'transparency log origin, fixed at first start (default: from --public-url)',
    )
    .option('--json', 'print {url} as JSON once listening')
    .action(
      async (opts: {
        port: string;
        host: string;
        db?: string;
        publicUrl?: string;
        logOrigin?: string;
        json?: boolean;
      }) => {
        const server = await startServer({
          port: parsePort(opts.port),
          host: opts.host,
          db: opts.db,
          publicUrl: opts.publicUrl,
          ...(opts.logOrigin !== undefined ? { logOrigin: opts.logOrigin } : {}),
          // Logs go to stderr so that stdout carries only what the command prints.
          logger: { level: process.env.LOG_LEVEL ?? 'info', stream: process.stderr },
        });
        process.stdout.write(
          opts.json
            ? `${JSON.stringify({ url: server.url, docs: `${server.url}/docs` })}\n`
            : `greenlight serving on ${server.url} (API docs: ${server.url}/docs; database: ${server.store.description})\n`,
        );
        await new Promise<void>((resolve) => {
          const stop = (signal: NodeJS.Signals) => {
            process.off('SIGTERM', stop);
            process.off('SIGINT', stop);
            server.app.log.info({ signal }, 'shutting down');
            server.close().then(resolve, (e) => {
              server.app.log.error({ err: e }, 'shutdown failed');
              process.exitCode = 1;
              resolve();
            });
          };
          process.on('SIGTERM', stop);
          process.on('SIGINT', stop);
        });
      },
    );
}
