/**
 * The fault timeline on a virtual clock against a recording FaultHost: each fault starts at its
 * `at`, is lifted after its duration (or at the end), instant ones end when done; what it hit is
 * recorded; faults this run cannot apply are refused with their path before anything starts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PipelabError } from '../../../errors.ts';
import { Rng } from '../../../generators/rng.ts';
import { VirtualClock } from '../../../harness/executors/clock.ts';
import type { FaultHost, ProcessHandle } from '../../../harness/faults/host.ts';
import { ProxyHub } from '../../../harness/faults/hub.ts';
import type { FaultSpec } from '../../../harness/faults/schema.ts';
import { FaultTimeline } from '../../../harness/faults/timeline.ts';
import { createRegistry } from '../../../harness/metrics/index.ts';

function recordingHost(clock: VirtualClock, log: string[], o: { pausable?: boolean } = {}): FaultHost {
  const proc = (name: string): ProcessHandle => ({
    label: name,
    kill: async () => void log.push(`${clock.now()} kill ${name}`),
    stop: async () => void log.push(`${clock.now()} stop ${name}`),
    start: async () => void log.push(`${clock.now()} start ${name}`),
    ...(o.pausable === false
      ? {}
      : {
          pause: async () => void log.push(`${clock.now()} pause ${name}`),
          resume: async () => void log.push(`${clock.now()} resume ${name}`),
        }),
  });
  const delays: number[] = [];
  return {
    processes: (t) => (t === 'broker' ? 'no broker nodes here' : [proc(`${t}-0`), proc(`${t}-1`)]),
    modelServer: () => ({
      label: 'model server',
      slow: (d) => {
        if (d) delays.push(d());
        log.push(`${clock.now()} slow ${d ? 'on' : 'off'}`);
      },
      erroring: (s) => void log.push(`${clock.now()} erroring ${s ?? 'off'}`),
    }),
    redis: () => ({ label: 'redis', flush: async () => void log.push(`${clock.now()} flush`) }),
    consumers: () => ({
      label: 'processors',
      size: () => 3,
      bounce: async (i, mode) => {
        log.push(`${clock.now()} bounce ${i} ${mode}`);
        return `processor-${i + 1}`;
      },
      bounceAll: async (mode) => {
        log.push(`${clock.now()} bounce all ${mode}`);
        return 'all 3';
      },
    }),
  };
}

function timeline(faults: FaultSpec[], clock: VirtualClock) {
  const metrics = createRegistry({});
  const hub = new ProxyHub(faults);
  return { t: new FaultTimeline(faults, { clock, metrics, hub, rng: new Rng(1) }), metrics, hub };
}

test('faults start at their time, are lifted after their duration or at the end, and are recorded', async () => {
  const clock = new VirtualClock();
  const log: string[] = [];
  const faults = [
    { at: '1s', duration: '2s', kind: 'kill', target: 'processor', instance: 1 },
    { at: '2s', duration: '1s', kind: 'pause', target: 'redis' },
    { at: '2s', kind: 'slow', target: 'model-server', latency: 100, jitter: 10 },
    { at: '4s', kind: 'flush', target: 'redis' },
    { at: '5s', kind: 'bounce', target: 'consumers', mode: 'hard', scope: 'rolling' },
    { at: '5s', kind: 'restart', target: 'model-server', duration: '500ms' },
    { at: '60s', kind: 'stop', target: 'processor' },
  ] as FaultSpec[];
  const { t, metrics } = timeline(faults, clock);
  t.check(recordingHost(clock, log), 'pipeline');
  t.start();
  await clock.sleep(10_000);
  const records = await t.stop();
  assert.equal(log, [
    '1000 kill processor-1',
    '2000 pause redis-0',
    '2000 slow on',
    '3000 start processor-1',
    '3000 resume redis-0',
    '4000 flush',
    '5000 bounce 0 hard',
    '5000 bounce 1 hard',
    '5000 bounce 2 hard',
    '5000 stop model-server-0',
    '5500 start model-server-0',
    '10000 slow off',
  ]);
  const span = records.map((r) => [r.startedMs, r.endedMs]);
  assert.equal(span, [
    [1000, 3000],
    [2000, 3000],
    [2000, 10_000],
    [4000, 4000],
    [5000, 5000],
    [5000, 5500],
    [undefined, undefined],
  ]);
  assert.equal(records[0]!.hit, ['processor-1']);
  assert.equal(records[4]!.hit, ['processor-1', 'processor-2', 'processor-3']);
  assert.is(records[0]!.label, 'kill processor#1');
  const snap = metrics.snapshot(10_000);
  assert.is((snap.faults as { count: number }).count, 6);
  metrics.close();
});

test('faults the run cannot apply are refused before the load, each with its path and reason', () => {
  const clock = new VirtualClock();
  const faults = [
    { at: '1s', kind: 'kill', target: 'broker' },
    { at: '1s', kind: 'kill', target: 'processor', instance: 5 },
    { at: '1s', kind: 'pause', target: 'processor' },
    { at: '1s', kind: 'latency', target: 'kafka', latency: 10 },
    { at: '1s', kind: 'stop', target: 'processor' },
  ] as FaultSpec[];
  const { t, metrics } = timeline(faults, clock);
  let err: PipelabError | undefined;
  try {
    t.check(recordingHost(clock, [], { pausable: false }), 'pipeline');
  } catch (e) {
    err = e as PipelabError;
  }
  metrics.close();
  assert.ok(err instanceof PipelabError);
  assert.is(err!.exitCode, 104);
  const issues = err!.issues!.map((i) => `${i.path}: ${i.message}`);
  assert.is(issues.length, 4);
  assert.match(issues[0]!, /^\/faults\/0\/target: no broker nodes here/);
  assert.match(issues[1]!, /^\/faults\/1\/target: instance 5 does not exist \(processor: 2 instance\(s\), from 0\)/);
  assert.match(issues[2]!, /^\/faults\/2\/kind: processor-0 runs in this process and cannot be frozen/);
  assert.match(issues[3]!, /^\/faults\/3\/target: network faults on kafka need each broker node to advertise/);
});

test('a fault whose action throws is recorded with its error; the others go on', async () => {
  const clock = new VirtualClock();
  const faults = [
    { at: '1s', kind: 'flush', target: 'redis' },
    { at: '2s', kind: 'erroring', target: 'model-server', share: 0.5, duration: '1s' },
  ] as FaultSpec[];
  const { t, metrics } = timeline(faults, clock);
  const log: string[] = [];
  const host = recordingHost(clock, log);
  t.check({ ...host, redis: () => ({ label: 'redis', flush: () => Promise.reject(new Error('NOAUTH')) }) }, 'pipeline');
  t.start();
  await clock.sleep(5000);
  const [flush, erroring] = await t.stop();
  metrics.close();
  assert.is(flush!.error, 'NOAUTH');
  assert.equal([erroring!.startedMs, erroring!.endedMs, erroring!.error], [2000, 3000, undefined]);
  assert.equal(log, ['2000 erroring 0.5', '3000 erroring off']);
});

test.run();
