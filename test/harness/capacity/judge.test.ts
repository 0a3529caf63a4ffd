/** One probe's verdict from a summary: each criterion on its own, and the SLO flag's parser. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backlogSlope, judgeProbe, parseSlo, slope } from '../../../harness/capacity/judge.ts';
import { isPipelabError } from '../../../errors.ts';
import type { RunSummary } from '../../../results/types.ts';
import { makeSummary } from '../../fixtures/make-summary.ts';

/** the fixture run (200/s, 12 s, warm-up 2 s, a stall in second 7, 15 dropped), without its errors */
const fixture = (): RunSummary => {
  const s = makeSummary();
  s.metrics.errors = { type: 'rate', passes: 0, fails: 2000, rate: 0 };
  return s;
};

test('parseSlo: the expression, a named metric, and what is refused', () => {
  const s = parseSlo('p(99)<500');
  assert.is(s.metric, undefined);
  assert.equal(s.parsed.aggregation, { kind: 'p', p: 99 });
  assert.is(parseSlo('latency:p(95)<=200').metric, 'latency');
  for (const bad of ['p(99)>500', 'rate<0.01', 'p(99)<500 in every 10s window', 'fast please', ''])
    try {
      parseSlo(bad);
      assert.unreachable(bad);
    } catch (e) {
      assert.ok(isPipelabError(e), bad);
      assert.is(e.exitCode, 104);
      assert.match(e.hint ?? '', /--slo 'p\(99\)<500'/);
    }
});

test('slope: least squares, and flat below three points', () => {
  assert.is(slope([0, 1, 2, 3], [1, 3, 5, 7]), 2);
  assert.is(slope([0, 1], [0, 10]), 0);
});

test('the fixture fails on what it has: the SLO and the dropped iterations, nothing else', () => {
  const s = fixture();
  const v = judgeProbe(s, 200, 12_000, parseSlo('p(99)<20'));
  assert.not.ok(v.ok);
  assert.equal(v.failures, ['slo', 'dropped']);
  assert.is(v.dropped, 15);
  assert.ok(v.observed! > 20);
  // latency count over the 10 measured seconds
  assert.ok(Math.abs(v.achievedPerSec - (s.metrics.latency as { count: number }).count / 10) < 1e-9);
  const loose = judgeProbe({ ...s, executors: [], loadGenerator: undefined }, 200, 12_000, parseSlo('p(99)<5000'));
  assert.ok(loose.ok, loose.reasons.join('; '));
});

test('backlog: a growing consumer lag, or offered outrunning completed, fails the rate', () => {
  const s = fixture();
  s.executors = [];
  for (const p of s.timeseries.points) p.consumer_lag = { value: (p.t / 1000) * 50 };
  assert.is(backlogSlope(s, 'latency', 12_000), 50);
  const v = judgeProbe(s, 200, 12_000, parseSlo('p(99)<5000'));
  assert.equal(v.failures, ['backlog']);
  // without a lag gauge: offered − completed per second
  const t = fixture();
  for (const p of t.timeseries.points) {
    p.iterations = { count: 200 };
    p.latency = { ...(p.latency as object), count: 180 };
  }
  assert.ok(Math.abs(backlogSlope(t, 'latency', 12_000) - 20) < 1e-9);
});

test('lost events, errors and a saturated generator each fail the rate', () => {
  const s = fixture();
  s.executors = [];
  s.metrics.events_missing = { type: 'counter', count: 3, rate: 0.3 };
  s.metrics.errors = { type: 'rate', passes: 50, fails: 950, rate: 0.05 };
  s.loadGenerator = {
    saturated: true,
    reasons: ['event loop busy 95 % of the run (limit 90 %)'],
    eventLoopUtilization: 0.95,
    eventLoopDelayP99Ms: 5,
    cpuPercent: 100,
    maxSchedulerLagMs: 1,
    schedulerLagP99Ms: 1,
    droppedIterations: 0,
    connectionWaitP99Ms: 0,
  };
  const v = judgeProbe(s, 200, 12_000, parseSlo('p(99)<5000'));
  assert.equal(v.failures, ['lost', 'errors', 'generator']);
  assert.ok(v.generatorSaturated);
  assert.is(v.reasons.length, 3);
});

test.run();
