/**
 * The in-browser inclusion check of one log entry, with the core's tlog code (the same the CLI's `verify` uses):
 * the log key from /log/key, the entry with its proof from /v1/log/entries/{index}, the checkpoint's signature,
 * the leaf hash of the entry bytes, the inclusion proof against the signed root, and consistency of that
 * checkpoint with the latest /log/checkpoint.
 */
import { useEffect, useState } from 'react';
import {
  fromHex,
  leafHash,
  openCheckpoint,
  toHex,
  utf8,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/core/tlog/index.js';
import { fetchLogEntry, fetchText } from '../api.js';

export type CheckResult =
  | { state: 'checking' }
  | { state: 'pending' }
  | { state: 'verified'; size: number }
  | { state: 'failed'; reason: string };

let keyPromise: Promise<string> | undefined;
const logKey = () => {
  keyPromise ??= fetchText('/log/key').then((t) => t.trim());
  return keyPromise;
};

/** Checks that entry `index` is in the log and records an event of `expectedType` (when given). */
export async function checkInclusion(index: number, expectedType?: string): Promise<CheckResult> {
  try {
    const key = await logKey();
    const answer = await fetchLogEntry(index);
    if (answer === 'pending') return { state: 'pending' };
    if (answer.index !== index)
      return { state: 'failed', reason: `asked for entry ${index}, got ${answer.index}` };
    const { checkpoint } = openCheckpoint(answer.checkpoint, key);
    const leaf = leafHash(utf8(answer.entry));
    if (toHex(leaf) !== answer.leaf_hash.toLowerCase())
      return { state: 'failed', reason: 'the entry does not hash to the leaf hash given' };
    if (!verifyInclusion(leaf, index, checkpoint.size, answer.proof.map(fromHex), checkpoint.root))
      return {
        state: 'failed',
        reason: `the inclusion proof does not lead to the signed root of size ${checkpoint.size}`,
      };
    if (expectedType !== undefined) {
      const entry = JSON.parse(answer.entry) as { type?: unknown };
      if (entry.type !== expectedType)
        return {
          state: 'failed',
          reason: `the log entry records ${String(entry.type)}, not ${expectedType}`,
        };
    }
    // The checkpoint the proof used must be consistent with the latest one everybody sees.
    const latest = openCheckpoint(await fetchText('/log/checkpoint'), key).checkpoint;
    if (latest.size > checkpoint.size) {
      const res = await fetch(`/v1/log/consistency?from=${checkpoint.size}&to=${latest.size}`);
      if (res.ok) {
        const { proof } = (await res.json()) as { proof: string[] };
        if (
          !verifyConsistency(checkpoint.size, latest.size, proof.map(fromHex), checkpoint.root, latest.root)
        )
          return { state: 'failed', reason: 'the checkpoint is not consistent with the latest checkpoint' };
      }
    } else if (latest.size === checkpoint.size && toHex(latest.root) !== toHex(checkpoint.root)) {
      return { state: 'failed', reason: 'two checkpoints of the same size with different roots' };
    }
    return { state: 'verified', size: checkpoint.size };
  } catch (e) {
    return { state: 'failed', reason: e instanceof Error ? e.message : String(e) };
  }
}

export function InclusionBadge({ index, type }: { index: number; type?: string }) {
  const [result, setResult] = useState<CheckResult>({ state: 'checking' });
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = (attempt: number) => {
      checkInclusion(index, type).then((r) => {
        if (!live) return;
        setResult(r);
        if (r.state === 'pending' && attempt < 10) timer = setTimeout(() => run(attempt + 1), 1000);
      });
    };
    run(0);
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [index, type]);
  const text =
    result.state === 'verified'
      ? '✓ verified'
      : result.state === 'failed'
        ? '✗ failed'
        : result.state === 'pending'
          ? '… not yet in a checkpoint'
          : '… checking';
  const title =
    result.state === 'verified'
      ? `log entry ${index} is included in the signed checkpoint of size ${result.size}`
      : result.state === 'failed'
        ? `log entry ${index}: ${result.reason}`
        : `log entry ${index}`;
  return (
    <span
      className={`inclusion inclusion-${result.state}`}
      data-log-index={index}
      data-check={result.state}
      title={title}
    >
      <a href={`/v1/log/entries/${index}`}>log #{index}</a> <span>{text}</span>
      {result.state === 'failed' && <span className="reason"> — {result.reason}</span>}
    </span>
  );
}
