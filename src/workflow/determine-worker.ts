// Computes determinations off the server's event loop (./determine-pool.ts): evidence arrives as JSON text,
// frameworks as their documents, once per worker.
import { parentPort } from 'node:worker_threads';
import { isGreenlightError } from '../core/errors.js';
import { validateFrameworkValue } from '../core/framework/index.js';
import type { Framework } from '../core/framework/types.js';
import { determineText, type PoolAnswer, type PoolRequest } from './determine-pool.js';

const frameworks = new Map<string, Framework>();

parentPort!.on('message', (m: PoolRequest) => {
  let answer: PoolAnswer;
  try {
    let fw = frameworks.get(m.framework.digest);
    if (fw === undefined) {
      if (m.framework.document === undefined) throw new Error(`framework ${m.framework.digest} not sent`);
      fw = validateFrameworkValue(m.framework.document);
      frameworks.set(m.framework.digest, fw);
    }
    const determination = determineText(fw, m.evidence, m.tier);
    answer = { id: m.id, ok: true, determination };
  } catch (e) {
    answer = isGreenlightError(e)
      ? { id: m.id, ok: false, code: e.code, message: e.message, problems: e.problems }
      : {
          id: m.id,
          ok: false,
          code: 'internal',
          message: e instanceof Error ? e.message : String(e),
          problems: [],
        };
  }
  parentPort!.postMessage(answer);
});
