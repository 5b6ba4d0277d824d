/**
 * Two `greenlight serve` processes on one PostgreSQL database, with clocks falling due and concurrent writes on
 * both: each clock fires exactly once, the log has no gap or duplicate, and concurrent signatures on the two
 * servers never make two decisions effective for one review.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../server/test-helpers/cli-process.js';
import { freshDatabase, postgresSkipReason, type TestDatabase } from '../store/test-helpers/databases.js';
import {
  Client,
  checkLogInvariants,
  countEvents,
  DRILL,
  evidence,
  expectStatus,
  killHard,
  type Reply,
  type ServerProcess,
  sleep,
  startServeProcess,
  waitFor,
} from './helpers.js';
import { GRANTEES, LAPSE, ORG, type Seeded, seedDatabase } from './seed.js';

const LAPSE_SECONDS = 3;
const CLOCKS = 12;
const CONTESTED = 10;
const WRITES = 120;

const skipped = postgresSkipReason !== null;
describe.skipIf(skipped)(
  `e2e: two servers on one PostgreSQL${skipped ? ` — SKIPPED: ${postgresSkipReason}` : ''}`,
  () => {
    let db: TestDatabase;
    let seeded: Seeded;
    const servers: ServerProcess[] = [];

    beforeAll(() => ensureBuilt(), 300_000);
    beforeAll(async () => {
      db = freshDatabase('postgres');
      seeded = await seedDatabase(db, LAPSE_SECONDS);
      servers.push(await startServeProcess(db), await startServeProcess(db));
    }, 90_000);
    afterAll(async () => {
      for (const s of servers) await killHard(s);
      await db?.cleanup();
    });

    it('fires each clock once, keeps the log gap-free, lets one decision take effect per review', async () => {
      const [a, b] = servers.map((s) => s.url) as [string, string];
      const on = (url: string, who: keyof Seeded['tokens']) => new Client(url, seeded.tokens[who]);
      const acked: number[] = [];
      const ack = (r: Reply) => {
        if (r.status >= 200 && r.status < 300 && typeof r.body.log_index === 'number')
          acked.push(r.body.log_index);
        return r;
      };

      // Reviews to contest, on a 30 s clock (they will not lapse during the test).
      const contested: string[] = [];
      for (let i = 0; i < CONTESTED; i++) {
        const r = ack(
          expectStatus(
            await on(i % 2 ? a : b, 'dev').post('/v1/submissions', {
              framework: DRILL,
              evidence: evidence('01-approve', `${ORG}/contested`, `c-${i}`),
            }),
            201,
          ),
        );
        contested.push(r.body.id);
      }
      // Clocks of a few seconds, submitted through both servers.
      const clocks = await Promise.all(
        Array.from({ length: CLOCKS }, async (_, i) => {
          const r = ack(
            expectStatus(
              await on(i % 2 ? a : b, 'dev').post('/v1/submissions', {
                framework: LAPSE,
                evidence: evidence('01-approve', `${ORG}/clocked`, `k-${i}`),
              }),
              201,
            ),
          );
          return r.body.id as string;
        }),
      );

      // Two competing proposals per review, one on each server...
      const pairs = [];
      for (const id of contested) {
        const approve = ack(
          expectStatus(
            await on(a, 'rev1').post(`/v1/submissions/${id}/decision`, {
              action: 'approve',
              tier: 'public',
              rationale: 'fine',
            }),
            201,
          ),
        );
        const deny = ack(
          expectStatus(
            await on(b, 'rev3').post(`/v1/submissions/${id}/decision`, { action: 'deny', rationale: 'no' }),
            201,
          ),
        );
        pairs.push({ id, approve: approve.body.id as string, deny: deny.body.id as string });
      }

      // ...signed at the same moment on the two servers, amid a stream of writes on both, while clocks fall due.
      const writes = Array.from({ length: WRITES }, async (_, i) => {
        const url = i % 2 ? a : b;
        const r =
          i % 2
            ? await on(url, 'dev').post('/v1/incidents', {
                model: `${ORG}/contested`,
                class: 'narrow_jailbreak',
                description: `report ${i}`,
                discovered_at: new Date().toISOString(),
              })
            : await on(url, 'rev2').post('/v1/grants', {
                model: `${ORG}/contested`,
                org: GRANTEES[i % GRANTEES.length],
                tier: 'named_institutions',
                reason: `grant ${i}`,
              });
        return ack(expectStatus(r, 201));
      });
      const signatures = pairs.map(async (p) => {
        const [x, y] = await Promise.all([
          on(a, 'rev2').post(`/v1/decisions/${p.approve}/sign`),
          on(b, 'rev4').post(`/v1/decisions/${p.deny}/sign`),
        ]);
        ack(x);
        ack(y);
        return [x.status, y.status].sort();
      });
      const outcomes = await Promise.all(signatures);
      await Promise.all(writes);
      for (const o of outcomes) expect(o).toEqual([200, 409]); // exactly one signature wins

      // Every clock fires; give both sweepers (every 2 s) time to race on them.
      const pub = new Client(a);
      for (const id of clocks) {
        await waitFor(
          async () => (await pub.get(`/v1/submissions/${id}`)).body.status === 'deemed_approved',
          15_000,
          `lapse of ${id}`,
        );
      }
      await sleep(4_500);

      expect(new Set(acked).size).toBe(acked.length);
      const store = await db.open();
      try {
        const log = await checkLogInvariants(store);
        for (const i of acked) expect(i).toBeLessThan(log.size);
        for (const id of clocks) expect(await countEvents(store, id, 'clock.lapsed')).toBe(1);
        for (const id of contested) {
          const effective = await store.db
            .selectFrom('decisions')
            .select(['id', 'action'])
            .where('review_kind', '=', 'submission')
            .where('review_id', '=', id)
            .where('status', '=', 'effective')
            .execute();
          expect(effective).toHaveLength(1);
          expect(await countEvents(store, id, 'decision.effective')).toBe(1);
          const s = await store.db
            .selectFrom('submissions')
            .select(['status', 'approved_tier'])
            .where('id', '=', id)
            .executeTakeFirstOrThrow();
          expect(s.status).toBe('decided');
          expect(s.approved_tier).toBe(effective[0]!.action === 'approve' ? 'public' : null);
        }
      } finally {
        await store.close();
      }
    });
  },
);
