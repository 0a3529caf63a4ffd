/**
 * Every bench answers `--help` with its usage (its header comment) instead of starting a
 * measurement: each imports bench/help.ts before anything else, checked here for all of them, and
 * one is run (bench/pipeline.ts, which would otherwise run the whole pipeline for minutes).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const bench = join(root, 'bench');

test('every bench imports the shared --help before any other module', () => {
  const files = readdirSync(bench).filter((f) => f.endsWith('.ts') && f !== 'help.ts');
  assert.ok(files.length > 10, `benches found: ${files.length}`);
  const missing = files.filter((f) => {
    const first = /^import .*$/m.exec(readFileSync(join(bench, f), 'utf8'))?.[0];
    return first !== "import './help.ts';";
  });
  assert.equal(missing, [], `benches whose first import is not './help.ts': ${missing.join(', ')}`);
});

test('bench/pipeline.ts --help prints its usage and exits 0 without running', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(bench, 'pipeline.ts'), '--help'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.is(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0] ?? '', /^End-to-end throughput and latency of the reference pipeline/);
  assert.ok(
    lines.some((l) => l.includes('--rates')),
    'the usage names its flags',
  );
  assert.not.match(r.stdout, /rate\/s\s+decided\/s/, 'no measurement table');
  assert.not.match(r.stdout, /^\s*\*/m, 'the comment markers are stripped');
});

test('the benches refuse a bad number with exit 104 before running, naming the flag as pipelab commands do', () => {
  for (const [file, flag, value] of [
    ['pipeline.ts', '--seconds', '2s'],
    ['pipeline.ts', '--processors', '1.5'],
    ['pipeline.ts', '--fetch-max-wait', '-1'],
    ['pipeline.ts', '--semi-space', ''],
    ['kafka-target.ts', '--semi-space', '-1'],
    ['pipeline.ts', '--rates', '1000,'],
    ['pipeline.ts', '--rates', '1000,5k'],
    ['calibration.ts', '--repeat', '0'],
    ['calibration.ts', '--rates', '3000,x'],
    ['eos.ts', '--seconds', '2s'],
    ['model-wire.ts', '--sizes', '64,2000'],
  ] as const) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(bench, file), flag, value], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    const what = `${file} ${flag} ${value}`;
    assert.is(r.status, 104, `${what}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^error: invalid ${flag}: expected `), `${what}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`hint: for example ${flag} `), what);
    assert.not.match(r.stdout, /rate\/s\s+decided\/s/, 'no measurement table');
  }
});

test.run();
