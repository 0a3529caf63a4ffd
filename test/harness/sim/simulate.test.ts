import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { simulate, downsamplePoints, type SimExtra } from '../../../harness/sim/simulate.ts';
import type { PipelineSimConfig } from '../../../harness/sim/config.ts';
import type { TrendData } from '../../../results/types.ts';
import { PipelabError } from '../../../errors.ts';

const base: PipelineSimConfig = { durationMs: 10_000, arrivals: { kind: 'poisson', rate: 2000 }, seed: 5 };
const extra = (s: ReturnType<typeof simulate>) => s.extra!.sim as SimExtra;

test('the same seed gives byte-identical summary JSON; another seed does not', () => {
  const a = JSON.stringify(simulate(base));
  const b = JSON.stringify(simulate(base));
  assert.is(a, b);
  assert.is.not(JSON.stringify(simulate({ ...base, seed: 6 })), a);
});

test('the summary has the live-run shape: simulated services, HDR trends, per-second series', () => {
  const s = simulate(base);
  assert.is(s.schema, 'pipelab.summary/v1');
  assert.is(s.services.kafka!.mode, 'simulated');
  const e2e = s.metrics.e2e_latency as TrendData;
  assert.is(e2e.type, 'trend');
  assert.ok(e2e.count > 15_000 && e2e.p99 >= e2e.p50 && e2e.hdr.length > 10);
  assert.is(s.timeseries.points.length, 10);
  const p = s.timeseries.points[5]!;
  for (const k of [
    'e2e_latency',
    'consumer_lag',
    'replicas_consumers',
    'cpu_utilisation',
    'model_utilisation',
    'events_processed',
  ])
    assert.ok(k in p, k);
});

test('every generated event is accounted for: processed, in flight, or still in a partition', () => {
  // three independent counts (partition queues, consumers' in-flight counters, completions);
  // a run cut off mid-flight (overloaded consumers) so none of them is zero
  const s = simulate({ ...base, arrivals: { kind: 'poisson', rate: 20_000 }, consumers: { replicas: 1, cores: 1 } });
  const x = extra(s);
  assert.ok(x.inFlight > 0 && x.backlog > 0 && x.processed > 0, JSON.stringify(x));
  assert.is(x.generated, x.processed + x.inFlight + x.backlog);
  // and the registry's per-second counters agree with the model's totals
  const count = (k: string) => (s.metrics[k] as { count: number }).count;
  assert.is(count('events_generated'), x.generated);
  assert.is(count('events_processed'), x.processed);
});

test('under load the model servers form full micro-batches', () => {
  const s = simulate({
    ...base,
    arrivals: { kind: 'poisson', rate: 20_000 },
    consumers: { replicas: 4, cores: 4 },
    modelServer: {
      replicas: 1,
      batchSize: 16,
      maxWaitMs: 50,
      batch: { type: 'deterministic', ms: 0.5 },
      perItemMs: 0.04,
    },
  });
  const b = extra(s).modelBatches;
  assert.ok(b.meanSize > 15, `mean batch size ${b.meanSize}`);
});

test('at a trickle a batch is flushed once its oldest request has waited maxWaitMs', () => {
  const zero = { type: 'deterministic', ms: 0 } as const;
  const s = simulate({
    durationMs: 20_000,
    seed: 2,
    arrivals: { kind: 'poisson', rate: 2 },
    consumers: { process: zero },
    featureStore: { hit: zero, miss: zero },
    sink: { write: zero },
    modelServer: { replicas: 1, batchSize: 32, maxWaitMs: 20, batch: { type: 'deterministic', ms: 1 }, perItemMs: 0 },
  });
  const inf = s.metrics.stage_inference as TrendData;
  // the first of a batch waits 20 ms, then 1 ms service (HDR resolution 3 digits)
  assert.ok(Math.abs(inf.p50 - 21) < 0.05 && Math.abs(inf.max - 21) < 0.05, JSON.stringify(inf));
  assert.ok(extra(s).modelBatches.meanSize < 1.2); // a second request within the 20 ms joins the batch
});

