import { type Command, CommanderError } from 'commander';
import { errorLines, isGreenlightError } from '../core/errors.js';
import { ioReason } from './lib/files.js';

/** Exit codes of every command: 0 ok, 1 a check failed, 2 bad input or usage. */
export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

/** Thrown by a command to end with an exit code after it printed what it had to say. */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** Prints an error for a person: one line per problem, never a stack trace. */
export function reportError(e: unknown): number {
  if (e instanceof ExitCode) return e.code;
  if (isGreenlightError(e)) {
    for (const line of errorLines(e)) process.stderr.write(`${line}\n`);
    return e.code === 'internal' ? EXIT_CHECK_FAILED : EXIT_BAD_INPUT;
  }
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.code === 'string' && typeof err.path === 'string') {
    process.stderr.write(`${err.path}: ${ioReason(err)}\n`);
    return EXIT_BAD_INPUT;
  }
  process.stderr.write(`greenlight: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
  if (process.env.GREENLIGHT_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
  return 1;
}

export async function runCli(program: Command, argv: string[]): Promise<void> {
  program.exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const cmd of allCommands(program)) cmd.exitOverride();
  let code = EXIT_OK;
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      code = e.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
    } else {
      code = reportError(e);
    }
  }
  process.exitCode = code;
}

function allCommands(cmd: Command): Command[] {
  return [cmd, ...cmd.commands.flatMap(allCommands)];
}
