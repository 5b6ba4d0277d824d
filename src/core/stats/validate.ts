import { GreenlightError } from '../errors.js';

// Arguments reach this module after evidence and framework validation; anything out of domain here is a bug
// upstream, so it fails loudly rather than producing NaN bounds.

export function fail(message: string): never {
  throw new GreenlightError('internal', message);
}

export function requireFinite(name: string, x: number): void {
  if (!Number.isFinite(x)) fail(`${name} must be a finite number, got ${x}`);
}

export function requireCount(name: string, x: number, min: number): void {
  if (!(Number.isSafeInteger(x) && x >= min)) fail(`${name} must be an integer ≥ ${min}, got ${x}`);
}
