/** Hostile and broken input: only a GreenlightError may come out, with bounded time and memory. */
import { readFileSync } from 'node:fs';
import { deflateRawSync, inflateRawSync, crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { GreenlightError } from '../../errors.js';
import { crc32 as ourCrc32 } from './crc32.js';
import { createInspectJsonImporter, importInspectEval } from './index.js';
import { caught, FIXTURES, importAny, importJson, options } from './test-helpers/fixtures.js';
import { evalLog, header, jsonText, sample } from './test-helpers/synthetic.js';
import { buildZip, crc32, readRawMembers, rebuildZip } from './test-helpers/zip-writer.js';
import { ZipReader } from './zip.js';

/** A fixture's bytes, from ../shared beside the repository. */
function fixture(name: string): Uint8Array {
  return new Uint8Array(
    readFileSync(new URL(`../../../../../shared/fixtures/inspect/${name}`, import.meta.url)),
  );
}

const LIMITS = { maxEntries: 100_000, maxDecompressedBytes: 4 * 1024 ** 3 };

/** Runs `f`; anything thrown must be a GreenlightError. */
function onlyGreenlight(f: () => unknown): GreenlightError | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    if (!(e instanceof GreenlightError))
      throw new Error(`non-Greenlight error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    expect(e.message).not.toContain('\n');
    return e;
  }
}

describe('CRC-32', () => {
  test('agrees with zlib and with the bitwise definition on arbitrary data', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (data) => {
        expect(ourCrc32(data)).toBe(zlibCrc32(data) >>> 0);
        expect(ourCrc32(data)).toBe(crc32(data));
      }),
      { numRuns: 300 },
    );
  });
});

describe('ZIP structure', () => {
  const h = header();
  const good = () => evalLog({ header: h, samples: [sample(1, 1, { match: { value: 'C' } })] });

  test('a member whose content fails its CRC-32 is refused', () => {
    const bytes = rebuildZip(good(), (ms) =>
      ms.map((m) => (m.name === 'header.json' ? { ...m, crc: m.crc ^ 1 } : m)),
    );
    const e = caught(() => importInspectEval(bytes, options('c.eval')));
    expect(e.code).toBe('invalid_input');
    expect(e.message).toBe('c.eval: member header.json fails its CRC-32 check (corrupt)');
  });

  test('bad signatures and mismatched local headers are refused', () => {
    const bytes = good();
    const cd = bytes.slice();
    const members = readRawMembers(bytes);
    // Central directory: first entry's signature.
    const view = new DataView(cd.buffer);
    const cdOffset = view.getUint32(cd.length - 22 + 16, true);
    cd[cdOffset] = 0;
    expect(caught(() => importInspectEval(cd, options('s.eval'))).message).toBe(
      's.eval: central directory entry 1 of 5 is missing or corrupt',
    );
    // Local header of header.json.
    const local = bytes.slice();
    const lview = new DataView(local.buffer);
    let p = lview.getUint32(local.length - 22 + 16, true);
    for (const m of members) {
      const nl = lview.getUint16(p + 28, true);
      if (m.name === 'header.json') local[lview.getUint32(p + 42, true)] = 0x51;
      p += 46 + nl + lview.getUint16(p + 30, true) + lview.getUint16(p + 32, true);
    }
    expect(caught(() => importInspectEval(local, options('s.eval'))).message).toBe(
      's.eval: member header.json: bad local header signature (corrupt)',
    );
    expect(
      caught(() =>
        importInspectEval(new TextEncoder().encode('not a zip archive, just some text'), options('n.eval')),
      ).message,
    ).toBe('n.eval: no end-of-central-directory record: not a ZIP archive, or truncated');
  });

  test('member names and log strings with control characters cannot break a one-line message', () => {
    const bytes = buildZip([
      { name: 'header.json', data: jsonText(header({ status: 'can\ncelled' }, { task: 'de\nmo' })) },
      { name: 'samples/a\nb.json', data: '{"id": 1, "epoch": 1, "scores": {"match": {"value": "C"}}' },
    ]);
    const e = caught(() => importInspectEval(bytes, options('n.eval', { allowIncomplete: true })));
    expect(e.message).toBe(
      'n.eval: samples/a\\u000ab.json: invalid JSON: truncated: the document ends at byte 57 before it is complete',
    );
    const fixed = buildZip([
      { name: 'header.json', data: jsonText(header({ status: 'can\ncelled' }, { task: 'de\nmo' })) },
      { name: 'samples/a\nb.json', data: '{"id": 1, "epoch": 1, "scores": {"match": {"value": "maybe"}}}' },
    ]);
    const refused = caught(() => importInspectEval(fixed, options('n.eval')));
    expect(refused.message).toContain('status is "can\\ncelled"');
    const bad = caught(() => importInspectEval(fixed, options('n.eval', { allowIncomplete: true })));
    expect(bad.message).toBe(
      'n.eval: sample 1 epoch 1, scorer "match": score value "maybe" is not a number, C/P/I/N, yes/no, true/false or a numeric string',
    );
    for (const m of [e.message, refused.message, bad.message])
      expect([...m].every((ch) => ch.charCodeAt(0) >= 0x20)).toBe(true);
  });

  test('unsupported compression methods and encrypted members are refused as unsupported', () => {
    const bzip = rebuildZip(good(), (ms) =>
      ms.map((m) => (m.name === 'header.json' ? { ...m, method: 12 } : m)),
    );
    const e = caught(() => importInspectEval(bzip, options('b.eval')));
    expect(e.code).toBe('unsupported');
    expect(e.message).toBe(
      'b.eval: member header.json uses compression method 12 (bzip2); only stored, deflate and zstd are supported',
    );
    const enc = buildZip([{ name: 'header.json', data: jsonText(h), flags: 1 }]);
    const e2 = caught(() => importInspectEval(enc, options('e.eval')));
    expect(e2.code).toBe('unsupported');
    expect(e2.message).toBe('e.eval: member header.json is encrypted');
  });

  test('a zstd frame asking for a huge window is refused before any allocation', () => {
    // Frame: magic, FHD 0 (window descriptor follows), window descriptor 0xF8 (2^41 bytes), one raw block of 1 byte.
    const frame = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xf8, 0x09, 0x00, 0x00, 0x20]);
    const z = buildZip([
      { name: 'header.json', method: 93, raw: frame, usize: 1, crc: crc32(new Uint8Array([0x20])) },
    ]);
    const e = caught(() => importInspectEval(z, options('z.eval')));
    expect(e.code).toBe('unsupported');
    expect(e.message).toContain('needs a zstd window of');
    // A single-segment frame claiming more content than the member declares.
    const big = new Uint8Array([
      0x28, 0xb5, 0x2f, 0xfd, 0xa0, 0x00, 0x00, 0x00, 0x40, 0x09, 0x00, 0x00, 0x20,
    ]);
    const z2 = buildZip([{ name: 'header.json', method: 93, raw: big, usize: 1, crc: 0 }]);
    expect(caught(() => importInspectEval(z2, options('z.eval'))).message).toContain(
      'a zstd frame declares 1073741824 bytes, more than the member',
    );
  });

  test('absurd entry counts in the end records are refused at once', () => {
    const bytes = good();
    const huge = bytes.slice();
    new DataView(huge.buffer).setUint16(huge.length - 22 + 10, 60000, true);
    new DataView(huge.buffer).setUint16(huge.length - 22 + 8, 60000, true);
    expect(caught(() => importInspectEval(huge, options('h.eval'))).message).toMatch(
      /^h\.eval: the archive declares 60000 entries but its central directory holds \d+ bytes$/,
    );
    const e = caught(() => importInspectEval(bytes, options('h.eval', { limits: { maxEntries: 3 } })));
    expect(e.code).toBe('too_large');
    expect(e.message).toBe('h.eval: the archive declares 5 entries, more than the limit of 3');
    // Zip64: 2^50 entries.
    const z = evalLog({ header: h }, { zip64: true });
    const zv = new DataView(z.buffer);
    const rec = z.length - 22 - 20 - 56;
    expect(zv.getUint32(rec, true)).toBe(0x06064b50);
    zv.setBigUint64(rec + 32, 2n ** 50n, true);
    const e3 = caught(() => importInspectEval(z, options('z.eval')));
    expect(e3.code).toBe('too_large');
    expect(e3.message).toBe(`z.eval: the archive declares ${2 ** 50} entries, more than the limit of 100000`);
    zv.setBigUint64(rec + 32, 2n ** 60n, true);
    expect(caught(() => importInspectEval(z, options('z.eval'))).code).toBe('invalid_input');
  });

  test('truncated at every offset, or cut with its directory kept: always a GreenlightError', () => {
    for (const name of [FIXTURES.logStreaming, FIXTURES.chunkedZstd]) {
      const bytes = fixture(name);
      const view = new DataView(bytes.buffer, bytes.byteOffset);
      const cdOffset = view.getUint32(bytes.length - 22 + 16, true);
      const directory = bytes.subarray(cdOffset);
      for (let k = 0; k < bytes.length; k++) {
        expect(onlyGreenlight(() => importInspectEval(bytes.subarray(0, k), options(name)))).toBeDefined();
        if (k < cdOffset) {
          // The data cut at k, the (now wrong) directory and end record appended.
          const cut = new Uint8Array(k + directory.length);
          cut.set(bytes.subarray(0, k));
          cut.set(directory, k);
          onlyGreenlight(() => importInspectEval(cut, options(name, { allowIncomplete: true })));
        }
      }
    }
  });
});

describe('ZIP bombs', () => {
  // 32 MiB of spaces (valid JSON whitespace) deflate to ~32 KB.
  const SIZE = 32 * 1024 * 1024;
  const spaces = new Uint8Array(SIZE).fill(0x20);
  const raw = deflateRawSync(spaces, { level: 9 });
  const crc = zlibCrc32(spaces) >>> 0;

  test(`a ${Math.round(raw.length / 1024)} KB member inflating to 32 MiB: over the cap, refused before inflating`, () => {
    expect(raw.length).toBeLessThan(64 * 1024);
    const bytes = buildZip([{ name: 'header.json', method: 8, raw, usize: SIZE, crc }]);
    const t0 = performance.now();
    const e = caught(() =>
      importInspectEval(bytes, options('bomb.eval', { limits: { maxDecompressedBytes: 1024 * 1024 } })),
    );
    expect(performance.now() - t0).toBeLessThan(50);
    expect(e.code).toBe('too_large');
    expect(e.message).toBe(
      'bomb.eval: member header.json declares 32 MiB uncompressed, beyond the limit of 1 MiB decompressed per archive',
    );
  });

  test('the same bomb lying about its size is stopped within ~4 MiB of output', () => {
    // Cut after 20 KB of compressed data (~20 MiB of output): a decoder that read it all would report an
    // unexpected end of data; one that stops at the first step beyond the declared size reports the overflow.
    const cut = raw.subarray(0, 20 * 1024);
    const bytes = buildZip([{ name: 'header.json', method: 8, raw: cut, usize: 100, crc }]);
    const zip = new ZipReader(bytes, 'bomb.eval', LIMITS);
    let seen = 0;
    const e = caught(() => zip.read('header.json', (c) => (seen += c.length)));
    expect(e.message).toBe(
      'bomb.eval: member header.json decompresses to more than its declared 100 bytes (corrupt, or a ZIP bomb)',
    );
    expect(seen).toBeLessThanOrEqual(100);
    expect(zip.decompressedBytes).toBeLessThanOrEqual(100);
    expect(caught(() => importInspectEval(bytes, options('bomb.eval'))).code).toBe('invalid_input');
  });

  test('a small lying member (decoded in one shot) is refused too', () => {
    const small = new Uint8Array(8 * 1024 * 1024).fill(0x20);
    const rawSmall = deflateRawSync(small, { level: 9 });
    expect(rawSmall.length).toBeLessThan(16 * 1024);
    for (const usize of [0, 100, small.length - 1]) {
      const bytes = buildZip([
        {
          name: 'header.json',
          method: 8,
          raw: rawSmall,
          usize,
          crc: zlibCrc32(small.subarray(0, usize)) >>> 0,
        },
      ]);
      const e = caught(() => importInspectEval(bytes, options('b.eval')));
      expect(e.message).toBe(
        `b.eval: member header.json decompresses to more than its declared ${usize} bytes (corrupt, or a ZIP bomb)`,
      );
    }
    // Declared longer than it is: refused as short.
    const long = buildZip([
      { name: 'header.json', method: 8, raw: rawSmall, usize: small.length + 5, crc: 0 },
    ]);
    expect(caught(() => importInspectEval(long, options('b.eval'))).message).toBe(
      `b.eval: member header.json decompresses to ${small.length} bytes, not the declared ${small.length + 5} (truncated or corrupt)`,
    );
  });

  test('many honest members add up: the archive budget stops the import', () => {
    // Each sample member: a valid sample padded with 4 MiB of whitespace (~4 KB compressed).
    const members = Array.from({ length: 12 }, (_, i) => {
      const text = new TextEncoder().encode(
        `${jsonText(sample(i, 1, { match: { value: 1 } }))}${' '.repeat(4 << 20)}`,
      );
      return {
        name: `samples/${i}_epoch_1.json`,
        method: 8,
        raw: deflateRawSync(text),
        usize: text.length,
        crc: zlibCrc32(text) >>> 0,
      };
    });
    const bytes = buildZip([{ name: 'header.json', data: jsonText(header({}, {}, 12)) }, ...members]);
    expect(bytes.length).toBeLessThan(100 * 1024);
    const t0 = performance.now();
    const e = caught(() =>
      importInspectEval(bytes, options('many.eval', { limits: { maxDecompressedBytes: 10 << 20 } })),
    );
    expect(e.code).toBe('too_large');
    expect(e.message).toBe(
      'many.eval: member samples/2_epoch_1.json declares 4.0 MiB uncompressed, beyond the limit of 10 MiB decompressed per archive',
    );
    expect(performance.now() - t0).toBeLessThan(2000);
    // With room for all of them, the same archive imports.
    const ok = importInspectEval(bytes, options('many.eval'));
    expect((ok.evaluations[0] as { samples: unknown[] }).samples).toHaveLength(12);
  });
});

describe('hostile JSON', () => {
  test('nesting 100,000 deep is refused, in a .json and in a .eval member', () => {
    const deep = `{"version": 2, "eval": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const e = caught(() => importJson(new TextEncoder().encode(deep), options('deep.json')));
    expect(e.message).toBe('deep.json: invalid JSON: nesting deeper than 1000 levels at byte 1022');
    const z = buildZip([{ name: 'header.json', data: deep }]);
    expect(caught(() => importInspectEval(z, options('deep.eval'))).message).toBe(
      'deep.eval: header.json: invalid JSON: nesting deeper than 1000 levels at byte 1022',
    );
  });

  test('a .json that is not an Inspect log is refused', () => {
    const lmEval = { results: { gsm8k: { 'exact_match,strict-match': 0.5 } }, 'n-samples': {}, config: {} };
    expect(
      caught(() => importJson(new TextEncoder().encode(JSON.stringify(lmEval)), options('r.json'))).message,
    ).toBe('r.json: not an Inspect log (no eval.task)');
    expect(
      caught(() => importJson(new TextEncoder().encode('[{"doc_id": 1}]'), options('s.json'))).message,
    ).toBe("s.json: invalid JSON: expected a JSON object at the top level, got '[' at byte 0");
    expect(caught(() => importJson(new Uint8Array(), options('e.json'))).message).toBe(
      'e.json: invalid JSON: empty input, expected a JSON document',
    );
  });

  test('the streaming importer keeps failing after an error', () => {
    const imp = createInspectJsonImporter(options('x.json'));
    expect(caught(() => imp.push(new TextEncoder().encode('{"a": ]'))).code).toBe('invalid_input');
    expect(caught(() => imp.push(new TextEncoder().encode('1}'))).code).toBe('invalid_input');
    expect(caught(() => imp.finish()).code).toBe('invalid_input');
  });
});

