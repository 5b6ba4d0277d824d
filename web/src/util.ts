/** Small shared hooks and formatting: hash routing, a ticking clock, async loading, durations. */
import { useEffect, useState } from 'react';

/** The route: the hash without `#`, e.g. `/models/lab/x`; query after `?`. Shareable and needs no server help. */
function readRoute(): { path: string; query: URLSearchParams } {
  const raw = window.location.hash.replace(/^#/, '') || '/';
  const [path = '/', q = ''] = raw.split('?', 2);
  return { path, query: new URLSearchParams(q) };
}

export function useRoute(): { path: string; query: URLSearchParams } {
  const [route, setRoute] = useState(readRoute);
  useEffect(() => {
    const on = () => setRoute(readRoute());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

export const href = (path: string) => `#${path}`;
export const modelHref = (id: string) => href(`/models/${id}`);

/** Re-renders every `ms` with the current time (for live countdowns). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

export type Loaded<T> = { state: 'loading' } | { state: 'error'; error: string } | { state: 'ok'; value: T };

/** Runs `load` whenever `deps` change; `reload()` runs it again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): [Loaded<T>, () => void] {
  const [result, setResult] = useState<Loaded<T>>({ state: 'loading' });
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller lists what `load` depends on
  useEffect(() => {
    let live = true;
    setResult((r) => (r.state === 'ok' ? r : { state: 'loading' }));
    load().then(
      (value) => live && setResult({ state: 'ok', value }),
      (e: unknown) =>
        live && setResult({ state: 'error', error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return [result, () => setTick((t) => t + 1)];
}

/** "3d 4h", "2h 05m", "45s"; negative durations are "late". */
export function formatSeconds(total: number): string {
  const s = Math.abs(Math.round(total));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}

/** "6d 23h 59m 58s": to the second, for a countdown that visibly ticks. */
export function formatCountdown(total: number): string {
  const s = Math.abs(Math.round(total));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d > 0 ? `${d}d ` : ''}${d > 0 || h > 0 ? `${pad(h)}h ` : ''}${pad(m)}m ${pad(s % 60)}s`;
}

export function timeLeft(due: string, now: number, precise = false): { text: string; late: boolean } {
  const secs = (Date.parse(due) - now) / 1000;
  const f = precise ? formatCountdown : formatSeconds;
  return secs >= 0 ? { text: `${f(secs)} left`, late: false } : { text: `${f(secs)} late`, late: true };
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d
        .toISOString()
        .replace('T', ' ')
        .replace(/:\d\d\.\d{3}Z$/, ' UTC');
}

export function num(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined) return '∞';
  return Number.isInteger(x) ? String(x) : x.toFixed(digits);
}

export const label = (s: string) => s.replaceAll('_', ' ');
