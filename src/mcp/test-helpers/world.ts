/** A real server (startServer, listening) on a fresh SQLite database, seeded over the API as an admin would. */
import { readFileSync } from 'node:fs';
import { type RunningServer, startServer } from '../../cli/commands/serve.js';
import { freshDatabase, type TestDatabase } from '../../store/test-helpers/databases.js';

export const ROOT = new URL('../../../', import.meta.url);
export const FRAMEWORK_FILE = new URL('examples/frameworks/example-frontier-2026.1.yaml', ROOT);
export const EVIDENCE_FILE = new URL('examples/evidence/01-approve.json', ROOT);
export const EVIDENCE = JSON.parse(readFileSync(EVIDENCE_FILE, 'utf8')) as {
  model: { id: string; version: string };
};
export const MODEL = EVIDENCE.model.id;
export const ORG = MODEL.split('/')[0]!;

export interface McpWorld {
  url: string;
  server: RunningServer;
  tokens: { admin: string; reviewer: string; reviewer2: string; developer: string };
  close(): Promise<void>;
}

export async function startWorld(): Promise<McpWorld> {
  const db: TestDatabase = freshDatabase('sqlite');
  const admin = `admin-${Math.random().toString(36).slice(2)}`;
  const server = await startServer({
    db: db.url,
    port: 0,
    bootstrapToken: admin,
    logger: false,
    sweepIntervalMs: 0,
  });
  const post = async (path: string, body: unknown, token = admin, type = 'application/json') => {
    const r = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const json = (await r.json()) as Record<string, unknown>;
    if (r.status >= 300) throw new Error(`${path}: ${r.status} ${JSON.stringify(json)}`);
    return json;
  };
  await post('/v1/frameworks', readFileSync(FRAMEWORK_FILE, 'utf8'), admin, 'application/yaml');
  await post('/v1/orgs', { id: ORG, name: 'Larkspur AI', jurisdiction: 'US', verified: true });
  const person = async (id: string, role: string, org?: string) =>
    (await post('/v1/people', { id, name: id, role, ...(org ? { org } : {}) })).token as string;
  const tokens = {
    admin,
    reviewer: await person('rev-1', 'reviewer'),
    reviewer2: await person('rev-2', 'reviewer'),
    developer: await person('dev-1', 'developer', ORG),
  };
  return {
    url: server.url,
    server,
    tokens,
    close: async () => {
      await server.close();
      await db.cleanup();
    },
  };
}
