/**
 * The developer console: drop evidence (native JSON, Inspect .eval/.json, lm-eval results), map it to a framework
 * metric, see the determination computed in the browser by the core (the same code as `greenlight determine`),
 * and submit it.
 */
import { useEffect, useMemo, useState } from 'react';
import { determineDocuments } from '../../../src/core/determination/index.js';
import type { Determination } from '../../../src/core/determination/types.js';
import { sha256Hex } from '../../../src/core/digest.js';
import { isGreenlightError } from '../../../src/core/errors.js';
import { parseFramework } from '../../../src/core/framework/index.js';
import type { Framework } from '../../../src/core/framework/types.js';
import { detectFormat, type LogFormat, mergeImported } from '../../../src/core/import/index.js';
import type { ImportResult } from '../../../src/core/import/types.js';
import { api, errorText } from '../api.js';
import { DeterminationView } from '../components/DeterminationView.js';
import { Login, useMe } from '../components/Login.js';
import { importInWorker } from '../import-in-worker.js';
import { modelHref, useLoad } from '../util.js';
import { TrackSection } from './Tracking.js';

interface Dropped {
  name: string;
  bytes: Uint8Array;
  sha256: string;
  format: LogFormat | null;
}

function coreError(e: unknown): string {
  if (isGreenlightError(e)) {
    const problems = e.problems
      .slice(0, 10)
      .map((p) => `${p.path ? `${p.path}: ` : ''}${p.message}`)
      .join('; ');
    return problems ? `${e.message} — ${problems}` : e.message;
  }
  return e instanceof Error ? e.message : String(e);
}

function metricsOf(fw: Framework): string[] {
  return [
    ...new Set(fw.domains.flatMap((d) => d.thresholds.flatMap((t) => t.indicators.map((i) => i.metric)))),
  ].sort();
}

