import { describe, expect, test } from 'vitest';
import { EXAMPLE_JSON, EXAMPLE_YAML, edit, loadError, MINIMAL } from '../../test-support/framework.js';
import { digestOf } from '../digest.js';
import { GreenlightError } from '../errors.js';
import { frameworkDigest, parentPath, parseFramework, validateFrameworkValue } from './load.js';
import { guessFormat } from './source.js';

describe('the spec example', () => {
  const f = parseFramework(EXAMPLE_YAML, { file: 'example.yaml' });

  test('loads with every field as written', () => {
    expect(f.id).toBe('example-frontier');
    expect(f.version).toBe('2026.1');
    expect(f.title).toBe('Example Frontier Release Framework');
    expect(f.publisher).toBe('Example Evaluation Body');
    expect(f.effective).toBe('2026-07-01');
    expect(f.statistics).toEqual({ confidence: 0.95, min_samples: 100, interval: 'wilson' });
    expect(f.tiers.map((t) => [t.id, t.access])).toEqual([
      ['internal', 'developer'],
      ['named_institutions', 'grant'],
      ['vetted_partners', 'grant'],
      ['general_api', 'verified'],
      ['public', 'public'],
    ]);
    expect(f.tiers[0]!.title).toBe("Developer's internal use only");
    expect(f.safeguards.map((s) => s.id)).toEqual([
      'trusted-access',
      'misuse-monitoring',
      'weights-security',
    ]);
  });

  test('domains and thresholds, with folded text and indicators', () => {
    expect(f.domains).toHaveLength(1);
    const cyber = f.domains[0]!;
    expect(cyber).toMatchObject({ id: 'cyber', title: 'Cybersecurity', unresolved: 'treat_as_crossed' });
    expect(cyber.thresholds.map((t) => t.id)).toEqual(['high', 'critical']);
    const high = cyber.thresholds[0]!;
    expect(high.text).toBe(
      'Removes existing bottlenecks to scaling cyber operations, including by automating the discovery and exploitation of operationally relevant vulnerabilities.',
    );
    expect(high.rule).toBe('any');
    expect(high.indicators).toEqual([
      { metric: 'cyber.vuln_discovery', direction: 'above', threshold: 0.5 },
      { metric: 'cyber.ctf_professional', direction: 'above', threshold: 0.35 },
    ]);
    expect(high.requires).toEqual({
      max_tier: 'vetted_partners',
      safeguards: ['trusted-access', 'misuse-monitoring'],
    });
    expect(cyber.thresholds[1]!.requires.max_tier).toBe('named_institutions');
  });

  test('review and incidents, with durations as unit and amount', () => {
    expect(f.review).toEqual({
      decision_within: { unit: 'business_days', amount: 30 },
      on_lapse: 'deemed_approved',
      quorum: 2,
      appeal_within: { unit: 'days', amount: 15 },
      appeal_decision_within: { unit: 'business_days', amount: 20 },
      holidays: ['2026-07-03', '2026-09-07'],
      timezone: 'America/New_York',
    });
    expect(f.incidents).toEqual([
      {
        id: 'general_jailbreak',
        title: 'General jailbreak of a required safeguard',
        definition:
          'A technique that reliably disables a required safeguard across a domain, not one prompt or one task.',
        report_within: { unit: 'hours', amount: 24 },
        response: { max_tier: 'named_institutions', rereview: true },
      },
      {
        id: 'narrow_jailbreak',
        title: 'Narrow, non-general jailbreak',
        definition: 'A technique that works for one task or one prompt family only.',
        report_within: { unit: 'days', amount: 15 },
        response: { rereview: false },
      },
    ]);
  });

  test('keeps the document as written and its digest', () => {
    const doc = f.document as Record<string, unknown>;
    expect(doc.effective).toBe('2026-07-01');
    expect(doc.version).toBe('2026.1');
    expect(Object.keys(doc)).not.toContain('document');
    expect(f.digest).toBe(digestOf(f.document));
    expect(f.digest).toBe(frameworkDigest(f.document));
    expect(f.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    // the document is the framework's identity: frozen, so the digest always matches it
    expect(Object.isFrozen(doc)).toBe(true);
    expect(Object.isFrozen(doc.tiers)).toBe(true);
    expect(() => {
      (doc as { title: string }).title = 'changed';
    }).toThrow(TypeError);
  });

  test('loads from JSON to the same framework', () => {
    const j = parseFramework(EXAMPLE_JSON, { file: 'example.json' });
    expect(j).toEqual(f);
  });
});

describe('defaults', () => {
  test('a minimal framework gets every default', () => {
    const f = parseFramework(MINIMAL);
    expect(f.statistics).toEqual({ confidence: 0.95, min_samples: 1, interval: 'wilson' });
    expect(f.domains[0]!.unresolved).toBe('treat_as_crossed');
    expect(f.domains[0]!.thresholds[0]!.rule).toBe('any');
    expect(f.domains[0]!.thresholds[1]!.requires.safeguards).toEqual([]);
    expect(f.review.quorum).toBe(1);
    expect(f.review.holidays).toEqual([]);
    expect(f.review.timezone).toBe('UTC');
    expect(f.incidents).toEqual([]);
    // defaults are not written into the document
    expect(f.document).not.toHaveProperty('statistics');
    expect(f.document).not.toHaveProperty('incidents');
  });

  test('each statistics key defaults on its own', () => {
    const f = parseFramework(edit(MINIMAL, 'tiers:\n', 'statistics:\n  min_samples: 50\ntiers:\n'));
    expect(f.statistics).toEqual({ confidence: 0.95, min_samples: 50, interval: 'wilson' });
    const g = parseFramework(
      edit(MINIMAL, 'tiers:\n', 'statistics: { interval: clt, confidence: 0.9 }\ntiers:\n'),
    );
    expect(g.statistics).toEqual({ confidence: 0.9, min_samples: 1, interval: 'clt' });
  });

  test('safeguards and incidents may be absent or empty; an incident response may be empty', () => {
    let t = edit(MINIMAL, '          safeguards: [monitoring]\n', '');
    t = edit(t, 'safeguards:\n  - id: monitoring\n    title: Monitoring\n', '');
    const f = parseFramework(
      `${t}incidents:\n  - id: leak\n    title: Leak\n    definition: Weights leaked\n    report_within: { minutes: 30 }\n    response: {}\n`,
    );
    expect(f.safeguards).toEqual([]);
    expect(f.incidents[0]!.response).toEqual({ rereview: false });
    expect(f.incidents[0]!.report_within).toEqual({ unit: 'minutes', amount: 30 });
  });
});

describe('formats', () => {
  test('guessed from the extension, else from the first character', () => {
    expect(guessFormat('x', 'a.json').format).toBe('json');
    expect(guessFormat('{', 'a.YAML').format).toBe('yaml');
    expect(guessFormat('{', 'a.yml').format).toBe('yaml');
    expect(guessFormat('  \n {"a": 1}')).toEqual({ format: 'json', guessed: true });
    expect(guessFormat('greenlight: 1')).toEqual({ format: 'yaml', guessed: true });
  });

  test('JSON without a file name, and with a byte order mark', () => {
    expect(parseFramework(EXAMPLE_JSON).id).toBe('example-frontier');
    expect(parseFramework(`\uFEFF${EXAMPLE_JSON}`).id).toBe('example-frontier');
    expect(parseFramework(`\uFEFF${EXAMPLE_YAML}`).id).toBe('example-frontier');
  });

  test('an explicit format wins over the extension', () => {
    expect(parseFramework(EXAMPLE_YAML, { file: 'x.json', format: 'yaml' }).id).toBe('example-frontier');
    const e = loadError(EXAMPLE_YAML, { file: 'x.yaml', format: 'json' });
    expect(e.problems[0]!.message).toMatch(/^invalid JSON/);
  });

  test('YAML anchors and aliases are expanded into the document', () => {
    const t = edit(MINIMAL, 'safeguards: [monitoring]', 'safeguards: &sg [monitoring]');
    const f = parseFramework(`${t}incidents: []\n`);
    expect(f.domains[0]!.thresholds[0]!.requires.safeguards).toEqual(['monitoring']);
    const g = parseFramework(
      edit(
        edit(
          MINIMAL,
          '          max_tier: internal\n',
          '          max_tier: internal\n          safeguards: *sg\n',
        ),
        'safeguards: [monitoring]',
        'safeguards: &sg [monitoring]',
      ),
    );
    expect(g.domains[0]!.thresholds[1]!.requires.safeguards).toEqual(['monitoring']);
    expect(
      (g.document as { domains: Array<{ thresholds: Array<{ requires: unknown }> }> }).domains[0]!
        .thresholds[1]!.requires,
    ).toEqual({
      max_tier: 'internal',
      safeguards: ['monitoring'],
    });
  });
});

describe('validateFrameworkValue', () => {
  test('accepts the document of a loaded framework', () => {
    const f = parseFramework(EXAMPLE_YAML);
    const g = validateFrameworkValue(JSON.parse(JSON.stringify(f.document)));
    expect(g).toEqual(f);
  });

  test('rejects values that are not JSON, with paths', () => {
    const doc = JSON.parse(EXAMPLE_JSON);
    doc.title = () => 1;
    doc.effective = new Date();
    doc.statistics.confidence = Number.NaN;
    try {
      validateFrameworkValue(doc, undefined, 'body');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(GreenlightError);
      const paths = (e as GreenlightError).problems.map((p) => p.path);
      expect(paths).toEqual(expect.arrayContaining(['title', 'effective', 'statistics.confidence']));
      expect((e as GreenlightError).problems.every((p) => p.file === 'body')).toBe(true);
    }
  });

  test('a cycle is a problem, not a crash', () => {
    const doc = JSON.parse(EXAMPLE_JSON);
    doc.statistics.self = doc;
    const e = (() => {
      try {
        validateFrameworkValue(doc);
      } catch (x) {
        return x as GreenlightError;
      }
    })();
    expect(e).toBeInstanceOf(GreenlightError);
    expect(e!.problems.map((p) => p.message).join('\n')).toMatch(/cycle/);
  });

  test('uses the locator it is given', () => {
    const doc = JSON.parse(EXAMPLE_JSON);
    doc.review.quorum = 0;
    try {
      validateFrameworkValue(
        doc,
        (path) => (path === 'review.quorum' ? { line: 7, column: 3 } : undefined),
        'x.json',
      );
      expect.unreachable();
    } catch (e) {
      expect((e as GreenlightError).problems).toContainEqual({
        path: 'review.quorum',
        file: 'x.json',
        line: 7,
        column: 3,
        message: 'must be a whole number ≥ 1, got 0',
      });
    }
  });
});

test('parentPath', () => {
  expect(parentPath('domains[0].thresholds[1].requires.max_tier')).toBe('domains[0].thresholds[1].requires');
  expect(parentPath('domains[0].thresholds[1]')).toBe('domains[0].thresholds');
  expect(parentPath('tiers[2]["with audit"]')).toBe('tiers[2]');
  expect(parentPath('id')).toBe('');
  expect(parentPath('')).toBeUndefined();
});

test('never a partial load: one bad value and nothing is returned', () => {
  const e = loadError(edit(MINIMAL, 'on_lapse: deemed_approved', 'on_lapse: maybe'));
  expect(e.problems).toHaveLength(1);
  expect(e.message).toBe('f.yaml: not a valid framework (1 problem)');
});
