import { describe, expect, it } from 'vitest';
import { addDuration } from './clock.js';

const NY = { timezone: 'America/New_York', holidays: ['2026-11-26', '2026-12-25'] };

describe('clock arithmetic', () => {
  it('elapsed units', () => {
    const s = new Date('2026-03-08T06:00:00.000Z');
    expect(addDuration(s, { unit: 'seconds', amount: 30 }, NY).toISOString()).toBe(
      '2026-03-08T06:00:30.000Z',
    );
    expect(addDuration(s, { unit: 'hours', amount: 24 }, NY).toISOString()).toBe('2026-03-09T06:00:00.000Z');
  });
  it('days keep the local wall-clock time across a DST change', () => {
    // 2026-03-07 09:00 EST (UTC-5) + 2 days = 2026-03-09 09:00 EDT (UTC-4)
    const s = new Date('2026-03-07T14:00:00.000Z');
    expect(addDuration(s, { unit: 'days', amount: 2 }, NY).toISOString()).toBe('2026-03-09T13:00:00.000Z');
    // and back in November: 2026-10-31 09:00 EDT + 2 days = 2026-11-02 09:00 EST
    expect(
      addDuration(new Date('2026-10-31T13:00:00.000Z'), { unit: 'days', amount: 2 }, NY).toISOString(),
    ).toBe('2026-11-02T14:00:00.000Z');
  });
  it('business days skip weekends and holidays and end at 23:59:59.999 local', () => {
    // Wednesday 2026-11-25 10:00 local; +1 → Thursday is Thanksgiving (holiday) → Friday 27th ends 23:59:59.999 EST
    const s = new Date('2026-11-25T15:00:00.000Z');
    expect(addDuration(s, { unit: 'business_days', amount: 1 }, NY).toISOString()).toBe(
      '2026-11-28T04:59:59.999Z',
    );
    // +2 → Monday 30th
    expect(addDuration(s, { unit: 'business_days', amount: 2 }, NY).toISOString()).toBe(
      '2026-12-01T04:59:59.999Z',
    );
  });
  it('business-day ends are remembered per start minute, never across a local midnight', () => {
    const bd = { unit: 'business_days', amount: 1 } as const;
    // Tuesday 2026-11-24 23:59:30 local, then again (remembered), then 31 s later: Wednesday, a day later.
    const before = new Date('2026-11-25T04:59:30.000Z');
    const first = addDuration(before, bd, NY).toISOString();
    expect(first).toBe('2026-11-26T04:59:59.999Z');
    expect(addDuration(new Date('2026-11-25T04:59:59.000Z'), bd, NY).toISOString()).toBe(first);
    // Wednesday 00:00:01: +1 business day skips Thanksgiving → Friday
    expect(addDuration(new Date('2026-11-25T05:00:01.000Z'), bd, NY).toISOString()).toBe(
      '2026-11-28T04:59:59.999Z',
    );
    const other = { timezone: 'America/New_York', holidays: [] };
    expect(addDuration(new Date('2026-11-25T05:00:01.000Z'), bd, other).toISOString()).toBe(
      '2026-11-27T04:59:59.999Z',
    );
  });
  it('a Saturday receipt counts from Monday', () => {
    const sat = new Date('2026-11-07T15:00:00.000Z');
    expect(addDuration(sat, { unit: 'business_days', amount: 1 }, NY).toISOString()).toBe(
      '2026-11-10T04:59:59.999Z',
    );
  });
  it('the local date decides, not the UTC date', () => {
    // Friday 2026-11-06 23:30 local = Saturday 04:30 UTC: counts from Friday → Monday 9th
    const s = new Date('2026-11-07T04:30:00.000Z');
    expect(addDuration(s, { unit: 'business_days', amount: 1 }, NY).toISOString()).toBe(
      '2026-11-10T04:59:59.999Z',
    );
  });
  it('business days across the DST change end at local midnight', () => {
    // Friday 2026-03-06 local; +1 business day → Monday 2026-03-09 23:59:59.999 EDT (UTC-4)
    expect(
      addDuration(
        new Date('2026-03-06T15:00:00.000Z'),
        { unit: 'business_days', amount: 1 },
        NY,
      ).toISOString(),
    ).toBe('2026-03-10T03:59:59.999Z');
  });
});
