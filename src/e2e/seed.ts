/** Seeds a test database in-process (framework versions, organisations, people and their tokens) before servers start. */
import type { TestDatabase } from '../store/test-helpers/databases.js';
import { createWorkflow } from '../workflow/index.js';
import { DRILL_YAML, drillVariant } from './helpers.js';

export const ORG = 'larkspur-ai';
export const GRANTEES = Array.from({ length: 8 }, (_, i) => `grantee-${i + 1}`);
export const LAPSE = { id: 'e2e-lapse', version: '2026.1' };

export interface Seeded {
  tokens: Record<'dev' | 'rev1' | 'rev2' | 'rev3' | 'rev4', string>;
}

/** Opens (creating the PostgreSQL schema and migrating), seeds, closes. `lapseSeconds` is LAPSE's clock. */
export async function seedDatabase(db: TestDatabase, lapseSeconds: number): Promise<Seeded> {
  const store = await db.open();
  try {
    const wf = createWorkflow(store);
    const system = { kind: 'system' } as const;
    await wf.publishFramework(system, DRILL_YAML, 'yaml');
    await wf.publishFramework(system, drillVariant(LAPSE.id, lapseSeconds, 'deemed_approved'), 'yaml');
    await wf.createOrg(system, { id: ORG, name: 'Larkspur AI', jurisdiction: 'US', verified: true });
    for (const id of GRANTEES)
      await wf.createOrg(system, { id, name: id, jurisdiction: 'GB', verified: false });
    const tokens = {} as Seeded['tokens'];
    for (const id of ['rev1', 'rev2', 'rev3', 'rev4'] as const)
      tokens[id] = (await wf.createPerson(system, { id, name: id, role: 'reviewer', org: null })).token;
    tokens.dev = (
      await wf.createPerson(system, { id: 'dev', name: 'dev', role: 'developer', org: ORG })
    ).token;
    return { tokens };
  } finally {
    await store.close();
  }
}
