/** One test per rule of framework.md: each asserts the located message (file:line:col path: message). */
import { describe, expect, test } from 'vitest';
import {
  EXAMPLE_YAML,
  edit,
  expectProblem,
  loadError,
  MINIMAL,
  positionOf,
  problemLines,
} from '../../test-support/framework.js';
import { formatProblem } from '../errors.js';
import { parseFramework } from './load.js';

const withReview = (extra: string) => edit(MINIMAL, 'review:\n', `review:\n${extra}`);

describe('top level', () => {
  test('the spec example message for an unknown tier', () => {
    const t = edit(
      EXAMPLE_YAML,
      'max_tier: named_institutions\n          safeguards: [trusted-access, misuse-monitoring, weights-security]',
      'max_tier: partners\n          safeguards: [trusted-access, misuse-monitoring, weights-security]',
    );
    const { line, column } = positionOf(
      t,
      'partners\n          safeguards: [trusted-access, misuse-monitoring, weights',
    );
    expect(problemLines(t, { file: 'frameworks/x.yaml' })).toEqual([
      `frameworks/x.yaml:${line}:${column} domains[0].thresholds[1].requires.max_tier: unknown tier "partners" (tiers: internal, named_institutions, vetted_partners, general_api, public)`,
    ]);
  });

  test('greenlight must be 1', () => {
    expectProblem(edit(MINIMAL, 'greenlight: 1', 'greenlight: 2'), {
      path: 'greenlight',
      at: '2\n',
      message: 'must be 1 (the only version of the framework format), got the number 2',
    });
    expectProblem(edit(MINIMAL, 'greenlight: 1', 'greenlight: "1"'), {
      path: 'greenlight',
      at: '"1"',
      message: 'got the text "1"',
    });
  });

  test('required keys are reported at the enclosing mapping', () => {
    const line = expectProblem(edit(MINIMAL, 'publisher: Test body\n', ''), {
      path: '',
      at: 'greenlight',
      message: 'missing required key "publisher" in a framework',
    });
    expect(line).toBe('f.yaml:1:1 missing required key "publisher" in a framework');
  });

  test('unknown keys are errors, with a suggestion', () => {
    expectProblem(edit(MINIMAL, 'title: Test framework', 'title: Test framework\ntitel: typo'), {
      path: 'titel',
      at: 'titel',
      message: 'unknown key "titel" (did you mean "title"?); a framework has only: greenlight, id, version',
    });
    expectProblem(edit(MINIMAL, '    access: grant', '    access: grant\n    acces: public'), {
      path: 'tiers[1].acces',
      at: 'acces:',
      message: 'unknown key "acces" (did you mean "access"?); a tier has only: id, title, access',
    });
    expectProblem(edit(MINIMAL, '            above: 0.5', '            above: 0.5\n            weight: 2'), {
      path: 'domains[0].thresholds[0].indicators[0].weight',
      at: 'weight',
      message: 'unknown key "weight"; an indicator has only: metric, above, below',
    });
    // a YAML merge key is not special in YAML 1.2: it is an unknown key
    expectProblem(edit(MINIMAL, 'review:\n', 'review:\n  <<: {quorum: 2}\n'), {
      path: 'review["<<"]',
      at: '<<',
      message: 'unknown key "<<"',
    });
  });

  test('framework id matches [a-z0-9][a-z0-9-]*', () => {
    expectProblem(edit(MINIMAL, 'id: test-fw', 'id: Test_FW'), {
      path: 'id',
      at: 'Test_FW',
      message: 'invalid framework id "Test_FW"',
    });
  });

  test('version must be text: an unquoted 2026.10 is an error, not 2026.1', () => {
    const line = expectProblem(edit(MINIMAL, 'version: "1"', 'version: 2026.10'), {
      path: 'version',
      at: '2026.10',
      message: 'must be text, not a number',
    });
    expect(line).toBe(
      'f.yaml:3:10 version: must be text, not a number: write it in quotes, e.g. version: "2026.10" (unquoted, 2026.10 is read as the number 2026.1)',
    );
    expectProblem(edit(MINIMAL, 'version: "1"', 'version: 3'), {
      path: 'version',
      at: '3\n',
      message: 'write it in quotes, e.g. version: "3"',
    });
    expectProblem(edit(MINIMAL, 'version: "1"', 'version: ""'), {
      path: 'version',
      at: '""',
      message: 'must not be empty',
    });
  });

  test('title and publisher are non-empty text', () => {
    expectProblem(edit(MINIMAL, 'title: Test framework', 'title: 12'), {
      path: 'title',
      at: '12',
      message: 'expected text, got the number 12',
    });
    expectProblem(edit(MINIMAL, 'publisher: Test body', 'publisher: "  "'), {
      path: 'publisher',
      at: '"  "',
      message: 'must not be empty',
    });
  });

  test('effective is a real YYYY-MM-DD date written as text', () => {
    expectProblem(edit(MINIMAL, 'effective: 2026-01-01', 'effective: 2026-02-30'), {
      path: 'effective',
      at: '2026-02-30',
      message: '"2026-02-30" is not a real calendar date',
    });
    expectProblem(edit(MINIMAL, 'effective: 2026-01-01', 'effective: 1 July 2026'), {
      path: 'effective',
      at: '1 July',
      message: 'expected a date written as YYYY-MM-DD, got the text "1 July 2026"',
    });
    expectProblem(edit(MINIMAL, 'effective: 2026-01-01', 'effective: 20260101'), {
      path: 'effective',
      at: '20260101',
      message: 'got the number 20260101',
    });
    // 2024 is a leap year, 2100 is not
    expect(parseFramework(edit(MINIMAL, 'effective: 2026-01-01', 'effective: 2024-02-29')).effective).toBe(
      '2024-02-29',
    );
    expectProblem(edit(MINIMAL, 'effective: 2026-01-01', 'effective: "2100-02-29"'), {
      path: 'effective',
      at: '"2100',
      message: 'not a real calendar date',
    });
  });

  test('YAML 1.2 core schema: yes is text and dates are text', () => {
    expectProblem(
      `${MINIMAL}incidents:\n  - id: a\n    title: A\n    definition: A\n    report_within: { days: 1 }\n    response: { rereview: yes }\n`,
      {
        path: 'incidents[0].response.rereview',
        at: 'yes',
        message: 'expected true or false, got the text "yes"',
      },
    );
  });

  test('non-mapping roots', () => {
    for (const [text, got] of [
      ['- a\n- b\n', 'a list'],
      ['just text\n', 'the text "just text"'],
      ['42\n', 'the number 42'],
      ['', 'an empty value (null)'],
      ['# nothing but a comment\n', 'an empty value (null)'],
      ['null\n', 'an empty value (null)'],
    ] as const) {
      expect(problemLines(text)).toEqual([
        `f.yaml:1:1 a framework must be a mapping of keys to values at the top level, got ${got}`,
      ]);
    }
    expect(problemLines('[1, 2]', { file: 'f.json' })).toEqual([
      'f.json:1:1 a framework must be a mapping of keys to values at the top level, got a list',
    ]);
  });
});

