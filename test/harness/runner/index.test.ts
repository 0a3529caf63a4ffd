import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VirtualClock } from '../../../harness/executors/clock.ts';
import { exitCodeFor, runScenario } from '../../../harness/runner/index.ts';
import { validateScenario } from '../../../harness/scenario/index.ts';
import {
  SUMMARY_SCHEMA,
  type CounterData,
  type RateData,
  type RunSummary,
  type TrendData,
} from '../../../results/types.ts';
import type { Progress } from '../../../harness/runner/api.ts';
import { version } from '../../../results/version.ts';

const base = {
  name: 'runner-test',
  tags: { team: 'core' },
  target: { type: 'function', builtin: 'sleep', ms: 10 },
  executors: { main: { executor: 'constant-arrival-rate', rate: 100, duration: '5s' } },
} as const;

const vrun = (input: object, opts: Parameters<typeof runScenario>[1] = {}) =>
  runScenario(input as Parameters<typeof runScenario>[0], { clock: new VirtualClock(), ...opts });

test(
  'a run returns a complete summary: schema, version, seed, config, services, metrics, time series, ' + 'executors',
  async () => {
    const progress: Progress[] = [];
    const s = await vrun(
      { ...base, seed: 42, thresholds: { latency: ['p(99)<50'], errors: ['rate<0.01'] } },
      { onProgress: (p) => progress.push(p) },
    );
    assert.is(s.schema, SUMMARY_SCHEMA);
    assert.equal(s.harness, { name: 'pipelab', version, node: process.version });
    assert.is(s.seed, 42);
    assert.equal(s.scenario, { name: 'runner-test', tags: { team: 'core' } });
    assert.equal((s.config as { executors: unknown }).executors, base.executors);
    assert.equal(s.services, { target: { mode: 'embedded', detail: 'builtin sleep' } });
    assert.is(s.durationMs, 5000);
    assert.is((s.metrics.iterations as CounterData).count, 500);
    // HDR keeps 3 significant digits
    assert.ok(Math.abs((s.metrics.latency as TrendData).p99 - 10) < 0.02);
    assert.is((s.metrics.errors as RateData).rate, 0);
    assert.equal(s.executors, [
      { name: 'main', type: 'constant-arrival-rate', scheduled: 500, completed: 500, dropped: 0, maxSchedulerLagMs: 0 },
    ]);
    assert.is(s.timeseries.intervalMs, 1000);
    assert.ok(s.timeseries.points.length >= 4);
    assert.equal(
      s.thresholds.map((t) => t.ok),
      [true, true],
    );
    assert.is(s.aborted, undefined);
    assert.is(exitCodeFor(s), 0);
    assert.ok(Date.parse(s.endedAt) - Date.parse(s.startedAt) === 5000);
    // about once a second
    assert.equal(
      progress.map((p) => p.elapsedMs),
      [1000, 2000, 3000, 4000, 5000],
    );
    assert.is(progress[4]?.phase, 'stopping');
    assert.is(progress[1]?.iterations, 199);
    assert.is(progress[1]?.phase, 'steady');
    // each tick's p99 is the last second's latency: the supervisor keeps that second for it
    assert.ok(Math.abs((progress[2]?.p99Ms ?? 0) - 10) < 0.02, `tick p99 ${progress[2]?.p99Ms}`);
    assert.is(progress[0]?.totalMs, 5000);
    assert.ok(JSON.parse(JSON.stringify(s)));
  },
);

test('a failed threshold gives exit code 99 without aborting', async () => {
  const s = await vrun({ ...base, thresholds: { latency: ['p(99)<5'] } });
  assert.is(s.aborted, undefined);
  assert.is(s.thresholds[0]?.ok, false);
  assert.is(exitCodeFor(s), 99);
});

