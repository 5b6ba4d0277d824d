/**
 * A model's page: status, timeline of events with their log indexes (each checked in the browser), every review
 * with its determination chart, decisions (rationale, signatures, overrides), appeals, incidents and grants.
 */
import type { AppealView, DecisionView, ModelPage as ModelData, SubmissionView } from '../api.js';
import { api } from '../api.js';
import { DeterminationView } from '../components/DeterminationView.js';
import { InclusionBadge } from '../components/Inclusion.js';
import { formatTime, label, timeLeft, useLoad, useNow } from '../util.js';

interface TimelineItem {
  at: string;
  type: string;
  actor: string;
  reason?: string;
  log_index: number;
  where: string;
}

function timeline(m: ModelData): TimelineItem[] {
  const items: TimelineItem[] = [];
  const seen = new Set<number>();
  const add = (i: TimelineItem) => {
    if (seen.has(i.log_index)) return;
    seen.add(i.log_index);
    items.push(i);
  };
  for (const s of m.submissions) {
    for (const e of s.events) add({ ...e, where: `${s.kind} ${s.model.version}` });
  }
  for (const i of m.incidents)
    add({
      at: i.reported_at,
      type: 'incident.reported',
      actor: 'public',
      log_index: i.log_index,
      where: `incident ${i.class}`,
    });
  for (const g of m.grants ?? [])
    add({
      at: g.created_at,
      type: 'grant.created',
      actor: g.granted_by,
      log_index: g.log_index,
      where: `grant to ${g.org}`,
    });
  return items.sort((a, b) => a.log_index - b.log_index);
}