describe('statistics', () => {
  const withStats = (s: string) => edit(MINIMAL, 'tiers:\n', `statistics:\n${s}tiers:\n`);

  test('confidence is in (0, 1)', () => {
    for (const v of ['1', '0', '1.5', '-0.5']) {
      expectProblem(withStats(`  confidence: ${v}\n`), {
        path: 'statistics.confidence',
        at: { find: 'confidence: ', skip: 12 },
        message: 'must be between 0 and 1 (both excluded)',
      });
    }
    expectProblem(withStats('  confidence: high\n'), {
      path: 'statistics.confidence',
      at: 'high',
      message: 'expected a finite number, got the text "high"',
    });
  });

  test('min_samples is an integer ≥ 1', () => {
    expectProblem(withStats('  min_samples: 0\n'), {
      path: 'statistics.min_samples',
      at: '0\n',
      message: 'must be a whole number ≥ 1, got 0',
    });
    expectProblem(withStats('  min_samples: 10.5\n'), {
      path: 'statistics.min_samples',
      at: '10.5',
      message: 'expected a whole number ≥ 1, got the number 10.5',
    });
    expectProblem(withStats('  min_samples: 1e300\n'), {
      path: 'statistics.min_samples',
      at: '1e300',
      message: 'is too large',
    });
  });

  test('interval is wilson | clopper-pearson | clt', () => {
    expectProblem(withStats('  interval: clopper_pearson\n'), {
      path: 'statistics.interval',
      at: 'clopper_pearson',
      message:
        'expected one of wilson, clopper-pearson, clt, got the text "clopper_pearson" (did you mean "clopper-pearson"?)',
    });
  });

  test('statistics is a mapping with known keys', () => {
    expectProblem(withStats('  level: 0.9\n'), {
      path: 'statistics.level',
      at: 'level',
      message: 'unknown key "level"; statistics has only: confidence, min_samples, interval',
    });
    expectProblem(edit(MINIMAL, 'tiers:\n', 'statistics: wilson\ntiers:\n'), {
      path: 'statistics',
      at: 'wilson',
      message: 'expected statistics (a mapping of keys to values), got the text "wilson"',
    });
  });
});

