/**
 * Saturation on the real clock: a run whose target burns the event loop (more CPU per second than
 * the second has) is flagged with the event loop as the reason and fails a threshold on
 * load_generator_saturated; a light run is not flagged. The limits are loose on purpose (busy is
 * not saturated), so neither case depends on how loaded the machine is.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exitCodeFor, runScenario } from '../../../harness/runner/index.ts';

const spin = (ms: number) => {
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    // burn the event loop: the generator has no time left to send on schedule
  }
};

test('an overloaded generator is flagged, names the event loop, and fails a threshold on it', async () => {
  const s = await runScenario({
    name: 'overloaded',
    // 400 iterations/s × 5 ms of synchronous work = 2 s of work per second on one event loop
    target: { type: 'function', fn: () => spin(5) },
    executors: { main: { executor: 'constant-arrival-rate', rate: 400, duration: '2s', preAllocatedVUs: 10 } },
    thresholds: { load_generator_saturated: ['value==0'] },
  });
  const g = s.loadGenerator!;
  assert.is(g.saturated, true, JSON.stringify(g));
  assert.ok(g.eventLoopUtilization > 0.9, JSON.stringify(g));
  assert.ok(
    g.reasons.some((r) => /event loop busy|event-loop delay|scheduler fell/.test(r)),
    g.reasons.join(' | '),
  );
  const t = s.thresholds.find((x) => x.metric === 'load_generator_saturated')!;
  assert.is(t.ok, false);
  assert.is(exitCodeFor(s), 99);
});

test('a light run is not flagged and its threshold on saturation passes', async () => {
  const s = await runScenario({
    name: 'light',
    target: { type: 'function', builtin: 'noop' },
    executors: { main: { executor: 'constant-arrival-rate', rate: 20, duration: '1s' } },
    thresholds: { load_generator_saturated: ['value==0'] },
  });
  const g = s.loadGenerator!;
  assert.is(g.saturated, false, g.reasons.join(' | '));
  assert.ok(g.eventLoopUtilization < 0.9);
  assert.is(s.thresholds[0]!.ok, true);
});

test.run();
