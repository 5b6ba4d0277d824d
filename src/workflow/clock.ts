/**
 * Clock arithmetic (framework.md "Durations"), in the framework's time zone: seconds/minutes/hours are elapsed
 * time; days are calendar days at the same local wall-clock time (DST-aware); business_days: N ends at
 * 23:59:59.999 local on the N-th business day strictly after the local start date (weekends and holidays are not
 * business days).
 */
import { DateTime } from 'luxon';
import type { Duration } from '../core/framework/types.js';

export interface ClockRules {
  timezone: string;
  holidays: readonly string[];
}

export function addDuration(start: Date, duration: Duration, rules: ClockRules): Date {
  const n = duration.amount;
  switch (duration.unit) {
    case 'seconds':
      return new Date(start.getTime() + n * 1000);
    case 'minutes':
      return new Date(start.getTime() + n * 60_000);
    case 'hours':
      return new Date(start.getTime() + n * 3_600_000);
    case 'days':
      return DateTime.fromJSDate(start, { zone: rules.timezone }).plus({ days: n }).toJSDate();
    case 'business_days': {
      // The end depends only on the local start date: memoized per (zone, holidays, n, start minute) — local
      // dates change at whole minutes in every zone in use since 1972 — because time-zone arithmetic costs
      // more than the rest of a submission's clock.
      const key = `${rules.timezone}\u0000${n}\u0000${Math.floor(start.getTime() / 60_000)}`;
      let byRules = BUSINESS_DAY_ENDS.get(rules.holidays);
      if (byRules === undefined) {
        byRules = new Map();
        BUSINESS_DAY_ENDS.set(rules.holidays, byRules);
      }
      const hit = byRules.get(key);
      if (hit !== undefined) return new Date(hit);
      const end = businessDaysEnd(start, n, rules);
      if (byRules.size >= 256) byRules.clear();
      byRules.set(key, end.getTime());
      return end;
    }
  }
}

const BUSINESS_DAY_ENDS = new WeakMap<readonly string[], Map<string, number>>();

function businessDaysEnd(start: Date, n: number, rules: ClockRules): Date {
  // Counted on the local calendar (a date's weekday and ISO form do not depend on the zone): UTC dates stand
  // for local ones, and only the start and the end go through the time zone.
  const holidays = new Set(rules.holidays);
  const local = DateTime.fromJSDate(start, { zone: rules.timezone });
  const day = new Date(Date.UTC(local.year, local.month - 1, local.day));
  let counted = 0;
  while (counted < n) {
    day.setUTCDate(day.getUTCDate() + 1);
    if (isBusinessDay(day, holidays)) counted++;
  }
  return DateTime.fromObject(
    { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() },
    { zone: rules.timezone },
  )
    .endOf('day')
    .toJSDate();
}

/** `day` is a calendar date at 00:00 UTC. */
function isBusinessDay(day: Date, holidays: ReadonlySet<string>): boolean {
  const weekday = day.getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidays.has(day.toISOString().slice(0, 10));
}

export function iso(d: Date): string {
  return d.toISOString();
}

/** Whole seconds from `now` until `due` (negative when late). */
export function secondsUntil(due: string, now: Date): number {
  return Math.round((Date.parse(due) - now.getTime()) / 1000);
}
