import { describe, expect, test } from 'vitest';
import { inspectScoreToNumber } from './index.js';
import { caught } from './test-helpers/fixtures.js';

describe('inspectScoreToNumber', () => {
  test.each([
    [1, 1],
    [0, 0],
    [0.65, 0.65],
    [-2.5, -2.5],
    [-0, 0],
    [true, 1],
    [false, 0],
    ['C', 1],
    ['P', 0.5],
    ['I', 0],
    ['N', 0],
    [' C ', 1],
    ['yes', 1],
    ['YES', 1],
    ['True', 1],
    ['true', 1],
    ['no', 0],
    ['No', 0],
    ['FALSE', 0],
    ['1', 1],
    ['0.25', 0.25],
    ['-3', -3],
    ['1e-3', 0.001],
    ['.5', 0.5],
    ['7.', 7],
  ])('%j → %j', (value, expected) => {
    expect(inspectScoreToNumber(value, 'f.eval: sample 1 epoch 1')).toBe(expected);
  });

  test.each([[Number.NaN], [null], ['NaN'], ['nan']])('%j is unscored', (value) => {
    expect(inspectScoreToNumber(value, 'w')).toBe('unscored');
  });

  test.each([
    ['c', 'not a number, C/P/I/N, yes/no, true/false or a numeric string'],
    ['correct', 'is not a number'],
    ['', 'is not a number'],
    ['1,5', 'is not a number'],
    ['0x10', 'is not a number'],
    [Number.POSITIVE_INFINITY, 'not finite'],
    [Number.NEGATIVE_INFINITY, 'not finite'],
    ['1e999', 'not finite'],
    [[1, 0], 'list'],
    [{ a: 1 }, 'dict; choose one of its keys with the scorer "<scorer>/<key>"'],
    [undefined, 'is not a number'],
  ])('%j is an error naming the sample', (value, why) => {
    const e = caught(() => inspectScoreToNumber(value, 'run.eval: sample "q7" epoch 2, scorer "match"'));
    expect(e.code).toBe('invalid_input');
    expect(e.message.startsWith('run.eval: sample "q7" epoch 2, scorer "match": ')).toBe(true);
    expect(e.message).toContain(why);
  });
});
