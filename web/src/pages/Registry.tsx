/** The registry: every model with its effective tier, status, open clocks (live countdown) and incidents. */
import { useState } from 'react';
import { api, type RegistryRow } from '../api.js';
import { label, modelHref, timeLeft, useLoad, useNow } from '../util.js';

const PAGE = 50;
const STATUSES = ['approved', 'restricted', 'in_review', 'denied', 'unreviewed', 'withdrawn'];

export function RegistryPage({ query }: { query: URLSearchParams }) {
  const [search, setSearch] = useState(query.get('q') ?? '');
  const [q, setQ] = useState(search);
  const [status, setStatus] = useState('');
  const [tier, setTier] = useState('');
  const [openOnly, setOpenOnly] = useState(false);
  // A stack of cursors: page k starts at cursors[k] (server-side paging: 10,000 models stay cheap).
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const pageNo = cursors.length - 1;
  const [page] = useLoad(() => api.models({ limit: PAGE, cursor: cursors[pageNo] ?? null, q }), [q, pageNo]);
  const now = useNow();

  const rows = page.state === 'ok' ? page.value.items : [];
  const tiers = [...new Set(rows.map((r) => r.effective_tier).filter((t): t is string => t !== null))].sort();
  const shown = rows.filter(
    (r) =>
      (status === '' || r.status === status) &&
      (tier === '' || (tier === '(none)' ? r.effective_tier === null : r.effective_tier === tier)) &&
      (!openOnly || r.open_clocks.length > 0 || r.open_incidents > 0),
  );

  return (
    <>
      <h1>Model registry</h1>
      <form
        className="filters"
        aria-label="Search and filter models"
        onSubmit={(e) => {
          e.preventDefault();
          setCursors([null]);
          setQ(search.trim());
        }}
      >
        <label>
          Search models
          <input
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="org/name"
          />
        </label>
        <button type="submit">Search</button>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {label(s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Effective tier
          <select value={tier} onChange={(e) => setTier(e.target.value)}>
            <option value="">any</option>
            <option value="(none)">none</option>
            {tiers.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={openOnly} onChange={(e) => setOpenOnly(e.target.checked)} /> open
          clocks or incidents only
        </label>
      </form>
      {page.state === 'error' && <p role="alert">Could not load the registry: {page.error}</p>}
      {page.state === 'loading' && <p aria-live="polite">Loading…</p>}
      {page.state === 'ok' && (
        <>
          <p className="muted" aria-live="polite">
            Page {pageNo + 1}: {shown.length} of {rows.length} models on this page
            {status || tier || openOnly ? ' match the filters' : ''}.
          </p>
          <div className="table-wrap">
            <table className="registry">
              <caption className="sr-only">Models</caption>
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  <th scope="col">Version</th>
                  <th scope="col">Effective tier</th>
                  <th scope="col">Status</th>
                  <th scope="col">Open clocks</th>
                  <th scope="col">Incidents</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((r) => (
                  <RegistryLine key={r.id} row={r} now={now} />
                ))}
              </tbody>
            </table>
          </div>
          <nav className="pager" aria-label="Pages">
            <button type="button" disabled={pageNo === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
              ← Previous
            </button>
            <button
              type="button"
              disabled={!page.value.next_cursor}
              onClick={() => setCursors((c) => [...c, page.value.next_cursor])}
            >
              Next →
            </button>
          </nav>
        </>
      )}
    </>
  );
}

function RegistryLine({ row, now }: { row: RegistryRow; now: number }) {
  return (
    <tr data-model={row.id}>
      <th scope="row">
        <a href={modelHref(row.id)}>{row.id}</a>
      </th>
      <td>{row.current_version ?? '—'}</td>
      <td data-col="tier">{row.effective_tier ?? 'none'}</td>
      <td data-col="status">
        <span className={`badge status-${row.status}`}>{label(row.status)}</span>
      </td>
      <td>
        {row.open_clocks.length === 0
          ? '—'
          : row.open_clocks.map((c) => {
              const t = timeLeft(c.decision_due, now);
              return (
                <div key={c.review} className={t.late ? 'late' : undefined}>
                  {c.kind}: <time dateTime={c.decision_due}>{t.text}</time>
                </div>
              );
            })}
      </td>
      <td>{row.open_incidents > 0 ? <strong className="warn">{row.open_incidents} open</strong> : '—'}</td>
    </tr>
  );
}
