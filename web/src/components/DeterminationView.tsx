/**
 * A determination as charts (one per domain): each indicator's estimate and interval against its threshold
 * line, coloured by verdict, n and method in the hover title; plus the same numbers as a table for screen
 * readers and small screens.
 */
import * as Plot from '@observablehq/plot';
import { useCallback, useMemo } from 'react';
import type { Determination, DomainResult } from '../../../src/core/determination/types.js';
import { label, num } from '../util.js';
import { PlotFigure } from './PlotFigure.js';

export const VERDICT_COLORS: Record<string, string> = {
  crossed: '#b91c1c',
  below: '#15803d',
  inconclusive: '#b45309',
  insufficient: '#6d28d9',
  missing: '#4b5563',
};
const VERDICTS = Object.keys(VERDICT_COLORS);

interface Row {
  key: string;
  threshold: string;
  metric: string;
  verdict: string;
  estimate: number | null;
  lo: number | null;
  hi: number | null;
  line: number;
  direction: string;
  n: number | null;
  method: string;
}

function rowsOf(domain: DomainResult): Row[] {
  const rows: Row[] = [];
  for (const t of domain.thresholds) {
    for (const ind of t.indicators) {
      const base = { threshold: t.id, metric: ind.metric, line: ind.threshold, direction: ind.direction };
      if (ind.evaluations.length === 0) {
        rows.push({
          ...base,
          key: `${t.id} · ${ind.metric}`,
          verdict: ind.verdict,
          estimate: null,
          lo: null,
          hi: null,
          n: null,
          method: '—',
        });
      }
      ind.evaluations.forEach((e, i) => {
        rows.push({
          ...base,
          key: `${t.id} · ${ind.metric}${ind.evaluations.length > 1 ? ` #${i + 1}` : ''}`,
          verdict: e.verdict,
          estimate: e.estimate,
          lo: e.interval[0],
          hi: e.interval[1],
          n: e.n,
          method: e.method,
        });
      });
    }
  }
  return rows;
}

function DomainChart({ domain, confidence }: { domain: DomainResult; confidence: string }) {
  const rows = useMemo(() => rowsOf(domain), [domain]);
  const values = rows.flatMap((r) => [r.estimate, r.lo, r.hi, r.line]).filter((x): x is number => x !== null);
  const min = Math.min(0, ...values);
  const max = Math.max(1, ...values);
  const render = useCallback(() => {
    const data = rows.map((r) => ({
      ...r,
      x1: r.lo ?? min,
      x2: r.hi ?? max,
      title: `${r.metric} (${r.threshold})\nverdict: ${r.verdict}\nestimate: ${num(r.estimate)}  interval: [${num(r.lo)}, ${num(r.hi)}]\nthreshold: ${r.direction} ${r.line}\nn = ${r.n ?? '—'}  method: ${r.method}`,
    }));
    const measured = data.filter((d) => d.estimate !== null);
    return Plot.plot({
      className: 'gl-plot',
      width: 640,
      height: 40 + rows.length * 34,
      marginLeft: 190,
      x: { domain: [min, max], grid: true, label: `estimate with ${confidence} interval` },
      y: { domain: rows.map((r) => r.key), label: null },
      color: { domain: VERDICTS, range: VERDICTS.map((v) => VERDICT_COLORS[v]!) },
      marks: [
        Plot.ruleY(measured, {
          y: 'key',
          x1: 'x1',
          x2: 'x2',
          stroke: 'verdict',
          strokeWidth: 3,
          title: 'title',
        }),
        Plot.dot(measured, { y: 'key', x: 'estimate', fill: 'verdict', r: 5, title: 'title' }),
        Plot.tickX(data, {
          y: 'key',
          x: 'line',
          stroke: '#111827',
          strokeWidth: 2,
          strokeDasharray: '4,2',
          title: 'title',
        }),
        Plot.text(
          data.filter((d) => d.estimate === null),
          { y: 'key', x: 'line', text: () => 'missing', dx: 8, textAnchor: 'start', fill: '#374151' },
        ),
      ],
    });
  }, [rows, min, max, confidence]);
  return (
    <PlotFigure
      render={render}
      label={`Domain ${domain.id}: ${rows.length} indicator results against their thresholds`}
    />
  );
}

export function DeterminationView({ d, compact = false }: { d: Determination; compact?: boolean }) {
  return (
    <div className="determination" data-digest={d.digest}>
      <dl className="facts">
        <dt>Outcome</dt>
        <dd>
          <span className={`badge outcome-${d.outcome}`} data-testid="outcome">
            {label(d.outcome)}
          </span>
        </dd>
        <dt>Granted tier</dt>
        <dd data-testid="granted-tier">{d.granted_tier}</dd>
        <dt>Requested tier</dt>
        <dd>{d.requested_tier}</dd>
        <dt>Maximum tier</dt>
        <dd>{d.max_tier}</dd>
        <dt>Safeguards</dt>
        <dd>
          required: {d.safeguards.required.join(', ') || 'none'}; attested:{' '}
          {d.safeguards.attested.join(', ') || 'none'}
          {d.safeguards.missing.length > 0 && (
            <strong className="warn"> — missing: {d.safeguards.missing.join(', ')}</strong>
          )}
        </dd>
        <dt>Framework</dt>
        <dd>
          <a href={`#/frameworks/${d.framework.id}/${d.framework.version}`}>
            {d.framework.id} {d.framework.version}
          </a>
        </dd>
        <dt>Digest</dt>
        <dd>
          <code className="digest" data-testid="determination-digest">
            {d.digest}
          </code>
        </dd>
      </dl>
      <Legend />
      {d.domains.map((domain) => (
        <section key={domain.id} className="domain">
          <h4>
            {domain.id}{' '}
            <span className="muted">
              {domain.pending ? 'pending' : `level reached: ${domain.level ?? 'none'}`}
            </span>
          </h4>
          <DomainChart domain={domain} confidence="confidence" />
          {!compact && <DomainTable domain={domain} />}
        </section>
      ))}
      {d.unmatched_metrics.length > 0 && (
        <p className="muted">Metrics in the evidence no threshold uses: {d.unmatched_metrics.join(', ')}</p>
      )}
    </div>
  );
}

function Legend() {
  return (
    <ul className="legend" aria-label="verdict colours">
      {VERDICTS.map((v) => (
        <li key={v}>
          <span className={`swatch swatch-${v}`} aria-hidden="true" /> {v}
        </li>
      ))}
      <li>
        <span className="swatch swatch-threshold" aria-hidden="true" /> threshold
      </li>
    </ul>
  );
}

function DomainTable({ domain }: { domain: DomainResult }) {
  return (
    <details>
      <summary>Numbers for {domain.id}</summary>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Threshold</th>
              <th scope="col">Metric</th>
              <th scope="col">Verdict</th>
              <th scope="col">Estimate</th>
              <th scope="col">Interval</th>
              <th scope="col">Line</th>
              <th scope="col">n</th>
              <th scope="col">Method</th>
            </tr>
          </thead>
          <tbody>
            {rowsOf(domain).map((r) => (
              <tr key={r.key}>
                <td>{r.threshold}</td>
                <td>{r.metric}</td>
                <td>
                  <span className={`verdict verdict-${r.verdict}`}>{r.verdict}</span>
                </td>
                <td>{r.estimate === null ? '—' : num(r.estimate)}</td>
                <td>{r.estimate === null ? '—' : `[${num(r.lo)}, ${num(r.hi)}]`}</td>
                <td>
                  {r.direction} {r.line}
                </td>
                <td>{r.n ?? '—'}</td>
                <td>{r.method}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