describe('tiers', () => {
  test('at least one tier', () => {
    let t = edit(MINIMAL, /tiers:\n[\s\S]*?safeguards:\n/.exec(MINIMAL)![0], 'tiers: []\nsafeguards:\n');
    t = t.replace(/max_tier: \w+/g, 'max_tier: x');
    const lines = problemLines(t);
    expect(lines[0]).toBe(
      `f.yaml:${positionOf(t, '[]').line}:${positionOf(t, '[]').column} tiers: must list at least one tier`,
    );
  });

  test('each tier has id, title and access', () => {
    expectProblem(edit(MINIMAL, '    title: Partners\n', ''), {
      path: 'tiers[1]',
      at: 'id: partners',
      message: 'missing required key "title" in a tier',
    });
    expectProblem(edit(MINIMAL, 'access: grant', 'access: partners'), {
      path: 'tiers[1].access',
      at: { find: 'access: partners', skip: 8 },
      message: 'expected one of developer, grant, verified, public, got the text "partners"',
    });
    expectProblem(edit(MINIMAL, '  - id: open', '  - id: Open'), {
      path: 'tiers[2].id',
      at: 'Open',
      message: 'invalid tier id "Open": use lowercase letters, digits and . _ -',
    });
  });

  test('tier ids are unique', () => {
    expectProblem(edit(MINIMAL, '  - id: open', '  - id: partners'), {
      path: 'tiers[2].id',
      at: ['partners', 1],
      message: 'duplicate tier id "partners" (already used by tiers[1])',
    });
  });

  test('access must not become more restrictive as tiers become more open', () => {
    const line = expectProblem(edit(MINIMAL, 'access: public', 'access: developer'), {
      path: 'tiers[2].access',
      at: ['developer', 1],
      message:
        'access "developer" is more restrictive than "grant" of the more restricted tier "partners" (tiers[1]); tiers go from most restricted to most open, so access must not become more restrictive (developer < grant < verified < public)',
    });
    expect(line).toMatch(/^f\.yaml:16:13 /);
    // equal access kinds are fine (the example has two grant tiers)
    expect(() => parseFramework(edit(MINIMAL, 'access: public', 'access: grant'))).not.toThrow();
  });
});

describe('safeguards', () => {
  test('ids are unique and have titles', () => {
    const t = edit(
      MINIMAL,
      '    title: Monitoring\n',
      '    title: Monitoring\n  - id: monitoring\n    title: Again\n  - id: x\n',
    );
    expectProblem(t, {
      path: 'safeguards[1].id',
      at: ['monitoring', 1],
      message: 'duplicate safeguard id "monitoring" (already used by safeguards[0])',
    });
    expectProblem(t, {
      path: 'safeguards[2]',
      at: 'id: x',
      message: 'missing required key "title" in a safeguard',
    });
  });

  test('requires.safeguards name safeguards from the catalogue, once each', () => {
    expectProblem(edit(MINIMAL, 'safeguards: [monitoring]', 'safeguards: [monitoring, audits, monitoring]'), {
      path: 'domains[0].thresholds[0].requires.safeguards[1]',
      at: 'audits',
      message: 'unknown safeguard "audits" (safeguards: monitoring)',
    });
    expectProblem(edit(MINIMAL, 'safeguards: [monitoring]', 'safeguards: [monitoring, audits, monitoring]'), {
      path: 'domains[0].thresholds[0].requires.safeguards[2]',
      at: ['monitoring', 2],
      message: 'safeguard "monitoring" is listed twice',
    });
    const none = edit(MINIMAL, 'safeguards:\n  - id: monitoring\n    title: Monitoring\n', '');
    expectProblem(none, {
      path: 'domains[0].thresholds[0].requires.safeguards[0]',
      at: 'monitoring]',
      message: 'unknown safeguard "monitoring" (no safeguards are defined; list them under safeguards)',
    });
  });
});

