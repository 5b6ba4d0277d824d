import { describe, expect, it } from 'vitest';
import { GreenlightError } from '../errors.js';
import { answerOf, importTimedOut, resultOf } from './answer.js';
import { importLog } from './index.js';

const opts = { metric: 'm.x', fileName: 'r.csv', sha256: 'f'.repeat(64) };

describe('import answers (messages from import workers)', () => {
  it('carry a result or a GreenlightError through structured cloning', () => {
    const csv = new TextEncoder().encode('id,value\na,1\nb,0\n');
    const direct = importLog('csv', csv, opts);
    const ok = structuredClone(answerOf(() => importLog('csv', csv, opts)));
    expect(resultOf(ok)).toEqual(direct);

    const failed = structuredClone(answerOf(() => importLog('csv', new TextEncoder().encode('nope'), opts)));
    expect(failed.ok).toBe(false);
    let raised: unknown;
    try {
      resultOf(failed);
    } catch (e) {
      raised = e;
    }
    expect(raised).toBeInstanceOf(GreenlightError);
    expect((raised as GreenlightError).code).toBe('invalid_input');
    expect((raised as GreenlightError).message).toMatch(/^r\.csv/);
  });

  it('report other exceptions as internal, and time-outs in seconds or milliseconds', () => {
    const a = answerOf(() => {
      throw new TypeError('boom');
    });
    expect(a).toEqual({ ok: false, code: 'internal', message: 'boom', problems: [] });
    expect(importTimedOut('x.eval', 300_000).message).toBe(
      'x.eval: decoding did not finish within 300 s; the archive is malformed or hostile',
    );
    expect(importTimedOut('x.eval', 1).message).toBe(
      'x.eval: decoding did not finish within 1 ms; the archive is malformed or hostile',
    );
  });
});
