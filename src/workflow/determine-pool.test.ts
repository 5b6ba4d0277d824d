// The pool runs the compiled worker, so these tests drive the built module (dist/), as a server process would.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { determineDocuments } from '../core/determination/index.js';
import type { GreenlightError } from '../core/errors.js';
import { parseFramework } from '../core/framework/index.js';
import { nodeSha256 } from '../node/sha256.js';
import type { DeterminePool } from './determine-pool.js';

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

  it('keeps a process alive while a determination is pending, and not after', () => {
    const script = `
      import { readFileSync } from 'node:fs';
      import { createDeterminePool } from ${JSON.stringify(join(ROOT, 'dist/workflow/determine-pool.js'))};
      import { parseFramework } from ${JSON.stringify(join(ROOT, 'dist/core/framework/index.js'))};
      const fw = parseFramework(readFileSync(${JSON.stringify(join(ROOT, 'examples/frameworks/example-frontier-2026.1.yaml'))}, 'utf8'));
      const text = readFileSync(${JSON.stringify(join(ROOT, 'examples/evidence/01-approve.json'))}, 'utf8');
      createDeterminePool(1).determine(fw, text, undefined).then((d) => console.log(d.outcome));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.error).toBeUndefined(); // no timeout: the idle pool let the process end
    expect(run.stdout.trim()).toBe('approve'); // and it was not ended before the answer
    expect(run.status).toBe(0);
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
