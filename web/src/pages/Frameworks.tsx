/**
 * Frameworks for a non-programmer: thresholds with their verbatim text, tiers, safeguards, deadlines, incident
 * classes; versions and the differences between two of them (the core's `diffFrameworks`).
 */
import { useState } from 'react';
import { diffFrameworks, formatDuration, parseFramework } from '../../../src/core/framework/index.js';
import type { Framework } from '../../../src/core/framework/types.js';
import { api, type FrameworkSummary } from '../api.js';
import { InclusionBadge } from '../components/Inclusion.js';
import { label, useLoad } from '../util.js';

async function loadFramework(
  id: string,
  version: string,
): Promise<{ fw: Framework; digest: string; log: number }> {
  const detail = await api.framework(id, version);
  const fw = parseFramework(detail.source);
  return { fw, digest: detail.digest, log: detail.log_index };
}

export function FrameworksPage() {
  const [list] = useLoad(() => api.frameworks(), []);
  return (
    <>
      <h1>Frameworks</h1>
      {list.state === 'error' && <p role="alert">{list.error}</p>}
      {list.state === 'ok' && <VersionTable items={list.value.items} />}
    </>
  );
}

function VersionTable({ items }: { items: FrameworkSummary[] }) {
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Framework</th>
            <th scope="col">Version</th>
            <th scope="col">Title</th>
            <th scope="col">Effective</th>
            <th scope="col">Superseded by</th>
          </tr>
        </thead>
        <tbody>
          {items.map((f) => (
            <tr key={`${f.id}@${f.version}`}>
              <th scope="row">{f.id}</th>
              <td>
                <a href={`#/frameworks/${f.id}/${f.version}`}>{f.version}</a>
              </td>
              <td>{f.title}</td>
              <td>{f.effective}</td>
              <td>{f.superseded_by ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function FrameworkPage({ id, version }: { id: string; version: string }) {
  const [data] = useLoad(
    async () => ({
      ...(await loadFramework(id, version)),
      versions: (await api.frameworks()).items.filter((f) => f.id === id),
    }),
    [id, version],
  );
  if (data.state === 'loading') return <p aria-live="polite">Loading…</p>;
  if (data.state === 'error') return <p role="alert">Could not load the framework: {data.error}</p>;
  const { fw, versions, digest, log } = data.value;
  const others = versions.filter((v) => v.version !== version);
  return (
    <>
      <h1>
        {fw.title}{' '}
        <span className="muted">
          ({fw.id} {fw.version})
        </span>
      </h1>
      <p>
        Published by {fw.publisher}; effective {fw.effective}. Digest <code className="digest">{digest}</code>{' '}
        <InclusionBadge index={log} type="framework.published" />
      </p>
      <nav aria-label="Versions" className="versions">
        Versions:{' '}
        {versions.map((v) => (
          <span key={v.version}>
            {v.version === version ? (
              <strong aria-current="page">{v.version}</strong>
            ) : (
              <a href={`#/frameworks/${id}/${v.version}`}>{v.version}</a>
            )}{' '}
          </span>
        ))}
        {others.map((o) => (
          <a
            key={o.version}
            className="button"
            href={`#/frameworks/${id}/diff?from=${o.version}&to=${version}`}
          >
            What changed from {o.version}
          </a>
        ))}
      </nav>

      <h2>Statistics</h2>
      <p>
        Intervals at {fw.statistics.confidence * 100}% confidence ({fw.statistics.interval}); at least{' '}
        {fw.statistics.min_samples} samples per evaluation.
      </p>

      <h2>Access tiers</h2>
      <p className="muted">From most restricted to most open.</p>
      <ol>
        {fw.tiers.map((t) => (
          <li key={t.id}>
            <strong>{t.title}</strong> (<code>{t.id}</code>) — access: {label(t.access)}
          </li>
        ))}
      </ol>

      <h2>Safeguards</h2>
      <ul>
        {fw.safeguards.map((s) => (
          <li key={s.id}>
            <strong>{s.title}</strong> (<code>{s.id}</code>)
          </li>
        ))}
      </ul>

      <h2>Thresholds</h2>
      {fw.domains.map((d) => (
        <section key={d.id} className="domain">
          <h3>{d.title}</h3>
          <p className="muted">When the evidence cannot tell: {label(d.unresolved)}.</p>
          {d.thresholds.map((t) => (
            <article key={t.id} className="card threshold" data-threshold={`${d.id}.${t.id}`}>
              <h4>{t.id}</h4>
              <blockquote className="verbatim">{t.text}</blockquote>
              <p>
                Reached when {t.rule === 'any' ? 'any one' : t.rule === 'all' ? 'all' : 'a majority'} of these
                indicators {t.rule === 'any' ? 'is' : 'are'} crossed:
              </p>
              <ul>
                {t.indicators.map((i) => (
                  <li key={i.metric}>
                    <code>{i.metric}</code> {i.direction === 'above' ? 'above' : 'below'} {i.threshold}
                  </li>
                ))}
              </ul>
              <p>
                Then: at most tier <strong>{t.requires.max_tier}</strong>
                {t.requires.safeguards.length > 0 && (
                  <>, with safeguards {t.requires.safeguards.join(', ')}</>
                )}
                .
              </p>
            </article>
          ))}
        </section>
      ))}

      <h2>Review deadlines</h2>
      <ul>
        <li>
          Decision within {formatDuration(fw.review.decision_within)}; if none: {label(fw.review.on_lapse)}.
        </li>
        <li>
          Quorum: {fw.review.quorum} reviewer signature{fw.review.quorum === 1 ? '' : 's'}.
        </li>
        <li>
          Appeals within {formatDuration(fw.review.appeal_within)}, decided within{' '}
          {formatDuration(fw.review.appeal_decision_within)}.
        </li>
        <li>
          Time zone {fw.review.timezone}; {fw.review.holidays.length} holidays.
        </li>
      </ul>

      <h2>Incident classes</h2>
      <ul>
        {fw.incidents.map((c) => (
          <li key={c.id}>
            <strong>{c.title}</strong> (<code>{c.id}</code>): {c.definition} Report within{' '}
            {formatDuration(c.report_within)}.
            {c.response.max_tier && <> Restricts to {c.response.max_tier}.</>}
            {c.response.rereview && <> Opens a re-review.</>}
          </li>
        ))}
      </ul>
    </>
  );
}

export function FrameworkDiffPage({ id, from, to }: { id: string; from: string | null; to: string | null }) {
  const [versions] = useLoad(async () => (await api.frameworks()).items.filter((f) => f.id === id), [id]);
  const list = versions.state === 'ok' ? versions.value : [];
  const a = from ?? list[0]?.version ?? null;
  const b = to ?? list.at(-1)?.version ?? null;
  const [diff] = useLoad(async () => {
    if (!a || !b) return null;
    const [x, y] = await Promise.all([loadFramework(id, a), loadFramework(id, b)]);
    return diffFrameworks(x.fw, y.fw);
  }, [id, a, b]);
  const [sel, setSel] = useState<{ from: string; to: string } | null>(null);
  const go = (f: string, t: string) => {
    setSel({ from: f, to: t });
    window.location.hash = `#/frameworks/${id}/diff?from=${encodeURIComponent(f)}&to=${encodeURIComponent(t)}`;
  };
  return (
    <>
      <h1>
        {id}: what changed from {a} to {b}
      </h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          From
          <select value={sel?.from ?? a ?? ''} onChange={(e) => go(e.target.value, b ?? '')}>
            {list.map((v) => (
              <option key={v.version}>{v.version}</option>
            ))}
          </select>
        </label>
        <label>
          To
          <select value={sel?.to ?? b ?? ''} onChange={(e) => go(a ?? '', e.target.value)}>
            {list.map((v) => (
              <option key={v.version}>{v.version}</option>
            ))}
          </select>
        </label>
      </form>
      {diff.state === 'error' && <p role="alert">{diff.error}</p>}
      {diff.state === 'ok' && diff.value && (
        <>
          <p>{diff.value.length === 0 ? 'No differences.' : `${diff.value.length} changes.`}</p>
          <ul className="cards diff">
            {diff.value.map((c) => (
              <li
                key={`${c.path}:${c.kind}`}
                className={`card change-${c.effect ?? 'neutral'}`}
                data-kind={c.kind}
              >
                <span className="muted">{c.section}</span> {c.summary}
                {c.effect && <strong className={`effect effect-${c.effect}`}> ({c.effect})</strong>}
              </li>
            ))}
          </ul>
        </>
      )}
      <p>
        {a && <a href={`#/frameworks/${id}/${a}`}>Read {a}</a>} ·{' '}
        {b && <a href={`#/frameworks/${id}/${b}`}>Read {b}</a>}
      </p>
    </>
  );
}
