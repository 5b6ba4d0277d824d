import { GreenlightError } from '../errors.js';
import { sortedDistinct } from './summarize.js';
import type { Evidence } from './types.js';

/**
 * Several evidence files → one native document (determination.md §6): the single model, the sorted distinct
 * union of safeguards, evaluations concatenated in file order. One file is used as it is.
 */
export function mergeEvidence(docs: readonly Evidence[], files: readonly string[] = []): Evidence {
  if (docs.length === 0) throw new GreenlightError('invalid_input', 'no evidence given');
  if (docs.length === 1) return docs[0]!;
  const first = docs[0]!.model;
  docs.forEach((d, i) => {
    if (d.model.id !== first.id || d.model.version !== first.version) {
      const where = files[i] ?? `evidence #${i + 1}`;
      throw new GreenlightError('invalid_evidence', 'evidence files name different models', [
        {
          ...(files[i] !== undefined ? { file: where } : {}),
          path: 'model',
          message: `names ${d.model.id}@${d.model.version}, but ${files[0] ?? 'the first evidence'} names ${first.id}@${first.version}: all evidence must be for one model version`,
        },
      ]);
    }
  });
  return {
    greenlight: 1,
    model: { id: first.id, version: first.version },
    safeguards: sortedDistinct(docs.flatMap((d) => d.safeguards ?? [])),
    evaluations: docs.flatMap((d) => d.evaluations),
  };
}