// Fixed seeds: fzstd (the zstd decoder) can loop forever on some corrupted Huffman tables — a synchronous loop
// that no test timeout interrupts — so these inputs are kept reproducible and CI deterministic. That decoder
// weakness is an open problem (recorded with the importer issue), not something these tests hide.
describe('fuzzing (only GreenlightError escapes)', () => {
  const evalFixtures = [FIXTURES.logStreaming, FIXTURES.chunkedZstd];

  test('random bytes, as .eval and as .json', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), (bytes, zip) => {
        const input = zip && bytes.length >= 4 ? new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...bytes]) : bytes;
        onlyGreenlight(() => importAny(input, options(zip ? 'r.eval' : 'r.json')));
      }),
      { numRuns: 1000, seed: 20261127 },
    );
  });

  test('byte mutations of real .eval archives (deflate and zstd)', () => {
    for (const name of evalFixtures) {
      const base = fixture(name);
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean()), {
            minLength: 1,
            maxLength: 6,
          }),
          (muts) => {
            const b = base.slice();
            // Half the mutations hit the directory and end records, the rest anywhere.
            for (const [pos, val, tail] of muts) b[tail ? b.length - 1 - (pos % 1500) : pos % b.length] = val;
            onlyGreenlight(() => importInspectEval(b, options(name, { allowIncomplete: true })));
          },
        ),
        { numRuns: 1500, seed: 20261127 },
      );
    }
  });

  test('mutations of the decompressed members of a real .eval, re-archived with valid CRCs', () => {
    const base = readRawMembers(fixture(FIXTURES.logStreaming));
    const texts = base.map((m) => ({ name: m.name, data: new Uint8Array(inflateRawSync(m.raw)) }));
    fc.assert(
      fc.property(
        fc.nat(texts.length - 1),
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.constantFrom(...'{}[]",:0-9.eENaI \\tfn'.split('').map((c) => c.charCodeAt(0))),
          ),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        (which, muts) => {
          const members = texts.map((t, i) => {
            if (i !== which) return { name: t.name, data: t.data, method: 0 };
            const d = t.data.slice();
            for (const [pos, val] of muts) d[pos % d.length] = val;
            return { name: t.name, data: d, method: 0 };
          });
          onlyGreenlight(() =>
            importInspectEval(buildZip(members), options('m.eval', { allowIncomplete: true })),
          );
        },
      ),
      { numRuns: 1500, seed: 20261127 },
    );
  });

  test('byte mutations and truncations of a real .json log, fed in random chunks', () => {
    const base = fixture(FIXTURES.popularityCancelled);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 5 }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.integer({ min: 1, max: 5000 }),
        (muts, cut, chunk) => {
          let b = base.slice();
          for (const [pos, val] of muts) b[pos % b.length] = val;
          if (cut !== undefined) b = b.subarray(0, cut % b.length);
          onlyGreenlight(() => importJson(b, options('p.json', { allowIncomplete: true }), chunk));
        },
      ),
      { numRuns: 1500, seed: 20261127 },
    );
  });
});