describe('domains and thresholds', () => {
  test('at least one domain, each with at least one threshold', () => {
    const noDomains = MINIMAL.replace(/domains:\n[\s\S]*?review:/, 'domains: []\nreview:');
    expectProblem(noDomains, { path: 'domains', at: '[]', message: 'must list at least one domain' });
    const noThresholds = MINIMAL.replace(/ {4}thresholds:\n[\s\S]*?review:/, '    thresholds: []\nreview:');
    expectProblem(noThresholds, {
      path: 'domains[0].thresholds',
      at: '[]',
      message: 'must list at least one threshold',
    });
  });

  test('domain ids are unique; unresolved is treat_as_crossed | request_evidence', () => {
    const t = edit(MINIMAL, '    title: Cyber\n', '    title: Cyber\n    unresolved: ignore\n');
    expectProblem(t, {
      path: 'domains[0].unresolved',
      at: 'ignore',
      message: 'expected one of treat_as_crossed, request_evidence, got the text "ignore"',
    });
    const twice = MINIMAL.replace(/(domains:\n)([\s\S]*?)(review:)/, '$1$2$2$3');
    expectProblem(twice, {
      path: 'domains[1].id',
      at: { find: 'id: cyber', nth: 1, skip: 4 },
      message: 'duplicate domain id "cyber" (already used by domains[0])',
    });
  });

  test('threshold ids are unique within their domain', () => {
    expectProblem(edit(MINIMAL, '- id: critical', '- id: high'), {
      path: 'domains[0].thresholds[1].id',
      at: ['high', 1],
      message: 'duplicate threshold id "high" (already used by domains[0].thresholds[0])',
    });
  });

  test('threshold has id, text, indicators and requires.max_tier', () => {
    const t = edit(MINIMAL, '        text: Critical capability\n', '');
    expectProblem(t, {
      path: 'domains[0].thresholds[1]',
      at: 'id: critical',
      message: 'missing required key "text" in a threshold',
    });
    const noReq = edit(MINIMAL, '        requires:\n          max_tier: internal\n', '');
    expectProblem(noReq, {
      path: 'domains[0].thresholds[1]',
      at: 'id: critical',
      message: 'missing required key "requires" in a threshold',
    });
    const noMax = edit(MINIMAL, '          max_tier: partners\n', '');
    expectProblem(noMax, {
      path: 'domains[0].thresholds[0].requires',
      at: 'safeguards: [monitoring]',
      message: 'missing required key "max_tier" in requires',
    });
  });

  test('rule is any | all | majority', () => {
    expectProblem(
      edit(MINIMAL, '        text: High capability\n', '        text: High capability\n        rule: most\n'),
      {
        path: 'domains[0].thresholds[0].rule',
        at: 'most',
        message: 'expected one of any, all, majority, got the text "most"',
      },
    );
  });

  test('max_tier must not become more open as severity rises', () => {
    const t = edit(MINIMAL, 'max_tier: internal', 'max_tier: open');
    const line = expectProblem(t, {
      path: 'domains[0].thresholds[1].requires.max_tier',
      at: { find: 'max_tier: open', skip: 10 },
      message:
        'tier "open" is more open than "partners" required by the less severe threshold "high" (domains[0].thresholds[0]); thresholds are listed in ascending severity, so max_tier must not become more open',
    });
    expect(line).toMatch(/^f\.yaml:38:21 /);
    // the same tier at a higher severity is fine
    expect(() => parseFramework(edit(MINIMAL, 'max_tier: internal', 'max_tier: partners'))).not.toThrow();
  });
});

describe('indicators', () => {
  const at = (s: string) => edit(MINIMAL, '          - metric: cyber.a\n            above: 0.5\n', s);

  test('at least one indicator', () => {
    expectProblem(at('          []\n').replace('indicators:\n          []', 'indicators: []'), {
      path: 'domains[0].thresholds[0].indicators',
      at: '[]',
      message: 'must list at least one indicator',
    });
  });

  test('exactly one of above and below', () => {
    expectProblem(at('          - { metric: cyber.a, above: 0.5, below: 0.1 }\n'), {
      path: 'domains[0].thresholds[0].indicators[0]',
      at: '{ metric',
      message: 'has both "above" and "below"; an indicator has exactly one',
    });
    expectProblem(at('          - { metric: cyber.a }\n'), {
      path: 'domains[0].thresholds[0].indicators[0]',
      at: '{ metric',
      message: 'needs "above: x" (crossed when the value is ≥ x) or "below: x"',
    });
  });

  test('the value is a finite number', () => {
    expectProblem(at('          - { metric: cyber.a, above: "NaN" }\n'), {
      path: 'domains[0].thresholds[0].indicators[0].above',
      at: '"NaN"',
      message: 'expected a finite number, got the text "NaN"',
    });
    expectProblem(at('          - { metric: cyber.a, below: .inf }\n'), {
      path: 'domains[0].thresholds[0].indicators[0].below',
      at: '.inf',
      message: 'the number .inf is too large (it is not finite)',
    });
    expectProblem(at('          - { metric: cyber.a, above: .NaN }\n'), {
      path: 'domains[0].thresholds[0].indicators[0].above',
      at: '.NaN',
      message: '.NaN is not a number JSON can represent (NaN)',
    });
    expectProblem(at('          - { metric: cyber.a, above: 1e999 }\n'), {
      path: 'domains[0].thresholds[0].indicators[0].above',
      at: '1e999',
      message: 'the number 1e999 is too large',
    });
    expect(
      parseFramework(at('          - { metric: cyber.a, below: -0.25 }\n')).domains[0]!.thresholds[0]!
        .indicators[0],
    ).toEqual({
      metric: 'cyber.a',
      direction: 'below',
      threshold: -0.25,
    });
  });

  test('metric names match [a-z0-9][a-z0-9._-]* and are not repeated in a threshold', () => {
    expectProblem(at('          - { metric: Cyber/A, above: 0.5 }\n'), {
      path: 'domains[0].thresholds[0].indicators[0].metric',
      at: 'Cyber/A',
      message: 'invalid metric name "Cyber/A"',
    });
    expectProblem(
      at('          - { metric: cyber.a, above: 0.5 }\n          - { metric: cyber.a, below: 0.9 }\n'),
      {
        path: 'domains[0].thresholds[0].indicators[1].metric',
        at: ['cyber.a', 1],
        message:
          'metric "cyber.a" is used twice in this threshold (also at domains[0].thresholds[0].indicators[0])',
      },
    );
  });
});

