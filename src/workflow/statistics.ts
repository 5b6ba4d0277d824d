/** Public statistics: time to decision, deadlines, lapses, overrides, appeals, per framework. */
import type { Ctx } from './context.js';
import type { Bucket, Statistics } from './types.js';

export type { Bucket, Statistics };

function empty(): Bucket & { values: number[] } {
  return {
    reviews: 0,
    decided: 0,
    time_to_decision_seconds: { median: null, p90: null },
    deadlines_met: 0,
    deadlines_missed: 0,
    lapses: { deemed_approved: 0, escalated: 0 },
    overrides: 0,
    appeals: { filed: 0, upheld: 0, reversed: 0, pending: 0 },
    values: [],
  };
}

function quantile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i]!;
}

function finish(b: Bucket & { values: number[] }, withValues: boolean): Bucket {
  const sorted = [...b.values].sort((x, y) => x - y);
  const { values: _v, ...rest } = b;
  return {
    ...rest,
    time_to_decision_seconds: {
      median: quantile(sorted, 0.5),
      p90: quantile(sorted, 0.9),
      ...(withValues ? { values: sorted } : {}),
    },
  };
}

export async function statistics(ctx: Ctx, opts: { values?: boolean } = {}): Promise<Statistics> {
  const db = ctx.store.db;
  const subs = await db
    .selectFrom('submissions')
    .select([
      'id',
      'status',
      'framework_id',
      'framework_version',
      'received_at',
      'concluded_at',
      'decision_due',
    ])
    .execute();
  const appeals = await db
    .selectFrom('appeals')
    .innerJoin('submissions', 'submissions.id', 'appeals.submission_id')
    .select([
      'appeals.id',
      'appeals.status',
      'appeals.result',
      'appeals.filed_at',
      'appeals.concluded_at',
      'appeals.decision_due',
      'submissions.framework_id',
      'submissions.framework_version',
    ])
    .execute();
  const escalations = await db
    .selectFrom('events')
    .select(['submission_id', 'appeal_id'])
    .where('type', '=', 'review.escalated')
    .execute();
  const overrides = await db
    .selectFrom('decisions')
    .select(['review_kind', 'review_id'])
    .where('status', '=', 'effective')
    .where('override', '=', 1)
    .execute();
  const total = empty();
  const per = new Map<string, ReturnType<typeof empty>>();
  const fwOf = new Map<string, string>();
  const bucket = (key: string) => {
    let b = per.get(key);
    if (!b) {
      b = empty();
      per.set(key, b);
    }
    return [total, b];
  };
  const conclude = (
    bs: ReturnType<typeof empty>[],
    received: string,
    concluded: string,
    due: string,
    lapsed: boolean,
  ) => {
    for (const b of bs) {
      b.decided++;
      b.values.push(Math.round((Date.parse(concluded) - Date.parse(received)) / 1000));
      if (!lapsed && concluded <= due) b.deadlines_met++;
      else b.deadlines_missed++;
    }
  };
  for (const s of subs) {
    const key = `${s.framework_id}@${s.framework_version}`;
    fwOf.set(s.id, key);
    if (s.status === 'withdrawn' || s.status === 'superseded') continue;
    const bs = bucket(key);
    for (const b of bs) b.reviews++;
    if (s.status === 'decided' || s.status === 'deemed_approved') {
      conclude(bs, s.received_at, s.concluded_at!, s.decision_due, s.status === 'deemed_approved');
      if (s.status === 'deemed_approved') for (const b of bs) b.lapses.deemed_approved++;
    }
  }
  for (const a of appeals) {
    const key = `${a.framework_id}@${a.framework_version}`;
    fwOf.set(a.id, key);
    const bs = bucket(key);
    for (const b of bs) {
      b.reviews++;
      b.appeals.filed++;
      if (a.result === 'upheld') b.appeals.upheld++;
      else if (a.result === 'reversed') b.appeals.reversed++;
      else b.appeals.pending++;
    }
    if (a.status === 'appeal_decided' || a.status === 'appeal_deemed') {
      conclude(bs, a.filed_at, a.concluded_at!, a.decision_due, a.status === 'appeal_deemed');
      if (a.status === 'appeal_deemed') for (const b of bs) b.lapses.deemed_approved++;
    }
  }
  for (const e of escalations) {
    const key = fwOf.get(e.appeal_id ?? e.submission_id ?? '');
    if (!key) continue;
    const bs = bucket(key);
    for (const b of bs) {
      b.lapses.escalated++;
      b.deadlines_missed++;
    }
  }
  for (const o of overrides) {
    const key = fwOf.get(o.review_id);
    if (!key) continue;
    for (const b of bucket(key)) b.overrides++;
  }
  const values = opts.values ?? true;
  return {
    ...finish(total, values),
    per_framework: Object.fromEntries([...per.entries()].sort().map(([k, b]) => [k, finish(b, false)])),
  };
}
