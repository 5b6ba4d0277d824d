import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, writeCanonical } from './canonical-json.js';
import { digestOf, sha256Hex } from './digest.js';
import { GreenlightError } from './errors.js';

function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe('RFC 8785 canonical JSON', () => {
  it('matches the RFC 8785 §3.2.3 example (whitespace, numbers, strings, literals)', () => {
    const input =
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
      '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}';
    expect(canonicalJson(JSON.parse(input))).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3 sorting example)', () => {
    const obj = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // RFC 8785 §3.2.3: the expected property order.
    const order = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'];
    const expected = `{${order.map((k) => `${JSON.stringify(k)}:${JSON.stringify(obj[k as keyof typeof obj])}`).join(',')}}`;
    expect(canonicalJson(obj)).toBe(expected);
  });

  it('serializes numbers as in RFC 8785 Appendix B', () => {
    const vectors: [string, string][] = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['41b3de4355555555', '333333333.3333333'],
    ];
    for (const [bits, text] of vectors) expect(canonicalJson(fromBits(bits))).toBe(text);
  });

  it('refuses values that are not JSON', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(GreenlightError);
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).toThrow(GreenlightError);
    expect(() => canonicalJson({ a: () => 1 })).toThrow(GreenlightError);
  });

  it('agrees with the canonicalize package on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(canonicalJson(v)).toBe(canonicalize(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with canonicalize on wide objects, unicode and integer-like keys, sorted or not', () => {
    const key = fc.oneof(fc.string({ unit: 'binary', maxLength: 4 }), fc.nat(200).map(String));
    const wide = fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 40 });
    fc.assert(
      fc.property(fc.array(wide, { maxLength: 3 }), (objects) => {
        for (const o of objects) {
          expect(canonicalJson(o)).toBe(canonicalize(o));
          // Inserted in sorted order: the already-canonical fast path, unless integer-like keys reorder it.
          const sorted = Object.fromEntries(
            Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
          );
          expect(canonicalJson(sorted)).toBe(canonicalize(sorted));
        }
        expect(canonicalJson(objects)).toBe(canonicalize(objects));
      }),
      { numRuns: 1000 },
    );
  });

  it('streams the same bytes in chunks as in one piece', () => {
    const big = {
      samples: Array.from({ length: 20000 }, (_, i) => ({ value: i % 2, id: `s${i}`, epoch: 1 })),
    };
    const pieces: string[] = [];
    writeCanonical(big, (p) => pieces.push(p));
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(canonicalize(big));
    expect(digestOf(big)).toBe(`sha256:${sha256Hex(canonicalize(big)!)}`);
  });

  it('hashes with SHA-256 (FIPS 180-2 vector)', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
