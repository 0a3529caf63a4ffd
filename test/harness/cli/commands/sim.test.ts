import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';

const bin = new URL('../../../../bin/pipelab.js', import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'sim', 'queue', ...args], { encoding: 'utf8' });

test('pipelab sim queue prints simulated and analytic figures side by side', () => {
  const r = run('--model', 'mmc', '--lambda', '40', '--mu', '10', '--servers', '5', '--events', '20000');
  assert.is(r.status, 0, r.stderr);
  for (const w of ['mean wait', 'mean response', 'P(wait)', 'utilisation', 'simulated', 'analytic', 'rel. error'])
    assert.match(r.stdout, w);
});

test('--json gives both figure sets and the relative errors', () => {
  const r = run('--model', 'md1', '--lambda', '5', '--mu', '10', '--events', '20000', '--seed', '3', '--json');
  assert.is(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.is(j.seed, 3);
  assert.ok(j.analytic.meanWait > 0 && j.simulated.meanWait > 0 && 'meanWait' in j.relativeError);
});

test('an unstable load exits 104 with the flag and a fix, and no stack trace', () => {
  const r = run('--model', 'mm1', '--lambda', '12', '--mu', '10');
  assert.is(r.status, 104);
  assert.match(r.stderr, /--lambda/);
  assert.match(r.stderr, /hint:/);
  assert.not.match(r.stderr, /at .*\.(ts|mjs):\d+/);
});

test('a non-numeric flag is named in the error', () => {
  const r = run('--model', 'mm1', '--lambda', 'fast', '--mu', '10');
  assert.is(r.status, 104);
  assert.match(r.stderr, /invalid --lambda: expected a number > 0/);
});

test.run();
