/** Test-only: reads the shared tlog fixtures (../shared/fixtures/tlog beside the repo). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// This file is src/core/tlog/test-helpers/; the repo root is four levels up and `shared` sits beside it.
const ROOT = new URL('../../../shared/fixtures/tlog/', import.meta.url);

export function fixtureUrl(rel: string): URL {
  return new URL(rel, ROOT);
}

export function readFixture(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(fixtureUrl(rel)));
}

export function readFixtureText(rel: string): string {
  return readFileSync(fixtureUrl(rel), 'utf8');
}

/**
 * JSON with the uint64 fields of the transparency-dev probes read as BigInt (plain JSON.parse would round
 * 2^64 − 1), by quoting every bare integer value of those keys before parsing.
 */
export function readProbe(rel: string): Record<string, unknown> {
  const text = readFixtureText(rel).replace(
    /"(leafIdx|treeSize|size1|size2|size|start|end)"(\s*):(\s*)(\d+)/g,
    '"$1"$2:$3"$4"',
  );
  const raw = JSON.parse(text) as Record<string, unknown>;
  for (const k of ['leafIdx', 'treeSize', 'size1', 'size2', 'size', 'start', 'end']) {
    if (typeof raw[k] === 'string') raw[k] = BigInt(raw[k] as string);
  }
  return raw;
}

/** Every `*.json` below `rel`, as paths relative to the fixture root, sorted. */
export function listJson(rel: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(fileURLToPath(fixtureUrl(dir))).sort()) {
      const p = `${dir}/${name}`;
      if (statSync(fileURLToPath(fixtureUrl(p))).isDirectory()) walk(p);
      else if (name.endsWith('.json')) out.push(p);
    }
  };
  walk(rel);
  return out;
}