export function ModelPage({ id }: { id: string }) {
  const [model] = useLoad(() => api.model(id), [id]);
  const now = useNow();
  if (model.state === 'loading') return <p aria-live="polite">Loading {id}…</p>;
  if (model.state === 'error')
    return (
      <>
        <h1>{id}</h1>
        <p role="alert">Could not load this model: {model.error}</p>
      </>
    );
  const m = model.value;
  const subs = [...m.submissions].reverse();
  return (
    <>
      <h1>{m.id}</h1>
      <dl className="facts summary">
        <dt>Status</dt>
        <dd>
          <span className={`badge status-${m.status}`} data-testid="model-status">
            {label(m.status)}
          </span>
        </dd>
        <dt>Effective tier</dt>
        <dd data-testid="effective-tier">{m.effective_tier ?? 'none'}</dd>
        <dt>Current version</dt>
        <dd>{m.current_version ?? 'none approved yet'}</dd>
        <dt>Open clocks</dt>
        <dd>
          {m.open_clocks.length === 0
            ? 'none'
            : m.open_clocks.map((c) => {
                const t = timeLeft(c.decision_due, now);
                return (
                  <div key={c.review} className={t.late ? 'late' : undefined}>
                    {c.kind} due {formatTime(c.decision_due)}: <strong>{t.text}</strong>
                  </div>
                );
              })}
        </dd>
        <dt>Versions</dt>
        <dd>
          {m.versions.map((v) => (
            <div key={v.version}>
              {v.version}: {label(v.status)}, tier {v.effective_tier ?? 'none'}
              {v.withdrawn ? ' (withdrawn)' : ''}
            </div>
          ))}
        </dd>
      </dl>

      <section aria-labelledby="timeline-h">
        <h2 id="timeline-h">Timeline</h2>
        <ol className="timeline">
          {timeline(m).map((e) => (
            <li key={e.log_index} data-event={e.type}>
              <time dateTime={e.at}>{formatTime(e.at)}</time> <strong>{e.type}</strong>{' '}
              <span className="muted">
                {e.where} · by {e.actor}
              </span>
              {e.reason && <div className="reason-text">{e.reason}</div>}
              <div>
                <InclusionBadge index={e.log_index} type={e.type} />
              </div>
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="reviews-h">
        <h2 id="reviews-h">Reviews</h2>
        {subs.length === 0 && <p>No submissions yet.</p>}
        {subs.map((s, i) => (
          <Review key={s.id} s={s} open={i === 0} now={now} />
        ))}
      </section>

      <section aria-labelledby="incidents-h">
        <h2 id="incidents-h">Incidents</h2>
        {m.incidents.length === 0 ? (
          <p>No incidents reported.</p>
        ) : (
          <ul className="cards">
            {m.incidents.map((i) => (
              <li key={i.id} className="card" data-incident={i.status}>
                <strong>{i.class}</strong> — {label(i.status)}
                {i.late && <strong className="warn"> (reported late)</strong>}
                {i.max_tier && <span> · restricts to {i.max_tier}</span>}
                <div className="muted">
                  discovered {formatTime(i.discovered_at)}, reported {formatTime(i.reported_at)}
                </div>
                {i.description && <p>{i.description}</p>}
                <InclusionBadge index={i.log_index} type="incident.reported" />
              </li>
            ))}
          </ul>
        )}
      </section>

      {m.grants && m.grants.length > 0 && (
        <section aria-labelledby="grants-h">
          <h2 id="grants-h">Grants</h2>
          <ul>
            {m.grants.map((g) => (
              <li key={g.id}>
                {g.org}: {g.tier} {g.expires_at ? `until ${formatTime(g.expires_at)}` : ''}{' '}
                {g.revoked_at ? '(revoked)' : ''} — {g.reason}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

function Review({ s, open, now }: { s: SubmissionView; open: boolean; now: number }) {
  const t = s.time_left_seconds !== null ? timeLeft(s.decision_due, now) : null;
  return (
    <details className="review" open={open} data-submission={s.id}>
      <summary>
        <strong>
          {s.kind} of version {s.model.version}
        </strong>{' '}
        — <span className={`badge status-${s.status}`}>{label(s.status)}</span>
        {s.approved_tier && <span> at {s.approved_tier}</span>}
        {t && <span className={t.late ? 'late' : undefined}> · {t.text}</span>}
        <span className="muted"> · received {formatTime(s.received_at)}</span>
      </summary>
      <p className="muted">
        Requested tier {s.requested_tier}; decision due {formatTime(s.decision_due)}
        {s.concluded_at ? `; concluded ${formatTime(s.concluded_at)}` : ''}. Submission {s.id}.
      </p>
      <h3>Determination</h3>
      <DeterminationView d={s.determination} />
      <h3>Decisions</h3>
      <Decisions list={s.decisions} />
      {s.appeals.length > 0 && (
        <>
          <h3>Appeals</h3>
          {s.appeals.map((a) => (
            <Appeal key={a.id} a={a} />
          ))}
        </>
      )}
    </details>
  );
}

export function Decisions({ list }: { list: DecisionView[] }) {
  if (list.length === 0) return <p>No decision proposed.</p>;
  return (
    <ul className="cards">
      {list.map((d) => (
        <li key={d.id} className={`card decision decision-${d.status}`} data-decision={d.id}>
          <div>
            <strong>{label(d.action)}</strong>
            {d.tier && <> at tier {d.tier}</>} — {d.status}
            {d.override && <strong className="override"> ⚠ OVERRIDE</strong>}
          </div>
          <p>
            <span className="muted">Rationale:</span> {d.rationale}
          </p>
          {d.justification && (
            <p>
              <span className="muted">Override justification:</span> {d.justification}
            </p>
          )}
          {d.conditions?.jurisdictions && (
            <p className="muted">
              Jurisdictions: allow {d.conditions.jurisdictions.allow?.join(', ') ?? 'any'}; deny{' '}
              {d.conditions.jurisdictions.deny?.join(', ') ?? 'none'}
            </p>
          )}
          <p className="muted">
            Proposed by {d.proposed_by} {formatTime(d.proposed_at)} · {d.signatures} signature
            {d.signatures === 1 ? '' : 's'}: {d.signers.join(', ')}
            {d.effective_at ? ` · effective ${formatTime(d.effective_at)}` : ''}
          </p>
          <InclusionBadge index={d.log_index} />
        </li>
      ))}
    </ul>
  );
}

function Appeal({ a }: { a: AppealView }) {
  return (
    <div className="card appeal">
      <div>
        <strong>Appeal</strong> — {label(a.status)}
        {a.result && <> · {a.result}</>}
        {a.approved_tier && <> · tier {a.approved_tier}</>}
      </div>
      <p>
        <span className="muted">Reasons:</span> {a.reasons}
      </p>
      <p className="muted">
        Filed {formatTime(a.filed_at)}; due {formatTime(a.decision_due)}
        {a.concluded_at ? `; concluded ${formatTime(a.concluded_at)}` : ''}
      </p>
      {a.determination && (
        <details>
          <summary>New determination with the appeal's evidence</summary>
          <DeterminationView d={a.determination} compact />
        </details>
      )}
      <Decisions list={a.decisions} />
      <InclusionBadge index={a.log_index} type="appeal.filed" />
    </div>
  );
}
