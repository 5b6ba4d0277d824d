/** A seeded world for server tests: a framework, two organisations, one person per role, their tokens. */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../../store/db.js';
import { freshDatabase, type TestDatabase } from '../../store/test-helpers/databases.js';
import { createWorkflow, type Workflow } from '../../workflow/index.js';
import { type BuildServerOptions, buildServer } from '../app.js';

const root = new URL('../../../', import.meta.url);
export const FRAMEWORK_YAML = readFileSync(
  new URL('examples/frameworks/example-frontier-2026.1.yaml', root),
  'utf8',
);
export const FRAMEWORK_V2_YAML = readFileSync(
  new URL('examples/frameworks/example-frontier-2026.2.yaml', root),
  'utf8',
);
export const FRAMEWORK = { id: 'example-frontier', version: '2026.1' };
/** Evidence for larkspur-ai/atlas-3 that the framework approves. */
export const EVIDENCE = JSON.parse(
  readFileSync(new URL('examples/evidence/01-approve.json', root), 'utf8'),
) as {
  model: { id: string; version: string };
  evaluations: unknown[];
};
export const MODEL = EVIDENCE.model.id;
export const OWN_ORG = MODEL.split('/')[0]!;
export const OTHER_ORG = 'other-lab';

export type RoleName = 'admin' | 'reviewer' | 'reviewer2' | 'developer' | 'otherDeveloper' | 'auditor';

export interface World {
  db: TestDatabase;
  store: Store;
  workflow: Workflow;
  app: FastifyInstance;
  tokens: Record<RoleName, string>;
  close(): Promise<void>;
}

export async function seedWorld(
  dialect: 'sqlite' | 'postgres',
  options: Omit<BuildServerOptions, 'workflow' | 'store'> = {},
): Promise<World> {
  const db = freshDatabase(dialect);
  const store = await db.open();
  const workflow = createWorkflow(store);
  const system = { kind: 'system' } as const;
  await workflow.publishFramework(system, FRAMEWORK_YAML, 'yaml');
  await workflow.createOrg(system, { id: OWN_ORG, name: 'Larkspur AI', jurisdiction: 'US', verified: true });
  await workflow.createOrg(system, { id: OTHER_ORG, name: 'Other Lab', jurisdiction: 'FR', verified: false });
  const people: [RoleName, 'admin' | 'reviewer' | 'developer' | 'auditor', string | null][] = [
    ['admin', 'admin', null],
    ['reviewer', 'reviewer', null],
    ['reviewer2', 'reviewer', null],
    ['developer', 'developer', OWN_ORG],
    ['otherDeveloper', 'developer', OTHER_ORG],
    ['auditor', 'auditor', null],
  ];
  const tokens = {} as Record<RoleName, string>;
  for (const [name, role, org] of people) {
    const p = await workflow.createPerson(system, { id: name.toLowerCase(), name, role, org });
    tokens[name] = p.token;
  }
  const app = buildServer({ workflow, store, logger: false, ...options });
  await app.ready();
  return {
    db,
    store,
    workflow,
    app,
    tokens,
    close: async () => {
      await app.close();
      await store.close();
      await db.cleanup();
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A submission body for the own organisation's model (optionally another model version). */
export function submissionBody(version = EVIDENCE.model.version): Record<string, unknown> {
  return { framework: FRAMEWORK, evidence: { ...EVIDENCE, model: { ...EVIDENCE.model, version } } };
}

/** Every time field in an answer, recursively (keys ending in _at or _due, or named at / decision_due). */
export function timeFields(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) timeFields(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'string' && (k === 'at' || k.endsWith('_at') || k.endsWith('_due'))) out.push(v);
      else timeFields(v, out);
    }
  }
  return out;
}
