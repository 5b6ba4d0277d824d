import type { HasherFactory } from '../digest.js';
import { mergeEvidence } from '../evidence/merge.js';
import { validateEvidence } from '../evidence/validate.js';
import type { Framework } from '../framework/types.js';
import { determine } from './determine.js';
import type { Determination } from './types.js';

export const DETERMINE_STEPS = [
  'validate evidence',
  'merge',
  'summarize',
  'evaluate',
  'outcome',
  'digests',
] as const;

export interface EvidenceInput {
  /** The parsed JSON value as written. */
  value: unknown;
  file?: string;
}

/**
 * The orchestration every front end shares: validate each evidence document → merge them into one native
 * document (one file is used as it is) → determine.
 */
export function determineDocuments(
  framework: Framework,
  inputs: readonly EvidenceInput[],
  tier?: string,
  hasher?: HasherFactory,
): Determination {
  const docs = inputs.map((i) => validateEvidence(i.value, i.file));
  const merged = mergeEvidence(
    docs,
    inputs.map((i, n) => i.file ?? `evidence #${n + 1}`),
  );
  const evidenceValue = inputs.length === 1 ? inputs[0]!.value : merged;
  return determine(framework, merged, tier === undefined ? {} : { tier }, {
    evidenceValue,
    ...(hasher ? { hasher } : {}),
  });
}
