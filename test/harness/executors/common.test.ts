import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { IterationOutcome } from '../../../harness/targets/api.ts';
import { FakeRegistry } from './fake-metrics.ts';
import { callbackTarget, execute, runOn, TestClock } from './helpers.ts';

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

/** a clock moved by hand: its timers fire only when the test says (a timer that fires late, as on a busy loop) */
class HandClock extends TestClock {
  private sleepers: { t: number; wake: () => void }[] = [];
  sleepUntil(t: number, signal?: AbortSignal): Promise<void> {
    if (t <= this.t || signal?.aborted) return Promise.resolve();
    return new Promise((wake) => this.sleepers.push({ t, wake }));
  }
  /** time moves to `t`; timers due by then fire only with `fire` */
  async advance(t: number, fire: boolean): Promise<void> {
    this.t = t;
    if (fire) {
      const due = this.sleepers.filter((s) => s.t <= t);
      this.sleepers = this.sleepers.filter((s) => s.t > t);
      for (const s of due) s.wake();
    }
    await this.yield();
  }
}

/** a constant-arrival-rate run (1/ms for 10 ms) on a hand-moved clock, its iterations held until the test ends them */
function handRun() {
  const clock = new HandClock();
  const metrics = new FakeRegistry();
  const started: { intended: number; at: number; done: (o: IterationOutcome) => void }[] = [];
  const target = callbackTarget('hand', (it, done) => {
    // each iteration ends once (a VU's handler is reused by its next iteration)
    let ended = false;
    const once = (o: IterationOutcome): void => {
      if (!ended) done(o);
      ended = true;
    };
    started.push({ intended: it.intendedStartMs, at: clock.now(), done: once });
  });
  const config = { executor: 'constant-arrival-rate', rate: 1000, duration: '10ms', preAllocatedVUs: 20 };
  const run = execute(config, clock, target, metrics);
  /** ends every iteration, now and as the timer starts the rest; the run's result */
  const finish = async () => {
    for (let round = 0; round < 2; round++) {
      for (const s of started) s.done({ ok: true });
      await clock.advance(20, true);
    }
    return run;
  };
  return { clock, metrics, started, finish };
}

test('a completion starts the iterations that came due when the timer is more than 2 ms late', async () => {
  const { clock, metrics, started, finish } = handRun();
  await clock.yield();
  assert.equal(
    started.map((s) => s.intended),
    [0],
  );
  // 3.5 ms later the scheduler's timer has not fired yet; iteration 0's response arrives
  await clock.advance(3.5, false);
  started[0]?.done({ ok: true });
  // the iterations due at 1, 2 and 3 ms go out now, 2.5, 1.5 and 0.5 ms late, not at the next wake-up
  assert.equal(
    started.map((s) => [s.intended, s.at]),
    [
      [0, 0],
      [1, 3.5],
      [2, 3.5],
      [3, 3.5],
    ],
  );
  assert.equal(metrics.values('scheduler_lag'), [0, 2.5, 1.5, 0.5]);
  const result = await finish();
  assert.is(result.scheduled, 10);
  assert.is(result.completed, 10);
  assert.is(result.dropped, 0);
});

test('within 2 ms of its due time an iteration waits for the timer, not the next completion', async () => {
  const { clock, metrics, started, finish } = handRun();
  await clock.yield();
  // iteration 1 is due at 1 ms; at 1.5 ms iteration 0's response arrives before the timer fires
  await clock.advance(1.5, false);
  started[0]?.done({ ok: true });
  assert.equal(
    started.map((s) => s.intended),
    [0],
  );
  // the timer's wake-up sends it (with what else is due, in one batch)
  await clock.advance(2.2, true);
  assert.equal(
    started.map((s) => [s.intended, s.at]),
    [
      [0, 0],
      [1, 2.2],
      [2, 2.2],
    ],
  );
  assert.equal(
    metrics.values('scheduler_lag').map((v) => Math.round(v * 10) / 10),
    [0, 1.2, 0.2],
  );
  const result = await finish();
  assert.is(result.scheduled, 10);
  assert.is(result.completed, 10);
});

test.run();
