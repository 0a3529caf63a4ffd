import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProgressPrinter, progressBar, progressLine } from '../../../harness/cli/progress.ts';
import type { Progress } from '../../../harness/runner/api.ts';

const p = (elapsedMs: number, extra: Partial<Progress> = {}): Progress => ({
  phase: 'steady',
  elapsedMs,
  totalMs: 10_000,
  iterations: 1234,
  errors: 2,
  ratePerSec: 100,
  p99Ms: 12.34,
  vus: 5,
  dropped: 1,
  ...extra,
});

function sink(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, columns: 200, write: (s: string) => out.push(s) } };
}

test('a progress line carries elapsed/total, iterations, rate, p99, errors, VUs and dropped', () => {
  assert.is(progressLine(p(3_000)), '3s/10s  iters=1,234  rate=100/s  p99=12ms  errors=2  vus=5  dropped=1');
  assert.match(progressLine(p(1000, { phase: 'warmup', totalMs: 0 })), /^1s warmup /);
});

test('the bar fills with elapsed/total and is empty when the total is unknown', () => {
  assert.is(progressBar(p(5_000)), '[=========>          ]  50% ');
  assert.is(progressBar(p(10_000)), '[====================] 100% ');
  assert.is(progressBar(p(0, { totalMs: 0 })), '');
});

test('on a TTY every update redraws the same line in place', () => {
  const { out, stream } = sink(true);
  const pr = new ProgressPrinter({ stream });
  pr.update(p(1000));
  pr.update(p(2000));
  assert.is(out.length, 2);
  for (const s of out) assert.ok(s.startsWith('\r\x1b[2K') && !s.includes('\n'));
  pr.done();
  assert.is(out.at(-1), '\n');
});

test('without a TTY a plain line is printed at most every 5 s of the injected clock', () => {
  const { out, stream } = sink(false);
  let now = 0;
  const pr = new ProgressPrinter({ stream, now: () => now });
  for (let t = 0; t <= 12_000; t += 1000) {
    now = t;
    pr.update(p(t));
  }
  assert.equal(
    out.map((l) => l.split('  ')[0]),
    ['progress 0s/10s', 'progress 5s/10s', 'progress 10s/10s'],
  );
  assert.ok(out.every((l) => l.endsWith('\n') && !l.includes('\x1b')));
});

test('a note clears the in-place line first', () => {
  const { out, stream } = sink(true);
  const pr = new ProgressPrinter({ stream });
  pr.update(p(1000));
  pr.note('stopping');
  assert.equal(out.slice(1), ['\r\x1b[2K', 'stopping\n']);
});

test.run();
