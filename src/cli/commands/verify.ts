/**
 * `greenlight verify --url URL`: audits a Greenlight transparency log from the outside (transparency-log.md
 * "Verification"). Checks the checkpoint signature with the pinned key (--key, else trust on first use kept in
 * the state file; a different key later is a failure), consistency with the checkpoint saved last time, and —
 * unless --entry N — every entry bundle and hash tile against the recomputed leaf hashes and root. With
 * --determinations, recomputes every `determination.computed` entry's determination. Saves the checkpoint only
 * when everything passed. Exit 0 all good, 1 a check failed, 2 usage or network error. The full audit fetches
 * with bounded concurrency and hashes with node:crypto (`log/hash.ts`, the same functions as the pure core's).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { determine } from '../../core/determination/index.js';
import { validateFrameworkValue } from '../../core/framework/load.js';
import {
  bytesEqual,
  type Checkpoint,
  entryBundlePath,
  fromHex,
  HASH_SIZE,
  leafHash,
  openCheckpoint,
  parseEntryBundle,
  parseVerifierKey,
  rootFromTiles,
  TILE_WIDTH,
  tilePath,
  tilesForSize,
  verifyConsistency,
  verifyInclusion,
} from '../../core/tlog/index.js';
import { sha256Into, tileRoot } from '../../log/hash.js';
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, ExitCode } from '../run.js';

export interface VerifyOptions {
  url: string;
  key?: string;
  state?: string;
  entry?: string;
  determinations?: boolean;
  json?: boolean;
}

interface LogState {
  key: string;
  checkpoint: string;
}

interface StateFile {
  version: 1;
  logs: Record<string, LogState>;
}

/** A usage or network problem: exit 2. */
class UsageError extends Error {}

export function defaultStatePath(): string {
  return join(homedir(), '.greenlight', 'verify-state.json');
}

function readState(path: string): StateFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, logs: {} };
    throw new UsageError(`cannot read state file ${path}: ${(e as Error).message}`);
  }
  try {
    const s = JSON.parse(text) as StateFile;
    if (s?.version !== 1 || typeof s.logs !== 'object' || s.logs === null) throw new Error('unknown format');
    return s;
  } catch (e) {
    throw new UsageError(`state file ${path} is not a verify state file (${(e as Error).message})`);
  }
}

function writeState(path: string, state: StateFile): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

class Client {
  constructor(readonly base: string) {}

  async fetch(path: string): Promise<Response> {
    try {
      return await fetch(`${this.base}${path}`, { headers: { 'user-agent': 'greenlight-verify' } });
    } catch (e) {
      throw new UsageError(`cannot reach ${this.base}${path}: ${(e as Error).cause ?? (e as Error).message}`);
    }
  }

  async text(path: string): Promise<string> {
    const r = await this.fetch(path);
    if (r.status !== 200) throw new UsageError(`GET ${path}: HTTP ${r.status}`);
    return r.text();
  }

  async json(path: string): Promise<{ status: number; body: unknown }> {
    const r = await this.fetch(path);
    const text = await r.text();
    try {
      return { status: r.status, body: JSON.parse(text) };
    } catch {
      throw new UsageError(`GET ${path}: HTTP ${r.status}, not JSON`);
    }
  }

  /** A tile or bundle; undefined when the server does not have it (a check failure for the caller). */
  async bytes(path: string): Promise<Uint8Array | undefined> {
    const r = await this.fetch(path);
    if (r.status === 404) return undefined;
    if (r.status !== 200) throw new UsageError(`GET ${path}: HTTP ${r.status}`);
    return new Uint8Array(await r.arrayBuffer());
  }
}

