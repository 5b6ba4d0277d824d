/**
 * The reviewer console's other duties: incident classification (classify into a framework class, dismiss or
 * resolve with a reason), a model's grants (list, add one, bulk-add a pasted list, revoke) and opening a
 * re-review.
 */
import { useId, useState } from 'react';
import { parseFramework } from '../../../src/core/framework/index.js';
import type { Framework } from '../../../src/core/framework/types.js';
import { api, errorText, type IncidentView, type ModelPage } from '../api.js';
import { formatTime, label, modelHref, useLoad } from '../util.js';

type Note = { ok: boolean; text: string } | null;

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

const frameworkCache = new Map<string, Promise<Framework>>();

/** The framework a model is governed by: that of its latest review (parsed by the core, cached). */
function frameworkOf(m: ModelPage): Promise<Framework | null> {
  const latest = m.submissions.at(-1);
  if (!latest) return Promise.resolve(null);
  const key = `${latest.framework.id}@${latest.framework.version}`;
  let p = frameworkCache.get(key);
  if (!p) {
    p = api
      .framework(latest.framework.id, latest.framework.version)
      .then((detail) => parseFramework(detail.source));
    frameworkCache.set(key, p);
  }
  return p;
}

interface OpenIncident {
  incident: IncidentView;
  fw: Framework | null;
}

/** Every reported or classified incident, oldest report first (the registry counts them per model). */
async function loadIncidents(): Promise<OpenIncident[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 20; page++) {
    const r = await api.models({ limit: 500, cursor });
    for (const m of r.items) if (m.open_incidents > 0) ids.push(m.id);
    cursor = r.next_cursor;
    if (!cursor) break;
  }
  const models = await Promise.all(ids.map((id) => api.model(id)));
  const out: OpenIncident[] = [];
  for (const m of models) {
    const fw = await frameworkOf(m);
    for (const incident of m.incidents)
      if (incident.status === 'reported' || incident.status === 'classified') out.push({ incident, fw });
  }
  return out.sort((a, b) => (a.incident.reported_at < b.incident.reported_at ? -1 : 1));
}

export function IncidentsSection() {
  const [list, reload] = useLoad(loadIncidents, []);
  return (
    <section aria-labelledby="incidents-h" className="tools">
      <h2 id="incidents-h">Incidents to classify or resolve</h2>
      {list.state === 'loading' && <p>Loading incidents…</p>}
      {list.state === 'error' && <p role="alert">{list.error}</p>}
      {list.state === 'ok' && list.value.length === 0 && <p>No open incidents.</p>}
      {list.state === 'ok' && list.value.length > 0 && (
        <ul className="cards">
          {list.value.map(({ incident, fw }) => (
            <IncidentCard key={incident.id} incident={incident} fw={fw} onDone={reload} />
          ))}
        </ul>
      )}
    </section>
  );
}

function IncidentCard({
  incident: i,
  fw,
  onDone,
}: {
  incident: IncidentView;
  fw: Framework | null;
  onDone: () => void;
}) {
  const id = useId();
  const classes = fw?.incidents ?? [];
  const [cls, setCls] = useState(i.class);
  const [reason, setReason] = useState('');
  const [note, setNote] = useState<Note>(null);
  const chosen = classes.find((c) => c.id === cls);
  async function run(what: string, action: () => Promise<IncidentView>) {
    try {
      const r = await action();
      setNote({ ok: true, text: `${what}: the incident is now ${label(r.status)}.` });
      setReason('');
      onDone();
    } catch (e) {
      setNote({ ok: false, text: `Could not ${what.toLowerCase()}: ${errorText(e)}` });
    }
  }
  const needReason = () => {
    if (reason.trim() !== '') return true;
    setNote({ ok: false, text: 'A reason is required.' });
    return false;
  };
  return (
    <li className="card incident" data-incident-id={i.id} data-status={i.status}>
      <h3 className="card-h">
        <a href={modelHref(i.model)}>{i.model}</a>
        {i.version ? ` ${i.version}` : ''} — <span data-col="class">{i.class}</span> ({label(i.status)})
        {i.late && (
          <strong className="warn" data-testid="late">
            {' '}
            reported late
          </strong>
        )}
      </h3>
      {i.description && <p className="reason-text">{i.description}</p>}
      <p className="muted">
        Discovered {formatTime(i.discovered_at)} · reported {formatTime(i.reported_at)}
        {i.max_tier ? ` · restricts to ${i.max_tier}` : ''}
        {i.rereview_id ? ` · re-review ${i.rereview_id}` : ''}
      </p>
      <div className="incident-actions">
        {i.status === 'reported' && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void run('Classified', () => api.classifyIncident(i.id, cls));
            }}
          >
            <label>
              Class
              <select value={cls} onChange={(e) => setCls(e.target.value)} aria-describedby={`${id}-def`}>
                {classes.length === 0 && <option value={i.class}>{i.class}</option>}
                {classes.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.id} — {c.title}
                  </option>
                ))}
              </select>
            </label>
            <p className="muted" id={`${id}-def`}>
              {chosen
                ? `${chosen.definition} Response: ${chosen.response.max_tier ? `restrict to ${chosen.response.max_tier}` : 'no restriction'}${chosen.response.rereview ? ', open a re-review' : ''}.`
                : ''}
            </p>
            <button type="submit">Classify</button>
          </form>
        )}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!needReason()) return;
            if (i.status === 'reported')
              void run('Dismissed', () => api.dismissIncident(i.id, reason.trim()));
            else void run('Resolved', () => api.resolveIncident(i.id, reason.trim()));
          }}
        >
          <label>
            Reason ({i.status === 'reported' ? 'to dismiss' : 'to resolve'})
            <textarea rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <button type="submit">{i.status === 'reported' ? 'Dismiss' : 'Resolve'}</button>
        </form>
      </div>
      <Message note={note} />
    </li>
  );
}

