/**
 * `pipelab calibrate` on summaries shaped like live pipeline runs (a simulated summary relabelled
 * as a live pipeline run, so no live run is needed here; test/harness/sim/calibrate.test.ts
 * calibrates on real live runs).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulate } from '../../../../harness/sim/simulate.ts';

const bin = new URL('../../../../bin/pipelab.js', import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'calibrate', ...args], { encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'pipelab-calibrate-'));

function liveLike(rate: number, file: string): string {
  const s = simulate({ durationMs: 3000, warmupMs: 500, arrivals: { kind: 'constant', rate } });
  const live = {
    ...s,
    services: { kafka: { mode: 'embedded' } },
    config: {
      target: { type: 'pipeline', processors: 2, partitions: 6 },
      executors: { main: { executor: 'constant-arrival-rate', rate, duration: '3s' } },
    },
  };
  const p = join(dir, file);
  writeFileSync(p, JSON.stringify(live));
  return p;
}

const a = liveLike(200, 'a.json');
const b = liveLike(400, 'b.json');

test('prints predicted p50/p99/throughput beside the measured run with relative errors and the assumptions', () => {
  const r = run(a, '--measured', b);
  assert.is(r.status, 0, r.stderr);
  for (const w of [
    'predicted',
    'measured',
    'rel. error',
    'p50',
    'p99',
    'throughput',
    'assumptions:',
    '2 processor(s)',
    '6 partitions',
  ])
    assert.match(r.stdout, w);
  assert.match(r.stdout, /^400 +p50/m);
});

test('--json gives the prediction and the comparison rows; --rate without --measured predicts alone', () => {
  const j = JSON.parse(run(a, '--measured', b, '--json').stdout);
  assert.is(j.prediction.rate, 400);
  assert.is(j.comparison.length, 4);
  assert.is(j.source.processors, 2);
  const r = run(a, '--rate', '300');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^300 +throughput/m);
  assert.match(r.stdout, /—/);
});

test('runs at several rates calibrate on the ramp: the fitted costs are in the assumptions and --json', () => {
  const c = liveLike(300, 'c.json');
  const r = run(a, c, b, '--rate', '800');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /calibrated on 3 runs at 200, 300, 400\/s/);
  assert.match(r.stdout, /^800 +p50/m);
  const j = JSON.parse(run(a, c, b, '--rate', '800', '--json').stdout);
  assert.equal(j.fit.rates, [200, 300, 400]);
  assert.ok(j.fit.mainCpuPerRecordMs > 0);
  const same = run(a, a, '--rate', '800');
  assert.is(same.status, 104);
  assert.match(same.stderr, /two or more different rates/);
});

test('--out writes the prediction; with replications pipelab compare shows its p99 band', () => {
  const out = join(dir, 'predicted.json');
  const r = run(a, '--rate', '400', '--replications', '3', '--out', out);
  assert.is(r.status, 0, r.stderr);
  const predicted = JSON.parse(readFileSync(out, 'utf8'));
  const band = predicted.extra.sim.prediction.p99 as [number, number];
  assert.ok(band[0] <= band[1], JSON.stringify(band));
  const c = spawnSync(process.execPath, [bin, 'compare', b, out], { encoding: 'utf8' });
  assert.is(c.status, 0, c.stderr);
  assert.match(c.stdout, `(${band[0].toFixed(1)}–${band[1].toFixed(1)})`);
});

test('a bad rate and a missing file exit 104 with a hint and no stack trace', () => {
  const r = run(a, '--rate', 'fast');
  assert.is(r.status, 104);
  assert.match(r.stderr, /invalid --rate: expected a number > 0/);
  const m = run(join(dir, 'nope.json'));
  assert.is(m.status, 104);
  assert.match(m.stderr, /no such file/);
  assert.not.match(m.stderr, /at .*\.(ts|mjs):\d+/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
