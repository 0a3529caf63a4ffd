/**
 * The CLI's prebuilt bundle (bin/build-cli.js, bin/cli-bundle.js): bin/pipelab.js runs it only
 * while every file it was built from is unchanged, and runs the .ts sources otherwise, so a stale
 * bundle never runs in a checkout someone is editing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: plain JavaScript module of bin/, no type declarations
import { buildCli } from '../../bin/build-cli.js';
// @ts-expect-error: plain JavaScript module of bin/, no type declarations
import { changedInputOrRefresh, cliBundle, MANIFEST, readManifest, sha1 } from '../../bin/cli-bundle.js';

const root = new URL('../..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'pipelab-cli-bundle-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

/** a checkout with two sources and a manifest recording them as they are now */
function fakeCheckout(name: string): string {
  const dir = join(tmp, name);
  mkdirSync(join(dir, 'dist', 'cli', 'b1'), { recursive: true });
  writeFileSync(join(dir, 'a.ts'), 'export const a = 1;\n');
  writeFileSync(join(dir, 'b.ts'), 'export const b = 2;\n');
  const inputs: Record<string, [number, number, string]> = {};
  for (const f of ['a.ts', 'b.ts']) {
    const st = statSync(join(dir, f));
    inputs[f] = [
      st.size,
      st.mtimeMs,
      sha1(Buffer.from(f === 'a.ts' ? 'export const a = 1;\n' : 'export const b = 2;\n')),
    ];
  }
  const manifest = { version: 1, dir: 'b1', main: 'main.mjs', entries: { pipelab: 'pipelab.mjs' }, inputs };
  writeFileSync(join(dir, MANIFEST), JSON.stringify(manifest));
  return dir;
}

test('a bundle whose sources are unchanged runs; a touched but identical source keeps it fresh', () => {
  const dir = fakeCheckout('fresh');
  const b = cliBundle(dir);
  assert.ok(b.main?.endsWith('/dist/cli/b1/main.mjs'), JSON.stringify(b));
  assert.ok(b.entries.pipelab.endsWith('/dist/cli/b1/pipelab.mjs'));
  utimesSync(join(dir, 'a.ts'), new Date(2001, 1, 1), new Date(2001, 1, 1)); // a checkout, npm's extraction
  assert.ok(cliBundle(dir).main, 'same content, other mtime: still fresh');
});

/** the mtime the manifest of `dir` records for `file` */
const recorded = (dir: string, file: string): number =>
  JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')).inputs[file][1];

test('mtimes that moved, the content unchanged, are written back: the next start stats, not hashes', () => {
  const dir = fakeCheckout('refresh');
  const before = recorded(dir, 'b.ts');
  const old = new Date(2001, 1, 1);
  utimesSync(join(dir, 'a.ts'), old, old); // npm's extraction dates every file of a package alike
  assert.ok(cliBundle(dir).main);
  assert.is(recorded(dir, 'a.ts'), statSync(join(dir, 'a.ts')).mtimeMs, 'the new mtime is recorded');
  assert.is(recorded(dir, 'b.ts'), before, 'an unmoved input keeps its entry');
  // an edit after the refresh is still caught
  writeFileSync(join(dir, 'a.ts'), 'export const a = 9;\n');
  assert.is(cliBundle(dir).why, `a.ts changed since ${MANIFEST} was built`);
});

test('an mtime of the last seconds is not recorded: a rewrite within the same timestamp could keep it', () => {
  const dir = fakeCheckout('racy');
  const old = new Date(2001, 1, 1);
  utimesSync(join(dir, 'b.ts'), old, old);
  writeFileSync(join(dir, 'a.ts'), 'export const a = 1;\n'); // same content, mtime now
  assert.ok(cliBundle(dir).main);
  assert.is.not(recorded(dir, 'a.ts'), statSync(join(dir, 'a.ts')).mtimeMs, 'too recent to record');
  assert.is(recorded(dir, 'b.ts'), statSync(join(dir, 'b.ts')).mtimeMs, 'an old one is');
});

test('no write-back where the manifest cannot be written, or was rebuilt since it was read', () => {
  const dir = fakeCheckout('unwritable');
  const text = readFileSync(join(dir, MANIFEST), 'utf8');
  const old = new Date(2001, 1, 1);
  utimesSync(join(dir, 'a.ts'), old, old);
  // the write fails (running as root, a read-only mode would not stop it): a folder where the
  // temporary file goes; still fresh, nothing thrown, the manifest as it was
  const tmpName = join(dir, `${MANIFEST}.${process.pid}.tmp`);
  mkdirSync(tmpName);
  assert.ok(cliBundle(dir).main);
  assert.is(readFileSync(join(dir, MANIFEST), 'utf8'), text);
  rmSync(tmpName, { recursive: true });
  // a build replaced the manifest after this reader read it: the build's manifest stays
  const read = readManifest(dir);
  const rebuilt = `${JSON.stringify({ ...read, dir: 'b2' })}\n`;
  writeFileSync(join(dir, MANIFEST), rebuilt);
  assert.is(changedInputOrRefresh(dir, read), undefined);
  assert.is(readFileSync(join(dir, MANIFEST), 'utf8'), rebuilt);
});

test('an edited, resized or deleted source, or no manifest, makes the sources run', () => {
  const edited = fakeCheckout('edited');
  writeFileSync(join(edited, 'b.ts'), 'export const b = 3;\n'); // same size, new content
  assert.equal(cliBundle(edited), { why: `b.ts changed since ${MANIFEST} was built` });
  const resized = fakeCheckout('resized');
  writeFileSync(join(resized, 'a.ts'), 'export const a = 10;\n');
  assert.is(cliBundle(resized).why, `a.ts changed since ${MANIFEST} was built`);
  const deleted = fakeCheckout('deleted');
  rmSync(join(deleted, 'a.ts'));
  assert.is(cliBundle(deleted).why, `a.ts changed since ${MANIFEST} was built`);
  const none = fakeCheckout('none');
  rmSync(join(none, MANIFEST));
  assert.match(cliBundle(none).why, /^no dist\/cli\/manifest\.json/);
});

const version = (env: Record<string, string>) =>
  spawnSync(process.execPath, [join(root, 'bin', 'pipelab.js'), '--version'], {
    encoding: 'utf8',
    env: { ...process.env, PIPELAB_CLI_DEBUG: '1', PIPELAB_CLI_SOURCES: '', ...env },
  });

test('this checkout runs its freshly built bundle, and the sources when asked to', async () => {
  await buildCli(root, { ifStale: true });
  const fromBundle = version({});
  assert.is(fromBundle.status, 0, fromBundle.stderr);
  assert.match(fromBundle.stderr, /pipelab: running the bundle .*dist\/cli\/[0-9a-f]{12}\n/);
  assert.match(fromBundle.stdout, /^\d+\.\d+\.\d+\n$/);
  const fromSources = version({ PIPELAB_CLI_SOURCES: '1' });
  assert.is(fromSources.status, 0, fromSources.stderr);
  assert.match(fromSources.stderr, /pipelab: running the \.ts sources: PIPELAB_CLI_SOURCES=1/);
  assert.is(fromSources.stdout, fromBundle.stdout);
});

test.run();
