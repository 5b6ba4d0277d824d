// The server side of bench/access (a child process, so the load generator does not share its event loop): the
// built Greenlight HTTP server (buildServer, dist/) answering /v1/access/check from an in-memory checker loaded
// with the synthetic world, and a bare Fastify app (GET /bare → a small JSON) as the baseline. Env: BENCH_GRANTS.
// Prints one JSON line {url, bare, sample} once both listen; SIGTERM closes both.
import Fastify from 'fastify';
import { createAccessChecker } from '../../dist/access/checker.js';
import { buildServer } from '../../dist/server/app.js';
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
bare.get('/bare', async () => ({ allow: true, tier: 'vetted_partners', rule: 'grant', ref: 'grt_123456' }));
const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ url, bare: bareUrl, sample })}\n`);
process.on('SIGTERM', async () => {
  await bare.close();
  await app.close();
  process.exit(0);
});
