/**
 * The CLI's prebuilt bundle (bin/build-cli.js, bin/cli-bundle.js): bin/pipelab.js runs it only
 * while every file it was built from is unchanged, and runs the .ts sources otherwise, so a stale
 * bundle never runs in a checkout someone is editing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: plain JavaScript module of bin/, no type declarations
import { buildCli } from '../../bin/build-cli.js';
// @ts-expect-error: plain JavaScript module of bin/, no type declarations
import { cliBundle, MANIFEST, sha1 } from '../../bin/cli-bundle.js';

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
