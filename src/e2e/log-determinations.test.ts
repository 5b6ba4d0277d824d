/**
 * `greenlight verify --determinations` against a real server over the demo history (`seedDemo`: real
 * determinations, re-reviews, evidence added later): every published determination is recomputed from the
 * published framework and evidence summary; a tampered stored determination is named by its submission.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../cli/commands/serve.js';
import { seedDemo } from '../demo/seed.js';
import { ensureBuilt, runCli } from '../server/test-helpers/cli-process.js';
import type { Store } from '../store/db.js';
import { freshDatabase, type TestDatabase } from '../store/test-helpers/databases.js';
import { waitFor } from './helpers.js';

beforeAll(() => ensureBuilt(), 180_000);

async function integrated(store: Store): Promise<boolean> {
  const next = await store.db.selectFrom('log_state').select('next_index').executeTakeFirstOrThrow();
  const cp = await store.db
    .selectFrom('log_checkpoints')
    .select('size')
    .orderBy('size', 'desc')
    .limit(1)
    .executeTakeFirst();
  return cp !== undefined && Number(cp.size) === Number(next.next_index);
}

describe('e2e: greenlight verify --determinations over the demo history', () => {
  let db: TestDatabase;
  let store: Store;
  let server: Awaited<ReturnType<typeof startServer>>;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'greenlight-verify-det-'));
    db = freshDatabase('sqlite');
    store = await db.open();
    const seeded = await seedDemo(store, { now: new Date('2026-03-01T12:00:00Z') });
    expect(seeded.status).toBe('seeded');
    server = await startServer({ store, port: 0, logger: false, sweepIntervalMs: 0, access: false });
    await waitFor(() => integrated(store), 20_000, 'the demo log to be integrated');
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await store?.close();
    await db?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('recomputes every published determination (exit 0), then names a tampered one (exit 1)', async () => {
    const entries = await store.db
      .selectFrom('events')
      .select(['submission_id'])
      .where('type', '=', 'determination.computed')
      .execute();
    expect(entries.length).toBeGreaterThan(5);

    const state = join(dir, 'state.json');
    const ok = await runCli(['verify', '--url', server.url, '--state', state, '--determinations']);
    expect(ok.code, `${ok.stdout}\n${ok.stderr}`).toBe(0);
    const m = /ok: (\d+) determination\(s\) recomputed and matched/.exec(ok.stdout);
    expect(m, ok.stdout).not.toBeNull();
    const recomputed = Number(m![1]);
    expect(recomputed).toBeGreaterThan(0);
    // Every determination entry is either recomputed or, when superseded (evidence added later), reported.
    const earlier = ok.stdout.match(/is an earlier determination/g)?.length ?? 0;
    expect(recomputed + earlier).toBe(entries.length);
    console.info(
      `verify --determinations: ${recomputed} recomputed, ${earlier} superseded, of ${entries.length} entries`,
    );

    // Tamper: the stored determination document of one submission gets another evidence summary (a safeguard
    // attested that was not) under the same published digest.
    const victim = await store.db
      .selectFrom('submissions')
      .select(['id', 'determination'])
      .where('kind', '=', 'submission')
      .orderBy('received_at')
      .limit(1)
      .executeTakeFirstOrThrow();
    const doc = JSON.parse(victim.determination) as { requested_tier: string; evidence_summary: unknown };
    const summary = JSON.parse(JSON.stringify(doc.evidence_summary)) as { safeguards?: string[] };
    summary.safeguards = [...(summary.safeguards ?? []), 'tampered-safeguard'];
    await store.db
      .updateTable('submissions')
      .set({ determination: JSON.stringify({ ...doc, evidence_summary: summary }) })
      .where('id', '=', victim.id)
      .execute();
    // A fresh server: the running one may cache submission views.
    await server.close();
    server = await startServer({ store, port: 0, logger: false, sweepIntervalMs: 0, access: false });
    const bad = await runCli(['verify', '--url', server.url, '--state', state, '--determinations']);
    expect(bad.code, `${bad.stdout}\n${bad.stderr}`).toBe(1);
    expect(bad.stdout).toContain(`determination mismatch for submission ${victim.id}`);

    // Tamper: another submission's stored determination digest (the API then serves one the log never had).
    const other = await store.db
      .selectFrom('submissions')
      .select(['id', 'determination'])
      .where('id', '!=', victim.id)
      .orderBy('received_at', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    const forged = { ...JSON.parse(other.determination), digest: `sha256:${'0'.repeat(64)}` };
    await store.db
      .updateTable('submissions')
      .set({ determination: JSON.stringify(forged), determination_digest: forged.digest })
      .where('id', '=', other.id)
      .execute();
    await server.close();
    server = await startServer({ store, port: 0, logger: false, sweepIntervalMs: 0, access: false });
    const forgedRun = await runCli(['verify', '--url', server.url, '--state', state, '--determinations']);
    expect(forgedRun.code, `${forgedRun.stdout}\n${forgedRun.stderr}`).toBe(1);
    expect(forgedRun.stdout).toContain(`determination mismatch for submission ${other.id}`);
  }, 90_000);
});