/** Pick a model, then manage its grants and open a re-review. */
export function ModelToolsSection({ onChange }: { onChange: () => void }) {
  const [input, setInput] = useState('');
  const [modelId, setModelId] = useState<string | null>(null);
  const [models] = useLoad(() => api.models({ limit: 500 }), []);
  return (
    <section aria-labelledby="model-tools-h" className="tools">
      <h2 id="model-tools-h">Grants and re-review</h2>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          if (input.trim()) setModelId(input.trim());
        }}
      >
        <label>
          Model (org/name)
          <input
            list="model-ids"
            value={input}
            onChange={(e) => setInput(e.target.value)}
            placeholder="example-lab/model-x"
            required
          />
        </label>
        <datalist id="model-ids">
          {models.state === 'ok' && models.value.items.map((m) => <option key={m.id} value={m.id} />)}
        </datalist>
        <button type="submit">Open model</button>
      </form>
      {modelId && <ModelTools key={modelId} id={modelId} onChange={onChange} />}
    </section>
  );
}

function ModelTools({ id, onChange }: { id: string; onChange: () => void }) {
  const [data, reload] = useLoad(async () => {
    const m = await api.model(id);
    return { m, fw: await frameworkOf(m) };
  }, [id]);
  if (data.state === 'loading') return <p>Loading {id}…</p>;
  if (data.state === 'error')
    return (
      <p role="alert">
        Could not load {id}: {data.error}
      </p>
    );
  const { m, fw } = data.value;
  return (
    <div className="model-tools" data-model-tools={m.id}>
      <p>
        <a href={modelHref(m.id)}>{m.id}</a>: {label(m.status)}, effective tier{' '}
        <strong data-testid="tools-tier">{m.effective_tier ?? 'none'}</strong>, current version{' '}
        {m.current_version ?? 'none'}.
      </p>
      <Grants m={m} fw={fw} onDone={reload} />
      <Rereview
        m={m}
        onDone={() => {
          reload();
          onChange();
        }}
      />
    </div>
  );
}

/** `YYYY-MM-DD` (end of that day, UTC) → RFC 3339; empty → undefined. */
function expiry(date: string): string | undefined {
  return date ? new Date(`${date}T23:59:59.000Z`).toISOString() : undefined;
}

/** Organisation ids pasted one per line (commas and spaces also separate); duplicates dropped. */
export function parseOrgList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,;]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}