describe('review', () => {
  test('required clocks and on_lapse', () => {
    expectProblem(edit(MINIMAL, '  appeal_within: { days: 15 }\n', ''), {
      path: 'review',
      at: 'decision_within',
      message: 'missing required key "appeal_within" in review',
    });
    expectProblem(edit(MINIMAL, 'on_lapse: deemed_approved', 'on_lapse: approve'), {
      path: 'review.on_lapse',
      at: 'approve',
      message: 'expected one of deemed_approved, escalate, got the text "approve"',
    });
  });

  test('durations have exactly one unit, a positive whole number', () => {
    const d = (v: string) => edit(MINIMAL, '{ days: 15 }', v);
    expectProblem(d('{ days: 15, hours: 2 }'), {
      path: 'review.appeal_within',
      at: '{ days: 15, hours',
      message: 'has "days" and "hours"; a duration has exactly one unit',
    });
    expectProblem(d('{ weeks: 2 }'), {
      path: 'review.appeal_within.weeks',
      at: 'weeks',
      message: 'unknown unit "weeks"; units: seconds, minutes, hours, days, business_days',
    });
    expectProblem(d('{ day: 2 }'), {
      path: 'review.appeal_within.day',
      at: 'day:',
      message: 'unknown unit "day" (did you mean "days"?)',
    });
    expectProblem(d('{ days: 0 }'), {
      path: 'review.appeal_within.days',
      at: { find: '{ days: 0', skip: 8 },
      message: 'expected a positive whole number of days, got the number 0',
    });
    expectProblem(d('{ days: 1.5 }'), {
      path: 'review.appeal_within.days',
      at: '1.5',
      message: 'got the number 1.5',
    });
    expectProblem(d('{ days: "15" }'), {
      path: 'review.appeal_within.days',
      at: '"15"',
      message: 'got the text "15"',
    });
    expectProblem(d('{}'), { path: 'review.appeal_within', at: '{}', message: 'got an empty mapping' });
    expectProblem(d('15 days'), {
      path: 'review.appeal_within',
      at: '15 days',
      message:
        'expected a duration with exactly one of seconds, minutes, hours, days, business_days, e.g. { days: 15 }, got the text "15 days"',
    });
    expectProblem(d('{ days: 99999999 }'), {
      path: 'review.appeal_within.days',
      at: '99999999',
      message: 'is too long (at most 36525',
    });
    for (const unit of ['seconds', 'minutes', 'hours', 'days', 'business_days']) {
      expect(parseFramework(d(`{ ${unit}: 3 }`)).review.appeal_within).toEqual({ unit, amount: 3 });
    }
  });

  test('quorum is an integer ≥ 1', () => {
    expectProblem(withReview('  quorum: 0\n'), {
      path: 'review.quorum',
      at: '0\n',
      message: 'must be a whole number ≥ 1, got 0',
    });
    expectProblem(withReview('  quorum: two\n'), {
      path: 'review.quorum',
      at: 'two',
      message: 'expected a whole number ≥ 1, got the text "two"',
    });
  });

  test('holidays are YYYY-MM-DD dates, each once', () => {
    expectProblem(withReview('  holidays: [2026-07-03, 2026/12/25, 2026-07-03, 20261231]\n'), {
      path: 'review.holidays[1]',
      at: '2026/12/25',
      message: 'expected a date written as YYYY-MM-DD, got the text "2026/12/25"',
    });
    expectProblem(withReview('  holidays: [2026-07-03, 2026/12/25, 2026-07-03, 20261231]\n'), {
      path: 'review.holidays[2]',
      at: ['2026-07-03', 1],
      message: 'holiday 2026-07-03 is listed twice (also at review.holidays[0])',
    });
    expectProblem(withReview('  holidays: [2026-07-03, 2026/12/25, 2026-07-03, 20261231]\n'), {
      path: 'review.holidays[3]',
      at: '20261231',
      message: 'got the number 20261231',
    });
    expectProblem(withReview('  holidays: 2026-07-03\n'), {
      path: 'review.holidays',
      at: '2026-07-03',
      message: 'expected a list of dates (YYYY-MM-DD), got the text "2026-07-03"',
    });
  });

  test('timezone is a valid IANA name', () => {
    expect(parseFramework(withReview('  timezone: Europe/Paris\n')).review.timezone).toBe('Europe/Paris');
    expect(parseFramework(withReview('  timezone: UTC\n')).review.timezone).toBe('UTC');
    expectProblem(withReview('  timezone: America/NewYork\n'), {
      path: 'review.timezone',
      at: 'America/NewYork',
      message:
        'unknown time zone "America/NewYork" (expected an IANA name such as America/New_York, Europe/Paris or UTC)',
    });
    expectProblem(withReview('  timezone: "+01:00"\n'), {
      path: 'review.timezone',
      at: '"+01:00"',
      message: 'unknown time zone "+01:00"',
    });
    expectProblem(withReview('  timezone: europe/paris\n'), {
      path: 'review.timezone',
      at: 'europe/paris',
      message: 'write the time zone as "Europe/Paris" (IANA names are case-sensitive)',
    });
    expectProblem(withReview('  timezone: 5\n'), {
      path: 'review.timezone',
      at: { find: 'timezone: 5', skip: 10 },
      message: 'got the number 5',
    });
  });
});

