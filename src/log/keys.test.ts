import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Store } from '../store/db.js';
import { describeOnEachDatabase, freshDatabase, type TestDatabase } from '../store/test-helpers/databases.js';
import { exportLogKey, importLogKey, loadOrCreateLogIdentity, originFromPublicUrl } from './keys.js';

describeOnEachDatabase('log keys', (dialect) => {
  let a: TestDatabase;
  let b: TestDatabase;
  let sa: Store;
  let sb: Store;
  let dir: string;
  beforeEach(async () => {
    a = freshDatabase(dialect);
    b = freshDatabase(dialect);
    sa = await a.open();
    sb = await b.open();
    dir = mkdtempSync(join(tmpdir(), 'greenlight-keys-'));
  });
  afterEach(async () => {
    await sa.close();
    await sb.close();
    await a.cleanup();
    await b.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports (mode 0600) and imports the signer key; a different key is refused', async () => {
    const id = await loadOrCreateLogIdentity(sa, { origin: 'keys.example/log' });
    const file = join(dir, 'key');
    await exportLogKey(sa, file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const imported = await importLogKey(sb, file);
    expect(imported.verifierKey).toBe(id.verifierKey);
    expect((await loadOrCreateLogIdentity(sb)).origin).toBe('keys.example/log');
    expect((await importLogKey(sb, file)).verifierKey).toBe(id.verifierKey);
    const c = freshDatabase(dialect);
    const sc = await c.open();
    try {
      await loadOrCreateLogIdentity(sc, { origin: 'keys.example/log' });
      await expect(importLogKey(sc, file)).rejects.toThrow(/different log key/);
    } finally {
      await sc.close();
      await c.cleanup();
    }
  });

  it('derives the origin from the public URL', () => {
    expect(originFromPublicUrl('https://greenlight.example.org')).toBe('greenlight.example.org/log');
    expect(originFromPublicUrl('http://h.example:8080/gl/')).toBe('h.example:8080/gl/log');
  });
});
