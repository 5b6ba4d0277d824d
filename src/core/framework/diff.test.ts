import { describe, expect, test } from 'vitest';
import { EXAMPLE_JSON, EXAMPLE_YAML, edit, fixture, MINIMAL } from '../../test-support/framework.js';
import { diffFrameworks, type FrameworkChange, formatDuration } from './diff.js';
import { parseFramework } from './load.js';

const A = parseFramework(EXAMPLE_YAML);
const load = (t: string) => parseFramework(t);
const only = (changes: FrameworkChange[]) => {
  expect(changes).toHaveLength(1);
  return changes[0]!;
};

describe('diffFrameworks', () => {
  test('no differences between a framework and itself, or its JSON form, or with defaults written out', () => {
    expect(diffFrameworks(A, A)).toEqual([]);
    expect(diffFrameworks(A, parseFramework(EXAMPLE_JSON))).toEqual([]);
    const m = load(MINIMAL);
    const withDefaults = load(
      edit(
        MINIMAL,
        'tiers:\n',
        'statistics: { confidence: 0.95, min_samples: 1, interval: wilson }\ntiers:\n',
      ),
    );
    expect(withDefaults.digest).not.toBe(m.digest);
    expect(diffFrameworks(m, withDefaults)).toEqual([]);
  });

  test('example → example-v2: every change, in order, with plain-English summaries', () => {
    const B = load(fixture('example-v2.yaml'));
    const changes = diffFrameworks(A, B);
    expect(changes.map((c) => [c.section, c.kind, c.path])).toEqual([
      ['metadata', 'metadata_changed', 'version'],
      ['metadata', 'metadata_changed', 'effective'],
      ['statistics', 'statistics_changed', 'statistics.min_samples'],
      ['tiers', 'tier_title_changed', 'tiers[id=vetted_partners].title'],
      ['safeguards', 'safeguard_added', 'safeguards[id=red-teaming]'],
      [
        'domains',
        'indicator_value_changed',
        'domains[id=cyber].thresholds[id=high].indicators[metric=cyber.vuln_discovery].above',
      ],
      [
        'domains',
        'indicator_added',
        'domains[id=cyber].thresholds[id=high].indicators[metric=cyber.patch_bypass]',
      ],
      [
        'domains',
        'indicator_removed',
        'domains[id=cyber].thresholds[id=high].indicators[metric=cyber.ctf_professional]',
      ],
      ['domains', 'required_safeguards_changed', 'domains[id=cyber].thresholds[id=high].requires.safeguards'],
      ['domains', 'required_tier_changed', 'domains[id=cyber].thresholds[id=critical].requires.max_tier'],
      ['domains', 'domain_added', 'domains[id=bio]'],
      ['review', 'review_changed', 'review.decision_within'],
      ['review', 'review_changed', 'review.quorum'],
      ['review', 'review_changed', 'review.holidays'],
      ['incidents', 'incident_changed', 'incidents[id=narrow_jailbreak].report_within'],
      ['incidents', 'incident_added', 'incidents[id=weights_leak]'],
    ]);
    const by = (path: string) => changes.find((c) => c.path === path)!;
    expect(by('version')).toMatchObject({
      before: '2026.1',
      after: '2026.2',
      summary: 'Version changed from "2026.1" to "2026.2"',
    });
    expect(by('domains[id=cyber].thresholds[id=high].indicators[metric=cyber.vuln_discovery].above')).toEqual(
      {
        section: 'domains',
        domain: 'cyber',
        threshold: 'high',
        path: 'domains[id=cyber].thresholds[id=high].indicators[metric=cyber.vuln_discovery].above',
        kind: 'indicator_value_changed',
        before: 0.5,
        after: 0.4,
        effect: 'stricter',
        summary:
          'Threshold "high" in Cybersecurity: indicator cyber.vuln_discovery moved from above 0.5 to above 0.4 — now triggers at a lower score (stricter)',
      },
    );
    expect(by('domains[id=cyber].thresholds[id=critical].requires.max_tier')).toMatchObject({
      before: 'named_institutions',
      after: 'internal',
      effect: 'stricter',
      summary:
        'Threshold "critical" in Cybersecurity: once reached, the model may be released at most to tier "internal" (was "named_institutions") — a more restricted tier (stricter)',
    });
    expect(by('domains[id=cyber].thresholds[id=high].requires.safeguards')).toMatchObject({
      before: ['trusted-access', 'misuse-monitoring'],
      after: ['trusted-access', 'misuse-monitoring', 'red-teaming'],
      effect: 'stricter',
      summary: 'Threshold "high" in Cybersecurity: now also requires red-teaming (stricter)',
    });
    expect(by('review.decision_within')).toMatchObject({
      before: { unit: 'business_days', amount: 30 },
      after: { unit: 'business_days', amount: 20 },
      summary: 'The approving body must decide within 20 business days (was 30 business days) — shorter',
    });
    for (const c of changes) {
      expect(c.summary.length).toBeGreaterThan(10);
      expect(c.summary).not.toMatch(/undefined|\[object/);
    }
    // JSON-serialisable as is (the CLI prints it)
    expect(JSON.parse(JSON.stringify(changes))).toEqual(changes);
  });

  test('reverse direction flips the effects', () => {
    const B = load(fixture('example-v2.yaml'));
    const fwd = diffFrameworks(A, B);
    const back = diffFrameworks(B, A);
    const eff = (cs: FrameworkChange[], path: string) => cs.find((c) => c.path === path)?.effect;
    const p = 'domains[id=cyber].thresholds[id=high].indicators[metric=cyber.vuln_discovery].above';
    expect(eff(fwd, p)).toBe('stricter');
    expect(eff(back, p)).toBe('looser');
    expect(back.find((c) => c.path === p)!.summary).toContain(
      'now triggers only at a higher score (more permissive)',
    );
    expect(back.find((c) => c.kind === 'domain_removed')).toMatchObject({
      path: 'domains[id=bio]',
      effect: 'looser',
    });
  });
});

describe('threshold values', () => {
  const ind = '          - metric: cyber.a\n            above: 0.5\n';
  const v = (s: string) => load(edit(MINIMAL, ind, s));

  test('above: lower is stricter, higher is more permissive', () => {
    const base = v(ind);
    const lower = only(diffFrameworks(base, v('          - metric: cyber.a\n            above: 0.4\n')));
    expect(lower.summary).toContain('now triggers at a lower score (stricter)');
    expect(lower.effect).toBe('stricter');
    const higher = only(diffFrameworks(base, v('          - metric: cyber.a\n            above: 0.6\n')));
    expect(higher.summary).toContain('now triggers only at a higher score (more permissive)');
    expect(higher.effect).toBe('looser');
  });

  test('below: higher is stricter, lower is more permissive', () => {
    const base = v('          - metric: cyber.a\n            below: 0.9\n');
    const higher = only(diffFrameworks(base, v('          - metric: cyber.a\n            below: 0.95\n')));
    expect(higher).toMatchObject({
      kind: 'indicator_value_changed',
      path: expect.stringMatching(/\.below$/),
      effect: 'stricter',
    });
    expect(higher.summary).toContain('now triggers at a higher value (stricter)');
    const lower = only(diffFrameworks(base, v('          - metric: cyber.a\n            below: 0.8\n')));
    expect(lower.summary).toContain('now triggers only at a lower value (more permissive)');
  });

  test('direction changed', () => {
    const c = only(diffFrameworks(v(ind), v('          - metric: cyber.a\n            below: 0.5\n')));
    expect(c.kind).toBe('indicator_direction_changed');
    expect(c.summary).toBe(
      'Threshold "high" in Cyber: indicator cyber.a is now crossed when the value is at or below 0.5 (was at or above 0.5)',
    );
  });

  test('indicators added under rule all make a threshold harder to reach', () => {
    const all = (s: string) =>
      load(
        edit(
          edit(MINIMAL, ind, s),
          '        text: High capability\n',
          '        text: High capability\n        rule: all\n',
        ),
      );
    const c = only(diffFrameworks(all(ind), all(`${ind}          - { metric: cyber.c, above: 0.2 }\n`)));
    expect(c).toMatchObject({ kind: 'indicator_added', effect: 'looser' });
    expect(c.summary).toBe('Threshold "high" in Cyber: new indicator cyber.c ≥ 0.2 (more permissive)');
  });
});

describe('threshold structure', () => {
  test('text and rule changes', () => {
    const b = load(
      edit(
        MINIMAL,
        '        text: High capability\n',
        '        text: Highly capable\n        rule: majority\n',
      ),
    );
    const changes = diffFrameworks(load(MINIMAL), b);
    expect(changes.map((c) => c.kind)).toEqual(['threshold_text_changed', 'threshold_rule_changed']);
    expect(changes[1]!.summary).toBe(
      'Threshold "high" in Cyber is now crossed when more than half of its indicators are crossed (was: when any one of its indicators is crossed) — triggers less easily (more permissive)',
    );
  });

  test('thresholds added, removed and reordered', () => {
    const base = load(MINIMAL);
    const renamed = load(edit(MINIMAL, '- id: critical', '- id: severe'));
    expect(diffFrameworks(base, renamed).map((c) => [c.kind, c.threshold, c.effect])).toEqual([
      ['threshold_added', 'severe', 'stricter'],
      ['threshold_removed', 'critical', 'looser'],
    ]);
    const swapped = load(
      edit(edit(MINIMAL, '- id: critical', '- id: tmp'), '- id: high', '- id: critical').replace(
        '- id: tmp',
        '- id: high',
      ),
    );
    const r = diffFrameworks(base, swapped).find((c) => c.kind === 'thresholds_reordered')!;
    expect(r).toMatchObject({ before: ['high', 'critical'], after: ['critical', 'high'] });
    expect(r.summary).toBe(
      'Thresholds in Cyber were reordered (least to most severe): now critical, high (was high, critical)',
    );
  });

  test('safeguards no longer required', () => {
    const c = only(
      diffFrameworks(load(MINIMAL), load(edit(MINIMAL, 'safeguards: [monitoring]', 'safeguards: []'))),
    );
    expect(c).toMatchObject({ kind: 'required_safeguards_changed', effect: 'looser' });
    expect(c.summary).toBe('Threshold "high" in Cyber: no longer requires monitoring (more permissive)');
  });

  test('unresolved policy', () => {
    const c = only(
      diffFrameworks(
        load(MINIMAL),
        load(edit(MINIMAL, '    title: Cyber\n', '    title: Cyber\n    unresolved: request_evidence\n')),
      ),
    );
    expect(c).toMatchObject({
      kind: 'domain_unresolved_changed',
      before: 'treat_as_crossed',
      after: 'request_evidence',
      effect: 'looser',
    });
  });
});

describe('tiers, safeguards, review, incidents', () => {
  test('tier access changed, tier added and removed, tiers reordered', () => {
    const base = load(MINIMAL);
    const c = only(diffFrameworks(base, load(edit(MINIMAL, 'access: grant', 'access: verified'))));
    expect(c).toMatchObject({
      kind: 'tier_access_changed',
      before: 'grant',
      after: 'verified',
      effect: 'looser',
    });
    expect(c.summary).toBe(
      'Tier "partners" access changed from grant (organisations holding a grant) to verified (any verified organisation) — more open (more permissive)',
    );
    const added = diffFrameworks(
      base,
      load(
        edit(MINIMAL, '  - id: open\n', '  - id: api\n    title: API\n    access: verified\n  - id: open\n'),
      ),
    );
    expect(only(added)).toMatchObject({ kind: 'tier_added', path: 'tiers[id=api]' });
    expect(added[0]!.summary).toBe(
      'New tier "api" (API): access for any verified organisation, more open than "partners"',
    );
    const removed = only(
      diffFrameworks(base, load(edit(MINIMAL, '  - id: open\n    title: Open\n    access: public\n', ''))),
    );
    expect(removed).toMatchObject({ kind: 'tier_removed', after: null });
  });

  test('tiers reordered', () => {
    const a = load(edit(MINIMAL, 'access: public', 'access: grant'));
    const b = load(
      edit(
        edit(MINIMAL, 'access: public', 'access: grant'),
        '  - id: partners\n    title: Partners\n    access: grant\n  - id: open\n    title: Open\n    access: grant\n',
        '  - id: open\n    title: Open\n    access: grant\n  - id: partners\n    title: Partners\n    access: grant\n',
      ),
    );
    const changes = diffFrameworks(a, b);
    expect(changes.find((c) => c.kind === 'tiers_reordered')).toMatchObject({
      before: ['internal', 'partners', 'open'],
      after: ['internal', 'open', 'partners'],
    });
    // high's max_tier "partners" is now more open than before relative to "open"; no change to the threshold itself
    expect(changes.filter((c) => c.section === 'domains')).toEqual([]);
  });

  test('safeguard catalogue changes', () => {
    const b = load(
      edit(
        MINIMAL,
        '    title: Monitoring\n',
        '    title: Human monitoring\n  - id: audit\n    title: Audit\n',
      ),
    );
    expect(diffFrameworks(load(MINIMAL), b).map((c) => [c.kind, c.summary])).toEqual([
      ['safeguard_title_changed', 'Safeguard "monitoring" now reads "Human monitoring" (was "Monitoring")'],
      ['safeguard_added', 'New safeguard "audit" in the catalogue: Audit'],
    ]);
  });

  test('review: on_lapse, quorum, appeal windows, holidays, timezone', () => {
    const b = load(
      edit(
        edit(
          MINIMAL,
          'on_lapse: deemed_approved',
          'on_lapse: escalate\n  quorum: 3\n  holidays: [2026-12-25]\n  timezone: Europe/Paris',
        ),
        '{ days: 15 }',
        '{ hours: 48 }',
      ),
    );
    expect(diffFrameworks(load(MINIMAL), b).map((c) => c.summary)).toEqual([
      'The developer may appeal a decision within 48 hours (was 15 calendar days) — shorter',
      'If no decision is made in time, it is escalated (was: it is deemed approved)',
      '3 reviewers must now sign each decision (was 1)',
      'Holidays (not business days): added 2026-12-25',
      'Business days and deadlines are now counted in the Europe/Paris time zone (was UTC)',
    ]);
  });

  test('incidents: response tier and re-review, definition, removal', () => {
    const inc = (resp: string, def = 'Weights leaked') =>
      load(
        `${MINIMAL}incidents:\n  - id: leak\n    title: Leak\n    definition: ${def}\n    report_within: { hours: 4 }\n    response: ${resp}\n`,
      );
    const a = inc('{}');
    const b = inc('{ max_tier: internal, rereview: true }', 'Weights obtained by outsiders');
    expect(diffFrameworks(a, b).map((c) => [c.path, c.effect ?? null, c.summary])).toEqual([
      [
        'incidents[id=leak].definition',
        null,
        'Incident class "leak": its definition changed to: Weights obtained by outsiders',
      ],
      [
        'incidents[id=leak].response.max_tier',
        'stricter',
        'Incident class "leak": now restricts the model to at most tier "internal" (was no restriction) (stricter)',
      ],
      [
        'incidents[id=leak].response.rereview',
        'stricter',
        'Incident class "leak": now opens a re-review (stricter)',
      ],
    ]);
    expect(only(diffFrameworks(a, load(MINIMAL)))).toMatchObject({
      kind: 'incident_removed',
      before: a.incidents[0],
      after: null,
    });
  });

  test('a different framework id is called out', () => {
    const c = only(diffFrameworks(load(MINIMAL), load(edit(MINIMAL, 'id: test-fw', 'id: other-fw'))));
    expect(c.summary).toBe(
      'Framework id changed from "test-fw" to "other-fw" (these are different frameworks, not two versions of one)',
    );
  });
});

test('formatDuration', () => {
  expect(formatDuration({ unit: 'business_days', amount: 1 })).toBe('1 business day');
  expect(formatDuration({ unit: 'days', amount: 2 })).toBe('2 calendar days');
  expect(formatDuration({ unit: 'seconds', amount: 30 })).toBe('30 seconds');
});