describe('incidents', () => {
  const incident = (body: string) => `${MINIMAL}incidents:\n  - id: leak\n${body}`;
  const full = '    title: Leak\n    definition: Weights leaked\n    report_within: { hours: 4 }\n';

  test('each incident has id, title, definition, report_within and response', () => {
    expectProblem(incident('    title: Leak\n'), {
      path: 'incidents[0]',
      at: 'id: leak',
      message: 'missing required key "definition" in an incident class',
    });
    expectProblem(incident('    title: Leak\n'), {
      path: 'incidents[0]',
      at: 'id: leak',
      message: 'missing required key "response" in an incident class',
    });
  });

  test('response.max_tier names a tier; rereview is a boolean', () => {
    expectProblem(incident(`${full}    response: { max_tier: public, rereview: 1 }\n`), {
      path: 'incidents[0].response.max_tier',
      at: { find: 'max_tier: public', skip: 10 },
      message: 'unknown tier "public" (tiers: internal, partners, open)',
    });
    expectProblem(incident(`${full}    response: { max_tier: public, rereview: 1 }\n`), {
      path: 'incidents[0].response.rereview',
      at: { find: 'rereview: 1', skip: 10 },
      message: 'expected true or false, got the number 1',
    });
    expectProblem(incident(`${full}    response: { restrict: true }\n`), {
      path: 'incidents[0].response.restrict',
      at: 'restrict',
      message: 'unknown key "restrict"; an incident response has only: max_tier, rereview',
    });
  });

  test('incident ids are unique; report_within is a duration', () => {
    const t = `${incident(`${full}    response: {}\n`)}  - id: leak\n    title: L\n    definition: D\n    report_within: { hours: -4 }\n    response: {}\n`;
    expectProblem(t, {
      path: 'incidents[1].id',
      at: { find: 'id: leak', nth: 1, skip: 4 },
      message: 'duplicate incident id "leak" (already used by incidents[0])',
    });
    expectProblem(t, {
      path: 'incidents[1].report_within.hours',
      at: '-4',
      message: 'expected a positive whole number of hours',
    });
  });
});

