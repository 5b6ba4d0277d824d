import { GreenlightError } from '../errors.js';
import type { Evidence } from './types.js';
import { validateEvidence } from './validate.js';

/** Evidence JSON text → validated evidence plus the value as written (what `evidence_digest` commits to). */
export function parseEvidenceJson(text: string, file?: string): { evidence: Evidence; value: unknown } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new GreenlightError('invalid_evidence', `not valid JSON: ${detail}`, [
      { ...(file !== undefined ? { file } : {}), path: '', message: `not valid JSON (${detail})` },
    ]);
  }
  return { evidence: validateEvidence(value, file), value };
}
