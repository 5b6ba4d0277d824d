import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { GreenlightError } from '../../core/errors.js';

export { nodeSha256 } from '../../node/sha256.js';

export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw ioError(file, e);
  }
}

/** Why a file could not be read, in words for a person. */
export function ioReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ERR_STRING_TOO_LONG':
      return 'too large to read as one document';
    default:
      return `cannot read (${code ?? (e instanceof Error ? e.message : String(e))})`;
  }
}

export function ioError(file: string, e: unknown): GreenlightError {
  const why = ioReason(e);
  return new GreenlightError('io', `${file}: ${why}`, [{ file, path: '', message: why }], { cause: e });
}

/** Writes via a temporary file and a rename, so a reader never sees half a file. */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}
