/** Output numbers are rounded to 12 significant digits, as ECMAScript's Number(x.toPrecision(12)). */
export function round12(x: number): number {
  if (Number.isInteger(x) || !Number.isFinite(x)) return x;
  return Number(x.toPrecision(12));
}

/** Rounds every non-integer number inside a JSON value (for copied provenance). */
export function deepRound<T>(v: T): T {
  if (typeof v === 'number') return round12(v) as T;
  if (Array.isArray(v)) return v.map(deepRound) as T;
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = deepRound(x);
    return out as T;
  }
  return v;
}

/** An interval bound for output: rounded, or null when infinite. */
export function bound(x: number): number | null {
  return Number.isFinite(x) ? round12(x) : null;
}
