/**
 * The log's durability promise (transparency-log.md "Durability"): `greenlight serve` as a real process is
 * SIGKILLed during a burst of concurrent event-recording writes (incident reports) while a poller records every
 * checkpoint it serves. After a restart, the final checkpoint is consistent with every checkpoint ever served
 * (checked with the core verifier over /v1/log/consistency), every acknowledged write's entry is included in it
 * (/v1/log/entries/{i}), and `greenlight verify --url` passes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  bytesEqual,
  type Checkpoint,
  fromHex,
  leafHash,
  openCheckpoint,
  utf8,
  verifyConsistency,
  verifyInclusion,
} from '../core/tlog/index.js';
import { ensureBuilt, runCli } from '../server/test-helpers/cli-process.js';
import { describeOnEachDatabase, freshDatabase, type TestDatabase } from '../store/test-helpers/databases.js';
import {
  Client,
  checkLogInvariants,
  DRILL,
  evidence,
  expectStatus,
  killHard,
  type ServerProcess,
  sleep,
  startServeProcess,
  waitFor,
} from './helpers.js';
import { ORG, type Seeded, seedDatabase } from './seed.js';

beforeAll(() => ensureBuilt(), 180_000);

const MODEL = `${ORG}/log-crash`;
const WORKERS = 16;

describeOnEachDatabase('e2e: kill -9 during a burst of log appends', (dialect) => {
  let db: TestDatabase;
  let seeded: Seeded;
  let dir: string;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'greenlight-log-crash-'));
    db = freshDatabase(dialect);
    seeded = await seedDatabase(db, 3600);
  });
  afterAll(async () => {
    for (const s of servers) await killHard(s);
    await db?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('stays consistent with every checkpoint served and keeps every acknowledged entry', async () => {
    const first = await startServeProcess(db);
    servers.push(first);
    const dev = new Client(first.url, seeded.tokens.dev);
    const key = (await new Client(first.url).get('/log/key')).body.trim() as string;
    // The model the incidents are about.
    expectStatus(
      await dev.post('/v1/submissions', {
        framework: DRILL,
        evidence: evidence('01-approve', MODEL, 'base'),
      }),
      201,
    );

    // The poller: every checkpoint served, its signature checked with the served key.
    const served = new Map<string, { note: string; cp: Checkpoint }>();
    let polling = true;
    let badSignatures = 0;
    const poller = (async () => {
      while (polling) {
        try {
          const r = await fetch(`${first.url}/log/checkpoint`);
          if (r.status === 200) {
            const note = await r.text();
            try {
              const { checkpoint } = openCheckpoint(note, key);
              served.set(note, { note, cp: checkpoint });
            } catch {
              badSignatures++;
            }
          }
        } catch {
          if (!polling) return;
        }
        await sleep(20);
      }
    })();

    const acked: { id: string; log_index: number }[] = [];
    const refused: string[] = [];
    let cutOff = 0;
    let n = 0;
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const i = n++;
        try {
          const r = await dev.post('/v1/incidents', {
            model: MODEL,
            class: 'narrow_jailbreak',
            description: `log burst report ${i}`,
            discovered_at: new Date().toISOString(),
          });
          if (r.status === 201 || r.status === 200)
            acked.push({ id: r.body.id, log_index: r.body.log_index });
          else refused.push(`HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
        } catch {
          cutOff++; // cut by the kill: not acknowledged
          if (stop) return;
        }
      }
    };
    const workers = Array.from({ length: WORKERS }, worker);
    // Kill mid-burst, once several checkpoints have been served and writes are still flowing.
    await waitFor(
      async () => refused.length > 0 || (acked.length >= 100 && served.size >= 3),
      30_000,
      'acknowledged writes and served checkpoints',
    );
    await killHard(first);
    stop = true;
    polling = false;
    await Promise.all([...workers, poller]);
    expect(refused, 'no write refused under concurrency').toEqual([]);
    expect(badSignatures).toBe(0);
    const maxServed = Math.max(...[...served.values()].map((s) => s.cp.size));
    const maxAcked = Math.max(...acked.map((a) => a.log_index));

    const second = await startServeProcess(db);
    servers.push(second);
    const pub = new Client(second.url);
    expect((await pub.get('/log/key')).body.trim()).toBe(key);
    const store = await db.open();
    let next: number;
    try {
      await checkLogInvariants(store);
      next = Number(
        (await store.db.selectFrom('log_state').select('next_index').executeTakeFirstOrThrow()).next_index,
      );
    } finally {
      await store.close();
    }
    expect(next).toBeGreaterThan(maxAcked);
    const finalNote = await waitFor(
      async () => {
        const r = await fetch(`${second.url}/log/checkpoint`);
        const note = await r.text();
        return r.status === 200 && openCheckpoint(note, key).checkpoint.size >= next ? note : undefined;
      },
      20_000,
      'integration after the restart',
    );
    const final = openCheckpoint(finalNote, key).checkpoint;

    // Consistent with every checkpoint served before the kill.
    for (const { cp } of served.values()) {
      expect(cp.size).toBeLessThanOrEqual(final.size);
      if (cp.size === final.size) {
        expect(bytesEqual(cp.root, final.root)).toBe(true);
        continue;
      }
      const r = expectStatus(await pub.get(`/v1/log/consistency?from=${cp.size}&to=${final.size}`), 200);
      const proof = (r.body.proof as string[]).map(fromHex);
      expect(
        cp.size === 0 || verifyConsistency(cp.size, final.size, proof, cp.root, final.root),
        `consistency ${cp.size} → ${final.size}`,
      ).toBe(true);
    }

    // Every acknowledged write's entry is included in the final checkpoint.
    for (const a of acked) {
      const r = expectStatus(await pub.get(`/v1/log/entries/${a.log_index}`), 200);
      const cp = openCheckpoint(r.body.checkpoint, key).checkpoint;
      expect(cp.size).toBe(final.size);
      expect(bytesEqual(cp.root, final.root)).toBe(true);
      const entry = JSON.parse(r.body.entry) as { type: string; subject: Record<string, string> };
      expect(entry.type).toBe('incident.reported');
      expect(entry.subject.incident).toBe(a.id);
      const leaf = leafHash(utf8(r.body.entry));
      expect(
        verifyInclusion(leaf, a.log_index, final.size, (r.body.proof as string[]).map(fromHex), final.root),
        `inclusion of ${a.log_index}`,
      ).toBe(true);
    }

    // And the outside auditor agrees.
    const v = await runCli(['verify', '--url', second.url, '--key', key, '--state', join(dir, 'state.json')]);
    expect(v.code, `${v.stdout}\n${v.stderr}`).toBe(0);
    second.child.kill('SIGTERM');
    console.info(
      `[${dialect}] ${acked.length} acknowledged, ${cutOff} cut off; ${served.size} checkpoints served (largest ${maxServed}); final size ${final.size}`,
    );
  }, 90_000);
});
