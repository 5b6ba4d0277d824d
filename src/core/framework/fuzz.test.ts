/**
 * Whatever the input, the loader returns a Framework or throws GreenlightError('invalid_framework') with
 * located problems: never another exception, never a partial framework.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { EXAMPLE_JSON, EXAMPLE_YAML, MINIMAL } from '../../test-support/framework.js';
import { digestOf } from '../digest.js';
import { GreenlightError } from '../errors.js';
import { parseFramework, validateFrameworkValue } from './load.js';
import type { Framework } from './types.js';

const FILE = 'fuzz.yaml';

/** The invariant: a complete framework, or an invalid_framework error whose every problem is located. */
function checkOutcome(run: () => Framework, file: string | undefined, located: boolean): 'ok' | 'rejected' {
  let f: Framework;
  try {
    f = run();
  } catch (e) {
    if (!(e instanceof GreenlightError)) throw new Error(`not a GreenlightError: ${String(e)}`);
    expect(e.code).toBe('invalid_framework');
    expect(e.problems.length).toBeGreaterThan(0);
    for (const p of e.problems) {
      expect(typeof p.path).toBe('string');
      expect(typeof p.message).toBe('string');
      expect(p.message.length).toBeGreaterThan(0);
      expect(p.file).toBe(file);
      if (located && !p.message.startsWith('... and ')) {
        expect(p.line, `unlocated: ${p.path} ${p.message}`).toBeGreaterThanOrEqual(1);
        expect(p.column, `unlocated: ${p.path} ${p.message}`).toBeGreaterThanOrEqual(1);
      }
    }
    return 'rejected';
  }
  // Never partial: every part is there and the digest is the document's.
  expect(typeof f.id).toBe('string');
  expect(f.tiers.length).toBeGreaterThan(0);
  expect(f.domains.length).toBeGreaterThan(0);
  for (const d of f.domains) for (const t of d.thresholds) expect(t.indicators.length).toBeGreaterThan(0);
  expect(typeof f.review.timezone).toBe('string');
  expect(f.digest).toBe(digestOf(f.document));
  return 'ok';
}

const checkText = (text: string, file: string | undefined = FILE) =>
  checkOutcome(() => parseFramework(text, file === undefined ? {} : { file }), file, true);

const TOKENS = [
  '&a ',
  '*a',
  '*b',
  '!!binary ',
  '!!timestamp ',
  '!local ',
  '!!str ',
  '{',
  '}',
  '[',
  ']',
  ':',
  ': ',
  '- ',
  ',',
  '\t',
  '"',
  "'",
  '#',
  '\n',
  '\r\n',
  '---\n',
  '...\n',
  '? ',
  '<<: ',
  '.nan',
  '.inf',
  '-.inf',
  'NaN',
  'Infinity',
  '1e400',
  '0x7fffffffffffffffff',
  '99999999999999999999',
  '~',
  'null',
  'yes',
  '\u0000',
  '\uFEFF',
  '\uD800',
  '%YAML 1.1\n',
  '%TAG ! tag:x,2000:\n',
  '|\n',
  '>-\n',
  '\\',
  '\\u12',
  '__proto__: 1\n',
  'constructor: ',
];

/** Garbage: arbitrary UTF-16 (lone surrogates included) or bytes read as Latin-1. */
const garbage = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.uint8Array({ maxLength: 40 }).map((b) => String.fromCharCode(...b)),
  fc.constantFrom(...TOKENS),
);

/** One textual mutation of `base`. */
function textMutation(base: string): fc.Arbitrary<string> {
  const pos = fc.nat({ max: base.length });
  return fc.oneof(
    pos.map((p) => base.slice(0, p)), // truncation
    fc.tuple(pos, garbage).map(([p, g]) => base.slice(0, p) + g + base.slice(p)), // insertion
    fc.tuple(pos, fc.nat({ max: 80 })).map(([p, n]) => base.slice(0, p) + base.slice(p + n)), // deletion
    fc.tuple(pos, fc.nat({ max: 12 }), garbage).map(([p, n, g]) => base.slice(0, p) + g + base.slice(p + n)),
    fc.tuple(fc.nat(), fc.nat()).map(([i, j]) => {
      // duplicate a line elsewhere (duplicate keys, broken indentation)
      const lines = base.split('\n');
      const line = lines[i % lines.length]!;
      lines.splice(j % lines.length, 0, line);
      return lines.join('\n');
    }),
  );
}

const mutatedText = (base: string) =>
  fc.integer({ min: 1, max: 4 }).chain((n) => {
    let arb: fc.Arbitrary<string> = fc.constant(base);
    for (let i = 0; i < n; i++) arb = arb.chain(textMutation);
    return arb;
  });

