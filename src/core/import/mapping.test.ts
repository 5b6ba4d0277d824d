import { describe, expect, it } from 'vitest';
import { formatProblem, GreenlightError } from '../errors.js';
import { parseMappingFile } from './mapping.js';

function lines(text: string, file: string | null = 'map.yaml'): string[] {
  try {
    parseMappingFile(text, file ?? undefined);
  } catch (e) {
    expect(e).toBeInstanceOf(GreenlightError);
    expect((e as GreenlightError).code).toBe('invalid_input');
    return (e as GreenlightError).problems.map(formatProblem);
  }
  throw new Error('expected an error');
}

describe('parseMappingFile: good files', () => {
  it('reads the spec example (flow style, quoted scorers, comments)', () => {
    const text = `model: { id: example-lab/model-x, version: "2026-06-01" }
map:
  - { task: cybench, scorer: includes, metric: cyber.ctf_professional }
  - { task: gsm8k_cot_llama, scorer: "exact_match,strict-match", metric: reasoning.math }
  - { task: agentic_bio, scorer: "judge/uplift", metric: bio.protocol_uplift }   # key "uplift" of a dict-valued score
`;
    expect(parseMappingFile(text, 'map.yaml')).toEqual({
      model: { id: 'example-lab/model-x', version: '2026-06-01' },
      map: [
        { task: 'cybench', scorer: 'includes', metric: 'cyber.ctf_professional' },
        { task: 'gsm8k_cot_llama', scorer: 'exact_match,strict-match', metric: 'reasoning.math' },
        { task: 'agentic_bio', scorer: 'judge/uplift', metric: 'bio.protocol_uplift' },
      ],
    });
  });

  it('reads block style without a model, YAML 1.2 core: an unquoted date stays a string', () => {
    const text = `map:
  - task: popularity
    scorer: match
    metric: persuasion.popularity
model:
  id: org/name
  version: 2026-06-01
`;
    expect(parseMappingFile(text)).toEqual({
      model: { id: 'org/name', version: '2026-06-01' },
      map: [{ task: 'popularity', scorer: 'match', metric: 'persuasion.popularity' }],
    });
    expect(parseMappingFile('map: [{task: t, scorer: s, metric: m}]')).toEqual({
      map: [{ task: 't', scorer: 's', metric: 'm' }],
    });
  });

  it('resolves anchors and aliases', () => {
    const text = 'map:\n  - &r { task: a, scorer: s, metric: m1 }\n  - { task: b, scorer: s, metric: m2 }\n';
    expect(parseMappingFile(text).map).toHaveLength(2);
  });
});

describe('parseMappingFile: located errors', () => {
  it('unknown keys at every level', () => {
    const text = `model: { id: a/b, version: "1", name: x }
map:
  - { task: t, scorer: s, metric: m, weight: 2 }
extra: 1
`;
    expect(lines(text)).toEqual([
      'map.yaml:1:33 model.name: unknown key (expected one of: id, version)',
      'map.yaml:3:38 map[0].weight: unknown key (expected one of: task, scorer, metric)',
      'map.yaml:4:1 extra: unknown key (expected one of: model, map)',
    ]);
  });

  it('bad types and missing keys', () => {
    const text = `model: { id: nope, version: 1.0 }
map:
  - { task: 12, scorer: s }
  - just-a-string
  - { task: t, scorer: [a], metric: Bad.Metric }
`;
    expect(lines(text)).toEqual([
      'map.yaml:1:14 model.id: expected "<organisation>/<name>", got "nope"',
      'map.yaml:1:29 model.version: expected a non-empty string, got number 1 (quote it to make it a string)',
      'map.yaml:3:13 map[0].task: expected a non-empty string, got number 12 (quote it to make it a string)',
      'map.yaml:3:5 map[0]: missing "metric"',
      'map.yaml:4:5 map[1]: expected a mapping {task, scorer, metric}',
      'map.yaml:5:24 map[2].scorer: expected a non-empty string, got a list',
      'map.yaml:5:37 map[2].metric: metric "Bad.Metric" does not match [a-z0-9][a-z0-9._-]*',
    ]);
  });

  it('a missing or empty map, a missing model field, empty values', () => {
    expect(lines('model: { id: a/b }\n')).toEqual([
      'map.yaml:1:8 model: missing "version"',
      'map.yaml:1:1 missing "map": the list of {task, scorer, metric} rules',
    ]);
    expect(lines('map: []\n')).toEqual(['map.yaml:1:6 map: expected at least one rule']);
    expect(lines('map:\n  - { task: "", scorer: s, metric: }\n')).toEqual([
      'map.yaml:2:13 map[0].task: expected a non-empty string, got an empty string',
      'map.yaml:2:36 map[0].metric: expected a framework metric name, got nothing',
    ]);
    expect(lines('map: {task: t}\n')).toEqual([
      'map.yaml:1:6 map: expected a list of {task, scorer, metric}',
    ]);
  });

  it('a document that is not a mapping', () => {
    expect(lines('- a\n- b\n')).toEqual([
      'map.yaml:1:1 expected a mapping with "map" (and optionally "model")',
    ]);
    expect(lines('')).toEqual(['map.yaml:1:1 expected a mapping with "map" (and optionally "model")']);
  });

  it('YAML syntax errors and duplicate keys', () => {
    const syntax = lines('map:\n  - { task: t, scorer: s, metric: m\n');
    expect(syntax.length).toBeGreaterThan(0);
    expect(syntax[0]).toMatch(/^map\.yaml:\d+:\d+ /);
    const dup = lines('map:\n  - { task: t, task: u, scorer: s, metric: m }\n');
    expect(dup[0]).toMatch(/^map\.yaml:2:\d+ .*[Uu]nique/);
  });

  it('a rule given twice', () => {
    expect(
      lines('map:\n  - { task: t, scorer: s, metric: m }\n  - { task: t, scorer: s, metric: m }\n'),
    ).toEqual(['map.yaml:3:5 map[1]: the same rule as map[0]']);
  });

  it('without a file name, positions only', () => {
    expect(lines('map: 3\n', null)).toEqual(['1:6 map: expected a list of {task, scorer, metric}']);
  });
});
