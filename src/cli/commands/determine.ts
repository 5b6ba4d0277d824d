import type { Command } from 'commander';
import { determineDocuments } from '../../core/determination/index.js';
import type { Determination } from '../../core/determination/types.js';
import { GreenlightError } from '../../core/errors.js';
import { parseFramework } from '../../core/framework/index.js';
import { nodeSha256, readText } from '../lib/files.js';
import { formatDetermination } from '../lib/report.js';

interface DetermineFlags {
  framework: string;
  evidence: string[];
  tier?: string;
  json?: boolean;
}

export function registerDetermineCommand(program: Command): void {
  program
    .command('determine')
    .description('compute the determination of evidence against a framework (determination.md)')
    .requiredOption('--framework <file>', 'framework YAML or JSON')
    .requiredOption('--evidence <file>', 'native evidence JSON (repeat to merge several files)', collect, [])
    .option('--tier <tier>', 'requested tier (default: the most open tier)')
    .option('--json', 'print the determination JSON exactly')
    .action((flags: DetermineFlags) => {
      const determination = runDetermine(flags);
      process.stdout.write(
        flags.json ? `${JSON.stringify(determination)}\n` : formatDetermination(determination),
      );
    });
}

/** read framework → parse evidence files → determine (validate, merge, summarize, evaluate, digest). */
function runDetermine(flags: DetermineFlags): Determination {
  const framework = parseFramework(readText(flags.framework), { file: flags.framework });
  const inputs = flags.evidence.map((file) => ({ file, value: parseJsonFile(file) }));
  return determineDocuments(framework, inputs, flags.tier, nodeSha256);
}

function parseJsonFile(file: string): unknown {
  const text = readText(file);
  try {
    return JSON.parse(text);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new GreenlightError('invalid_evidence', `${file}: not valid JSON`, [
      { file, path: '', message: `not valid JSON (${detail})` },
    ]);
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