function Grants({ m, fw, onDone }: { m: ModelPage; fw: Framework | null; onDone: () => void }) {
  const grants = m.grants ?? [];
  const tiers = (fw?.tiers ?? []).filter((t) => t.access === 'grant').map((t) => t.id);
  const [note, setNote] = useState<Note>(null);
  const active = grants.filter((g) => !g.revoked_at);
  return (
    <div className="grants">
      <h3>
        Grants ({active.length} active of {grants.length})
      </h3>
      {grants.length === 0 ? (
        <p>No grants for this model.</p>
      ) : (
        <div className="table-wrap">
          <table className="grants-table">
            <caption className="sr-only">Grants for {m.id}</caption>
            <thead>
              <tr>
                <th scope="col">Organisation</th>
                <th scope="col">Tier</th>
                <th scope="col">Expires</th>
                <th scope="col">Reason</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {grants.map((g) => {
                const expired = g.expires_at !== null && Date.parse(g.expires_at) < Date.now();
                return (
                  <tr key={g.id} data-grant={g.org} data-revoked={g.revoked_at ? 'yes' : 'no'}>
                    <td>{g.org}</td>
                    <td>{g.tier}</td>
                    <td>{g.expires_at ? formatTime(g.expires_at) : 'never'}</td>
                    <td>{g.reason}</td>
                    <td>
                      {g.revoked_at ? (
                        `revoked ${formatTime(g.revoked_at)}`
                      ) : (
                        <>
                          {expired ? 'expired ' : 'active '}
                          <button
                            type="button"
                            aria-label={`Revoke the grant to ${g.org}`}
                            onClick={async () => {
                              try {
                                await api.revokeGrant(g.id);
                                setNote({ ok: true, text: `Revoked the grant to ${g.org}.` });
                                onDone();
                              } catch (e) {
                                setNote({ ok: false, text: `Could not revoke: ${errorText(e)}` });
                              }
                            }}
                          >
                            Revoke
                          </button>
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Message note={note} />
      <div className="side-by-side">
        <GrantForm m={m} tiers={tiers} bulk={false} onDone={onDone} />
        <GrantForm m={m} tiers={tiers} bulk onDone={onDone} />
      </div>
    </div>
  );
}

function GrantForm({
  m,
  tiers,
  bulk,
  onDone,
}: {
  m: ModelPage;
  tiers: string[];
  bulk: boolean;
  onDone: () => void;
}) {
  const [orgs, setOrgs] = useState('');
  const [tier, setTier] = useState(tiers[0] ?? '');
  const [expires, setExpires] = useState('');
  const [reason, setReason] = useState('');
  const [note, setNote] = useState<Note>(null);
  const list = bulk ? parseOrgList(orgs) : [orgs.trim()].filter(Boolean);
  const what = bulk ? 'Bulk grant' : 'Single grant';
  return (
    <form
      className="grant-form"
      aria-label={what}
      onSubmit={async (e) => {
        e.preventDefault();
        if (list.length === 0 || !tier || !reason.trim()) {
          setNote({ ok: false, text: 'Organisation(s), tier and reason are required.' });
          return;
        }
        const common = {
          model: m.id,
          tier,
          reason: reason.trim(),
          ...(expiry(expires) ? { expires_at: expiry(expires) } : {}),
        };
        try {
          let n = 1;
          if (bulk) n = (await api.grants({ ...common, orgs: list })).items.length;
          else await api.grant({ ...common, org: list[0]! });
          setNote({ ok: true, text: `Granted ${tier} to ${n} organisation${n === 1 ? '' : 's'}.` });
          setOrgs('');
          setReason('');
          onDone();
        } catch (err) {
          setNote({ ok: false, text: `Could not grant: ${errorText(err)}` });
        }
      }}
    >
      <h4>{bulk ? 'Grant many organisations' : 'Grant one organisation'}</h4>
      {bulk ? (
        <label>
          Organisation ids, one per line ({list.length})
          <textarea rows={5} value={orgs} onChange={(e) => setOrgs(e.target.value)} required />
        </label>
      ) : (
        <label>
          Organisation id
          <input value={orgs} onChange={(e) => setOrgs(e.target.value)} required />
        </label>
      )}
      <label>
        Tier
        <select value={tier} onChange={(e) => setTier(e.target.value)}>
          {tiers.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </label>
      <label>
        Expires (optional, end of day UTC)
        <input type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />
      </label>
      <label>
        Reason
        <textarea rows={2} value={reason} onChange={(e) => setReason(e.target.value)} required />
      </label>
      <button type="submit">{bulk ? `Grant ${list.length} organisations` : 'Grant'}</button>
      <Message note={note} />
    </form>
  );
}

function Rereview({ m, onDone }: { m: ModelPage; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const [note, setNote] = useState<Note>(null);
  return (
    <form
      className="rereview-form"
      aria-label="Open a re-review"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!reason.trim()) {
          setNote({ ok: false, text: 'A reason is required.' });
          return;
        }
        try {
          const r = await api.rereview(m.id, reason.trim());
          setNote({
            ok: true,
            text: `Re-review ${r.id} opened for version ${r.model.version}; decision due ${formatTime(r.decision_due)}.`,
          });
          setReason('');
          onDone();
        } catch (err) {
          setNote({ ok: false, text: `Could not open a re-review: ${errorText(err)}` });
        }
      }}
    >
      <h3>Open a re-review</h3>
      <p className="muted">
        Re-reviews the current version ({m.current_version ?? 'none'}) with its latest evidence, a fresh
        determination and its own clock. The previous outcome stands until it concludes.
      </p>
      <label>
        Reason for the re-review
        <textarea rows={2} value={reason} onChange={(e) => setReason(e.target.value)} required />
      </label>
      <button type="submit">Open re-review</button>
      <Message note={note} />
    </form>
  );
}
