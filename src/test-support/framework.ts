/** Shared by the framework tests (not built into dist). */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { formatProblem, GreenlightError, type Problem } from '../core/errors.js';
import { type ParseFrameworkOptions, parseFramework } from '../core/framework/load.js';

export function fixture(name: string): string {
  return readFileSync(new URL(`../core/framework/test-fixtures/${name}`, import.meta.url), 'utf8');
}

export const EXAMPLE_YAML = fixture('example.yaml');
export const EXAMPLE_JSON = fixture('example.json');

/** A small valid framework, in block style so that each value sits on its own line. */
export const MINIMAL = `greenlight: 1
id: test-fw
version: "1"
title: Test framework
publisher: Test body
effective: 2026-01-01
tiers:
  - id: internal
    title: Internal
    access: developer
  - id: partners
    title: Partners
    access: grant
  - id: open
    title: Open
    access: public
safeguards:
  - id: monitoring
    title: Monitoring
domains:
  - id: cyber
    title: Cyber
    thresholds:
      - id: high
        text: High capability
        indicators:
          - metric: cyber.a
            above: 0.5
        requires:
          max_tier: partners
          safeguards: [monitoring]
      - id: critical
        text: Critical capability
        indicators:
          - metric: cyber.b
            above: 0.1
        requires:
          max_tier: internal
review:
  decision_within: { business_days: 30 }
  on_lapse: deemed_approved
  appeal_within: { days: 15 }
  appeal_decision_within: { business_days: 20 }
`;

/** Replaces exactly one occurrence of `from` (fails the test if there is not exactly one). */
export function edit(text: string, from: string, to: string): string {
  const i = text.indexOf(from);
  expect(i, `"${from}" not found`).toBeGreaterThanOrEqual(0);
  expect(text.indexOf(from, i + 1), `"${from}" found twice`).toBe(-1);
  return text.slice(0, i) + to + text.slice(i + from.length);
}

/** The GreenlightError that loading `text` throws (fails the test if it loads). */
export function loadError(text: string, opts: ParseFrameworkOptions = { file: 'f.yaml' }): GreenlightError {
  try {
    parseFramework(text, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(GreenlightError);
    const g = e as GreenlightError;
    expect(g.code).toBe('invalid_framework');
    expect(g.problems.length).toBeGreaterThan(0);
    return g;
  }
  throw new Error('expected the framework to be rejected, but it loaded');
}

export function problemLines(text: string, opts: ParseFrameworkOptions = { file: 'f.yaml' }): string[] {
  return loadError(text, opts).problems.map(formatProblem);
}

/** 1-based line and column of the n-th (0-based) occurrence of `needle` in `text`. */
export function positionOf(text: string, needle: string, nth = 0): { line: number; column: number } {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`"${needle}" (occurrence ${nth}) not in the text`);
  }
  const before = text.slice(0, i);
  const line = before.split('\n').length;
  return { line, column: i - before.lastIndexOf('\n') };
}

/** Where a problem must be: the first occurrence of a string, the n-th, or n characters after it. */
export type At = string | [string, number] | { find: string; nth?: number; skip?: number };

/**
 * Asserts that loading `text` reports a problem at `path`, located where `at` is written, whose message
 * contains `message`. Returns the formatted line (file:line:col path: message).
 */
export function expectProblem(
  text: string,
  expected: { path: string; at: At; message: string | RegExp },
  opts: ParseFrameworkOptions = { file: 'f.yaml' },
): string {
  const problems = loadError(text, opts).problems;
  const at: { find: string; nth?: number; skip?: number } =
    typeof expected.at === 'string'
      ? { find: expected.at }
      : Array.isArray(expected.at)
        ? { find: expected.at[0], nth: expected.at[1] }
        : expected.at;
  const p0 = positionOf(text, at.find, at.nth ?? 0);
  const pos = { line: p0.line, column: p0.column + (at.skip ?? 0) };
  const match = problems.find(
    (p: Problem) =>
      p.path === expected.path &&
      (typeof expected.message === 'string'
        ? p.message.includes(expected.message)
        : expected.message.test(p.message)),
  );
  expect(
    match,
    `no problem at ${expected.path} matching ${expected.message}; got:\n${problems.map(formatProblem).join('\n')}`,
  ).toBeDefined();
  expect({ file: match!.file, line: match!.line, column: match!.column }).toEqual({
    file: opts.file,
    ...pos,
  });
  return formatProblem(match!);
}
