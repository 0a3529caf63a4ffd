import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DEFAULT_SLO_P99_MS,
  recoveryOf,
  sloLatencyKey,
  sloViolationMinutes,
  sloViolationSeconds,
  violatesSlo,
} from '../../results/slo.ts';
import type { TimePoint, TimePointValue } from '../../results/types.ts';

/** a series of per-second p99s (ms) under `key`, one point per second from t = 0 */
function series(p99s: (number | TimePointValue)[], key = 'e2e_latency', warmupMs = 0, intervalMs = 1000) {
  const points: TimePoint[] = p99s.map((v, i) => ({
    t: i * intervalMs,
    [key]: typeof v === 'number' ? { count: 10, p99: v } : v,
  }));
  return { timeseries: { intervalMs, points }, warmupMs };
}

test('the default SLO is p99 < 500 ms', () => {
  assert.is(DEFAULT_SLO_P99_MS, 500);
});

test('a second breaks the SLO when its p99 is above it; an explicit count of 0 is an empty second', () => {
  assert.ok(violatesSlo({ count: 3, p99: 501 }, 500));
  assert.not.ok(violatesSlo({ count: 3, p99: 500 }, 500));
  assert.not.ok(violatesSlo({ count: 0, p99: 900 }, 500));
  assert.not.ok(violatesSlo({ count: 0 }, 500));
  assert.not.ok(violatesSlo({ value: 900 }, 500), 'a gauge point has no p99');
  assert.not.ok(violatesSlo(undefined, 500));
});

test('a point with a p99 but no count was measured: it counts (a missing count is not zero)', () => {
  assert.ok(violatesSlo({ p99: 900 }, 500));
  const s = series([{ p99: 900 }, { p99: 100 }, { p99: 700 }, { count: 0, p99: 900 }]);
  assert.is(sloViolationSeconds(s, 500), 2);
  assert.is(sloViolationMinutes(s, 500), 2 / 60);
  // the violation at 2 s resets the recovery; the empty second at 3 s does not break it again
  assert.equal(recoveryOf(s, 500), { timeToRecoverMs: 3000, recovered: true });
});

test('violation minutes skip the warm-up and weigh each point by the series interval', () => {
  assert.is(sloViolationSeconds(series([900, 900, 100, 900], 'e2e_latency', 2000), 500), 1);
  // downsampled series: one point per minute
  assert.is(sloViolationMinutes(series([900, 100, 900], 'e2e_latency', 0, 60_000), 500), 2);
});

test('end-to-end latency is judged where the run has it, else the iteration latency; none gives null', () => {
  const live = series([900, 100], 'latency');
  assert.is(sloLatencyKey(live.timeseries.points), 'latency');
  assert.is(sloViolationSeconds(live, 500), 1);
  const both = series([100, 100]);
  for (const p of both.timeseries.points) p.latency = { count: 10, p99: 900 };
  assert.is(sloViolationSeconds(both, 500), 0, 'e2e_latency wins over latency');
  const none = { timeseries: { intervalMs: 1000, points: [{ t: 0, vus: { value: 3 } }] }, warmupMs: 0 };
  assert.is(sloViolationMinutes(none, 500), null);
  assert.equal(recoveryOf(none, 500), { timeToRecoverMs: null, recovered: true });
});

test('recovery: from the first violation until p99 stays within the SLO for a minute', () => {
  // violations at 0-4 s, a good second at 5 s, violations at 6-9 s, then 70 good seconds
  const p99s = [...Array(5).fill(900), 100, ...Array(4).fill(900), ...Array(70).fill(100)];
  assert.equal(recoveryOf(series(p99s), 500), { timeToRecoverMs: 10_000, recovered: true });
  // within the SLO throughout
  assert.equal(recoveryOf(series(Array(10).fill(100)), 500), { timeToRecoverMs: null, recovered: true });
  // still violating at the end: the time runs to the end of the last violating second
  assert.equal(recoveryOf(series([100, 900, 100, 900]), 500), { timeToRecoverMs: 3000, recovered: false });
  // within the SLO from 1 s to the end of the run, which is sooner than a minute: recovered at 1 s
  assert.equal(recoveryOf(series([900, ...Array(30).fill(100)]), 500), { timeToRecoverMs: 1000, recovered: true });
});

test.run();
