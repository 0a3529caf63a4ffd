import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'pipelab-cli-model-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/pipelab.js', ...args], { encoding: 'utf8', timeout: 120_000 });

test('`pipelab model train` writes a version folder and prints its metrics', () => {
  const r = cli('model', 'train', 'vt', '--count', '3000', '--epochs', '2', '--seed', '3', '--out', dir);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /vt: AUC \d\.\d{3}\s+threshold/);
  assert.match(r.stdout, /seed 3, 3000 transactions/);
  assert.equal(readdirSync(join(dir, 'vt')).sort(), ['metrics.json', 'model.json', 'weights.bin']);
  const m = JSON.parse(readFileSync(join(dir, 'vt', 'metrics.json'), 'utf8'));
  assert.is(m.data.seed, 3);
  assert.is(m.training.epochs, 2);
});

test('`pipelab model info` lists the versions in a folder', () => {
  const r = cli('model', 'info', '--models', dir);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^vt: AUC/m);
});

test('a bad flag value exits 104 with a message naming the flag and no stack', () => {
  const r = cli('model', 'train', '--count', 'lots', '--out', dir);
  assert.is(r.status, 104);
  assert.match(r.stderr, /invalid --count/);
  assert.not.match(r.stderr, /at .*\.(ts|mjs):\d+/);
});

test('serve-model with a route to a missing version exits 104', () => {
  const r = cli('serve-model', '--port', '0', '--routes', 'v9=100');
  assert.is(r.status, 104, r.stderr);
  assert.match(r.stderr, /route names version "v9"/);
});

test.run();
