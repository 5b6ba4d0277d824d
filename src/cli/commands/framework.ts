/**
 * `greenlight framework check FILE…`, `framework digest FILE`, `framework diff A B`. The CLI reads the files;
 * the core only ever sees text.
 */

import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { formatProblem, GreenlightError, type Problem } from '../../core/errors.js';
import {
  diffFrameworks,
  type FrameworkChange,
  MAX_SOURCE_CHARS,
  parseFramework,
} from '../../core/framework/index.js';
import type { Framework } from '../../core/framework/types.js';
import { ioReason } from '../lib/files.js';
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK, ExitCode } from '../run.js';

/** Bytes read at most: the core accepts MAX_SOURCE_CHARS characters, which UTF-8 may spell in up to 3 bytes each. */
const MAX_FILE_BYTES = MAX_SOURCE_CHARS * 3;

/** A file that cannot be read at all (missing, a directory, no permission): exit 2, not "invalid". */
class Unreadable extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

export function registerFrameworkCommands(program: Command): void {
  const fw = program
    .command('framework')
    .description('validate frameworks with located errors, print their digest, compare versions');

  fw.command('check')
    .description('check framework files (YAML or JSON); one line per file, problems on stderr')
    .argument('<files...>', 'framework files (.yaml, .yml or .json)')
    .option('--json', 'print an array of {file, ok, id, version, digest, problems}')
    .action(async (files: string[], opts: { json?: boolean }) => {
      const code = await check(files, opts.json === true);
      if (code !== EXIT_OK) throw new ExitCode(code);
    });

  fw.command('digest')
    .description("print a framework's digest: sha256 of the canonical JSON of the document as written")
    .argument('<file>', 'framework file')
    .option('--json', 'print {digest}')
    .action(async (file: string, opts: { json?: boolean }) => {
      const f = await load(file);
      out(opts.json ? `${JSON.stringify({ digest: f.digest })}\n` : `${f.digest}\n`);
    });

  fw.command('diff')
    .description('show what changed between two versions of a framework, threshold by threshold')
    .argument('<a>', 'the older framework file')
    .argument('<b>', 'the newer framework file')
    .option('--json', 'print {from, to, changes}')
    .action(async (fileA: string, fileB: string, opts: { json?: boolean }) => {
      const a = await load(fileA);
      const b = await load(fileB);
      const changes = diffFrameworks(a, b);
      if (opts.json) {
        out(`${JSON.stringify({ from: ident(a, fileA), to: ident(b, fileB), changes }, null, 2)}\n`);
      } else {
        out(formatDiff(a, b, changes));
      }
    });
}

function out(s: string): void {
  process.stdout.write(s);
}

function err(s: string): void {
  process.stderr.write(s);
}

function ident(f: Framework, file: string): { file: string; id: string; version: string; digest: string } {
  return { file, id: f.id, version: f.version, digest: f.digest };
}

/** Reads a framework file as UTF-8 text. Throws `Unreadable` for I/O failures, GreenlightError for bad content. */
async function readText(file: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    const s = await stat(file);
    if (s.isDirectory()) throw new Unreadable(file, 'is a directory, not a file');
    if (s.size > MAX_FILE_BYTES) {
      throw invalidFile(
        file,
        `the file is too large for a framework (${s.size} bytes; at most ${MAX_FILE_BYTES})`,
      );
    }
    bytes = await readFile(file);
  } catch (e) {
    if (e instanceof Unreadable || e instanceof GreenlightError) throw e;
    throw new Unreadable(file, ioReason(e));
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalidFile(file, 'the file is not UTF-8 text');
  }
}

