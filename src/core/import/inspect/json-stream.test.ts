import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { GreenlightError } from '../../errors.js';
import { ALL, arr, JsonStreamParser, obj, type Sel, SKIP } from './json-stream.js';
import { caught } from './test-helpers/fixtures.js';

const enc = new TextEncoder();

/** Parses `text` fed in pieces cut at `cuts` (byte offsets). */
function parse(text: string | Uint8Array, sel: Sel = ALL, cuts: number[] = [], maxDepth = 1000): unknown {
  const bytes = typeof text === 'string' ? enc.encode(text) : text;
  const p = new JsonStreamParser(sel, { where: 'test.json', maxDepth });
  let prev = 0;
  for (const c of [...cuts.filter((x) => x > 0 && x < bytes.length)].sort((a, b) => a - b)) {
    p.push(bytes.subarray(prev, c));
    prev = c;
  }
  p.push(bytes.subarray(prev));
  return p.finish();
}

/** Plain JSON text of a value (null-prototype objects included). */
const plain = (v: unknown) => JSON.stringify(v);

describe('JsonStreamParser', () => {
  test('builds the same value as JSON.parse, however the input is cut', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 6 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.boolean(),
        (value, cuts, pretty) => {
          const text = JSON.stringify(value, null, pretty ? 2 : undefined);
          const bytes = enc.encode(text);
          const at = cuts.map((c) => c % (bytes.length + 1));
          expect(plain(parse(bytes, ALL, at))).toBe(plain(JSON.parse(text)));
        },
      ),
      { numRuns: 600 },
    );
  });

  test('every cut of strings full of escapes, quotes and backslashes, built or skipped', () => {
    const tricky = fc.string({ unit: fc.constantFrom('\\', '"', 'a', 'é', '\n', '\u2028', '😀', 'u') });
    fc.assert(
      fc.property(tricky, tricky, (a, b) => {
        const text = JSON.stringify({ skip: [a, { k: a }], keep: b, after: 1 });
        const bytes = enc.encode(text);
        const sel = obj({ keep: ALL, after: ALL });
        for (let cut = 0; cut <= bytes.length; cut++) {
          expect(plain(parse(bytes, sel, [cut]))).toBe(plain({ keep: b, after: 1 }));
          expect(plain(parse(bytes, ALL, [cut, cut + 1]))).toBe(text);
        }
      }),
      { numRuns: 60 },
    );
  });

  test('builds only what the selector asks for, and streams array items', () => {
    const doc = {
      version: 2,
      eval: { task: 't', big: { deep: [1, 2, { x: 'y' }] } },
      samples: [
        {
          id: 1,
          epoch: 1,
          messages: [{ content: 'long '.repeat(100) }],
          scores: { m: { value: 'C', explanation: 'e' } },
        },
        { id: 'b', epoch: 2, scores: { m: { value: 0.5 } } },
        7,
      ],
      tail: true,
    };
    const items: unknown[] = [];
    const sel = obj({
      eval: obj({ task: ALL }),
      samples: arr(obj({ id: ALL, scores: obj({}, obj({ value: ALL })) }), (v) => items.push(v)),
    });
    const root = parse(JSON.stringify(doc), sel) as Record<string, unknown>;
    expect(plain(root)).toBe(plain({ eval: { task: 't' }, samples: [] }));
    expect(plain(items)).toBe(
      plain([{ id: 1, scores: { m: { value: 'C' } } }, { id: 'b', scores: { m: { value: 0.5 } } }, 7]),
    );
  });

  test('keeps the place of skipped array items; a container of the wrong type builds empty', () => {
    expect(parse('[1, {"a": 2}, [3]]', arr(SKIP))).toEqual([undefined, undefined, undefined]);
    expect(plain(parse('{"a": [1, 2], "b": {"c": 1}}', obj({ a: obj({ x: ALL }), b: arr(ALL) })))).toBe(
      '{"a":[],"b":{}}',
    );
  });

  test('resolves lazy selectors when the key is met', () => {
    let want = false;
    const sel = obj({ first: ALL, later: () => (want ? ALL : SKIP) });
    expect(plain(parse('{"later": [1], "first": 1}', sel))).toBe('{"first":1}');
    want = true;
    expect(plain(parse('{"later": [1], "first": 1}', sel))).toBe('{"later":[1],"first":1}');
  });

  test('accepts NaN, Infinity and -Infinity, also across chunk boundaries', () => {
    const text = '{"a": NaN, "b": [Infinity, -Infinity, -1.5e3], "c": -0}';
    for (let cut = 0; cut <= text.length; cut++) {
      const v = parse(text, ALL, [cut]) as { a: number; b: number[]; c: number };
      expect(v.a).toBeNaN();
      expect(v.b).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1500]);
      expect(Object.is(v.c, -0)).toBe(true);
    }
    // Skipped, they are still checked.
    expect(plain(parse('{"x": [NaN, -Infinity], "y": 1}', obj({ y: ALL })))).toBe('{"y":1}');
  });

  test('handles a leading byte-order mark and surrounding whitespace', () => {
    expect(parse(new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode(' \n{"a":1}\r\n\t')]))).toEqual({ a: 1 });
  });

  test('refuses nesting deeper than maxDepth quickly, built or skipped (depth 100,000)', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const t0 = performance.now();
    for (const sel of [ALL, SKIP] as Sel[]) {
      const e = caught(() => parse(deep, sel));
      expect(e.code).toBe('invalid_input');
      expect(e.message).toBe('test.json: invalid JSON: nesting deeper than 1000 levels at byte 1000');
    }
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(parse(`${'['.repeat(999)}${']'.repeat(999)}`, SKIP)).toBeUndefined();
  });

  test.each([
    ['', 'empty input'],
    ['{"a": 1', 'truncated'],
    ['{"a": "x', 'truncated'],
    ['{"a": 1}}', 'unexpected data after the end of the document'],
    ['{"a" 1}', "expected ':'"],
    ['{"a": 1,}', 'expected a member name'],
    ['[1 2]', "expected ',' or ']'"],
    ['{"a": [1}', "expected ',' or ']'"],
    ['[01]', "invalid token '01'"],
    ['[1.]', "invalid token '1.'"],
    ['[-]', "invalid token '-'"],
    ['[nan]', "invalid token 'nan'"],
    ['[tru]', "invalid token 'tru'"],
    ['[+1]', "invalid token '+1'"],
    ['[@]', 'expected a value'],
    ['{1: 2}', 'expected a member name'],
    ['["a\\x"]', 'invalid escape sequence'],
    ['["a\u0001"]', 'control character'],
  ])('rejects %j (%s) with one clear line', (text, why) => {
    for (const sel of [ALL, SKIP] as Sel[]) {
      // Skipped strings are not checked for escapes and control characters.
      if (sel === SKIP && (why.includes('escape') || why.includes('control'))) continue;
      const e = caught(() => parse(text, sel));
      expect(e.code).toBe('invalid_input');
      expect(e.message).toContain(why);
      expect(e.message.startsWith('test.json: invalid JSON: ')).toBe(true);
      expect(e.message).not.toContain('\n');
    }
  });

  test('requireObject refuses another top level at once', () => {
    const p = new JsonStreamParser(ALL, { where: 'x.json', maxDepth: 10, requireObject: true });
    const e = caught(() => p.push(enc.encode('[1,2,3')));
    expect(e.message).toBe(
      "x.json: invalid JSON: expected a JSON object at the top level, got '[' at byte 0",
    );
  });

  test('limits built strings, not skipped ones', () => {
    const big = `{"skip": "${'x'.repeat(5000)}", "keep": "${'y'.repeat(5000)}"}`;
    const p = () =>
      new JsonStreamParser(obj({ keep: ALL }), { where: 'x', maxDepth: 10, maxStringBytes: 4096 });
    const whole = p();
    const e = caught(() => whole.push(enc.encode(big)));
    expect(e.code).toBe('too_large');
    const bytes = enc.encode(big);
    const chunked = p();
    const e2 = caught(() => {
      for (let i = 0; i < bytes.length; i += 100) chunked.push(bytes.subarray(i, i + 100));
    });
    expect(e2.code).toBe('too_large');
    const skipOnly = new JsonStreamParser(obj({}), { where: 'x', maxDepth: 10, maxStringBytes: 4096 });
    skipOnly.push(bytes);
    expect(plain(skipOnly.finish())).toBe('{}');
  });

  test('only GreenlightError escapes on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), (bytes, cut) => {
        try {
          parse(bytes, ALL, [cut % (bytes.length + 1)], 20);
        } catch (e) {
          expect(e).toBeInstanceOf(GreenlightError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
