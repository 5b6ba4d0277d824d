// The server side of bench/access (a child process, so the load generator does not share its event loop): the
// built Greenlight HTTP server (buildServer, dist/) answering /v1/access/check from an in-memory checker loaded
// with the synthetic world, and a bare Fastify app (GET /bare → a small JSON; GET /bare-headers → the same with
// the API's security headers and a request id) as the baselines. Env: BENCH_GRANTS.
// Prints one JSON line {url, bare, sample} once both listen; SIGTERM closes both.
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { createAccessChecker } from '../../dist/access/checker.js';
import { buildServer } from '../../dist/server/app.js';
import { API_HELMET_OPTIONS, securityHeaders } from '../../dist/server/security-headers.js';
import { buildQuestions, buildWorld } from './world.mjs';

const world = buildWorld({ grants: Number(process.env.BENCH_GRANTS ?? 1_000_000) });
const checker = createAccessChecker(world);
const sample = buildQuestions(world, 64, 99);
world.grants.length = 0;
const workflow = {
  checkAccess: () => {
    throw new Error('the benchmark answers from memory');
  },
};
const app = buildServer({ workflow, access: checker, logger: false, log: false });
const url = await app.listen({ port: 0, host: '127.0.0.1' });
const bare = Fastify({ logger: false });
const answer = { allow: true, tier: 'vetted_partners', rule: 'grant', ref: 'grt_123456' };
bare.get('/bare', async () => answer);
// The same answer with the headers every Greenlight API answer carries (security headers, request id): the
// baseline that leaves only the server's own work in the ratio.
const headers = securityHeaders(API_HELMET_OPTIONS);
bare.get('/bare-headers', async (_request, reply) => {
  reply.headers(headers);
  reply.header('x-request-id', randomUUID());
  return answer;
});
const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ url, bare: bareUrl, sample })}\n`);
process.on('SIGTERM', async () => {
  await bare.close();
  await app.close();
  process.exit(0);
});
