import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runOn } from './helpers.ts';

// The coordinated-omission test: a target that normally answers in 5 ms stalls for 1 s.
const stalling = { type: 'function', builtin: 'sleep', ms: 5, stallAtMs: 3000, stallForMs: 1000 } as const;

test('an open-model run shows a 1 s stall in p99 (latency from the intended start)', async () => {
  const { metrics, result } = await runOn(
    { executor: 'constant-arrival-rate', rate: 200, duration: '10s', preAllocatedVUs: 10, maxVUs: 400 },
    stalling,
  );
  assert.is(result.dropped, 0);
  assert.is(result.completed, 2000);
  const p99 = metrics.percentile('latency', 99);
  assert.ok(p99 >= 500, `p99 ${p99} ms should show the stall`);
  assert.ok(metrics.percentile('latency', 50) < 10);
  // the 200 arrivals during the stall waited for it to end: up to ~1 s
  assert.ok(Math.max(...metrics.values('latency')) >= 1000);
});

test('a closed-model run of the same target hides the stall (coordinated omission)', async () => {
  const { metrics } = await runOn({ executor: 'constant-vus', vus: 1, duration: '10s' }, stalling);
  const p99 = metrics.percentile('latency', 99);
  // only the one iteration caught in the stall is slow; the VU simply waited instead of sending
  assert.ok(p99 < 10, `p99 ${p99} ms`);
  assert.is(metrics.values('latency').filter((v) => v > 500).length, 1);
});

test('the open model keeps its schedule while the target stalls (more VUs, same arrivals per second)', async () => {
  const { metrics } = await runOn(
    { executor: 'constant-arrival-rate', rate: 200, duration: '10s', preAllocatedVUs: 10, maxVUs: 400 },
    stalling,
  );
  // VUs grow to hold the ~200 iterations waiting in the stall
  assert.ok(Math.max(...metrics.values('vus_executor')) >= 195);
});

test(
  'an open-model run without enough VUs during a stall reports dropped iterations instead of hiding ' + 'them',
  async () => {
    const { result, metrics } = await runOn(
      { executor: 'constant-arrival-rate', rate: 200, duration: '10s', preAllocatedVUs: 10, maxVUs: 20 },
      stalling,
    );
    assert.ok(result.dropped >= 150, `dropped ${result.dropped}`);
    assert.is(metrics.sum('dropped_iterations'), result.dropped);
    assert.is(result.completed + result.dropped, 2000);
  },
);

test.run();
