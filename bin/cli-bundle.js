// Where the prebuilt CLI bundle is (bin/build-cli.js writes it), and whether it may run.
//
// dist/cli/manifest.json names the build's folder, its entry files and every file the build read
// (our .ts sources, tsconfig.json, package.json, bin/build-cli.js) with its size, mtime and SHA-1.
// The bundle runs only if every one of them is still what it was built from: same size, and
// same mtime or, when the mtime moved (a checkout that rewrote the file, npm's extraction, which
// stamps every file of a package with one date), same content. Anything else (an edited source,
// a deleted file, a changed package.json, no manifest at all as in a fresh clone) means the
// sources run, as they do without a bundle. This check is the guard against ever running stale
// code in a dev checkout; it costs one stat per input (~400, a few ms).
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CLI_DIST = join('dist', 'cli');
export const MANIFEST = join(CLI_DIST, 'manifest.json');

/** the manifest, or undefined when there is none or it does not parse */
export function readManifest(root) {
  try {
    return JSON.parse(readFileSync(join(root, MANIFEST), 'utf8'));
  } catch {
    return undefined;
  }
}

export const sha1 = (data) => createHash('sha1').update(data).digest('hex');

/** the first input of `manifest` that changed since it was built, or undefined when none did */
export function changedInput(root, manifest) {
  for (const [file, [size, mtimeMs, hash]] of Object.entries(manifest.inputs)) {
    const path = join(root, file);
    let st;
    try {
      st = statSync(path);
    } catch {
      return file; // gone
    }
    if (st.size !== size || (st.mtimeMs !== mtimeMs && sha1(readFileSync(path)) !== hash)) return file;
  }
  return undefined;
}

/**
 * The bundle to run: the file URLs of its CLI entry and of each public entry by specifier
 * ('pipelab', 'pipelab/sim', …); or, when there is none or it is stale, why not.
 */
export function cliBundle(root) {
  const m = readManifest(root);
  if (m?.version !== 1) return { why: `no ${MANIFEST} (npm test or node bin/build-cli.js builds it)` };
  const changed = changedInput(root, m);
  if (changed !== undefined) return { why: `${changed} changed since ${MANIFEST} was built` };
  const dir = join(root, CLI_DIST, m.dir);
  const url = (f) => pathToFileURL(join(dir, f)).href;
  return {
    dir,
    main: url(m.main),
    entries: Object.fromEntries(Object.entries(m.entries).map(([spec, f]) => [spec, url(f)])),
  };
}
