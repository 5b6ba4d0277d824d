/** Public statistics: time to decision, deadlines met and missed, lapses, overrides, appeals — per framework. */
import * as Plot from '@observablehq/plot';
import { useCallback } from 'react';
import { api, type Bucket, type Statistics } from '../api.js';
import { PlotFigure } from '../components/PlotFigure.js';
import { formatSeconds, useLoad } from '../util.js';

function rows(s: Statistics): { framework: string; b: Bucket }[] {
  return [
    { framework: 'all', b: s },
    ...Object.entries(s.per_framework).map(([framework, b]) => ({ framework, b })),
  ];
}

function counts(s: Statistics) {
  return rows(s).flatMap(({ framework, b }) => [
    { framework, group: 'deadlines', what: 'met', n: b.deadlines_met },
    { framework, group: 'deadlines', what: 'missed', n: b.deadlines_missed },
    { framework, group: 'lapses', what: 'deemed approved', n: b.lapses.deemed_approved },
    { framework, group: 'lapses', what: 'escalated', n: b.lapses.escalated },
    { framework, group: 'overrides', what: 'overrides', n: b.overrides },
    { framework, group: 'appeals', what: 'upheld', n: b.appeals.upheld },
    { framework, group: 'appeals', what: 'reversed', n: b.appeals.reversed },
    { framework, group: 'appeals', what: 'pending', n: b.appeals.pending },
  ]);
}

export function StatisticsPage() {
  const [stats] = useLoad(() => api.statistics(), []);
  if (stats.state === 'loading') return <p aria-live="polite">Loading…</p>;
  if (stats.state === 'error') return <p role="alert">Could not load statistics: {stats.error}</p>;
  return <StatisticsView s={stats.value} />;
}

function StatisticsView({ s }: { s: Statistics }) {
  const days = (s.time_to_decision_seconds.values ?? []).map((v) => v / 86400);
  const histogram = useCallback(
    () =>
      Plot.plot({
        className: 'gl-plot',
        width: 640,
        height: 240,
        x: { label: 'days from submission to decision or lapse' },
        y: { label: 'reviews', grid: true },
        marks: [
          Plot.rectY(days, { ...Plot.binX({ y: 'count' }, { x: (d: number) => d }), fill: '#2563eb' }),
          Plot.ruleY([0]),
        ],
      }),
    [days],
  );
  const data = counts(s);
  const bars = useCallback(
    () =>
      Plot.plot({
        className: 'gl-plot',
        width: 640,
        height: 60 + data.length * 14,
        marginLeft: 150,
        x: { label: 'count', grid: true },
        y: { label: null },
        fy: { label: null },
        color: { legend: false, scheme: 'tableau10' },
        marks: [
          Plot.barX(data, {
            fy: 'framework',
            y: 'what',
            x: 'n',
            fill: 'group',
            title: (d: { framework: string; what: string; n: number }) => `${d.framework}: ${d.what} ${d.n}`,
          }),
          Plot.text(data, { fy: 'framework', y: 'what', x: 'n', text: 'n', dx: 8, textAnchor: 'start' }),
        ],
      }),
    [data],
  );
  return (
    <>
      <h1>Statistics</h1>
      <dl className="facts summary">
        <dt>Reviews</dt>
        <dd data-testid="stat-reviews">{s.reviews}</dd>
        <dt>Decided</dt>
        <dd>{s.decided}</dd>
        <dt>Median time to decision</dt>
        <dd>
          {s.time_to_decision_seconds.median === null
            ? '—'
            : formatSeconds(s.time_to_decision_seconds.median)}
        </dd>
        <dt>90th percentile</dt>
        <dd>
          {s.time_to_decision_seconds.p90 === null ? '—' : formatSeconds(s.time_to_decision_seconds.p90)}
        </dd>
      </dl>
      <h2>Time to decision</h2>
      <PlotFigure render={histogram} label={`Histogram of ${days.length} times to decision, in days`} />
      <h2>Deadlines, lapses, overrides and appeals</h2>
      <PlotFigure
        render={bars}
        label="Counts of deadlines met and missed, lapses, overrides and appeals per framework"
      />
      <div className="table-wrap">
        <table>
          <caption>Per framework</caption>
          <thead>
            <tr>
              <th scope="col">Framework</th>
              <th scope="col">Reviews</th>
              <th scope="col">Met</th>
              <th scope="col">Missed</th>
              <th scope="col">Deemed approved</th>
              <th scope="col">Escalated</th>
              <th scope="col">Overrides</th>
              <th scope="col">Appeals (upheld / reversed / pending)</th>
            </tr>
          </thead>
          <tbody>
            {rows(s).map(({ framework, b }) => (
              <tr key={framework}>
                <th scope="row">{framework}</th>
                <td>{b.reviews}</td>
                <td>{b.deadlines_met}</td>
                <td>{b.deadlines_missed}</td>
                <td>{b.lapses.deemed_approved}</td>
                <td>{b.lapses.escalated}</td>
                <td>{b.overrides}</td>
                <td>
                  {b.appeals.filed} ({b.appeals.upheld} / {b.appeals.reversed} / {b.appeals.pending})
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