class Progress {
  #last = 0;
  readonly #tty = process.stderr.isTTY === true;
  update(label: string, done: number, total: number): void {
    if (!this.#tty) return;
    const t = Date.now();
    if (done < total && t - this.#last < 100) return;
    this.#last = t;
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
    if (done >= total) process.stderr.write('\n');
  }
}

export interface VerifyReport {
  ok: boolean;
  url: string;
  key: string;
  size?: number;
  root?: string;
  checks: string[];
  failures: string[];
}

/** Runs every check; throws {@link UsageError} for usage or network problems. */
export async function verifyLog(opts: VerifyOptions): Promise<VerifyReport> {
  const base = opts.url.replace(/\/+$/, '');
  if (!/^https?:\/\//.test(base)) throw new UsageError('--url must be an http(s) URL');
  let entryIndex: number | undefined;
  if (opts.entry !== undefined) {
    if (!/^(0|[1-9][0-9]*)$/.test(opts.entry) || !Number.isSafeInteger(Number(opts.entry))) {
      throw new UsageError('--entry must be a log index (a decimal integer ≥ 0)');
    }
    entryIndex = Number(opts.entry);
  }
  if (opts.key !== undefined) {
    try {
      parseVerifierKey(opts.key);
    } catch (e) {
      throw new UsageError(`--key is not a verifier key: ${(e as Error).message}`);
    }
  }
  const statePath = opts.state ?? defaultStatePath();
  const state = readState(statePath);
  const saved = state.logs[base];
  const client = new Client(base);
  const report: VerifyReport = { ok: false, url: base, key: '', checks: [], failures: [] };
  const fail = (m: string) => {
    report.failures.push(m);
    return report;
  };

  // 1. The key: pinned, or trust on first use.
  let key: string;
  if (opts.key !== undefined) {
    key = opts.key;
    if (saved && saved.key !== key) {
      report.key = key;
      return fail(`key mismatch: --key ${key} differs from the key pinned in ${statePath} (${saved.key})`);
    }
  } else if (saved) {
    key = saved.key;
    const served = (await client.text('/log/key')).trim();
    if (served !== key) {
      report.key = key;
      return fail(`key mismatch: the log now serves key ${served}, but ${key} was pinned on first use`);
    }
  } else {
    key = (await client.text('/log/key')).trim();
    try {
      parseVerifierKey(key);
    } catch (e) {
      throw new UsageError(`/log/key is not a verifier key: ${(e as Error).message}`);
    }
    report.checks.push(`trusting key ${key} on first use`);
  }
  report.key = key;

  // 2. The checkpoint's signature.
  const note = await client.text('/log/checkpoint');
  let cp: Checkpoint;
  try {
    cp = openCheckpoint(note, key).checkpoint;
  } catch (e) {
    return fail(`signature: the checkpoint does not verify with ${key}: ${(e as Error).message}`);
  }
  report.size = cp.size;
  report.root = Buffer.from(cp.root).toString('base64');
  report.checks.push(`checkpoint of size ${cp.size} is signed by ${key}`);

  // 3. Consistency with the checkpoint seen last time.
  if (saved) {
    let old: Checkpoint;
    try {
      old = openCheckpoint(saved.checkpoint, key).checkpoint;
    } catch (e) {
      throw new UsageError(`the checkpoint saved in ${statePath} does not verify: ${(e as Error).message}`);
    }
    let consistent: boolean;
    if (old.size > cp.size) consistent = false;
    else if (old.size === cp.size) consistent = bytesEqual(old.root, cp.root);
    else if (old.size === 0) consistent = true;
    else {
      const { status, body } = await client.json(`/v1/log/consistency?from=${old.size}&to=${cp.size}`);
      if (status !== 200) throw new UsageError(`GET /v1/log/consistency: HTTP ${status}`);
      const proof = (body as { proof?: unknown }).proof;
      consistent =
        Array.isArray(proof) &&
        proof.every((p) => typeof p === 'string' && /^[0-9a-f]{64}$/.test(p)) &&
        verifyConsistency(old.size, cp.size, (proof as string[]).map(fromHex), old.root, cp.root);
    }
    if (!consistent) {
      return fail(
        `inconsistent with saved checkpoint (fork): the log of size ${cp.size} does not extend the checkpoint of size ${old.size} saved in ${statePath}`,
      );
    }
    report.checks.push(`consistent with the saved checkpoint of size ${old.size}`);
  }

  // 4. One entry, or the full audit.
  const determinationEntries: { index: number; entry: Record<string, unknown> }[] = [];
  if (entryIndex !== undefined) {
    await checkEntry(client, key, cp, entryIndex, report);
  } else {
    await audit(client, cp, report, opts.determinations === true ? determinationEntries : undefined);
  }
  if (opts.determinations === true && report.failures.length === 0) {
    if (entryIndex !== undefined)
      throw new UsageError('--determinations needs the full audit (without --entry)');
    await checkDeterminations(client, determinationEntries, report);
  }

  report.ok = report.failures.length === 0;
  if (report.ok) {
    state.logs[base] = { key, checkpoint: note };
    writeState(statePath, state);
  }
  return report;
}

async function checkEntry(
  client: Client,
  key: string,
  cp: Checkpoint,
  index: number,
  report: VerifyReport,
): Promise<void> {
  const { status, body } = await client.json(`/v1/log/entries/${index}`);
  if (status === 202) {
    report.failures.push(
      `entry ${index} is not yet covered by a checkpoint (pending); try again in a second`,
    );
    return;
  }
  if (status === 404) {
    report.failures.push(`entry ${index} is not in the log (size ${cp.size})`);
    return;
  }
  if (status !== 200) throw new UsageError(`GET /v1/log/entries/${index}: HTTP ${status}`);
  const b = body as { entry?: unknown; leaf_hash?: unknown; checkpoint?: unknown; proof?: unknown };
  if (typeof b.entry !== 'string' || typeof b.checkpoint !== 'string' || !Array.isArray(b.proof)) {
    report.failures.push(`entry ${index}: malformed answer`);
    return;
  }
  const leaf = leafHash(new TextEncoder().encode(b.entry));
  if (typeof b.leaf_hash !== 'string' || b.leaf_hash !== Buffer.from(leaf).toString('hex')) {
    report.failures.push(
      `entry hash mismatch at index ${index}: the entry does not hash to the leaf hash served`,
    );
    return;
  }
  let ecp: Checkpoint;
  try {
    ecp = openCheckpoint(b.checkpoint, key).checkpoint;
  } catch (e) {
    report.failures.push(
      `signature: the checkpoint served with entry ${index} does not verify: ${(e as Error).message}`,
    );
    return;
  }
  // The entry's checkpoint must be the one just verified (or, if the log grew meanwhile, a later one).
  if (ecp.size < cp.size || (ecp.size === cp.size && !bytesEqual(ecp.root, cp.root))) {
    report.failures.push(`entry ${index}: its proof is against a checkpoint other than the log's latest`);
    return;
  }
  const proof = b.proof as unknown[];
  const ok =
    proof.every((p) => typeof p === 'string' && /^[0-9a-f]{64}$/.test(p)) &&
    verifyInclusion(leaf, index, ecp.size, (proof as string[]).map(fromHex), ecp.root);
  if (!ok) {
    report.failures.push(
      `entry hash mismatch at index ${index}: its inclusion proof does not verify against the checkpoint of size ${ecp.size}`,
    );
    return;
  }
  report.checks.push(`entry ${index} is included in the checkpoint of size ${ecp.size}`);
}

/** How many tile and bundle requests the audit keeps in flight. */
const AUDIT_CONCURRENCY = 16;

/**
 * Fetches `paths` with at most `window` requests in flight, handing the answers over in order. A request's
 * failure surfaces when its turn comes (as in a sequential loop); nothing is left unhandled when the caller
 * stops early.
 */
async function* fetchInOrder(
  client: Client,
  paths: readonly string[],
  window: number,
): AsyncGenerator<Uint8Array | undefined> {
  type Settled = { ok: true; value: Uint8Array | undefined } | { ok: false; error: unknown };
  const pending: Promise<Settled>[] = [];
  let next = 0;
  const launch = () => {
    const path = paths[next++]!;
    pending.push(
      client.bytes(path).then(
        (value): Settled => ({ ok: true, value }),
        (error: unknown): Settled => ({ ok: false, error }),
      ),
    );
  };
  while (next < paths.length && pending.length < window) launch();
  while (pending.length > 0) {
    const settled = await pending.shift()!;
    if (next < paths.length) launch();
    if (!settled.ok) throw settled.error;
    yield settled.value;
  }
}

/**
 * The leaf hashes of an entry bundle that holds exactly `width` entries, written into `out` at hash index
 * `at`; false when the bundle is malformed (then parseEntryBundle names the problem). Hashes in place.
 */
function bundleLeafHashes(bundle: Uint8Array, width: number, out: Buffer, at: number): boolean {
  let o = 0;
  let n = 0;
  while (o < bundle.length) {
    if (o + 2 > bundle.length || n >= width) return false;
    const len = (bundle[o]! << 8) | bundle[o + 1]!;
    if (o + 2 + len > bundle.length) return false;
    // SHA-256(0x00 ‖ entry): the length's low byte stands in for the 0x00 during the call.
    const low = bundle[o + 1]!;
    bundle[o + 1] = 0;
    sha256Into(bundle.subarray(o + 1, o + 2 + len), out, (at + n) * HASH_SIZE);
    bundle[o + 1] = low;
    o += 2 + len;
    n++;
  }
  return n === width;
}

/** Fetches every bundle and hash tile, recomputes leaf hashes, tiles and root. */
async function audit(
  client: Client,
  cp: Checkpoint,
  report: VerifyReport,
  collect: { index: number; entry: Record<string, unknown> }[] | undefined,
): Promise<void> {
  const progress = new Progress();
  const size = cp.size;
  const bundles = Math.ceil(size / TILE_WIDTH);
  const tiles = [...tilesForSize(size)];
  const total = bundles + tiles.length;
  let done = 0;
  // Expected tile contents, level by level (32-byte hashes back to back), built from the leaf hashes.
  const leaves = Buffer.alloc(size * HASH_SIZE);
  const levels: Uint8Array[] = [leaves];
  const failuresBefore = report.failures.length;
  const paths = [
    ...Array.from(
      { length: bundles },
      (_, b) => `/log/${entryBundlePath(b, Math.min(TILE_WIDTH, size - b * TILE_WIDTH))}`,
    ),
    ...tiles.map((ref) => `/log/${tilePath(ref.level, ref.index, ref.width)}`),
  ];
  const answers = fetchInOrder(client, paths, AUDIT_CONCURRENCY);
  try {
    for (let b = 0; b < bundles; b++) {
      const width = Math.min(TILE_WIDTH, size - b * TILE_WIDTH);
      const data = (await answers.next()).value;
      try {
        if (data === undefined) throw new Error('missing (404)');
        if (collect) {
          parseEntryBundle(data, width).forEach((e, j) => {
            try {
              const parsed = JSON.parse(new TextDecoder().decode(e)) as Record<string, unknown>;
              if (parsed.type === 'determination.computed')
                collect.push({ index: b * TILE_WIDTH + j, entry: parsed });
            } catch {
              // Not JSON: the hash checks below still cover it.
            }
          });
        }
        if (!bundleLeafHashes(data, width, leaves, b * TILE_WIDTH)) {
          parseEntryBundle(data, width);
          throw new Error('malformed');
        }
      } catch (e) {
        report.failures.push(
          `entry bundle ${b} (entries ${b * TILE_WIDTH}..${b * TILE_WIDTH + width - 1}) is wrong: ${(e as Error).message} — entries were removed, added or cut`,
        );
        return;
      }
      progress.update('verifying', ++done, total);
    }
    // Hash tiles: each must equal what the leaves give.
    for (const ref of tiles) {
      while (levels.length <= ref.level) {
        const below = levels[levels.length - 1]!;
        const full = Math.floor(below.length / (TILE_WIDTH * HASH_SIZE));
        const up = new Uint8Array(full * HASH_SIZE);
        for (let i = 0; i < full; i++) {
          const tile = below.subarray(i * TILE_WIDTH * HASH_SIZE, (i + 1) * TILE_WIDTH * HASH_SIZE);
          up.set(tileRoot(tile), i * HASH_SIZE);
        }
        levels.push(up);
      }
      const data = (await answers.next()).value;
      progress.update('verifying', ++done, total);
      if (data === undefined || data.length !== ref.width * HASH_SIZE) {
        report.failures.push(
          `tile ${tilePath(ref.level, ref.index, ref.width)} is missing or has the wrong length`,
        );
        continue;
      }
      const expected = levels[ref.level]!;
      for (let j = 0; j < ref.width; j++) {
        const at = (ref.index * TILE_WIDTH + j) * HASH_SIZE;
        if (
          !bytesEqual(
            data.subarray(j * HASH_SIZE, (j + 1) * HASH_SIZE),
            expected.subarray(at, at + HASH_SIZE),
          )
        ) {
          const firstLeaf = (ref.index * TILE_WIDTH + j) * TILE_WIDTH ** ref.level;
          report.failures.push(
            ref.level === 0
              ? `entry hash mismatch at index ${firstLeaf}: the entry does not hash to the leaf hash in the log's tiles`
              : `tile ${tilePath(ref.level, ref.index, ref.width)} hash ${j} does not match the entries from index ${firstLeaf}`,
          );
          break;
        }
      }
    }
  } finally {
    await answers.return(undefined);
  }
  // The root, from the recomputed tiles (every level is complete up to the tree's size).
  const root = rootFromTiles(size, (level, index, width) => {
    const at = index * TILE_WIDTH * HASH_SIZE;
    return levels[level]!.subarray(at, at + width * HASH_SIZE);
  });
  if (!bytesEqual(root, cp.root)) {
    report.failures.push(`root mismatch: the ${size} entries do not give the checkpoint's root`);
  }
  if (report.failures.length === failuresBefore) {
    report.checks.push(`all ${size} entries, ${tiles.length} hash tiles and the root recomputed`);
  }
}

/** Recomputes every published determination from its framework and evidence summary. */
async function checkDeterminations(
  client: Client,
  entries: { index: number; entry: Record<string, unknown> }[],
  report: VerifyReport,
): Promise<void> {
  const progress = new Progress();
  const frameworks = new Map<string, unknown>();
  let checked = 0;
  // The latest determination entry of each submission must be the one the API serves.
  const latest = new Map<string, number>();
  for (const { index, entry } of entries) {
    const s = (entry.subject as Record<string, unknown> | undefined)?.submission;
    if (typeof s === 'string') latest.set(s, Math.max(latest.get(s) ?? -1, index));
  }
  for (const { index, entry } of entries) {
    const subject = entry.subject as Record<string, unknown> | undefined;
    const data = entry.data as Record<string, unknown> | undefined;
    const id = typeof subject?.submission === 'string' ? subject.submission : undefined;
    if (!id || !data) {
      report.failures.push(`determination mismatch at index ${index}: the entry names no submission`);
      continue;
    }
    const sub = await client.json(`/v1/submissions/${encodeURIComponent(id)}`);
    if (sub.status !== 200) {
      report.failures.push(`determination mismatch for submission ${id}: not published (HTTP ${sub.status})`);
      continue;
    }
    // The submission's determination, or an appeal's (an appeal with new evidence): the entry pins which by
    // digest. An earlier determination (evidence added later) is no longer served; the latest entry must be.
    const view = sub.body as {
      determination?: Record<string, unknown>;
      appeals?: { determination?: Record<string, unknown> | null }[];
    };
    const served = [
      view.determination,
      ...(Array.isArray(view.appeals) ? view.appeals.map((a) => a?.determination ?? undefined) : []),
    ].filter((d): d is Record<string, unknown> => typeof d === 'object' && d !== null);
    const det = served.find((d) => d.digest === data.determination_digest);
    if (!det) {
      if (served.length > 0 && latest.get(id) !== index) {
        report.checks.push(
          `submission ${id}: entry ${index} is an earlier determination (not re-computable from the API)`,
        );
        continue;
      }
      report.failures.push(
        served.length > 0
          ? `determination mismatch for submission ${id}: the API serves digest(s) ${served.map((d) => String(d.digest)).join(', ')}, the log's latest determination (entry ${index}) is ${String(data.determination_digest)}`
          : `determination mismatch for submission ${id}: no determination published`,
      );
      continue;
    }
    const fwRef = det.framework as { id: string; version: string };
    const fwKey = `${fwRef.id}/${fwRef.version}`;
    if (!frameworks.has(fwKey)) {
      const fw = await client.json(
        `/v1/frameworks/${encodeURIComponent(fwRef.id)}/${encodeURIComponent(fwRef.version)}`,
      );
      if (fw.status !== 200) throw new UsageError(`GET /v1/frameworks/${fwKey}: HTTP ${fw.status}`);
      frameworks.set(fwKey, (fw.body as { document?: unknown }).document);
    }
    try {
      const framework = validateFrameworkValue(frameworks.get(fwKey));
      // biome-ignore lint/suspicious/noExplicitAny: the summary document is evidence in the summary format
      const again = determine(framework, det.evidence_summary as any, { tier: det.requested_tier as string });
      if (again.digest !== data.determination_digest || again.inputs_digest !== data.inputs_digest) {
        report.failures.push(
          `determination mismatch for submission ${id}: recomputed digest ${again.digest} / inputs ${again.inputs_digest}, published ${String(data.determination_digest)} / ${String(data.inputs_digest)}`,
        );
        continue;
      }
    } catch (e) {
      report.failures.push(
        `determination mismatch for submission ${id}: cannot recompute (${(e as Error).message})`,
      );
      continue;
    }
    checked++;
    progress.update('determinations', checked, entries.length);
  }
  report.checks.push(`${checked} determination(s) recomputed and matched`);
}

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description(
      'audit a Greenlight transparency log: signature, consistency, every entry (exit 1 on any failure)',
    )
    .requiredOption('--url <url>', 'the server, e.g. https://greenlight.example.org')
    .option(
      '--key <vkey>',
      'the log verifier key to pin (default: trust on first use, kept in the state file)',
    )
    .option('--state <file>', 'state file (default ~/.greenlight/verify-state.json)')
    .option('--entry <n>', 'verify the inclusion of one entry instead of the full audit')
    .option('--determinations', 'recompute every published determination')
    .option('--json', 'print the report as JSON')
    .action(async (opts: VerifyOptions) => {
      let report: VerifyReport;
      try {
        report = await verifyLog(opts);
      } catch (e) {
        if (e instanceof UsageError) {
          process.stderr.write(`greenlight verify: ${e.message}\n`);
          throw new ExitCode(EXIT_BAD_INPUT);
        }
        throw e;
      }
      if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else {
        for (const c of report.checks) process.stdout.write(`ok: ${c}\n`);
        for (const f of report.failures) process.stdout.write(`FAILED: ${f}\n`);
        process.stdout.write(report.ok ? 'log verified\n' : 'log verification FAILED\n');
      }
      for (const f of report.failures) process.stderr.write(`greenlight verify: FAILED: ${f}\n`);
      if (!report.ok) throw new ExitCode(EXIT_CHECK_FAILED);
    });
}
