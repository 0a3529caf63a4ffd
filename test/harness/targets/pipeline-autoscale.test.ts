/**
 * Live autoscaling of the pipeline's processors: the controller loop driven by hand on a fake
 * group (decisions from given lags, min/max, the log), and a short live run on embedded services
 * where a small lag threshold makes KEDA's scaler add real processor instances with 0 missing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LiveAutoscaler, type ScalableGroup } from '../../../harness/targets/pipeline/autoscale.ts';
import type { KafkaPartitionOffsets } from '../../../harness/sim/autoscale/keda.ts';
import { runScenario } from '../../../harness/runner/index.ts';
import { validateScenario } from '../../../harness/scenario/index.ts';
import type { Accounting } from '../../../harness/targets/pipeline/accounting.ts';
import { PipelabError } from '../../../errors.ts';

function fakeGroup(lag: () => number, partitions = 4): ScalableGroup & { n: number; added: number; removed: number } {
  const g = {
    n: 1,
    added: 0,
    removed: 0,
    replicas: () => g.n,
    lag: (): KafkaPartitionOffsets[] =>
      Array.from({ length: partitions }, (_, i) => ({
        latest: 1_000_000 + (i === 0 ? lag() : 0),
        committed: 1_000_000,
      })),
    add: async () => {
      g.n++;
      g.added++;
    },
    remove: async () => {
      g.n--;
      g.removed++;
    },
  };
  return g;
}

test(
  'the seed policy scales out on lag above 10,000 per instance, logs the decision with its input, and ' +
    'stays within max',
  async () => {
    let lag = 35_000,
      now = 0;
    const g = fakeGroup(() => lag);
    const a = new LiveAutoscaler({ policy: 'seed', max: 3, downscaleStabilization: '0s' }, g, { now: () => now }, 4);
    await a.tick();
    assert.is(g.n, 3, 'ceil(35 000 / 10 000) = 4, capped at max 3');
    const d = a.log.decisions[0]!;
    assert.is(d.metrics.consumer_lag, 35_000);
    assert.is(d.current, 1);
    assert.is(d.applied, 3);
    lag = 0;
    now = 2000;
    await a.tick();
    assert.is(g.n, 1, 'no lag: back to min 1');
    assert.equal(
      a.log.replicaTimeline.map((p) => p.replicas),
      [3, 1],
    );
  },
);

test('KEDA caps the lag at partitions × threshold and a steady sync is counted, not logged', async () => {
  let lag = 0,
    now = 0;
  const g = fakeGroup(() => lag, 2);
  const a = new LiveAutoscaler({ policy: 'keda', lagThreshold: 10, max: 8 }, g, { now: () => now }, 2);
  await a.tick();
  assert.is(g.n, 1);
  assert.is(a.log.decisions.length, 0);
  assert.ok(a.log.steadySyncs >= 1);
  lag = 1000;
  now = 2000;
  await a.tick();
  // capped lag 2 × 10 = 20 → ceil(20 / 10) = 2 (KEDA: at most partitions, +1 from the floor)
  assert.ok(g.n >= 2 && g.n <= 3, `replicas ${g.n}`);
  assert.ok(
    a.log.decisions.some((d) => d.metrics.kafka_lag === 20),
    JSON.stringify(a.log.decisions.map((d) => d.metrics)),
  );
});

test(
  'a live run under a small lag threshold scales the processors out, logs the decisions and loses ' + 'nothing',
  async () => {
    const s = validateScenario({
      name: 'autoscale-live',
      seed: 5,
      services: { 'redis-mode': 'embedded', 'model-server-mode': 'embedded' },
      target: {
        type: 'pipeline',
        processors: 1,
        partitions: 4,
        drainTimeout: '20s',
        autoscale: { policy: 'keda', lagThreshold: 2, max: 3, syncPeriod: '1s', pollingInterval: '1s' },
      },
      executors: {
        main: { executor: 'constant-arrival-rate', rate: 400, duration: '6s', preAllocatedVUs: 50, maxVUs: 500 },
      },
    });
    const summary = await runScenario(s);
    const acc = summary.extra?.accounting as Accounting;
    const log = summary.extra?.autoscale as {
      decisions: Array<{ metrics: Record<string, number | null>; applied: number; current: number }>;
      maxReplicas: number;
      replicaTimeline: unknown[];
      errors: string[];
    };
    assert.is(acc.missing, 0, `missing ${acc.missing}`);
    assert.is(acc.decided + acc.deadLettered, acc.produced);
    assert.equal(log.errors, []);
    assert.ok(log.maxReplicas >= 2, `scaled out: ${JSON.stringify(log.replicaTimeline)}`);
    const out = log.decisions.find((d) => d.applied > d.current)!;
    assert.ok(out && typeof out.metrics.kafka_lag === 'number', JSON.stringify(log.decisions));
    assert.ok(
      summary.timeseries.points.some((p) => p.replicas_processors !== undefined),
      'replicas in the time series',
    );
    const stats = summary.extra?.processors as unknown[];
    assert.ok(stats.length >= 2, 'every instance that ran reports its stats');
  },
);

test('autoscale refuses child processors, with the path of the field', () => {
  assert.throws(
    () =>
      validateScenario({
        name: 'bad',
        target: { type: 'pipeline', processorMode: 'child', autoscale: { policy: 'seed' } },
        executors: { main: { executor: 'constant-arrival-rate', rate: 10, duration: '1s' } },
      }),
    (e: unknown) => e instanceof PipelabError && JSON.stringify(e.issues).includes('autoscale'),
  );
});

test.run();
