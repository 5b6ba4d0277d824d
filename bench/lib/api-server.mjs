// The server side of bench/api: the built Greenlight server (dist/) and, in the same process, a bare Fastify app
// with one route (GET /bare → a small JSON) as the baseline, and GET /copy/… (the same bytes as a Greenlight
// answer, see below). Run as a child process so that the load generator
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
// The same bytes as a Greenlight answer, served by the bare app: `/copy/v1/…` answers with what GET /v1/… on the
// real server answered the first time (fetched once), so that a ratio can separate the server's work from the
// cost of moving a large body through the kernel and the load generator.
const copies = new Map();
bare.get('/copy/*', async (request, reply) => {
  const path = request.url.slice('/copy'.length);
  let copy = copies.get(path);
  if (!copy) {
    const r = await fetch(`${server.url}${path}`);
    // As bytes, as Greenlight keeps its cached answers.
    copy = { type: r.headers.get('content-type'), body: Buffer.from(await r.arrayBuffer()) };
    copies.set(path, copy);
  }
  return reply.type(copy.type).send(copy.body);
});
const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ url: server.url, bare: bareUrl })}\n`);
process.on('SIGTERM', async () => {
  await bare.close();
  await server.close();
  process.exit(0);
});
