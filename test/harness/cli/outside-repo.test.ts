import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A user's scenario lives in their own folder: no node_modules/pipelab beside it, and often no
// package.json or one without "type": "module". The CLI must still load it as an ES module and
// resolve `import ... from 'pipelab'` to itself.
const dir = mkdtempSync(join(tmpdir(), 'pipelab-outside-'));
const cli = (args: string[]) =>
  spawnSync(process.execPath, ['bin/pipelab.js', ...args], { encoding: 'utf8', timeout: 120_000 });

test('a .ts scenario in a folder without package.json validates', () => {
  copyFileSync('scenarios/quickstart.ts', join(dir, 'mine.ts'));
  const r = cli(['validate', join(dir, 'mine.ts')]);
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /constant-arrival-rate/);
});

test('a .ts scenario under a CommonJS package.json validates', () => {
  const sub = join(dir, 'cjs');
  spawnSync('mkdir', ['-p', sub]);
  writeFileSync(join(sub, 'package.json'), JSON.stringify({ name: 'user-project', type: 'commonjs' }));
  copyFileSync('scenarios/quickstart.ts', join(sub, 'mine.ts'));
  const r = cli(['validate', join(sub, 'mine.ts')]);
  assert.is(r.status, 0, r.stdout + r.stderr);
});

test('a simulation scenario outside the repository validates', () => {
  copyFileSync('scenarios/diurnal.ts', join(dir, 'day.ts'));
  const r = cli(['validate', join(dir, 'day.ts')]);
  assert.is(r.status, 0, r.stdout + r.stderr);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