describe('YAML and JSON reading', () => {
  test('duplicate keys are errors in YAML', () => {
    const t = edit(
      MINIMAL,
      '  on_lapse: deemed_approved\n',
      '  on_lapse: deemed_approved\n  on_lapse: escalate\n',
    );
    const first = positionOf(t, 'on_lapse');
    const line = expectProblem(t, {
      path: 'review.on_lapse',
      at: ['on_lapse', 1],
      message: `duplicate key "on_lapse" (first at line ${first.line}, column 3)`,
    });
    expect(line).toBe(
      `f.yaml:${first.line + 1}:3 review.on_lapse: duplicate key "on_lapse" (first at line ${first.line}, column 3)`,
    );
    // a number key and a quoted key are the same JSON key
    expectProblem(edit(MINIMAL, 'review:\n', 'review:\n  1: a\n  "1": b\n'), {
      path: 'review["1"]',
      at: '"1":',
      message: 'duplicate key "1"',
    });
  });

  test('duplicate keys are errors in JSON', () => {
    const json = '{\n  "greenlight": 1,\n  "id": "a",\n  "id": "b"\n}';
    expectProblem(
      json,
      { path: 'id', at: '"id": "b"', message: 'duplicate key "id" (first at line 3, column 3)' },
      { file: 'f.json' },
    );
  });

  test('YAML syntax errors are located', () => {
    const t = edit(MINIMAL, '  on_lapse: deemed_approved\n', '  on_lapse: [deemed_approved\n');
    const lines = problemLines(t);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => /^f\.yaml:\d+:\d+ YAML syntax: /.test(l))).toBe(true);
    expect(problemLines('a: "unterminated\n')).toEqual(['f.yaml:2:1 YAML syntax: Missing closing "quote']);
    expect(problemLines('\ta: 1\n')).toEqual([
      'f.yaml:1:1 YAML syntax: tabs are not allowed for indentation; use spaces',
    ]);
    expect(problemLines('a: 1\n---\nb: 2\n')).toEqual([
      'f.yaml:2:1 YAML syntax: the text holds more than one YAML document (one framework per file)',
    ]);
  });

  test('JSON syntax errors are located and JSON-specific', () => {
    const j = (s: string) => problemLines(s, { file: 'f.json' });
    expect(j('{"greenlight": 1,}')).toEqual([
      'f.json:1:18 invalid JSON: a trailing comma before "}" is not allowed in JSON',
    ]);
    expect(j('{\n  // note\n  "a": 1}')).toEqual([
      'f.json:2:3 invalid JSON: comments are not allowed in JSON',
    ]);
    expect(j("{'a': 1}")).toEqual([
      'f.json:1:2 invalid JSON: keys must be in double quotes, not single quotes',
    ]);
    expect(j('{"a": NaN}')).toEqual(['f.json:1:7 invalid JSON: NaN and Infinity are not JSON numbers']);
    expect(j('{"a": 01}')).toEqual(['f.json:1:7 invalid JSON: numbers must not have leading zeros in JSON']);
    expect(j('{"a": 1} x')).toEqual([
      'f.json:1:10 invalid JSON: unexpected text after the end of the JSON value',
    ]);
    expect(j('{"a": "x\ny"}')).toEqual([
      'f.json:1:9 invalid JSON: a line break inside text (missing closing quote, or write \\n)',
    ]);
    expect(j('{"a": [1, 2}')).toEqual(['f.json:1:12 invalid JSON: expected "," or "]" in a list, found "}"']);
    expect(j('{"a" 1}')).toEqual(['f.json:1:6 invalid JSON: expected ":" after the key "a", found "1"']);
    expect(j('{"a": "\\x"}')).toEqual(['f.json:1:8 invalid JSON: invalid escape \\x in text']);
    expect(j('')).toEqual(['f.json:1:1 invalid JSON: the text is empty; expected a JSON object']);
    expect(j('{"a": tru}')).toEqual([
      'f.json:1:7 invalid JSON: expected a value, found "t" (text must be in double quotes)',
    ]);
    // a file guessed to be JSON from its first character says so
    expect(problemLines('{greenlight: 1}', {})[0]).toContain('read as JSON because the text starts with');
  });

  test('unsupported YAML tags and undefined aliases', () => {
    expectProblem(edit(MINIMAL, 'effective: 2026-01-01', 'effective: !!timestamp 2026-01-01'), {
      path: 'effective',
      at: { find: '!!timestamp ', skip: 12 },
      message: 'unsupported YAML tag !!timestamp',
    });
    expectProblem(edit(MINIMAL, 'title: Test framework', 'title: !!binary aGVsbG8='), {
      path: 'title',
      at: 'aGVsbG8=',
      message: 'unsupported YAML tag !!binary',
    });
    expectProblem(edit(MINIMAL, 'title: Test framework', 'title: !custom x'), {
      path: 'title',
      at: { find: '!custom x', skip: 8 },
      message: 'unsupported YAML tag !custom',
    });
    expect(problemLines(edit(MINIMAL, 'title: Test framework', 'title: !custom x'))).toHaveLength(1);
    expectProblem(edit(MINIMAL, 'title: Test framework', 'title: !!float x'), {
      path: '',
      at: '!!float',
      message: 'YAML: Unresolved tag: tag:yaml.org,2002:float',
    });
    expectProblem(edit(MINIMAL, 'title: Test framework', 'title: *nothing'), {
      path: 'title',
      at: '*nothing',
      message: 'alias *nothing refers to no anchor &nothing defined before it',
    });
    // explicit core tags are fine
    expect(parseFramework(edit(MINIMAL, 'version: "1"', 'version: !!str 2026.10')).version).toBe('2026.10');
  });

  test('alias bombs, cycles and deep nesting end in a located problem', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      bomb.push(
        `${'abcdefgh'[i]}: &${'abcdefgh'[i]} [${Array(10)
          .fill(`*${'abcdefgh'[i - 1]}`)
          .join(', ')}]`,
      );
    const start = Date.now();
    expect(problemLines(`${bomb.join('\n')}\n`)).toEqual([
      expect.stringMatching(
        /^f\.yaml:\d+:\d+ the document has too many values \(more than 200000, counting what YAML aliases repeat\)$/,
      ),
    ]);
    expect(Date.now() - start).toBeLessThan(5000);
    expect(problemLines('title: &t [a, *t]\n')).toContain(
      'f.yaml:1:15 title[1]: this alias refers to a value that contains it (a cycle)',
    );
    expect(problemLines(`x: ${'['.repeat(5000)}${']'.repeat(5000)}\n`)[0]).toMatch(
      /nested too deeply|nested more than 64 levels/,
    );
    expect(problemLines(`${'['.repeat(100_000)}`)).toHaveLength(1);
    expect(problemLines(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`, { file: 'f.json' })).toEqual([
      'f.json:1:321 invalid JSON: nested more than 64 levels deep',
    ]);
    // Very deep YAML is refused before the YAML parser runs (its time grows with depth): by brackets, by "- "
    // on one line, by indentation.
    expect(problemLines('['.repeat(1000))).toEqual([
      'f.yaml:1:129 the document is nested too deeply (at most 64 levels)',
    ]);
    expect(problemLines('- '.repeat(1000))).toEqual([
      'f.yaml:1:65 the document is nested too deeply (at most 64 levels)',
    ]);
    let deep = 'a:\n';
    for (let i = 1; i < 300; i++) deep += `${' '.repeat(i)}a:\n`;
    expect(problemLines(deep)).toEqual([
      'f.yaml:202:201 the document is nested too deeply (at most 64 levels): indented more than 200 columns',
    ]);
    // brackets inside quoted text do not count
    expect(problemLines(`title: "${'['.repeat(1000)}"\n`)[0]).toMatch(/missing required key/);
  });

  test('too large a text is refused before parsing', () => {
    expect(problemLines(`title: "${'x'.repeat(1024 * 1024)}"`)).toEqual([
      expect.stringMatching(/^f\.yaml:1:1 the text is too large for a framework/),
    ]);
  });
});

describe('every problem at once', () => {
  test('many problems, sorted by position, each located', () => {
    let t = MINIMAL;
    t = edit(t, 'version: "1"', 'version: 1.10');
    t = edit(t, 'effective: 2026-01-01', 'effective: 2026-13-01');
    t = edit(t, 'access: public', 'access: everyone');
    t = edit(t, '    title: Monitoring\n', '    titel: Monitoring\n');
    t = edit(t, 'metric: cyber.a', 'metric: Cyber A');
    t = edit(t, 'above: 0.1', 'above: lots');
    t = edit(t, 'max_tier: partners', 'max_tier: friends');
    t = edit(t, '{ business_days: 30 }', '{ business_days: 0 }');
    t = edit(t, 'on_lapse: deemed_approved', 'on_lapse: shrug');
    const e = loadError(t);
    const lines = e.problems.map(formatProblem);
    expect(lines).toEqual([
      'f.yaml:3:10 version: must be text, not a number: write it in quotes, e.g. version: "1.10" (unquoted, 1.10 is read as the number 1.1)',
      'f.yaml:6:12 effective: "2026-13-01" is not a real calendar date',
      'f.yaml:16:13 tiers[2].access: expected one of developer, grant, verified, public, got the text "everyone"',
      'f.yaml:18:5 safeguards[0]: missing required key "title" in a safeguard',
      'f.yaml:19:5 safeguards[0].titel: unknown key "titel" (did you mean "title"?); a safeguard has only: id, title',
      'f.yaml:27:21 domains[0].thresholds[0].indicators[0].metric: invalid metric name "Cyber A": use lowercase letters, digits and . _ -, starting with a letter or digit ([a-z0-9][a-z0-9._-]*)',
      'f.yaml:30:21 domains[0].thresholds[0].requires.max_tier: unknown tier "friends" (tiers: internal, partners, open)',
      'f.yaml:36:20 domains[0].thresholds[1].indicators[0].above: expected a finite number, got the text "lots"',
      'f.yaml:40:37 review.decision_within.business_days: expected a positive whole number of business days, got the number 0',
      'f.yaml:41:13 review.on_lapse: expected one of deemed_approved, escalate, got the text "shrug"',
    ]);
    expect(e.message).toBe('f.yaml: not a valid framework (10 problems)');
  });

  test('problems are capped with a count of the rest', () => {
    const holidays = Array.from({ length: 1500 }, () => 'x').join(', ');
    const e = loadError(withReview(`  holidays: [${holidays}]\n`));
    expect(e.problems).toHaveLength(1001);
    expect(e.problems[1000]!.message).toBe('... and 500 more problems');
    expect(e.message).toBe('f.yaml: not a valid framework (1500 problems)');
  });
});
