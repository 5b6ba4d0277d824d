/**
 * The developer console's tracking: the organisation's submissions (status, decision due with a live countdown,
 * decisions and appeals), appealing a decision (reasons and optional new evidence), adding evidence when a
 * reviewer requested it.
 */
import { useId, useState } from 'react';
import type { SubmissionSummaryView } from '../../../src/workflow/types.js';
import { api, errorText } from '../api.js';
import { formatTime, label, modelHref, timeLeft, useLoad, useNow } from '../util.js';

type Note = { ok: boolean; text: string } | null;

async function loadOwn(org: string): Promise<SubmissionSummaryView[]> {
  const models: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 20; page++) {
    const r = await api.models({ limit: 500, cursor, q: `${org}/` });
    for (const m of r.items) if (m.id.startsWith(`${org}/`)) models.push(m.id);
    cursor = r.next_cursor;
    if (!cursor) break;
  }
  const lists = await Promise.all(models.map((model) => api.submissions({ model, limit: 500 })));
  return lists
    .flatMap((l) => l.items)
    .sort((a, b) => (a.received_at < b.received_at ? 1 : a.received_at > b.received_at ? -1 : 0));
}

const OPEN = new Set(['in_review', 'escalated']);
const OPEN_APPEAL = new Set(['appealed', 'appeal_escalated']);

