/** A stand-in workflow for server tests that need no database: tokens map to people; methods are overridable. */
import { type Person, ServiceError } from '../../workflow/types.js';
import type { ServerWorkflow } from '../workflow-port.js';

export const STUB_PEOPLE: Record<string, Person> = {
  'admin-token': { id: 'ada', name: 'Ada', role: 'admin', org: null, active: true },
  'reviewer-token': { id: 'rex', name: 'Rex', role: 'reviewer', org: null, active: true },
  'dev-token': { id: 'dee', name: 'Dee', role: 'developer', org: 'acme', active: true },
  'auditor-token': { id: 'aud', name: 'Aud', role: 'auditor', org: null, active: true },
};

const OPTIONAL = new Set(['readStamp']);

export function stubWorkflow(overrides: Partial<ServerWorkflow> = {}): ServerWorkflow {
  const base: Partial<ServerWorkflow> = {
    authenticate: async (secret) => {
      const p = STUB_PEOPLE[secret];
      if (!p) throw new ServiceError('unauthorized', 'bad token');
      return p;
    },
  };
  return new Proxy({ ...base, ...overrides } as ServerWorkflow, {
    get(target, prop) {
      const v = Reflect.get(target, prop);
      // Optional members stay absent unless a test gives them.
      if (v !== undefined || typeof prop !== 'string' || OPTIONAL.has(prop)) return v;
      return async () => {
        throw new ServiceError('not_found', 'not found');
      };
    },
  });
}
