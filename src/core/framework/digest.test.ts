import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { EXAMPLE_JSON, EXAMPLE_YAML, edit, MINIMAL } from '../../test-support/framework.js';
import { canonicalJson } from '../canonical-json.js';
import { parseFramework } from './load.js';

const EXAMPLE = parseFramework(EXAMPLE_YAML, { file: 'example.yaml' });

/** A small deterministic PRNG so that fast-check's seed decides every shuffle. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The same value with every mapping's keys in a random order (list order is meaning, so kept). */
function shuffleKeys(v: unknown, next: () => number): unknown {
  if (Array.isArray(v)) return v.map((x) => shuffleKeys(x, next));
  if (v === null || typeof v !== 'object') return v;
  const keys = Object.keys(v);
  for (let i = keys.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [keys[i], keys[j]] = [keys[j]!, keys[i]!];
  }
  return Object.fromEntries(keys.map((k) => [k, shuffleKeys((v as Record<string, unknown>)[k], next)]));
}

type Style = 'json-compact' | 'json-pretty' | 'yaml-block' | 'yaml-flow' | 'yaml-any';

function write(
  value: unknown,
  style: Style,
  o: { stringType: 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE'; indent: number; comments: number[] },
): string {
  if (style === 'json-compact') return JSON.stringify(value);
  if (style === 'json-pretty') return JSON.stringify(value, null, o.indent);
  const text = stringify(value, {
    version: '1.2',
    defaultStringType: o.stringType,
    defaultKeyType: o.stringType === 'QUOTE_SINGLE' ? 'QUOTE_SINGLE' : 'PLAIN',
    indent: o.indent,
    lineWidth: 0,
    collectionStyle: style === 'yaml-block' ? 'block' : style === 'yaml-flow' ? 'flow' : 'any',
  });
  if (style !== 'yaml-block') return `# a comment\n${text}`;
  // Full-line comments between lines, at the line's own indentation.
  const lines = text.split('\n');
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (o.comments.includes(i % 16) && line.trim() !== '') out.push(`${/^ */.exec(line)![0]}# comment ${i}`);
    out.push(line);
  });
  return out.join('\n');
}

describe('digest', () => {
  test('is sha256 of the canonical JSON of the document as written', () => {
    expect(EXAMPLE.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(canonicalJson(EXAMPLE.document)).toContain('"effective":"2026-07-01"');
    expect(canonicalJson(EXAMPLE.document).startsWith('{"domains":[')).toBe(true);
  });

  test('YAML and JSON forms of the same framework have the same digest', () => {
    expect(parseFramework(EXAMPLE_JSON, { file: 'example.json' }).digest).toBe(EXAMPLE.digest);
    expect(parseFramework(JSON.stringify(EXAMPLE.document)).digest).toBe(EXAMPLE.digest);
  });

  test('comments, quoting, flow vs block, key order and blank lines do not change it', () => {
    let t = EXAMPLE_YAML.replace(/\s+#.*$/gm, ''); // drop comments
    t = edit(t, 'title: Example Frontier Release Framework', "title: 'Example Frontier Release Framework'");
    t = edit(
      t,
      'publisher: Example Evaluation Body',
      'publisher: "Example Evaluation Body"  # who publishes',
    );
    t = edit(t, 'effective: 2026-07-01', 'effective: "2026-07-01"');
    t = edit(t, 'version: "2026.1"', "version: '2026.1'");
    t = edit(t, 'quorum: 2', 'quorum: 0x2');
    t = edit(t, 'greenlight: 1\nid: example-frontier\n', 'id: example-frontier\n\n\ngreenlight: +1\n');
    t = edit(
      t,
      '  - { metric: cyber.e2e_exploit_chain, above: 0.10 }',
      '  - above: 1.0e-1\n            metric: "cyber.e2e_exploit_chain"',
    );
    expect(t).not.toBe(EXAMPLE_YAML);
    expect(parseFramework(t).digest).toBe(EXAMPLE.digest);
  });

  test('defaults are not filled in: writing a default out is a different document', () => {
    const a = parseFramework(MINIMAL);
    const b = parseFramework(edit(MINIMAL, 'tiers:\n', 'statistics: { confidence: 0.95 }\ntiers:\n'));
    expect(b.statistics).toEqual(a.statistics);
    expect(b.digest).not.toBe(a.digest);
  });

  test('any change of content changes it', () => {
    expect(parseFramework(edit(EXAMPLE_YAML, 'above: 0.50', 'above: 0.51')).digest).not.toBe(EXAMPLE.digest);
    expect(parseFramework(edit(EXAMPLE_YAML, 'version: "2026.1"', 'version: "2026.10"')).digest).not.toBe(
      EXAMPLE.digest,
    );
  });

  test('property: random key order and formatting never change the digest', () => {
    const doc = EXAMPLE.document;
    fc.assert(
      fc.property(
        fc.integer(),
        fc.constantFrom<Style>('json-compact', 'json-pretty', 'yaml-block', 'yaml-flow', 'yaml-any'),
        fc.constantFrom('PLAIN' as const, 'QUOTE_DOUBLE' as const, 'QUOTE_SINGLE' as const),
        fc.integer({ min: 1, max: 8 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 15 }), { maxLength: 6 }),
        (seed, style, stringType, indent, comments) => {
          const text = write(shuffleKeys(doc, rng(seed)), style, { stringType, indent, comments });
          const f = parseFramework(text, { format: style.startsWith('json') ? 'json' : 'yaml' });
          expect(f.digest).toBe(EXAMPLE.digest);
        },
      ),
      { numRuns: 300 },
    );
  });
});
