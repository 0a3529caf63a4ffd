/**
 * `pipelab capacity` from the command line: a simulated search end to end (progress lines, the
 * three report files, the exit code), and the user mistakes that stop it before anything runs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../../..', import.meta.url).pathname;
const bin = join(root, 'bin', 'pipelab.js');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [bin, 'capacity', ...args], { encoding: 'utf8', cwd: root });
const SIM = 'test/fixtures/scenarios/capacity-sim.ts';

test('a simulated search prints a line per probe and writes capacity.json, .md and .html', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipelab-capacity-'));
  try {
    const r = run(SIM, '--slo', 'p(99)<50', '--step', '30s', '--tolerance', '0.1', '--out', dir);
    assert.is(r.status, 0, r.stderr);
    const probes = r.stderr.split('\n').filter((l) => l.startsWith('probe '));
    assert.ok(probes.length >= 4, r.stderr);
    assert.match(probes[0]!, /^probe 1 ramp\s+40\/s\s+met/);
    assert.match(r.stdout, /^capacity: \d+(\.\d+)?\/s\n/);
    const j = JSON.parse(readFileSync(join(dir, 'capacity.json'), 'utf8'));
    assert.is(j.schema, 'pipelab.capacity/v1');
    assert.is(j.scenario.kind, 'simulation');
    assert.is(j.probes.length, probes.length);
    // one core of 5 ms: the p99 sojourn (M/M/1: ln(100)/(μ − λ)) is 50 ms at λ ≈ 108/s
    assert.ok(j.capacityPerSec > 90 && j.capacityPerSec < 120, String(j.capacityPerSec));
    const html = readFileSync(join(dir, 'capacity.html'), 'utf8');
    assert.match(html, /id="chart-capacity-latency"><svg/);
    assert.match(html, /id="chart-capacity-throughput"><svg/);
    assert.not.match(html, /<script/);
    assert.match(readFileSync(join(dir, 'capacity.md'), 'utf8'), /^# Capacity: capacity-sim \(simulation/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('mistakes exit 104 with a hint and run nothing', () => {
  const noSlo = run(SIM);
  assert.is(noSlo.status, 104);
  assert.match(noSlo.stderr, /--slo/);
  const badSlo = run(SIM, '--slo', 'rate<0.01');
  assert.is(badSlo.status, 104);
  assert.match(badSlo.stderr, /not a latency bound/);
  assert.match(badSlo.stderr, /hint: .*p\(99\)<500/);
  const closed = run('test/fixtures/scenarios/k6-rich.ts', '--slo', 'p(99)<500');
  assert.is(closed.status, 104, closed.stderr);
  assert.match(closed.stderr, /exactly one executor, an arrival-rate one/);
  const step = run(SIM, '--slo', 'p(99)<500', '--step', '1s');
  assert.is(step.status, 104);
  assert.match(step.stderr, /--step/);
  const tol = run(SIM, '--slo', 'p(99)<500', '--tolerance', '2');
  assert.is(tol.status, 104);
  assert.match(tol.stderr, /--tolerance/);
  for (const r of [noSlo, badSlo, closed, step, tol]) assert.not.match(r.stderr, /^probe /m);
});

test.run();
