/**
 * The reviewer console: sign in with a token, the queue of open reviews by deadline, the determination beside
 * the decision form; proposing (override justification required), signing pending proposals.
 */
import { useState } from 'react';
import { parseFramework } from '../../../src/core/framework/index.js';
import type { Framework } from '../../../src/core/framework/types.js';
import { type AppealView, api, type Determination, errorText, type SubmissionView } from '../api.js';
import { DeterminationView } from '../components/DeterminationView.js';
import { Login, useMe } from '../components/Login.js';
import { label, modelHref, timeLeft, useLoad, useNow } from '../util.js';
import { Decisions } from './Model.js';
import { IncidentsSection, ModelToolsSection } from './ReviewerTools.js';

interface QueueItem {
  kind: 'submission' | 'appeal';
  /** What the reviewer sees: submission, rereview or appeal. */
  what: string;
  id: string;
  submission: string;
  model: string;
  version: string;
  status: string;
  due: string;
}

async function loadQueue(): Promise<QueueItem[]> {
  const lists = await Promise.all(
    ['in_review', 'escalated', 'decided', 'deemed_approved'].map((status) =>
      api.submissions({ status, limit: 500 }),
    ),
  );
  const items: QueueItem[] = [];
  for (const s of lists.flatMap((l) => l.items)) {
    if (s.status === 'in_review' || s.status === 'escalated')
      items.push({
        kind: 'submission',
        what: s.kind,
        id: s.id,
        submission: s.id,
        model: s.model.id,
        version: s.model.version,
        status: s.status,
        due: s.decision_due,
      });
    for (const a of s.appeals ?? [])
      if (a.status === 'appealed' || a.status === 'appeal_escalated')
        items.push({
          kind: 'appeal',
          what: 'appeal',
          id: a.id,
          submission: s.id,
          model: s.model.id,
          version: s.model.version,
          status: a.status,
          due: a.decision_due,
        });
  }
  return items.sort((a, b) => (a.due < b.due ? -1 : a.due > b.due ? 1 : 0));
}

export function ReviewerPage() {
  const [me, reloadMe, meError] = useMe();
  const signedIn = me?.kind === 'person';
  const [queue, reloadQueue] = useLoad(() => (signedIn ? loadQueue() : Promise.resolve([])), [signedIn]);
  const [selected, setSelected] = useState<QueueItem | null>(null);
  const now = useNow();
  return (
    <>
      <h1>Reviewer console</h1>
      {meError && <p role="alert">{meError}</p>}
      <Login me={me} onChange={reloadMe} who="Reviewer" />
      {signedIn && me.role !== 'reviewer' && (
        <p className="warn">This token belongs to a {me.role}; only reviewers may decide and sign.</p>
      )}
      {signedIn && (
        <div className="console">
          <section aria-labelledby="queue-h" className="queue">
            <h2 id="queue-h">Queue by deadline</h2>
            {queue.state === 'loading' && <p>Loading…</p>}
            {queue.state === 'error' && <p role="alert">{queue.error}</p>}
            {queue.state === 'ok' && queue.value.length === 0 && <p>Nothing is waiting for a decision.</p>}
            {queue.state === 'ok' && (
              <ol className="queue-list">
                {queue.value.map((q) => {
                  const t = timeLeft(q.due, now);
                  return (
                    <li key={q.id} data-queue={q.model}>
                      <button
                        type="button"
                        className={selected?.id === q.id ? 'selected' : undefined}
                        aria-pressed={selected?.id === q.id}
                        onClick={() => setSelected(q)}
                      >
                        <strong>{q.model}</strong> {q.version} — {q.what} ({label(q.status)})
                        <span className={t.late ? 'late' : undefined}> {t.text}</span>
                      </button>
                    </li>
                  );
                })}
              </ol>
            )}
          </section>
          {selected && <ReviewPanel key={selected.id} item={selected} onDone={reloadQueue} />}
        </div>
      )}
      {signedIn && me.role === 'reviewer' && (
        <>
          <IncidentsSection />
          <ModelToolsSection onChange={reloadQueue} />
        </>
      )}
    </>
  );
}

function ReviewPanel({ item, onDone }: { item: QueueItem; onDone: () => void }) {
  const [data, reload] = useLoad(async () => {
    const s = await api.submission(item.submission);
    const detail = await api.framework(s.framework.id, s.framework.version);
    return { s, fw: parseFramework(detail.source) };
  }, [item.submission]);
  if (data.state === 'loading') return <p>Loading review…</p>;
  if (data.state === 'error') return <p role="alert">{data.error}</p>;
  const { s, fw } = data.value;
  const appeal: AppealView | undefined = s.appeals.find((a) => a.id === item.id);
  const determination = appeal?.determination ?? s.determination;
  const decisions = item.kind === 'appeal' ? (appeal?.decisions ?? []) : s.decisions;
  const refresh = () => {
    reload();
    onDone();
  };
  return (
    <section className="review-panel" aria-labelledby="panel-h">
      <h2 id="panel-h">
        <a href={modelHref(s.model.id)}>{s.model.id}</a> {s.model.version} — {item.what}
      </h2>
      <div className="side-by-side">
        <div>
          <h3>Determination</h3>
          <DeterminationView d={determination} compact />
        </div>
        <div>
          <h3>Proposals</h3>
          <Decisions list={decisions} />
          <SignButtons submission={s} decisions={decisions} onDone={refresh} />
          <DecisionForm item={item} fw={fw} determination={determination} onDone={refresh} />
        </div>
      </div>
    </section>
  );
}

