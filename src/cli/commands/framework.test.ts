/** Runs the built CLI (`npm run build` first) as a process and checks stdout, stderr and exit codes. */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin/greenlight');
const FIXTURES = 'src/core/framework/test-fixtures';
const EXAMPLE = `${FIXTURES}/example.yaml`;
const EXAMPLE_JSON = `${FIXTURES}/example.json`;
const V2 = `${FIXTURES}/example-v2.yaml`;

let dir: string;

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same as `run`, without blocking, to run independent commands side by side. */
function runAsync(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
      },
    );
  });
}

function file(name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

function expectNoStackTrace(s: string): void {
  expect(s).not.toMatch(/^\s+at /m);
  expect(s).not.toMatch(/\b(TypeError|RangeError|SyntaxError|ReferenceError)\b/);
  expect(s).not.toContain('internal error');
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/cli/main.js')))
    throw new Error('dist/ is missing: run `npm run build` first');
  dir = mkdtempSync(join(tmpdir(), 'greenlight-framework-cli-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const example = readFileSync(join(ROOT, EXAMPLE), 'utf8');
/** 1-based line of the first occurrence of `needle`. */
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

describe('framework check', () => {
  test('valid files: one ok line each on stdout, exit 0', () => {
    const r = run('framework', 'check', EXAMPLE, EXAMPLE_JSON);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    const digest = lines[0]!.split(' ').at(-1)!;
    expect(digest).toMatch(DIGEST);
    expect(lines).toEqual([
      `${EXAMPLE}: ok example-frontier 2026.1 ${digest}`,
      `${EXAMPLE_JSON}: ok example-frontier 2026.1 ${digest}`,
    ]);
  });

  test('an invalid file: every located problem on stderr, exit 1', () => {
    const bad = file(
      'bad.yaml',
      example
        .replace('version: "2026.1"', 'version: 2026.10')
        .replace(
          'max_tier: named_institutions\n          safeguards: [trusted-access, misuse-monitoring, weights',
          'max_tier: partners\n          safeguards: [trusted-access, misuse-monitoring, weights',
        )
        .replace('quorum: 2', 'quorum: 0'),
    );
    const r = run('framework', 'check', bad, EXAMPLE);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^${EXAMPLE}: ok example-frontier 2026\\.1 sha256:`));
    expect(r.stderr.trim().split('\n')).toEqual([
      `${bad}:3:10 version: must be text, not a number: write it in quotes, e.g. version: "2026.10" (unquoted, 2026.10 is read as the number 2026.1)`,
      `${bad}:49:21 domains[0].thresholds[1].requires.max_tier: unknown tier "partners" (tiers: internal, named_institutions, vetted_partners, general_api, public)`,
      `${bad}:55:11 review.quorum: must be a whole number ≥ 1, got 0`,
    ]);
  });

  test('an unreadable file: exit 2 (even with invalid files too), one line each', () => {
    const bad = file('min.yaml', 'greenlight: 1\n');
    const r = run('framework', 'check', join(dir, 'missing.yaml'), dir, bad);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe(`${join(dir, 'missing.yaml')}: no such file`);
    expect(lines[1]).toBe(`${dir}: is a directory, not a file`);
    expect(lines[2]).toBe(`${bad}:1:1 missing required key "id" in a framework`);
    expectNoStackTrace(r.stderr);
  });

  test('--json: an array of {file, ok, id, version, digest, problems}', () => {
    const bad = file('bad.json', '{"greenlight": 1, "id": "x",}');
    const r = run('framework', 'check', '--json', EXAMPLE, bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out).toEqual([
      {
        file: EXAMPLE,
        ok: true,
        id: 'example-frontier',
        version: '2026.1',
        digest: expect.stringMatching(DIGEST),
        problems: [],
      },
      {
        file: bad,
        ok: false,
        id: null,
        version: null,
        digest: null,
        problems: [
          {
            file: bad,
            line: 1,
            column: 29,
            path: '',
            message: 'invalid JSON: a trailing comma before "}" is not allowed in JSON',
          },
        ],
      },
    ]);
  });

  test('usage errors exit 2', () => {
    const r = run('framework', 'check');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing required argument 'files'");
    expect(run('framework', 'check', '--bogus', EXAMPLE).code).toBe(2);
  });
});

describe('framework digest', () => {
  test('prints the digest; YAML and JSON forms agree', () => {
    const a = run('framework', 'digest', EXAMPLE);
    const b = run('framework', 'digest', EXAMPLE_JSON);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    expect(b.stdout).toBe(a.stdout);
    const j = run('framework', 'digest', '--json', EXAMPLE);
    expect(JSON.parse(j.stdout)).toEqual({ digest: a.stdout.trim() });
  });

  test('an invalid framework: problems on stderr, exit 2, nothing on stdout', () => {
    const text = example.replace('on_lapse: deemed_approved', 'on_lapse: later');
    const bad = file('bad-digest.yaml', text);
    const r = run('framework', 'digest', bad);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `${bad}:${lineOf(text, 'on_lapse')}:13 review.on_lapse: expected one of deemed_approved, escalate, got the text "later"\n`,
    );
    expect(run('framework', 'digest', join(dir, 'nope.yaml'))).toMatchObject({
      code: 2,
      stderr: `${join(dir, 'nope.yaml')}: no such file\n`,
    });
  });
});

describe('framework diff', () => {
  test('a readable report grouped by section, domain and threshold', () => {
    const r = run('framework', 'diff', EXAMPLE, V2);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = r.stdout;
    expect(out).toMatch(
      /^Changes from example-frontier 2026\.1 to example-frontier 2026\.2\n {2}from sha256:[0-9a-f]{64}\n {2}to {3}sha256:/,
    );
    const order = [
      'Metadata',
      'Statistics',
      'Tiers',
      'Safeguards',
      'Domain cyber (Cybersecurity)',
      'Domain bio',
      'Review',
      'Incidents',
    ];
    let last = -1;
    for (const h of order) {
      const i = out.indexOf(`\n${h}`);
      expect(i, h).toBeGreaterThan(last);
      last = i;
    }
    expect(out).toContain(
      '  Threshold high\n    - Indicator cyber.vuln_discovery moved from above 0.5 to above 0.4 — now triggers at a lower score (stricter)\n',
    );
    expect(out).toContain(
      '  Threshold critical\n    - Once reached, the model may be released at most to tier "internal"',
    );
    expect(out).toContain('  - 3 reviewers must now sign each decision (was 2)\n');
    expect(out).toMatch(/\n16 changes: 7 stricter, 1 more permissive\n$/);
  });

  test('"no differences" for the same framework in another format', () => {
    const r = run('framework', 'diff', EXAMPLE, EXAMPLE_JSON);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\nno differences\n');
    const withDefault = file(
      'with-default.yaml',
      example.replace('  interval: wilson', '  interval: wilson\n'),
    );
    expect(run('framework', 'diff', EXAMPLE, withDefault).stdout).toContain('no differences');
  });

  test('--json: {from, to, changes}', () => {
    const r = run('framework', 'diff', '--json', EXAMPLE, V2);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.from).toEqual({
      file: EXAMPLE,
      id: 'example-frontier',
      version: '2026.1',
      digest: expect.stringMatching(DIGEST),
    });
    expect(out.to).toMatchObject({ file: V2, version: '2026.2' });
    expect(out.changes).toHaveLength(16);
    expect(out.changes[0]).toEqual({
      section: 'metadata',
      path: 'version',
      kind: 'metadata_changed',
      before: '2026.1',
      after: '2026.2',
      summary: 'Version changed from "2026.1" to "2026.2"',
    });
  });

  test('an invalid side: its problems, exit 2', () => {
    const text = example.replace('interval: wilson', 'interval: bayes');
    const bad = file('bad-diff.yaml', text);
    const r = run('framework', 'diff', EXAMPLE, bad);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `${bad}:${lineOf(text, 'interval: bayes')}:13 statistics.interval: expected one of wilson, clopper-pearson, clt, got the text "bayes"\n`,
    );
  });
});

describe('garbage never produces a stack trace', () => {
  const cases: Array<[string, string | Uint8Array]> = [
    ['random.yaml', Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)],
    ['zeros.yaml', new Uint8Array(100)],
    ['binary-utf8.yaml', '\u0000\u0001\u0002{[}]:::- - - &&& ***\uFFFF\n\t\t\t'],
    ['deep.yaml', '['.repeat(200_000)],
    ['deep.json', '{"a":'.repeat(50_000)],
    [
      'bomb.yaml',
      'a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n',
    ],
    ['empty.yaml', ''],
    ['numbers.yaml', 'greenlight: 1e999999\nid: .nan\n'],
  ];

  test('check, digest and diff on garbage files: one line per problem, exit 1 / 2', async () => {
    const files = cases.map(([name, content]) => file(name, content));
    const check = run('framework', 'check', ...files);
    expect(check.code).toBe(1);
    expectNoStackTrace(check.stderr);
    expectNoStackTrace(check.stdout);
    expect(check.stdout).toBe('');
    const lines = check.stderr.trim().split('\n');
    // every file has at least one line, and every line names its file
    for (const f of files)
      expect(
        lines.some((l) => l.startsWith(`${f}:`)),
        f,
      ).toBe(true);
    expect(lines.every((l) => files.some((f) => l.startsWith(`${f}:`)))).toBe(true);
    const [random, , , deepYaml, deepJson, bomb] = files;
    const others = await Promise.all([
      runAsync('framework', 'digest', random!),
      runAsync('framework', 'digest', deepYaml!),
      runAsync('framework', 'digest', bomb!),
      runAsync('framework', 'diff', EXAMPLE, deepJson!),
    ]);
    for (const r of others) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.length).toBeGreaterThan(0);
      expectNoStackTrace(r.stderr);
    }
  });

  test('a subdirectory named like a framework', () => {
    const d = join(dir, 'sub.yaml');
    mkdirSync(d, { recursive: true });
    const r = run('framework', 'digest', d);
    expect(r).toMatchObject({ code: 2, stderr: `${d}: is a directory, not a file\n` });
  });
});