test('KEDA scales the consumers from lag and never past the partition count (+1 from its rounding)', () => {
  const s = simulate({
    durationMs: 240_000,
    seed: 3,
    partitions: 6,
    arrivals: { kind: 'poisson', rate: 5000 },
    consumers: {
      replicas: 1,
      cores: 1,
      maxReplicas: 20,
      process: { type: 'exponential', meanMs: 0.5 },
      startupDelayMs: 10_000,
    },
    modelServer: { replicas: 4 },
    autoscaling: { keda: {} },
  });
  const x = extra(s);
  const max = Math.max(...x.replicaTimeline.filter((r) => r.group === 'consumers').map((r) => r.replicas));
  assert.ok(max > 1 && max <= 7, `max consumers ${max}`);
  assert.ok(x.decisions.some((d) => d.controller === 'keda-kafka/hpa' && d.final > d.current));
  assert.ok(x.rebalances >= 1);
});

test('KEDA scales the consumers from zero when lag appears, and back to zero after the cooldown', () => {
  const s = simulate({
    durationMs: 600_000,
    seed: 2,
    partitions: 4,
    arrivals: { kind: 'spike', base: 0.001, peak: 500, atMs: 60_000, durationMs: 120_000 },
    consumers: { replicas: 0, startupDelayMs: 10_000 },
    autoscaling: { keda: { minReplicaCount: 0, lagThreshold: 100 } },
  });
  const x = extra(s);
  const cons = x.replicaTimeline.filter((r) => r.group === 'consumers');
  assert.is(cons[0]!.replicas, 0);
  assert.ok(
    cons.some((r) => r.replicas > 0 && r.t >= 60_000 && r.t <= 120_000),
    JSON.stringify(cons),
  );
  const last = cons[cons.length - 1]!;
  assert.is(last.replicas, 0);
  // the spike ends at 180 s: the last active poll is ≤ 210 s, so zero comes 300 s later at the earliest
  assert.ok(last.t >= 480_000, JSON.stringify(last));
  assert.is(x.processed, x.generated); // everything was consumed before scaling to zero
  assert.ok(
    x.decisions.some((d) => /scale from zero/.test(d.reason)) &&
      x.decisions.some((d) => /scale to zero/.test(d.reason)),
  );
});

test('a consumer rebalance pauses fetching for rebalancePauseMs', () => {
  const s = simulate({
    durationMs: 60_000,
    seed: 4,
    arrivals: { kind: 'poisson', rate: 1000 },
    consumers: { replicas: 1, startupDelayMs: 0, rebalancePauseMs: 5000 },
    autoscaling: {
      policies: [
        {
          group: 'consumers',
          startupDelayMs: 0,
          hpa: {
            maxReplicas: 4,
            metrics: [{ type: 'External', name: 'consumer_lag', target: { type: 'AverageValue', value: 1 } }],
          },
        },
      ],
    },
  });
  const x = extra(s);
  assert.ok(x.rebalances >= 1);
  // the first sync (15 s) scales out; nothing finishes for most of the following 5 s
  const after = s.timeseries.points.filter((p) => p.t >= 16_000 && p.t < 19_000);
  assert.ok(
    after.every((p) => (p.events_processed as { count: number }).count === 0),
    JSON.stringify(after.map((p) => p.events_processed)),
  );
});

test('seriesIntervalMs coarsens the series: counts add up, p99 takes the worst second, gauges the last value', () => {
  const fine = simulate({ ...base, durationMs: 20_000 });
  const coarse = simulate({ ...base, durationMs: 20_000, seriesIntervalMs: 5000 });
  assert.is(coarse.timeseries.intervalMs, 5000);
  assert.is(coarse.timeseries.points.length, 4);
  const c0 = coarse.timeseries.points[0]!,
    f = fine.timeseries.points.slice(0, 5);
  const count = (p: typeof c0, k: string) => (p[k] as { count: number }).count;
  assert.is(
    count(c0, 'events_processed'),
    f.reduce((a, p) => a + count(p, 'events_processed'), 0),
  );
  assert.is((c0.e2e_latency as { p99: number }).p99, Math.max(...f.map((p) => (p.e2e_latency as { p99: number }).p99)));
  assert.is((c0.consumer_lag as { value: number }).value, (f[4]!.consumer_lag as { value: number }).value);
  assert.equal(coarse.metrics.e2e_latency, fine.metrics.e2e_latency); // the run's figures do not change
  assert.equal(downsamplePoints(f, 1), f);
});

test('bad config is reported with every path at fault', () => {
  try {
    simulate({ durationMs: -1, arrivals: { kind: 'poisson', rate: 1 }, partitions: 0, modelServer: { batchSize: 0 } });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, PipelabError);
    assert.equal(
      (e as PipelabError).issues.map((i) => i.path),
      ['/durationMs', '/partitions', '/modelServer/batchSize'],
    );
  }
});

test.run();
