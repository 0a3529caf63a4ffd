// Writes a file through a temporary file beside it and a rename, so a reader (a notebook, a test
// running beside another that rebuilds, a `pipelab` starting while the CLI bundle is rebuilt) sees
// the old file or the new one, never half of one. The one copy of this for every script of bin/.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** writes `data` to `path` atomically, creating its folder; throws what the write or rename threw */
export function writeAtomic(path, data) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // not a file we could have written (e.g. a folder by that name): nothing of ours to remove
    }
    throw e;
  }
}
