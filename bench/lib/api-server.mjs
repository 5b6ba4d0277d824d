// The server side of bench/api: the built Greenlight server (dist/) and, in the same process, a bare Fastify app
// with one route (GET /bare → a small JSON) as the baseline. Run as a child process so that the load generator
// does not share the server's event loop. Input (env): BENCH_DB (database URL), BENCH_SCHEMA (PostgreSQL schema,
// optional). Prints one JSON line {url, bare} once both listen; SIGTERM closes both.
import Fastify from 'fastify';
import { startServer } from '../../dist/cli/commands/serve.js';

const schema = process.env.BENCH_SCHEMA || undefined;
const server = await startServer({
  db: process.env.BENCH_DB,
  storeOptions: schema ? { schema } : {},
  port: 0,
  logger: false,
  // The rate limiter still runs on every request; only its ceiling is lifted so the benchmark measures work.
  limits: {
    preassess: { max: 1_000_000_000, timeWindow: 60_000 },
    anonymousWrite: { max: 1_000_000_000, timeWindow: 60_000 },
  },
});
const bare = Fastify({ logger: false });
bare.get('/bare', async () => ({ status: 'ok', service: 'bare', n: 42 }));
const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ url: server.url, bare: bareUrl })}\n`);
process.on('SIGTERM', async () => {
  await bare.close();
  await server.close();
  process.exit(0);
});