type Seg = string | number;

function paths(v: unknown, prefix: Seg[] = [], out: Seg[][] = []): Seg[][] {
  out.push(prefix);
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      paths(x, [...prefix, i], out);
    });
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  }
  return out;
}

const NASTY_VALUES: unknown[] = [
  'NaN',
  'Infinity',
  '-Infinity',
  '',
  ' ',
  'null',
  '1e400',
  '0x1F',
  '.nan',
  '~',
  'yes',
  '2026-02-30',
  '2026.10',
  'UTC',
  'partners',
  'any',
  NaN,
  Infinity,
  -Infinity,
  -0,
  0,
  1,
  -1,
  0.5,
  1e308,
  2 ** 53 + 2,
  1.5,
  true,
  false,
  null,
  [],
  {},
  [[]],
  { days: 1, hours: 1 },
  { business_days: 0 },
];

type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'set'; at: number; value: unknown }
  | { kind: 'key'; at: number; key: string; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.oneof(fc.constantFrom(...NASTY_VALUES), fc.jsonValue({ maxDepth: 3 })),
  }),
  fc.record({
    kind: fc.constant('key' as const),
    at: fc.nat(),
    key: fc.oneof(
      fc.constantFrom('__proto__', 'constructor', 'x', 'Title', 'above', 'below', 'id'),
      fc.string(),
    ),
    value: fc.constantFrom(...NASTY_VALUES),
  }),
);

function applyMutation(doc: unknown, m: Mutation): unknown {
  const all = paths(doc);
  const path = all[m.at % all.length]!;
  if (path.length === 0) return m.kind === 'set' ? m.value : doc;
  let parent = doc as Record<string | number, unknown>;
  for (const s of path.slice(0, -1)) parent = parent[s] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else if (m.kind === 'set') {
    parent[last] = structuredClone(m.value);
  } else {
    const target = parent[last];
    if (target !== null && typeof target === 'object' && !Array.isArray(target)) {
      Object.defineProperty(target, m.key, {
        value: m.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return doc;
}

describe('fuzz: the loader only returns a Framework or throws GreenlightError', () => {
  test('mutated YAML text (truncation, garbage, deletions, tokens, duplicated lines)', () => {
    let ok = 0;
    fc.assert(
      fc.property(mutatedText(EXAMPLE_YAML), (text) => {
        if (checkText(text) === 'ok') ok++;
      }),
      { numRuns: 2000 },
    );
    expect(ok).toBeGreaterThan(0); // some mutations (e.g. inside a title) keep it valid
  });

  test('mutated JSON text', () => {
    fc.assert(
      fc.property(mutatedText(EXAMPLE_JSON), (text) => {
        checkText(text, 'fuzz.json');
      }),
      { numRuns: 1500 },
    );
  });

  test('mutated minimal framework, format guessed from the content', () => {
    fc.assert(
      fc.property(mutatedText(MINIMAL), (text) => {
        checkText(text, undefined);
      }),
      { numRuns: 1000 },
    );
  });

  test('mutated documents (deleted keys, changed types, NaN-like strings) written as YAML or JSON', () => {
    const base = JSON.parse(EXAMPLE_JSON);
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (ms, asJson) => {
        let doc: unknown = structuredClone(base);
        for (const m of ms) doc = applyMutation(doc, m);
        const text = asJson ? JSON.stringify(doc) : stringify(doc, { version: '1.2' });
        if (text === undefined) return;
        checkText(text, asJson ? 'fuzz.json' : FILE);
        checkOutcome(() => validateFrameworkValue(doc, undefined, 'value'), 'value', false);
      }),
      { numRuns: 2000 },
    );
  });

  test('arbitrary strings and bytes', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc
            .array(fc.constantFrom(...TOKENS, 'a', 'b: ', '1', ' ', '  '), { maxLength: 60 })
            .map((a) => a.join('')),
        ),
        fc.constantFrom('x.yaml', 'x.json', undefined),
        (text, file) => {
          checkText(text, file);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('arbitrary JS values', () => {
    fc.assert(
      fc.property(
        fc.anything({ maxDepth: 4, withMap: true, withSet: true, withDate: true, withTypedArray: true }),
        (v) => {
          checkOutcome(() => validateFrameworkValue(v), undefined, false);
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('a non-string argument is still a GreenlightError', () => {
    for (const v of [undefined, null, 42, {}, new Uint8Array(3)]) {
      checkOutcome(() => parseFramework(v as unknown as string, { file: 'x' }), 'x', false);
    }
  });
});
