/**
 * Faults: `greenlight serve` as a real process, SIGKILLed in the middle of a burst of concurrent writes, then
 * restarted on the same database (a SQLite file; a PostgreSQL schema). Every acknowledged write survives with
 * its log entry, nothing is half-applied, and a clock that fell due while the server was down fires exactly
 * once after the restart.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureBuilt } from '../server/test-helpers/cli-process.js';
import { describeOnEachDatabase, freshDatabase, type TestDatabase } from '../store/test-helpers/databases.js';
import {
  Client,
  checkLogInvariants,
  countEvents,
  DRILL,
  evidence,
  expectStatus,
  killHard,
  type ServerProcess,
  sleep,
  startServeProcess,
  waitFor,
} from './helpers.js';
import { GRANTEES, LAPSE, ORG, type Seeded, seedDatabase } from './seed.js';

beforeAll(() => ensureBuilt(), 180_000);

const MODEL = `${ORG}/burst`;
const LAPSE_SECONDS = 6;
const WORKERS = 16;

type Kind = 'submission' | 'incident' | 'grant';
interface Acked {
  kind: Kind;
  id: string;
  log_index: number;
}

describeOnEachDatabase('e2e: kill -9 in a burst of writes, restart', (dialect) => {
  let db: TestDatabase;
  let seeded: Seeded;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    db = freshDatabase(dialect);
    seeded = await seedDatabase(db, LAPSE_SECONDS);
  });
  afterAll(async () => {
    for (const s of servers) await killHard(s);
    await db?.cleanup();
  });

  it('keeps every acknowledged write, half-applies none, fires the missed clock exactly once', async () => {
    const first = await startServeProcess(db);
    servers.push(first);
    const dev = new Client(first.url, seeded.tokens.dev);
    const rev = new Client(first.url, seeded.tokens.rev1);
    expectStatus(
      await dev.post('/v1/submissions', {
        framework: DRILL,
        evidence: evidence('01-approve', MODEL, 'base'),
      }),
      201,
    );

    // Clocks that fall due while the server is down.
    const lapsing: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = expectStatus(
        await dev.post('/v1/submissions', {
          framework: LAPSE,
          evidence: evidence('02-approve-restricted', `${ORG}/lapsing`, `l-${i}`),
        }),
        201,
      );
      lapsing.push(r.body.id);
    }
    const due = Math.max(
      ...(await Promise.all(
        lapsing.map(async (id) => Date.parse((await dev.get(`/v1/submissions/${id}`)).body.decision_due)),
      )),
    );

    // The burst: WORKERS clients writing submissions, incident reports and grants until the kill.
    const acked: Acked[] = [];
    const refused: string[] = [];
    let failed = 0;
    let n = 0;
    let stop = false;
    const writeOne = async (i: number): Promise<Acked | null> => {
      const kind: Kind = (['submission', 'incident', 'grant'] as const)[i % 3]!;
      const r =
        kind === 'submission'
          ? await dev.post('/v1/submissions', {
              framework: DRILL,
              evidence: evidence('01-approve', MODEL, `b-${i}`),
            })
          : kind === 'incident'
            ? await dev.post('/v1/incidents', {
                model: MODEL,
                class: 'narrow_jailbreak',
                description: `burst report ${i}`,
                discovered_at: new Date().toISOString(),
              })
            : await rev.post('/v1/grants', {
                model: MODEL,
                org: GRANTEES[i % GRANTEES.length],
                tier: 'named_institutions',
                reason: `burst grant ${i}`,
              });
      if (r.status < 200 || r.status > 299) {
        refused.push(`${kind}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
        return null;
      }
      return { kind, id: r.body.id, log_index: r.body.log_index };
    };
    const worker = async () => {
      while (!stop) {
        try {
          const a = await writeOne(n++);
          if (a) acked.push(a);
        } catch {
          failed++; // connection reset by the kill: not acknowledged, may or may not have committed
          if (stop) return;
        }
      }
    };
    const workers = Array.from({ length: WORKERS }, worker);
    // Kill mid-burst: after 60 acknowledgements, or well before the clocks fall due on a slow machine.
    await waitFor(async () => acked.length >= 60 || Date.now() > due - 2_000, 20_000, 'acknowledged writes');
    await killHard(first);
    stop = true;
    await Promise.all(workers);
    expect(Date.now()).toBeLessThan(due); // the clocks fall due while the server is down
    expect(acked.length).toBeGreaterThanOrEqual(10);
    expect(refused, 'no write refused under concurrency').toEqual([]);

    // Directly in the database: every acknowledged write with its log entry, nothing half-applied.
    let store = await db.open();
    try {
      const log = await checkLogInvariants(store);
      const typeAt = new Map(log.events.map((e) => [e.log_index, e.type]));
      const expected: Record<Kind, string> = {
        submission: 'submission.received',
        incident: 'incident.reported',
        grant: 'grant.created',
      };
      const table = { submission: 'submissions', incident: 'incidents', grant: 'grants' } as const;
      for (const a of acked) {
        const row = await store.db
          .selectFrom(table[a.kind])
          .select('log_index')
          .where('id', '=', a.id)
          .executeTakeFirst();
        expect(row, `${a.kind} ${a.id} acknowledged but missing`).toBeDefined();
        expect(Number(row!.log_index)).toBe(a.log_index);
        expect(typeAt.get(a.log_index)).toBe(expected[a.kind]);
      }
      for (const id of lapsing) expect(await countEvents(store, id, 'clock.lapsed')).toBe(0);
    } finally {
      await store.close();
    }

    // Past due while down; restart: the sweeper at start fires each missed clock, once.
    await sleep(Math.max(0, due - Date.now()) + 500);
    const second = await startServeProcess(db);
    servers.push(second);
    const pub = new Client(second.url);
    for (const id of lapsing) {
      await waitFor(
        async () => (await pub.get(`/v1/submissions/${id}`)).body.status === 'deemed_approved',
        10_000,
        `deemed approval of ${id} after restart`,
      );
    }
    await sleep(2_500); // at least one more periodic sweep
    store = await db.open();
    try {
      for (const id of lapsing) expect(await countEvents(store, id, 'clock.lapsed')).toBe(1);
      await checkLogInvariants(store);
    } finally {
      await store.close();
    }

    // Back through HTTP: every acknowledged write is there.
    const model = (await new Client(second.url, seeded.tokens.rev1).get(`/v1/models/${MODEL}`)).body;
    const incidents = new Set(model.incidents.map((x: { id: string }) => x.id));
    const grants = new Set(model.grants.map((x: { id: string }) => x.id));
    for (const a of acked) {
      if (a.kind === 'submission') {
        const s = expectStatus(await pub.get(`/v1/submissions/${a.id}`), 200);
        expect(s.body.log_index).toBe(a.log_index);
      } else if (a.kind === 'incident') expect(incidents.has(a.id), `incident ${a.id}`).toBe(true);
      else expect(grants.has(a.id), `grant ${a.id}`).toBe(true);
    }
    second.child.kill('SIGTERM');
    console.info(`[${dialect}] acknowledged ${acked.length} writes before SIGKILL, ${failed} cut off`);
  });
});
