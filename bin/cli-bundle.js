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
//
// When inputs matched by content only, their new mtimes are written back to the manifest (as git
// refreshes its index), so the next start stats instead of hashing again. Why: in an installed
// package every mtime differs from the build's, and every `pipelab` start hashed all ~417 inputs
// (2 MB, ~56 ms against ~9 ms). Written atomically, and only if the manifest is still the one
// read (a build beside us wins); skipped silently where it can't be written (a read-only
// node_modules: the next start hashes again, as before). An mtime less than REFRESH_AFTER_MS
// before the check is not recorded: a file rewritten within the same tick of its file system's
// clock (up to 1 s on some) would keep that mtime with other content, so it is hashed until it is
// older (git's "racily clean" entries). npm dates the files it extracts with the time it does.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeAtomic } from './write-atomic.js';

export const CLI_DIST = join('dist', 'cli');
export const MANIFEST = join(CLI_DIST, 'manifest.json');
const REFRESH_AFTER_MS = 1000;

/** the manifest text as read (for refreshManifest), by manifest object */
const readAs = new WeakMap();

/** the manifest, or undefined when there is none or it does not parse */
export function readManifest(root) {
  try {
    const text = readFileSync(join(root, MANIFEST), 'utf8');
    const manifest = JSON.parse(text);
    if (manifest && typeof manifest === 'object') readAs.set(manifest, text);
    return manifest;
  } catch {
    return undefined;
  }
}

export const sha1 = (data) => createHash('sha1').update(data).digest('hex');

/**
 * The first input of `manifest` that changed since it was built, or undefined when none did; then
 * (and only then) the mtimes of inputs that matched by content only are written back to the manifest
 * (see above): a check that may write, hence the name.
 */
export function changedInputOrRefresh(root, manifest) {
  let moved = 0;
  const now = Date.now();
  for (const [file, entry] of Object.entries(manifest.inputs)) {
    const [size, mtimeMs, hash] = entry;
    const path = join(root, file);
    let st;
    try {
      st = statSync(path);
    } catch {
      return file; // gone
    }
    if (st.size !== size) return file;
    if (st.mtimeMs === mtimeMs) continue;
    if (sha1(readFileSync(path)) !== hash) return file;
    // stat before read: a write after the read moves the mtime again
    if (now - st.mtimeMs >= REFRESH_AFTER_MS) {
      entry[1] = st.mtimeMs;
      moved++;
    }
  }
  if (moved) refreshManifest(root, manifest);
  return undefined;
}

/** writes `manifest` (its mtimes refreshed) back, if the file still holds what was read; else nothing */
function refreshManifest(root, manifest) {
  const path = join(root, MANIFEST);
  try {
    if (readFileSync(path, 'utf8') !== readAs.get(manifest)) return; // rebuilt meanwhile, or not read from there
    writeAtomic(path, `${JSON.stringify(manifest)}\n`);
  } catch {
    // read-only (an installed package in a read-only node_modules): the next start hashes again
  }
}

/**
 * The bundle to run: the file URLs of its CLI entry and of each public entry by specifier
 * ('pipelab', 'pipelab/sim', …); or, when there is none or it is stale, why not.
 */
export function cliBundle(root) {
  const m = readManifest(root);
  if (m?.version !== 1) return { why: `no ${MANIFEST} (npm test or node bin/build-cli.js builds it)` };
  const changed = changedInputOrRefresh(root, m);
  if (changed !== undefined) return { why: `${changed} changed since ${MANIFEST} was built` };
  const dir = join(root, CLI_DIST, m.dir);
  const url = (f) => pathToFileURL(join(dir, f)).href;
  return {
    dir,
    main: url(m.main),
    entries: Object.fromEntries(Object.entries(m.entries).map(([spec, f]) => [spec, url(f)])),
  };
}
