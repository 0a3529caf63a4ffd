import { createHook } from 'node:async_hooks';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { plan, schema } from '../../../harness/executors/constant-vus.ts';
import { runOn } from './helpers.ts';

test('plan holds the VU count for the duration', () => {
  const p = plan(schema.parse({ executor: 'constant-vus', vus: 8, duration: '30s' }));
  assert.equal(p.curve, [{ atMs: 0, vus: 8 }]);
  assert.is(p.durationMs, 30_000);
  assert.is(p.maxVUs, 8);
  assert.is(p.expectedIterations, undefined);
});

test('run loops each VU back to back: 4 VUs × 10 ms iterations × 1 s = 400', async () => {
  const { result, metrics, endedAt } = await runOn(
    { executor: 'constant-vus', vus: 4, duration: '1s' },
    { type: 'function', builtin: 'sleep', ms: 10 },
  );
  assert.is(result.completed, 400);
  assert.is(result.dropped, 0);
  assert.equal([...new Set(metrics.values('vus_executor'))], [4, 0]);
  assert.is(endedAt, 1000);
});

test('run measures latency from the actual start (closed model)', async () => {
  const { metrics } = await runOn(
    { executor: 'constant-vus', vus: 2, duration: '1s' },
    { type: 'function', builtin: 'sleep', ms: 7 },
  );
  assert.ok(metrics.values('latency').every((v) => v === 7));
});

test('an iteration running at the end finishes within gracefulStop and is counted', async () => {
  const { result, endedAt } = await runOn(
    { executor: 'constant-vus', vus: 1, duration: '1s' },
    { type: 'function', builtin: 'sleep', ms: 300 },
  );
  // starts at 0, 300, 600, 900 (ends 1200, inside the 30 s grace)
  assert.is(result.completed, 4);
  assert.is(endedAt, 1200);
});

test('on a virtual clock, a target that never takes time fails the executor instead of looping forever', async () => {
  try {
    await runOn({ executor: 'constant-vus', vus: 2, duration: '1s' }, { type: 'function', builtin: 'noop' });
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.match((e as Error).message, /took no time on this clock/);
  }
});

test('waiting out the run adds nothing a second: 50 VUs for an hour, in 20-minute iterations', async () => {
  // the wait raced a Promise.all of every VU's loop each second, each kept by the loops until they ended
  let promises = 0;
  const hook = createHook({ init: (_id, type) => void (type === 'PROMISE' && promises++) }).enable();
  try {
    const { result } = await runOn(
      { executor: 'constant-vus', vus: 50, duration: '1h' },
      { type: 'function', builtin: 'sleep', ms: 1_200_000 },
    );
    assert.is(result.completed, 150);
  } finally {
    hook.disable();
  }
  assert.ok(promises < 150 * 20, `promises created: ${promises} (one second's Promise.all alone makes 100)`);
});

test.run();
