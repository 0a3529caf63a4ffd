/**
 * Overlapping process faults on the pipeline's processors: each instance slot is brought back once.
 * A stop whose duration outlasts the start of a rolling bounce used to start the slot twice (the
 * bounce restarted it, then the stop's end started another and overwrote the first), and the
 * overwritten processor kept running past the teardown: the run's process never exited. The
 * processors here are plain records of what was asked of them: the bookkeeping is under test, not
 * the StreamProcessor (test/harness/faults/pipeline.test.ts runs the real ones).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ProcessHandle, ConsumerGroupFaults } from '../../../harness/faults/host.ts';
import { pipelineFaultHost, type PipelineParts } from '../../../harness/targets/pipeline/faults.ts';
import type { ResolvedServices } from '../../../harness/services/index.ts';
import type { StreamProcessor } from '../../../pipeline/processor/index.ts';

interface Instance {
  id: string;
  calls: string[];
}

function parts() {
  let made = 0;
  const instance = (): Instance => {
    const x: Instance = { id: `processor-${++made}`, calls: [] };
    return x;
  };
  const proc = (x: Instance) =>
    Object.assign(x, {
      start: async () => void x.calls.push('start'),
      stop: async () => void x.calls.push('stop'),
      kill: async () => void x.calls.push('kill'),
    });
  const retired: Instance[] = [];
  const p: PipelineParts = {
    handles: { processors: [proc(instance()), proc(instance())] as unknown as StreamProcessor[], children: [] },
    services: {} as ResolvedServices,
    store: () => undefined,
    newProcessor: () => proc(instance()) as unknown as StreamProcessor,
    retire: (x) => void retired.push(x as unknown as Instance),
    newChild: () => Promise.reject(new Error('no children here')),
  };
  return { p, retired, made: () => made, slot: (i: number) => p.handles.processors[i] as unknown as Instance };
}

test('a stop outlasting a rolling bounce: the bounce brings the slot back, the stop’s end does nothing', async () => {
  const { p, retired, made, slot } = parts();
  const host = pipelineFaultHost(p);
  const stopFault = (host.processes('processor') as ProcessHandle[])[1]!;
  await stopFault.stop();
  const first = slot(1);
  const group = host.consumers() as ConsumerGroupFaults;
  for (let k = 0; k < group.size(); k++) await group.bounce(k, 'clean');
  assert.is(made(), 4, 'the bounce replaced both instances');
  const afterBounce = slot(1);
  assert.is.not(afterBounce, first);
  await stopFault.start(); // the stop's duration ends after the bounce
  assert.is(made(), 4, 'no second instance for the same slot');
  assert.is(slot(1), afterBounce);
  assert.equal(afterBounce.calls, ['start']);
  assert.equal(
    retired.map((r) => r.id),
    ['processor-1', 'processor-2'],
  );
});

test('a handle acts on the slot’s current instance, and start without a stop is a no-op', async () => {
  const { p, made, slot } = parts();
  const host = pipelineFaultHost(p);
  const h = (host.processes('processor') as ProcessHandle[])[0]!;
  await h.start();
  assert.is(made(), 2, 'running: nothing to bring back');
  await h.kill();
  await h.start();
  const second = slot(0);
  assert.is(second.id, 'processor-3');
  await h.stop(); // the same handle, after the restart: hits the new instance
  assert.equal(second.calls, ['start', 'stop']);
});

test.run();