/** One line per problem; `file: message` when the problem has no position. */
function problemLine(p: Problem): string {
  if (p.line === undefined && p.file !== undefined)
    return `${p.file}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
  return formatProblem(p);
}

function invalidFile(file: string, message: string): GreenlightError {
  return new GreenlightError('invalid_framework', `${file}: ${message}`, [{ file, path: '', message }]);
}

/** Loads a framework for `digest`/`diff`: any failure ends the command with exit 2 and one line per problem. */
async function load(file: string): Promise<Framework> {
  try {
    return parseFramework(await readText(file), { file });
  } catch (e) {
    if (e instanceof Unreadable) {
      err(`${e.message}\n`);
      throw new ExitCode(EXIT_BAD_INPUT);
    }
    if (e instanceof GreenlightError) {
      const lines = e.problems.length > 0 ? e.problems.map(problemLine) : [e.message];
      for (const line of lines) err(`${line}\n`);
      throw new ExitCode(EXIT_BAD_INPUT);
    }
    throw e;
  }
}

interface CheckResult {
  file: string;
  ok: boolean;
  id: string | null;
  version: string | null;
  digest: string | null;
  problems: Problem[];
}

async function check(files: string[], json: boolean): Promise<number> {
  const results: CheckResult[] = [];
  let code = EXIT_OK;
  for (const file of files) {
    try {
      const f = parseFramework(await readText(file), { file });
      results.push({ file, ok: true, id: f.id, version: f.version, digest: f.digest, problems: [] });
      if (!json) out(`${file}: ok ${f.id} ${f.version} ${f.digest}\n`);
    } catch (e) {
      let problems: Problem[];
      if (e instanceof Unreadable) {
        problems = [{ file, path: '', message: e.reason }];
        code = EXIT_BAD_INPUT;
      } else if (e instanceof GreenlightError) {
        problems = e.problems.length > 0 ? e.problems : [{ file, path: '', message: e.message }];
        if (code === EXIT_OK) code = EXIT_CHECK_FAILED;
      } else {
        throw e;
      }
      results.push({ file, ok: false, id: null, version: null, digest: null, problems });
      if (!json) for (const p of problems) err(`${problemLine(p)}\n`);
    }
  }
  if (json) out(`${JSON.stringify(results, null, 2)}\n`);
  return code;
}

const SECTION_TITLES: Record<Exclude<FrameworkChange['section'], 'domains'>, string> = {
  metadata: 'Metadata',
  statistics: 'Statistics',
  tiers: 'Tiers',
  safeguards: 'Safeguards',
  review: 'Review',
  incidents: 'Incidents',
};

/** The readable report: grouped by section, then domain, then threshold. */
export function formatDiff(a: Framework, b: Framework, changes: FrameworkChange[]): string {
  const lines: string[] = [];
  lines.push(`Changes from ${a.id} ${a.version} to ${b.id} ${b.version}`);
  lines.push(`  from ${a.digest}`);
  lines.push(`  to   ${b.digest}`);
  lines.push('');
  if (changes.length === 0) {
    lines.push('no differences');
    if (a.digest !== b.digest) {
      lines.push(
        '(the documents differ only in ways that do not change the framework, e.g. a default written out)',
      );
    }
    return `${lines.join('\n')}\n`;
  }
  const order: FrameworkChange['section'][] = [
    'metadata',
    'statistics',
    'tiers',
    'safeguards',
    'domains',
    'review',
    'incidents',
  ];
  for (const section of order) {
    const inSection = changes.filter((c) => c.section === section);
    if (inSection.length === 0) continue;
    if (section !== 'domains') {
      lines.push(SECTION_TITLES[section]);
      for (const c of inSection) lines.push(`  - ${c.summary}`);
      lines.push('');
      continue;
    }
    const domainIds = [...new Set(inSection.map((c) => c.domain ?? ''))];
    for (const d of domainIds) {
      const title = b.domains.find((x) => x.id === d)?.title ?? a.domains.find((x) => x.id === d)?.title;
      lines.push(`Domain ${d}${title ? ` (${title})` : ''}`);
      const inDomain = inSection.filter((c) => (c.domain ?? '') === d);
      for (const c of inDomain.filter(
        (x) => x.threshold === undefined || x.kind === 'threshold_added' || x.kind === 'threshold_removed',
      )) {
        lines.push(`  - ${c.summary}`);
      }
      const thresholdIds = [
        ...new Set(
          inDomain
            .filter(
              (c) =>
                c.threshold !== undefined && c.kind !== 'threshold_added' && c.kind !== 'threshold_removed',
            )
            .map((c) => c.threshold!),
        ),
      ];
      for (const t of thresholdIds) {
        lines.push(`  Threshold ${t}`);
        for (const c of inDomain.filter(
          (x) => x.threshold === t && x.kind !== 'threshold_added' && x.kind !== 'threshold_removed',
        )) {
          // Under the threshold's heading, the summary's own "Threshold "t" in Domain: " prefix is redundant.
          const prefix = `Threshold ${JSON.stringify(t)} in ${title}: `;
          const text = title && c.summary.startsWith(prefix) ? c.summary.slice(prefix.length) : c.summary;
          lines.push(`    - ${text.charAt(0).toUpperCase()}${text.slice(1)}`);
        }
      }
      lines.push('');
    }
  }
  const stricter = changes.filter((c) => c.effect === 'stricter').length;
  const looser = changes.filter((c) => c.effect === 'looser').length;
  lines.push(
    `${changes.length} change${changes.length === 1 ? '' : 's'}: ${stricter} stricter, ${looser} more permissive`,
  );
  return `${lines.join('\n')}\n`;
}
