import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectFormat, resolveFormat, topLevelKeys } from './detect.js';

const SHARED = '../../../../shared/fixtures/';
const HEAD = 256 * 1024;

function head(path: string, bytes = HEAD): Uint8Array {
  return new Uint8Array(readFileSync(new URL(SHARED + path, import.meta.url))).subarray(0, bytes);
}
const enc = (s: string) => new TextEncoder().encode(s);

describe('detectFormat on real fixtures, by content', () => {
  it.each([
    ['inspect/log_streaming.eval', 'inspect-eval'],
    ['inspect/chunked-zstd/log_streaming.eval', 'inspect-eval'],
    ['inspect/small.eval', 'inspect-eval'],
    ['inspect/2025-05-12T20-28-13-04-00_popularity.json', 'inspect-json'],
    ['inspect/2025-05-12T20-28-13-04-00_no-samples.json', 'inspect-json'],
    ['inspect/2024-08-29T15-11-18+00-00_popularity_5EAmX6wjMFqea6WY7XHzZp.json', 'inspect-json'],
    ['inspect/data_cvebench_empty_choices.json', 'inspect-json'],
    ['lm-eval/results_2024-08-25T21-59-12.123082.json', 'lm-eval-results'],
    ['lm-eval/results_2025-03-06T19-20-09.274097.json', 'lm-eval-results'],
    ['lm-eval/results_2026-07-08T18-15-33.115417.json', 'lm-eval-results'],
    ['lm-eval/160m-5shot_step143000.json', 'lm-eval-results'],
    ['lm-eval/samples_negotiationtom_belief_2026-07-08T18-15-33.115417.jsonl', 'lm-eval-samples'],
  ])('%s → %s', (path, format) => {
    // A neutral name, so that only the content decides.
    expect(detectFormat(head(path), 'upload.bin')).toBe(format);
  });

  it('reads lm-eval results from a short head (the results object cut off)', () => {
    // Only the first 2 KiB of the MMLU results: "results" is open, "groups"… not reached. The name decides.
    const h = head('lm-eval/results_2025-03-06T19-20-09.274097.json', 2048);
    expect(detectFormat(h, 'upload.json')).toBeNull();
    expect(detectFormat(h, 'results_2025-03-06T19-20-09.274097.json')).toBe('lm-eval-results');
  });

  it('detects the samples JSONL from the first line even when it is cut', () => {
    expect(
      detectFormat(head('lm-eval/samples_negotiationtom_belief_2026-07-08T18-15-33.115417.jsonl', 100), 'x'),
    ).toBe('lm-eval-samples');
  });
});

describe('detectFormat on synthetic heads', () => {
  it('native evidence, CSV headers, and the Inspect/lm-eval key rules', () => {
    expect(detectFormat(enc('{"greenlight": 1, "model": {}}'), 'e.json')).toBe('native');
    expect(detectFormat(enc('{"greenlight": 2}'), 'e.json')).toBeNull();
    expect(detectFormat(enc('id,value\na,1\n'), 'x.txt')).toBe('csv');
    expect(detectFormat(enc('\uFEFF"ID", Value ,epoch,cluster\r\n'), 'x')).toBe('csv');
    expect(detectFormat(enc('id,score\n'), 'x')).toBeNull();
    expect(detectFormat(enc('id,value,id\n'), 'x')).toBeNull();
    expect(detectFormat(enc('{"eval": {}, "status": "success"}'), 'x')).toBe('inspect-json');
    expect(detectFormat(enc('{"eval": {}}'), 'x')).toBeNull();
    expect(detectFormat(enc('{"results": {}, "n-samples": {}}'), 'x')).toBe('lm-eval-results');
    expect(detectFormat(enc('{"results": {}}'), 'x')).toBeNull();
    // Keys inside nested objects do not count.
    expect(detectFormat(enc('{"a": {"eval": 1, "status": 2}}'), 'x')).toBeNull();
    expect(detectFormat(enc('PK\x05\x06'), 'x')).toBe('inspect-eval');
  });

  it('falls back to the extension', () => {
    const garbage = enc('hello world');
    expect(detectFormat(garbage, 'a.eval')).toBe('inspect-eval');
    expect(detectFormat(garbage, 'a.JSONL')).toBe('lm-eval-samples');
    expect(detectFormat(garbage, 'a.csv')).toBe('csv');
    expect(detectFormat(garbage, 'dir/results_x.json')).toBe('lm-eval-results');
    expect(detectFormat(garbage, 'other.json')).toBeNull();
    expect(detectFormat(garbage, 'notes.txt')).toBeNull();
    expect(detectFormat(new Uint8Array(), 'empty')).toBeNull();
  });

  it('reads top-level keys from a cut head, with escapes and nesting', () => {
    const keys = topLevelKeys('{"a\\"b": {"x": [1, {"y": 2}]}, "c": "s,}", "d": 1, "e": [ ');
    expect([...keys.keys()]).toEqual(['a"b', 'c', 'd', 'e']);
    expect(keys.get('d')).toBe('1');
  });
});

describe('resolveFormat with --format', () => {
  it('inspect: .eval or .json by content, then by name', () => {
    expect(resolveFormat('inspect', head('inspect/small.eval'), 'x')).toBe('inspect-eval');
    expect(resolveFormat('inspect', head('inspect/data_cvebench_empty_choices.json'), 'x')).toBe(
      'inspect-json',
    );
    expect(resolveFormat('inspect', enc('garbage'), 'x.eval')).toBe('inspect-eval');
    expect(resolveFormat('inspect', enc('{"x": 1}'), 'x.eval')).toBe('inspect-json');
    expect(resolveFormat('inspect', enc('garbage'), 'x.json')).toBe('inspect-json');
  });

  it('lm-eval: results or samples; csv: csv', () => {
    expect(resolveFormat('lm-eval', enc('{"doc_id": 0}'), 'x')).toBe('lm-eval-samples');
    expect(resolveFormat('lm-eval', enc('{"results": {}}'), 'x.json')).toBe('lm-eval-results');
    expect(resolveFormat('lm-eval', enc('garbage'), 'x.jsonl')).toBe('lm-eval-samples');
    expect(resolveFormat('csv', enc('{"doc_id": 0}'), 'x')).toBe('csv');
    expect(resolveFormat(undefined, enc('id,value'), 'x')).toBe('csv');
  });
});
