/**
 * The pipeline model against queueing theory it must reproduce exactly. Configured as a tandem of
 * stations with exponential service (consumer cores: M/M/c1; model servers with batch size 1 and
 * no wait: M/M/c2) and pure delays between them (feature store, sink), the simulator is an open
 * Jackson network: each station behaves as if fed by its own Poisson stream, so the mean
 * end-to-end time is the sum of the stations' M/M/c sojourns plus the delays. And the
 * micro-batching station at batch size 1 is exactly M/M/c: its mean wait and the share of
 * records that wait match Erlang C.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PipelineSimConfig } from '../../../harness/sim/config.ts';
import { simulate } from '../../../harness/sim/simulate.ts';
import { mmc } from '../../../harness/sim/theory.ts';
import type { TrendData } from '../../../results/types.ts';

const LAMBDA = 2000; // per second

/** consumers: c1 cores of mean s1 ms; model: c2 replicas of mean s2 ms; delays f (features) and k (sink) */
function tandem(c1: number, s1: number, c2: number, s2: number, f: number, k: number, seed = 1): PipelineSimConfig {
  return {
    seed,
    durationMs: 120_000,
    warmupMs: 10_000,
    arrivals: { kind: 'poisson', rate: LAMBDA },
    partitions: 12,
    consumers: {
      replicas: 1,
      maxReplicas: 1,
      cores: c1,
      maxInFlight: 1_000_000,
      process: { type: 'exponential', meanMs: s1 },
      rebalancePauseMs: 0,
      startupDelayMs: 0,
    },
    featureStore: { hitRate: 1, maxHitRate: 1, hit: { type: 'deterministic', ms: f } },
    modelServer: {
      replicas: c2,
      maxReplicas: c2,
      batchSize: 1,
      maxWaitMs: 0,
      batch: { type: 'exponential', meanMs: s2 },
      perItemMs: 0,
    },
    sink: { write: { type: 'exponential', meanMs: k } },
  };
}

const sojourn = (c: number, sMs: number) => mmc(LAMBDA / 1000, 1 / sMs, c).meanResponse; // ms

for (const [label, c1, s1, c2, s2] of [
  ['ρ 0.6 and 0.7', 2, 0.6, 3, 1.05],
  ['ρ 0.8 and 0.5', 4, 1.6, 1, 0.25],
] as const)
  test(`tandem M/M/c stations (${label}): mean e2e = the sum of the stations' sojourns (Jackson)`, () => {
    const f = 0.5,
      k = 0.3;
    const expected = sojourn(c1, s1) + f + sojourn(c2, s2) + k;
    // three seeds: the mean of ~220k records each, pooled, is within 2 % of the theory
    const means = [1, 2, 3].map((seed) => {
      const s = simulate(tandem(c1, s1, c2, s2, f, k, seed));
      return (s.metrics.e2e_latency as TrendData).mean;
    });
    const mean = means.reduce((a, b) => a + b, 0) / means.length;
    const err = mean / expected - 1;
    assert.ok(Math.abs(err) < 0.02, `simulated ${mean.toFixed(4)} ms vs Jackson ${expected.toFixed(4)} ms (${err})`);
  });

test('the micro-batching station at batch size 1 is M/M/c: its mean time matches Erlang C', () => {
  // a fast consumer and no delays, so the model station dominates; ρ = 0.75 over 3 replicas
  const c2 = 3,
    s2 = 1.125;
  const s = simulate({ ...tandem(8, 0.01, c2, s2, 0.001, 0.001), stageHistograms: true });
  const inference = s.metrics.stage_inference as TrendData;
  const theory = sojourn(c2, s2);
  const err = inference.mean / theory - 1;
  assert.ok(Math.abs(err) < 0.03, `stage_inference mean ${inference.mean.toFixed(4)} vs M/M/3 ${theory.toFixed(4)}`);
  // and it is not M/M/1 with a 3× faster server: Erlang C's sojourn differs from it by > 25 %
  assert.ok(Math.abs(theory / sojourn(1, s2 / 3) - 1) > 0.25);
});

test.run();
