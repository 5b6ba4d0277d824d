// The pool runs the compiled worker, so these tests drive the built module (dist/), as a server process would.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { determineDocuments } from '../core/determination/index.js';
import type { GreenlightError } from '../core/errors.js';
import { parseFramework } from '../core/framework/index.js';
import { nodeSha256 } from '../node/sha256.js';
import { type DeterminePool, poolSize } from './determine-pool.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FRAMEWORK = parseFramework(
  readFileSync(join(ROOT, 'examples/frameworks/example-frontier-2026.1.yaml'), 'utf8'),
);
const EVIDENCE = ['01-approve', '02-approve-restricted', '03-safeguards-missing', '04-more-evidence'].map(
  (name) => readFileSync(join(ROOT, `examples/evidence/${name}.json`), 'utf8'),
);

let createDeterminePool: (size?: number) => DeterminePool | null;
let pool: DeterminePool;

beforeAll(async () => {
  const built = join(ROOT, 'dist/workflow/determine-pool.js');
  if (!existsSync(built)) throw new Error('dist/ is missing: run `npm run build` before these tests');
  for (const f of ['determine-pool', 'determine-worker'])
    if (
      statSync(join(ROOT, `dist/workflow/${f}.js`)).mtimeMs <
      statSync(join(ROOT, `src/workflow/${f}.ts`)).mtimeMs
    )
      throw new Error('dist/ is older than src/: run `npm run build` first');
  ({ createDeterminePool } = await import(built));
  const p = createDeterminePool(2);
  if (p === null) throw new Error('the built pool found no worker');
  pool = p;
});

afterAll(async () => {
  await pool?.close();
});

describe('determination worker pool', () => {
  it('has GREENLIGHT_DETERMINE_WORKERS workers (0: none), else one per core but one, 1 to 4', () => {
    expect(poolSize({ GREENLIGHT_DETERMINE_WORKERS: '3' })).toBe(3);
    expect(poolSize({ GREENLIGHT_DETERMINE_WORKERS: '0' })).toBe(0);
    const byDefault = poolSize({ GREENLIGHT_DETERMINE_WORKERS: 'many' });
    expect(byDefault).toBe(Math.max(1, Math.min(4, availableParallelism() - 1)));
  });

  it('gives the core’s determination byte for byte, many at once on two workers', async () => {
    const asked = Array.from({ length: 12 }, (_, i) => EVIDENCE[i % EVIDENCE.length]!);
    const got = await Promise.all(asked.map((text) => pool.determine(FRAMEWORK, text, undefined)));
    got.forEach((d, i) => {
      const inline = determineDocuments(FRAMEWORK, [{ value: JSON.parse(asked[i]!) }], undefined, nodeSha256);
      expect(JSON.stringify(d)).toBe(JSON.stringify(inline));
    });
    const restricted = await pool.determine(FRAMEWORK, EVIDENCE[0]!, 'internal');
    expect(restricted.requested_tier).toBe('internal');
  });

  it('rejects invalid evidence and tiers with the core’s error and problems', async () => {
    const bad = JSON.stringify({ greenlight: 1, model: { id: 'x' }, evaluations: 'no' });
    const inline = (() => {
      try {
        determineDocuments(FRAMEWORK, [{ value: JSON.parse(bad) }], undefined, nodeSha256);
      } catch (e) {
        return e as GreenlightError;
      }
      throw new Error('expected the core to refuse');
    })();
    const pooled = await pool.determine(FRAMEWORK, bad, undefined).then(
      () => {
        throw new Error('expected the pool to refuse');
      },
      (e: unknown) => e,
    );
    // dist/'s GreenlightError (the class the built workflow checks), not this test's copy from src/
    expect((pooled as Error).name).toBe('GreenlightError');
    expect((pooled as GreenlightError).code).toBe(inline.code);
    expect((pooled as GreenlightError).problems).toEqual(inline.problems);
    await expect(pool.determine(FRAMEWORK, EVIDENCE[0]!, 'no-such-tier')).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });

  it('keeps a process alive while a determination is pending, and not after; no worker: inline', () => {
    const script = `
      import { readFileSync } from 'node:fs';
      import { createDeterminePool } from ${JSON.stringify(join(ROOT, 'dist/workflow/determine-pool.js'))};
      import { parseFramework } from ${JSON.stringify(join(ROOT, 'dist/core/framework/index.js'))};
      const fw = parseFramework(readFileSync(${JSON.stringify(join(ROOT, 'examples/frameworks/example-frontier-2026.1.yaml'))}, 'utf8'));
      const text = readFileSync(${JSON.stringify(join(ROOT, 'examples/evidence/01-approve.json'))}, 'utf8');
      createDeterminePool(1).determine(fw, text, undefined).then((d) => console.log(d.outcome));`;
    const run = (...flags: string[]) =>
      spawnSync(process.execPath, [...flags, '--input-type=module', '-e', script], {
        encoding: 'utf8',
        timeout: 20_000,
      });
    const pooled = run();
    expect(pooled.error).toBeUndefined(); // no timeout: the idle pool let the process end
    expect(pooled.stdout.trim()).toBe('approve'); // and it was not ended before the answer
    expect(pooled.status).toBe(0);
    // A process flag no worker accepts (new Worker throws ERR_WORKER_INVALID_EXEC_ARGV): determined inline.
    const inline = run('--title=greenlight-pool-test');
    expect(inline.stderr).toBe('');
    expect(inline.stdout.trim()).toBe('approve');
    expect(inline.status).toBe(0);
  });

  it('fails only the determinations of a worker that stops, and starts a new one', async () => {
    const inFlight = pool.determine(FRAMEWORK, EVIDENCE[1]!, undefined);
    const refused = expect(inFlight).rejects.toThrow(/worker stopped/); // handled before it can reject
    await pool.close(); // stops every worker under the pending determination
    await refused;
    const again = await pool.determine(FRAMEWORK, EVIDENCE[1]!, undefined);
    expect(again.outcome).toBe('approve_restricted');
  });
});
