/**
 * Output paths given on the command line (--out, --chart): checked before any work starts, and
 * written through one function, so a path that cannot be written (a file where a folder should
 * be, no permission, a read-only disk) is a PipelabError naming the flag, not a stack trace after
 * a long run.
 */
import { accessSync, constants, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PipelabError } from '../../errors.ts';

function cannotWrite(flag: string, path: string, e: unknown): PipelabError {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOTDIR' || code === 'EEXIST'
      ? 'a part of the path is a file, not a folder'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EROFS'
          ? 'read-only file system'
          : code === 'EISDIR'
            ? 'it is a folder'
            : (e as Error).message;
  return new PipelabError('INVALID_ARGUMENT', `cannot write ${flag} ${path}: ${why}`, {
    hint: `choose a writable path for ${flag}`,
    cause: e,
  });
}

/** creates the folder (and its parents) and checks it is writable */
export function prepareOutputDir(flag: string, dir: string, named = dir): string {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw cannotWrite(flag, named, e);
  }
  return dir;
}

/** creates the file's folder and checks the file can be written there (the file is not created) */
export function prepareOutputFile(flag: string, file: string): string {
  prepareOutputDir(flag, dirname(resolve(file)), file);
  try {
    if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) throw Object.assign(new Error(), { code: 'EISDIR' });
  } catch (e) {
    throw cannotWrite(flag, file, e);
  }
  return file;
}

/** writes a whole file named by a flag (its folder is created) */
export function writeOutputFile(flag: string, file: string, data: string | Uint8Array): void {
  prepareOutputFile(flag, file);
  try {
    writeFileSync(file, data);
  } catch (e) {
    throw cannotWrite(flag, file, e);
  }
}
