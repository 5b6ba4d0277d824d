/**
 * `greenlight log key`: prints the log's verifier key (`name+hex+base64`), creating the log identity on a database
 * that has none yet (as first start would); `--export FILE` backs the signer key up (mode 0600), `--import FILE`
 * restores it onto a database without a log key.
 */
import type { Command } from 'commander';
import { exportLogKey, importLogKey, loadOrCreateLogIdentity } from '../../log/keys.js';
import { openStore, resolveDatabaseUrl } from '../../store/db.js';
import { EXIT_BAD_INPUT, ExitCode } from '../run.js';

interface LogKeyOptions {
  db?: string;
  export?: string;
  import?: string;
  logOrigin?: string;
  publicUrl?: string;
}

export function registerLogCommands(program: Command): void {
  const log = program.command('log').description('the transparency log');
  log
    .command('key')
    .description('print the log verifier key; back the signer key up or restore it')
    .option(
      '--db <url>',
      'database: sqlite:PATH or postgres://… (default: DATABASE_URL, else sqlite:greenlight.sqlite)',
    )
    .option('--export <file>', 'write the signer key to FILE (mode 0600): keep it secret')
    .option('--import <file>', 'restore the signer key from FILE onto a database without a log key')
    .option('--log-origin <origin>', 'the log origin, when this creates the key (fixed afterwards)')
    .option('--public-url <url>', 'derive the origin from this URL, when this creates the key')
    .action(async (opts: LogKeyOptions) => {
      if (opts.export && opts.import) {
        process.stderr.write('greenlight log key: give --export or --import, not both\n');
        throw new ExitCode(EXIT_BAD_INPUT);
      }
      const store = await openStore(resolveDatabaseUrl(opts.db));
      try {
        const id = opts.export
          ? await exportLogKey(store, opts.export)
          : opts.import
            ? await importLogKey(store, opts.import)
            : await loadOrCreateLogIdentity(store, {
                ...(opts.logOrigin ? { origin: opts.logOrigin } : {}),
                ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}),
              });
        if (opts.export) process.stderr.write(`signer key written to ${opts.export} (mode 0600)\n`);
        if (opts.import) process.stderr.write(`signer key imported from ${opts.import}\n`);
        process.stdout.write(`${id.verifierKey}\n`);
      } finally {
        await store.close();
      }
    });
}
