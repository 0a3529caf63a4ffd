/**
 * target.modelServerThread: the embedded model server on a worker thread of its own. The pipeline
 * ends every event as with the server on the main thread; the model-server faults (slow, erroring,
 * an outage of its listener) reach it across the thread boundary, the rules deciding while it
 * refuses; its /predict count reaches extra.modelServer; and it does not go with the drift loop,
 * which changes the server's versions through its objects. Counts only, no timings.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runScenario } from '../../../harness/runner/index.ts';
import { validateScenario } from '../../../harness/scenario/index.ts';
import type { Accounting } from '../../../harness/targets/pipeline/accounting.ts';
import { PipelabError } from '../../../errors.ts';

test('the model server on a thread: faults reach it, every event ends, its calls are counted', async () => {
  const s = validateScenario({
    name: 'pipeline-model-thread',
    seed: 9,
    services: { 'redis-mode': 'embedded', 'model-server-mode': 'embedded' },
    target: { type: 'pipeline', processors: 2, partitions: 4, drainTimeout: '20s', modelServerThread: true },
    executors: {
      main: { executor: 'constant-arrival-rate', rate: 100, duration: '3s', preAllocatedVUs: 20, maxVUs: 200 },
    },
    faults: [
      { at: '300ms', duration: '600ms', kind: 'slow', target: 'model-server', latency: 20, jitter: 5 },
      { at: '1s', duration: '700ms', kind: 'erroring', target: 'model-server', share: 1 },
      { at: '2s', duration: '400ms', kind: 'stop', target: 'model-server' },
    ],
  });
  const summary = await runScenario(s);
  const acc = summary.extra?.accounting as Accounting;
  assert.is(acc.missing, 0, `missing ${acc.missing}: ${acc.missingSample.join(',')}`);
  assert.is(acc.decided + acc.deadLettered, acc.produced);
  assert.match(summary.services['model-server']?.detail ?? '', /on worker thread \d+/);
  const faults = summary.faults ?? [];
  assert.is(faults.length, 3);
  for (const f of faults) {
    assert.is(f.error, undefined, `#${f.index} ${f.label}: ${f.error}`);
    assert.match(f.hit.join(' '), /model server thread \d+ :\d+/, `#${f.index} hit the thread: ${f.hit}`);
  }
  assert.ok((acc.bySource.rules ?? 0) > 0, `rules decided while the thread refused: ${JSON.stringify(acc.bySource)}`);
  assert.ok((acc.bySource.model ?? 0) > 0, `the model decided the rest: ${JSON.stringify(acc.bySource)}`);
  const ms = (summary.extra as { modelServer?: { predictRequests: number; threadActiveMs?: number } }).modelServer;
  assert.ok((ms?.predictRequests ?? 0) > 0, `the thread counted ${ms?.predictRequests} /predict calls`);
  assert.ok((ms?.threadActiveMs ?? 0) > 0, `the thread was busy ${ms?.threadActiveMs} ms`);
});

test('modelServerThread does not go with driftLoop (the loop needs the server on this thread)', () => {
  try {
    validateScenario({
      name: 'x',
      target: { type: 'pipeline', modelServerThread: true, driftLoop: {} },
      executors: { main: { executor: 'constant-vus', duration: '1s' } },
    });
    assert.unreachable('validated');
  } catch (e) {
    assert.instance(e, PipelabError);
    assert.match(JSON.stringify((e as PipelabError).issues), 'modelServerThread');
  }
});

test.run();