test('an abortOnFail threshold stops the run early: aborted.by threshold, exit code 108', async () => {
  const s = await vrun({
    ...base,
    target: { type: 'function', builtin: 'sleep', ms: 10, errorRate: 0.5 },
    executors: { main: { executor: 'constant-arrival-rate', rate: 100, duration: '60s' } },
    thresholds: { errors: [{ threshold: 'rate<0.1', abortOnFail: true, delayAbortEval: '2s' }] },
  });
  assert.is(s.aborted?.by, 'threshold');
  assert.match(s.aborted?.reason ?? '', /errors/);
  assert.ok(s.durationMs < 10_000, `ran ${s.durationMs} ms`);
  assert.ok((s.aborted?.atMs ?? 0) >= 2000);
  assert.is(s.thresholds[0]?.ok, false);
  assert.ok(s.thresholds[0]?.abortedAtMs !== undefined);
  assert.is(exitCodeFor(s), 108);
});

test(
  'an abort signal stops starting iterations, lets in-flight ones finish and still returns a summary ' + '(exit 105)',
  async () => {
    const clock = new VirtualClock();
    const ac = new AbortController();
    void clock.sleepUntil(2500).then(() => ac.abort());
    const s = await runScenario(
      {
        ...base,
        target: { type: 'function', builtin: 'sleep', ms: 300 },
        executors: { main: { executor: 'constant-arrival-rate', rate: 10, duration: '60s' } },
      } as never,
      { clock, signal: ac.signal },
    );
    assert.is(s.aborted?.by, 'signal');
    assert.is(s.aborted?.atMs, 2500);
    // iterations due at 0..2400 ms (25) all finished (the abort lands before the 2500 ms arrival); the last ends at
    // 2700
    assert.is(s.executors[0]?.scheduled, 25);
    assert.is(s.executors[0]?.completed, 25);
    assert.is(s.durationMs, 2700);
    assert.is(exitCodeFor(s), 105);
  },
);

test('executors run concurrently from their startTime, each tagged with its name', async () => {
  const s = await vrun({
    ...base,
    executors: {
      first: { executor: 'constant-vus', vus: 1, duration: '2s' },
      later: { executor: 'constant-arrival-rate', rate: 10, duration: '1s', startTime: '3s' },
    },
    thresholds: { 'iterations{executor:later}': ['count==10'], 'iterations{executor:first}': ['count==200'] },
  });
  assert.is(s.durationMs, 4000);
  assert.equal(
    s.executors.map((e) => [e.name, e.completed]),
    [
      ['first', 200],
      ['later', 10],
    ],
  );
  assert.ok(
    s.thresholds.every((t) => t.ok),
    JSON.stringify(s.thresholds),
  );
});

test('warm-up samples stay out of the figures', async () => {
  const s = await vrun({ ...base, warmup: '2s' });
  assert.is(s.warmupMs, 2000);
  assert.ok(Math.abs((s.metrics.iterations as CounterData).count - 300) <= 1);
});

test('a resolved scenario runs as is, with the same figures for the same seed', async () => {
  const sc = validateScenario(
    { ...base, target: { type: 'function', builtin: 'sleep', ms: 5, jitterMs: 10, errorRate: 0.1 } },
    { seed: 3 },
  );
  const pick = (s: RunSummary) => [(s.metrics.errors as RateData).passes, (s.metrics.latency as TrendData).p50];
  const a = await vrun(sc as never),
    b = await vrun(sc as never);
  assert.is(a.seed, 3);
  assert.equal(pick(a), pick(b));
});

test('an invalid scenario throws before anything runs', async () => {
  let iterated = 0;
  try {
    await vrun({
      ...base,
      target: { type: 'function', fn: async () => void iterated++ },
      thresholds: { latency: ['p(99) is small'] },
    });
    assert.unreachable();
  } catch (e) {
    assert.is((e as { code?: string }).code, 'INVALID_SCENARIO');
  }
  assert.is(iterated, 0);
});

test('an executor that fails ends the run with aborted.by error and still returns a summary', async () => {
  const s = await vrun({
    ...base,
    target: { type: 'function', builtin: 'noop' },
    executors: { main: { executor: 'constant-vus', duration: '1s' } },
  });
  assert.is(s.aborted?.by, 'error');
  assert.match(s.aborted?.reason ?? '', /executor main failed: .*took no time/);
  assert.is(exitCodeFor(s), 1);
});

test.run();