function SignButtons({
  decisions,
  onDone,
}: {
  submission: SubmissionView;
  decisions: SubmissionView['decisions'];
  onDone: () => void;
}) {
  const [message, setMessage] = useState<string | null>(null);
  const pending = decisions.filter((d) => d.status === 'proposed');
  if (pending.length === 0 && message === null) return null;
  return (
    <div>
      {pending.map((d) => (
        <button
          key={d.id}
          type="button"
          onClick={async () => {
            try {
              const r = await api.sign(d.id);
              setMessage(
                r.effective ? 'Signed: the decision took effect.' : `Signed (${r.signatures} signatures).`,
              );
              onDone();
            } catch (e) {
              setMessage(`Could not sign: ${errorText(e)}`);
            }
          }}
        >
          Sign “{label(d.action)}
          {d.tier ? ` at ${d.tier}` : ''}”
        </button>
      ))}
      {message && <p role="status">{message}</p>}
    </div>
  );
}

/** An approve is an override when it opens wider than the determination grants, or the outcome is not an approval. */
export function isOverride(fw: Framework, d: Determination, action: string, tier: string): boolean {
  if (action !== 'approve') return false;
  if (d.outcome === 'more_evidence' || d.outcome === 'safeguards_missing') return true;
  const rank = (t: string) => fw.tiers.findIndex((x) => x.id === t);
  return rank(tier) > rank(d.granted_tier);
}

function DecisionForm({
  item,
  fw,
  determination,
  onDone,
}: {
  item: QueueItem;
  fw: Framework;
  determination: Determination;
  onDone: () => void;
}) {
  const [action, setAction] = useState<'approve' | 'deny' | 'request_evidence'>('approve');
  const [tier, setTier] = useState(determination.granted_tier);
  const [rationale, setRationale] = useState('');
  const [justification, setJustification] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const override = isOverride(fw, determination, action, tier);
  const actions =
    item.kind === 'appeal'
      ? (['approve', 'deny'] as const)
      : (['approve', 'deny', 'request_evidence'] as const);
  return (
    <form
      className="decision-form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (override && justification.trim() === '') {
          setMessage({ ok: false, text: 'This approval is an override: a justification is required.' });
          return;
        }
        try {
          const r = await api.propose(item.kind, item.id, {
            action,
            ...(action === 'approve' ? { tier } : {}),
            rationale,
            ...(override ? { justification } : {}),
          });
          setMessage({
            ok: true,
            text: r.effective
              ? 'Decision proposed and in effect.'
              : `Decision proposed with your signature (${r.signatures}); it takes effect at quorum (${fw.review.quorum}).`,
          });
          onDone();
        } catch (err) {
          setMessage({ ok: false, text: `Could not propose: ${errorText(err)}` });
        }
      }}
    >
      <h3>Propose a decision</h3>
      <fieldset>
        <legend>Action</legend>
        {actions.map((a) => (
          <label key={a} className="check">
            <input
              type="radio"
              name="action"
              value={a}
              checked={action === a}
              onChange={() => setAction(a)}
            />{' '}
            {label(a)}
          </label>
        ))}
      </fieldset>
      {action === 'approve' && (
        <label>
          Tier
          <select value={tier} onChange={(e) => setTier(e.target.value)}>
            {fw.tiers.map((t) => (
              <option key={t.id} value={t.id}>
                {t.id} — {t.title}
                {t.id === determination.granted_tier ? ' (granted by the determination)' : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        Rationale
        <textarea value={rationale} onChange={(e) => setRationale(e.target.value)} required rows={3} />
      </label>
      {override && (
        <div className="override-box">
          <p className="override" id="override-note">
            ⚠ Override: this approval goes beyond what the determination supports (
            {label(determination.outcome)}, granted tier {determination.granted_tier}). It will be flagged
            publicly.
          </p>
          <label>
            Override justification (required)
            <textarea
              value={justification}
              onChange={(e) => setJustification(e.target.value)}
              required
              aria-describedby="override-note"
              rows={3}
            />
          </label>
        </div>
      )}
      <button type="submit">Propose and sign</button>
      {message &&
        (message.ok ? (
          <p role="status" className="ok">
            {message.text}
          </p>
        ) : (
          <p role="alert" className="warn">
            {message.text}
          </p>
        ))}
    </form>
  );
}
