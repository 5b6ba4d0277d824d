/**
 * `greenlight access check --model M --org O [--version V] [--url URL] [--json]`: asks a Greenlight server
 * (GET /v1/access/check) whether an organisation may use a model. Exit 0 when allowed, 1 when denied, 2 on bad
 * input or when the server cannot answer. Default URL: GREENLIGHT_URL, else http://127.0.0.1:8080.
 */
import type { Command } from 'commander';
import type { AccessAnswer } from '../../workflow/types.js';
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, ExitCode } from '../run.js';

export const DEFAULT_ACCESS_URL = 'http://127.0.0.1:8080';

export interface AccessCheckFlags {
  model: string;
  org: string;
  version?: string;
  url?: string;
  json?: boolean;
}

/** Asks the server; returns the answer (throws Error with a message on transport or API errors). */
export async function fetchAccess(
  flags: Omit<AccessCheckFlags, 'json'>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<AccessAnswer> {
  const base = (flags.url ?? env.GREENLIGHT_URL ?? DEFAULT_ACCESS_URL).replace(/\/+$/, '');
  const u = new URL(`${base}/v1/access/check`);
  u.searchParams.set('model', flags.model);
  u.searchParams.set('org', flags.org);
  if (flags.version !== undefined) u.searchParams.set('version', flags.version);
  let res: Response;
  try {
    res = await fetch(u, { headers: { accept: 'application/json' } });
  } catch (e) {
    throw new Error(
      `cannot reach ${base}: ${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message}`,
    );
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${base} answered ${res.status} with something other than JSON`);
  }
  if (!res.ok) {
    const err = (body as { error?: { message?: string; details?: { path: string; message: string }[] } })
      .error;
    const details = (err?.details ?? []).map((d) => `\n  ${d.path}: ${d.message}`).join('');
    throw new Error(`${base} answered ${res.status}: ${err?.message ?? 'error'}${details}`);
  }
  return body as AccessAnswer;
}

export function formatAccess(
  flags: Pick<AccessCheckFlags, 'model' | 'org' | 'version'>,
  a: AccessAnswer,
): string {
  const what = `${flags.org} → ${flags.model}${flags.version !== undefined ? `@${flags.version}` : ''}`;
  return `${a.allow ? 'ALLOWED' : 'DENIED'}  ${what}  (rule ${a.rule}${a.tier !== null ? `, tier ${a.tier}` : ''}${a.ref !== null ? `, ref ${a.ref}` : ''})\n`;
}

export function registerAccessCommands(program: Command): void {
  // `--version` here is the model version: program options (its `-V, --version`) only count before the command.
  program.enablePositionalOptions();
  const access = program.command('access').description('access checks against a Greenlight server');
  access
    .command('check')
    .description('may this organisation use this model (version)? exit 0 allowed, 1 denied')
    .requiredOption('--model <id>', 'model id, <org>/<name>')
    .requiredOption('--org <id>', 'organisation id')
    .option('--version <version>', 'model version (default: the current version)')
    .option('--url <url>', `the server (default: GREENLIGHT_URL, else ${DEFAULT_ACCESS_URL})`)
    .option('--json', 'print the answer {allow, tier, rule, ref} as JSON')
    .action(async (flags: AccessCheckFlags) => {
      let answer: AccessAnswer;
      try {
        answer = await fetchAccess(flags);
      } catch (e) {
        process.stderr.write(`greenlight access check: ${(e as Error).message}\n`);
        throw new ExitCode(EXIT_BAD_INPUT);
      }
      process.stdout.write(flags.json ? `${JSON.stringify(answer)}\n` : formatAccess(flags, answer));
      if (!answer.allow) throw new ExitCode(EXIT_CHECK_FAILED);
    });
}