export function DeveloperPage() {
  const [me, reloadMe] = useMe();
  const [frameworks] = useLoad(() => api.frameworks(), []);
  const [fwKey, setFwKey] = useState('');
  const list = frameworks.state === 'ok' ? frameworks.value.items : [];
  const current = list.filter((f) => f.superseded_by === null);
  const chosen = fwKey || (current[0] ? `${current[0].id}@${current[0].version}` : '');
  const [fw] = useLoad(async () => {
    if (!chosen) return null;
    const [id = '', version = ''] = chosen.split('@');
    return parseFramework((await api.framework(id, version)).source);
  }, [chosen]);
  const framework = fw.state === 'ok' ? fw.value : null;

  const [files, setFiles] = useState<Dropped[]>([]);
  const [metric, setMetric] = useState('');
  const [task, setTask] = useState('');
  const [modelId, setModelId] = useState(me?.kind === 'person' && me.org ? `${me.org}/` : '');
  const [version, setVersion] = useState('');
  const [allowIncomplete, setAllowIncomplete] = useState(false);
  const [tier, setTier] = useState('');
  const [dragging, setDragging] = useState(false);
  const [tracked, setTracked] = useState(0);
  const [submitted, setSubmitted] = useState<{
    ok: boolean;
    text: string;
    id?: string;
    digest?: string;
  } | null>(null);

  const needsMapping = files.some((f) => f.format !== 'native');
  const metrics = framework ? metricsOf(framework) : [];
  const chosenMetric = metric || metrics[0] || '';

  // Logs are imported in a Web Worker (stopped after a time limit); the determination follows from the results.
  const importKey = JSON.stringify([
    files.map((f) => [f.name, f.sha256, f.format]),
    chosenMetric,
    task.trim(),
    allowIncomplete,
  ]);
  const [imports, setImports] = useState<{ key: string; results?: ImportResult[]; error?: string } | null>(
    null,
  );
  useEffect(() => {
    const logs = files.filter((f) => f.format !== null && f.format !== 'native');
    if (logs.length === 0) return;
    const abort = new AbortController();
    void (async () => {
      try {
        const results: ImportResult[] = [];
        for (const f of logs) {
          results.push(
            await importInWorker(
              f.format as LogFormat,
              f.bytes,
              {
                metric: chosenMetric,
                ...(task.trim() ? { task: task.trim() } : {}),
                ...(allowIncomplete ? { allowIncomplete: true } : {}),
                fileName: f.name,
                sha256: f.sha256,
              },
              abort.signal,
            ),
          );
        }
        if (!abort.signal.aborted) setImports({ key: importKey, results });
      } catch (e) {
        if (!abort.signal.aborted) setImports({ key: importKey, error: coreError(e) });
      }
    })();
    return () => abort.abort();
  }, [files, chosenMetric, task, allowIncomplete, importKey]);

  const result = useMemo(():
    | { evidence: unknown[]; d: Determination; warnings: string[] }
    | { error: string }
    | { pending: true }
    | null => {
    if (!framework || files.length === 0) return null;
    try {
      const natives: unknown[] = [];
      for (const f of files) {
        if (f.format === null)
          throw new Error(
            `${f.name}: cannot tell the format (not native evidence, an Inspect log or lm-eval results)`,
          );
        if (f.format === 'native') natives.push(JSON.parse(new TextDecoder().decode(f.bytes)));
      }
      let imported: ImportResult[] = [];
      if (files.some((f) => f.format !== 'native')) {
        if (imports?.key !== importKey) return { pending: true };
        if (imports.error !== undefined) return { error: imports.error };
        imported = imports.results ?? [];
      }
      const warnings = imported.flatMap((r) => r.warnings);
      const evidence = [...natives];
      // As `greenlight evidence import` writes it and `greenlight determine` reads it back.
      if (imported.length > 0)
        evidence.push(
          JSON.parse(
            JSON.stringify(mergeImported(imported, { id: modelId.trim(), version: version.trim() })),
          ),
        );
      const d = determineDocuments(
        framework,
        evidence.map((value, i) => ({ value, file: files[i]?.name ?? `evidence #${i + 1}` })),
        tier || undefined,
      );
      return { evidence, d, warnings };
    } catch (e) {
      return { error: coreError(e) };
    }
  }, [framework, files, imports, importKey, modelId, version, tier]);
  const done = result && !('pending' in result) ? result : null;

  async function addFiles(list: FileList | null) {
    if (!list) return;
    setSubmitted(null);
    const out: Dropped[] = [];
    for (const file of Array.from(list)) {
      const bytes = new Uint8Array(await file.arrayBuffer());
      out.push({
        name: file.name,
        bytes,
        sha256: sha256Hex(bytes),
        format: detectFormat(bytes.subarray(0, 65536), file.name),
      });
    }
    setFiles((f) => [...f, ...out]);
  }

  async function submit() {
    if (!done || 'error' in done || !framework) return;
    if (done.evidence.length !== 1) {
      setSubmitted({
        ok: false,
        text: 'Submit one evidence document at a time (merge files into one first).',
      });
      return;
    }
    try {
      const r = await api.submit({
        framework: { id: framework.id, version: framework.version },
        evidence: done.evidence[0],
        ...(tier ? { tier } : {}),
      });
      setSubmitted({
        ok: true,
        text: `Submitted: ${r.id} (${r.status}).`,
        id: r.id,
        digest: r.determination.digest,
      });
      setTracked((t) => t + 1);
    } catch (e) {
      setSubmitted({ ok: false, text: `Could not submit: ${errorText(e)}` });
    }
  }

  const modelOfEvidence = done && !('error' in done) ? done.d.model.id : null;

  return (
    <>
      <h1>Developer console</h1>
      <Login me={me} onChange={reloadMe} who="Developer" />
      <p className="muted">
        Anyone can see a determination here; nothing leaves your browser until you submit (which needs a
        developer token).
      </p>
      <form className="dev-form" onSubmit={(e) => e.preventDefault()}>
        <label>
          Framework
          <select value={chosen} onChange={(e) => setFwKey(e.target.value)}>
            {list.map((f) => (
              <option key={`${f.id}@${f.version}`} value={`${f.id}@${f.version}`}>
                {f.id} {f.version}
                {f.superseded_by ? ` (superseded by ${f.superseded_by})` : ''}
              </option>
            ))}
          </select>
        </label>
        {framework && (
          <label>
            Requested tier
            <select value={tier} onChange={(e) => setTier(e.target.value)}>
              <option value="">most open ({framework.tiers.at(-1)?.id})</option>
              {framework.tiers.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.id}
                </option>
              ))}
            </select>
          </label>
        )}
        {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop target for the mouse; the file input inside is the keyboard path */}
        <div
          className={`dropzone${dragging ? ' dragging' : ''}`}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => {
            e.preventDefault();
            setDragging(false);
            void addFiles(e.dataTransfer.files);
          }}
        >
          <label>
            Evidence files (drop here or choose): native JSON, Inspect .eval/.json, lm-eval results
            <input
              type="file"
              multiple
              accept=".json,.eval,.jsonl"
              data-testid="evidence-input"
              onChange={(e) => {
                const input = e.target;
                // Emptied once read, so that choosing the same file again (after "Clear files") is seen.
                void addFiles(input.files).finally(() => {
                  input.value = '';
                });
              }}
            />
          </label>
        </div>
        {files.length > 0 && (
          <ul className="files">
            {files.map((f) => (
              <li key={`${f.name}:${f.sha256}`}>
                {f.name} — <strong>{f.format ?? 'unknown format'}</strong>{' '}
                <span className="muted">sha256 {f.sha256.slice(0, 16)}…</span>
              </li>
            ))}
            <li>
              <button
                type="button"
                onClick={() => {
                  setFiles([]);
                  setSubmitted(null);
                }}
              >
                Clear files
              </button>
            </li>
          </ul>
        )}
        {needsMapping && (
          <fieldset>
            <legend>Map the log to the framework</legend>
            <label>
              Framework metric
              <select value={chosenMetric} onChange={(e) => setMetric(e.target.value)}>
                {metrics.map((m) => (
                  <option key={m}>{m}</option>
                ))}
              </select>
            </label>
            <label>
              Task (optional)
              <input value={task} onChange={(e) => setTask(e.target.value)} />
            </label>
            <label>
              Model (org/name)
              <input
                value={modelId}
                onChange={(e) => setModelId(e.target.value)}
                placeholder="example-lab/model-x"
              />
            </label>
            <label>
              Model version
              <input value={version} onChange={(e) => setVersion(e.target.value)} />
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={allowIncomplete}
                onChange={(e) => setAllowIncomplete(e.target.checked)}
              />{' '}
              accept incomplete logs (recorded in the evidence)
            </label>
          </fieldset>
        )}
      </form>

      {result && 'pending' in result && (
        <p role="status" className="muted" data-testid="importing">
          Reading the evaluation logs…
        </p>
      )}
      {done && 'error' in done && (
        <p role="alert" className="warn" data-testid="core-error">
          {done.error}
        </p>
      )}
      {done && !('error' in done) && (
        <section aria-labelledby="det-h">
          <h2 id="det-h">Determination (computed in your browser)</h2>
          {done.warnings.map((w) => (
            <p key={w} className="warn">
              {w}
            </p>
          ))}
          <DeterminationView d={done.d} />
          <button type="button" onClick={() => void submit()} disabled={me?.kind !== 'person'}>
            Submit for review
          </button>
          {me?.kind !== 'person' && <span className="muted"> Sign in with a developer token to submit.</span>}
        </section>
      )}
      {submitted && !submitted.ok && (
        <p role="alert" className="warn">
          {submitted.text}
        </p>
      )}
      {submitted?.ok && (
        <p role="status" className="ok">
          {submitted.text}{' '}
          {submitted.digest && (
            <>
              Server determination digest: <code data-testid="server-digest">{submitted.digest}</code>.{' '}
            </>
          )}
          {modelOfEvidence && <a href={modelHref(modelOfEvidence)}>Track it on the model page</a>}
        </p>
      )}
      {me?.kind === 'person' && me.role === 'developer' && me.org && (
        <TrackSection org={me.org} refresh={tracked} />
      )}
    </>
  );
}
