import { describe, expect, it } from 'vitest';
import { GreenlightError } from '../errors.js';
import type { PerSampleEvaluation } from '../evidence/types.js';
import { validateEvidence } from '../evidence/validate.js';
import { importCsv, parseCsvRecords } from './csv.js';
import type { ImportOptions } from './types.js';

const FILE = 'scores.csv';
const run = (text: string, extra: Partial<ImportOptions> = { metric: 'cyber.ctf' }) =>
  importCsv(text, { fileName: FILE, sha256: 'ab'.repeat(32), ...extra });
const samples = (text: string) => (run(text).evaluations[0] as PerSampleEvaluation).samples;

function problems(text: string): string[] {
  try {
    run(text);
  } catch (e) {
    expect(e).toBeInstanceOf(GreenlightError);
    const g = e as GreenlightError;
    expect(g.code).toBe('invalid_input');
    return g.problems.map((p) => `${p.line}: ${p.message}`);
  }
  throw new Error('expected an error');
}

describe('importCsv: good files', () => {
  it('reads id,value with numbers and booleans', () => {
    const r = run('id,value\na,1\nb,0\nc,0.25\nd,true\ne,FALSE\nf,-1.5e-2\n');
    const e = r.evaluations[0] as PerSampleEvaluation;
    expect(e.metric).toBe('cyber.ctf');
    expect(e.samples).toEqual([
      { id: 'a', value: 1 },
      { id: 'b', value: 0 },
      { id: 'c', value: 0.25 },
      { id: 'd', value: true },
      { id: 'e', value: false },
      { id: 'f', value: -0.015 },
    ]);
    expect(e.source).toEqual({ format: 'csv', file: FILE, sha256: 'ab'.repeat(32), rows: 6 });
    expect(r.warnings).toEqual([]);
    validateEvidence({ greenlight: 1, model: { id: 'a/b', version: '1' }, evaluations: [e] });
  });

  it('takes the column order from the header, with epochs and clusters', () => {
    expect(samples('cluster,Epoch,VALUE,id\nweb,1,1,t1\nweb,2,0,t1\n,1,1,t2\n')).toEqual([
      { id: 't1', epoch: 1, value: 1, cluster: 'web' },
      { id: 't1', epoch: 2, value: 0, cluster: 'web' },
      { id: 't2', epoch: 1, value: 1 },
    ]);
  });

  it('handles quoted fields, doubled quotes, commas and line breaks inside quotes, CRLF, a BOM', () => {
    const text =
      '\uFEFFid,value,cluster\r\n"a,1",1,"say ""hi"""\r\n"multi\r\nline",0,x\r\nplain , 1 ,  y \r\n';
    expect(samples(text)).toEqual([
      { id: 'a,1', value: 1, cluster: 'say "hi"' },
      { id: 'multi\r\nline', value: 0, cluster: 'x' },
      { id: 'plain', value: 1, cluster: 'y' },
    ]);
  });

  it('skips blank lines and has no trailing newline requirement; an empty epoch means 1', () => {
    expect(samples('id,value,epoch\n\na,1,\n\nb,0,2')).toEqual([
      { id: 'a', value: 1 },
      { id: 'b', epoch: 2, value: 0 },
    ]);
  });

  it('maps with a mapping file as {task: <file stem>, scorer: value}', () => {
    const r = run('id,value\na,1\n', {
      map: { map: [{ task: 'scores', scorer: 'value', metric: 'bio.uplift' }] },
    });
    expect(r.evaluations[0]?.metric).toBe('bio.uplift');
    expect(r.evaluations[0]?.source).toMatchObject({ task: 'scores', scorer: 'value' });
    expect(() =>
      run('id,value\na,1\n', { map: { map: [{ task: 'other', scorer: 'value', metric: 'm' }] } }),
    ).toThrow('no mapping rule for this CSV file (a CSV file maps as {task: scores, scorer: value');
  });

  it('records line numbers of records', () => {
    expect(parseCsvRecords('a,b\n"x\ny",1\nz,2\n', FILE).map((r) => r.line)).toEqual([1, 2, 4]);
  });
});

describe('importCsv: errors with line numbers', () => {
  it('an empty file or a header without samples', () => {
    expect(problems('')).toEqual([
      '1: empty file: expected a header row id,value[,epoch][,cluster] and at least one sample',
    ]);
    expect(problems('id,value\n')).toEqual(['1: no samples after the header row']);
  });

  it('a bad header', () => {
    expect(problems('id,score\na,1\n')).toEqual([
      '1: unknown column "score" in the header (expected id, value, and optionally epoch, cluster)',
      '1: the header has no "value" column (expected id,value[,epoch][,cluster])',
    ]);
    expect(problems('id,value,id\na,1,b\n')).toEqual(['1: column "id" appears twice in the header']);
  });

  it('bad values, NaN and infinities', () => {
    expect(problems('id,value\na,1\nb,NaN\nc,abc\nd,\ne,inf\nf,1e999\ng,0x10\n')).toEqual([
      '3: value NaN is not a finite number (leave unscored samples out of the file)',
      '4: value "abc" is not a number or true/false',
      '5: empty value',
      '6: value inf is not a finite number (leave unscored samples out of the file)',
      '7: value 1e999 is out of range',
      '8: value "0x10" is not a number or true/false',
    ]);
  });

  it('bad epochs, empty ids, wrong field counts', () => {
    expect(problems('id,value,epoch\na,1,0\nb,1,1.5\n,1,1\nc,1\nd,1,1,extra\n')).toEqual([
      '2: epoch "0" is not an integer ≥ 1',
      '3: epoch "1.5" is not an integer ≥ 1',
      '4: empty id',
      '5: expected 3 fields (id,value,epoch), found 2',
      '6: expected 3 fields (id,value,epoch), found 4',
    ]);
  });

  it('a duplicate (id, epoch), counting a missing epoch as 1', () => {
    expect(problems('id,value,epoch\na,1,1\nb,1,\na,0,2\na,1,\nb,0,1\n')).toEqual([
      '5: duplicate sample: id "a" epoch 1 already on line 2',
      '6: duplicate sample: id "b" epoch 1 already on line 3',
    ]);
  });

  it('epochs of one sample in different clusters', () => {
    expect(problems('id,value,epoch,cluster\na,1,1,x\na,1,2,y\n')).toEqual([
      '3: id "a" is in cluster "y" here but "x" on line 2: all epochs of a sample carry the same cluster',
    ]);
  });

  it('broken quoting', () => {
    expect(problems('id,value\n"a,1\n')).toEqual(['2: unterminated quoted field']);
    expect(problems('id,value\n"a"b,1\n')).toEqual([
      '2: unexpected text after a closing quote (a quote inside a quoted field is written "")',
    ]);
    expect(problems('id,value\na"b,1\n')).toEqual([
      '2: a quote inside an unquoted field (quote the whole field and double the quote)',
    ]);
  });

  it('names the file in every problem and caps the list', () => {
    const many = `id,value\n${Array.from({ length: 150 }, (_, i) => `s${i},x`).join('\n')}\n`;
    try {
      run(many);
      throw new Error('expected an error');
    } catch (e) {
      const g = e as GreenlightError;
      expect(g.problems).toHaveLength(101);
      expect(g.problems.every((p) => p.file === FILE)).toBe(true);
      expect(g.problems[100]?.message).toBe('… and 50 more problems');
      expect(g.message).toBe(`${FILE}: 150 problem(s) in the CSV (showing the first 100)`);
    }
  });

  it('without a metric', () => {
    expect(() => run('id,value\na,1\n', {})).toThrow('no framework metric given');
  });
});