export function TrackSection({ org, refresh }: { org: string; refresh: number }) {
  const [list, reload] = useLoad(() => loadOwn(org), [org, refresh]);
  const [selected, setSelected] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const finished = (text: string) => {
    setDone(text);
    setSelected(null);
    reload();
  };
  const now = useNow();
  const chosen = list.state === 'ok' ? list.value.find((s) => s.id === selected) : undefined;
  return (
    <section aria-labelledby="track-h" className="tools">
      <h2 id="track-h">Your organisation’s submissions ({org})</h2>
      {list.state === 'loading' && <p>Loading submissions…</p>}
      {list.state === 'error' && <p role="alert">{list.error}</p>}
      {list.state === 'ok' && list.value.length === 0 && <p>No submissions yet.</p>}
      {list.state === 'ok' && list.value.length > 0 && (
        <div className="table-wrap">
          <table className="track">
            <caption className="sr-only">Submissions of {org}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Status</th>
                <th scope="col">Decision due</th>
                <th scope="col">Decisions and appeals</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {list.value.map((s) => {
                const clock = OPEN.has(s.status) ? timeLeft(s.decision_due, now, true) : null;
                const openAppeal = s.appeals.find((a) => OPEN_APPEAL.has(a.status));
                const appealClock = openAppeal ? timeLeft(openAppeal.decision_due, now, true) : null;
                const canAppeal = (s.status === 'decided' || s.status === 'deemed_approved') && !openAppeal;
                const needsEvidence = s.status === 'evidence_requested';
                return (
                  <tr key={s.id} data-track={s.id} data-model={s.model.id}>
                    <td>
                      <a href={modelHref(s.model.id)}>{s.model.id}</a> {s.model.version}
                      <div className="muted">
                        {s.kind} · received {formatTime(s.received_at)}
                      </div>
                    </td>
                    <td data-col="status">
                      <span className={`badge status-${s.status}`}>{label(s.status)}</span>
                      {s.approved_tier && <div>tier {s.approved_tier}</div>}
                    </td>
                    <td>
                      {formatTime(s.decision_due)}
                      {clock && (
                        <div className={clock.late ? 'late' : undefined} data-testid="countdown">
                          {clock.text}
                        </div>
                      )}
                    </td>
                    <td data-col="decisions">
                      {s.decisions.length === 0 && s.appeals.length === 0 && (
                        <span className="muted">none</span>
                      )}
                      <ul className="plain">
                        {s.decisions.map((d) => (
                          <li key={d.id}>
                            {label(d.action)}
                            {d.tier ? ` at ${d.tier}` : ''} — {d.status}
                            {d.override ? ' (override)' : ''}
                          </li>
                        ))}
                        {s.appeals.map((a) => (
                          <li key={a.id} data-appeal={a.status}>
                            appeal: {label(a.status)}
                            {a.result ? ` (${a.result})` : ''}
                            {a.approved_tier ? ` at ${a.approved_tier}` : ''}
                            {a === openAppeal && appealClock && (
                              <span className={appealClock.late ? 'late' : undefined}>
                                {' '}
                                · {appealClock.text}
                              </span>
                            )}
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td>
                      {(canAppeal || needsEvidence) && (
                        <button
                          type="button"
                          aria-expanded={selected === s.id}
                          aria-controls="track-action"
                          onClick={() => {
                            setDone(null);
                            setSelected(selected === s.id ? null : s.id);
                          }}
                        >
                          {needsEvidence ? 'Add evidence' : 'Appeal'}
                          <span className="sr-only">
                            {' '}
                            {s.model.id} {s.model.version}
                          </span>
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <div id="track-action">
        {chosen?.status === 'evidence_requested' && (
          <EvidenceForm key={chosen.id} s={chosen} onDone={finished} />
        )}
        {chosen && (chosen.status === 'decided' || chosen.status === 'deemed_approved') && (
          <AppealForm key={chosen.id} s={chosen} onDone={finished} />
        )}
      </div>
      {done && (
        <p role="status" className="ok" data-testid="track-done">
          {done}
        </p>
      )}
    </section>
  );
}

async function readJsonFile(file: File): Promise<unknown> {
  const text = await file.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${file.name} is not JSON (upload native evidence JSON)`);
  }
}

function Message({ note }: { note: Note }) {
  if (!note) return null;
  return note.ok ? (
    <p role="status" className="ok">
      {note.text}
    </p>
  ) : (
    <p role="alert" className="warn">
      {note.text}
    </p>
  );
}

function AppealForm({ s, onDone }: { s: SubmissionSummaryView; onDone: (text: string) => void }) {
  const id = useId();
  const [reasons, setReasons] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [note, setNote] = useState<Note>(null);
  const decided = s.decisions.find((d) => d.status === 'effective');
  return (
    <form
      className="track-form"
      aria-labelledby={`${id}-h`}
      onSubmit={async (e) => {
        e.preventDefault();
        if (!reasons.trim()) {
          setNote({ ok: false, text: 'Reasons are required.' });
          return;
        }
        try {
          const evidence = file ? await readJsonFile(file) : undefined;
          const r = await api.appeal(s.id, {
            reasons: reasons.trim(),
            ...(evidence !== undefined ? { evidence } : {}),
          });
          onDone(
            `Appeal filed for ${s.model.id} ${s.model.version} (${label(r.status)}); decision due ${formatTime(r.decision_due)}.`,
          );
        } catch (err) {
          setNote({ ok: false, text: `Could not appeal: ${errorText(err)}` });
        }
      }}
    >
      <h3 id={`${id}-h`}>
        Appeal {s.model.id} {s.model.version}
      </h3>
      <p className="muted">
        Outcome: {label(s.status)}
        {decided ? ` — ${label(decided.action)}${decided.tier ? ` at ${decided.tier}` : ''}` : ''}
        {s.approved_tier ? `, tier ${s.approved_tier}` : ''}.
      </p>
      <label>
        Reasons for the appeal
        <textarea rows={3} value={reasons} onChange={(e) => setReasons(e.target.value)} required />
      </label>
      <label>
        New evidence (optional, native evidence JSON)
        <input
          type="file"
          accept=".json,application/json"
          data-testid="appeal-evidence"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
      </label>
      <button type="submit">File appeal</button>
      <Message note={note} />
    </form>
  );
}

function EvidenceForm({ s, onDone }: { s: SubmissionSummaryView; onDone: (text: string) => void }) {
  const id = useId();
  const [file, setFile] = useState<File | null>(null);
  const [note, setNote] = useState<Note>(null);
  const request = [...s.decisions].reverse().find((d) => d.action === 'request_evidence');
  return (
    <form
      className="track-form"
      aria-labelledby={`${id}-h`}
      onSubmit={async (e) => {
        e.preventDefault();
        if (!file) {
          setNote({ ok: false, text: 'Choose an evidence file.' });
          return;
        }
        try {
          const r = await api.addEvidence(s.id, await readJsonFile(file));
          onDone(
            `Evidence added to ${s.model.id} ${s.model.version}: ${label(r.status)}, new determination ${label(r.determination.outcome)}, decision due ${formatTime(r.decision_due)}.`,
          );
        } catch (err) {
          setNote({ ok: false, text: `Could not add evidence: ${errorText(err)}` });
        }
      }}
    >
      <h3 id={`${id}-h`}>
        Add evidence to {s.model.id} {s.model.version}
      </h3>
      {request && (
        <p>
          <span className="muted">The reviewers asked:</span> {request.rationale}
        </p>
      )}
      <label>
        Evidence file (native evidence JSON)
        <input
          type="file"
          accept=".json,application/json"
          data-testid="more-evidence"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          required
        />
      </label>
      <button type="submit">Add evidence</button>
      <Message note={note} />
    </form>
  );
}
