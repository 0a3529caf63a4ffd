/**
 * CPU hosts (harness/sim/model/cpu.ts) against queueing theory. A host serves its jobs by
 * processor sharing over its cores; processor sharing is a symmetric queue, hence insensitive:
 * with Poisson arrivals the mean sojourn depends on the work's mean only. So with deterministic
 * work D on one core, the mean sojourn is D / (1 − ρ), the M/M/1 figure (and not M/D/1's FIFO
 * figure); on c cores it is M/M/c's (Erlang C). The pipeline model is set up so the host is the
 * only station with a sojourn (every other delay is zero).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PipelineSimConfig } from '../../../harness/sim/config.ts';
import { simulate } from '../../../harness/sim/simulate.ts';
import { md1, mm1, mmc } from '../../../harness/sim/theory.ts';
import type { TrendData } from '../../../results/types.ts';
import { PipelabError } from '../../../errors.ts';

const LAMBDA = 2000; // per second

/** every record takes `work` ms of CPU on a host of `cores` cores, as the consumers' CPU; nothing else takes time */
function psHost(cores: number, work: number, seed: number, extra: Partial<PipelineSimConfig> = {}): PipelineSimConfig {
  const zero = { type: 'deterministic', ms: 0 } as const;
  return {
    seed,
    durationMs: 100_000,
    warmupMs: 5_000,
    arrivals: { kind: 'poisson', rate: LAMBDA },
    consumers: {
      replicas: 1,
      maxReplicas: 1,
      cores: 1_000_000,
      maxInFlight: 1_000_000,
      process: zero,
      rebalancePauseMs: 0,
      startupDelayMs: 0,
    },
    featureStore: { hitRate: 1, maxHitRate: 1, hit: zero },
    modelServer: { replicas: 64, maxReplicas: 64, batchSize: 1, maxWaitMs: 0, batch: zero, perItemMs: 0 },
    sink: { write: zero },
    hosts: { box: { cores } },
    cpu: { consumers: { host: 'box', perRecordMs: work } },
    stageHistograms: false,
    ...extra,
  };
}

function meanE2e(cfg: (seed: number) => PipelineSimConfig): number {
  const means = [1, 2, 3].map((seed) => (simulate(cfg(seed)).metrics.e2e_latency as TrendData).mean);
  return means.reduce((a, b) => a + b, 0) / means.length;
}

test('one core, deterministic work: M/D/1-PS has the mean sojourn of M/M/1 (insensitivity), not M/D/1 FIFO', () => {
  const work = 0.35; // ms; ρ = 0.7
  const mean = meanE2e((seed) => psHost(1, work, seed));
  const ps = mm1(LAMBDA / 1000, 1 / work).meanResponse;
  const fifo = md1(LAMBDA / 1000, 1 / work).meanResponse;
  const err = mean / ps - 1;
  assert.ok(Math.abs(err) < 0.02, `simulated ${mean.toFixed(4)} ms vs D/(1−ρ) ${ps.toFixed(4)} ms (${err})`);
  // the check can fail: M/D/1 FIFO's mean is 35 % lower at this load
  assert.ok(Math.abs(mean / fifo - 1) > 0.2, `FIFO ${fifo.toFixed(4)}`);
});

test('two cores shared by processor sharing: the mean sojourn of M/M/2 (Erlang C)', () => {
  const work = 0.75; // ms on 2 cores: ρ = 0.75
  const mean = meanE2e((seed) => psHost(2, work, seed));
  const theory = mmc(LAMBDA / 1000, 1 / work, 2).meanResponse;
  const err = mean / theory - 1;
  assert.ok(Math.abs(err) < 0.02, `simulated ${mean.toFixed(4)} ms vs M/M/2 ${theory.toFixed(4)} ms (${err})`);
});

test('components on one host contend; on separate hosts they do not', () => {
  // consumers 0.2 ms and sink 0.15 ms per record: on one core ρ = 0.7, each on its own core ρ = 0.4 and 0.3
  const shared = (seed: number) =>
    psHost(1, 0.2, seed, {
      cpu: { consumers: { host: 'box', perRecordMs: 0.2 }, sink: { host: 'box', perRecordMs: 0.15 } },
    });
  const apart = (seed: number) =>
    psHost(1, 0.2, seed, {
      hosts: { a: { cores: 1 }, b: { cores: 1 } },
      cpu: { consumers: { host: 'a', perRecordMs: 0.2 }, sink: { host: 'b', perRecordMs: 0.15 } },
    });
  const s = simulate(shared(1));
  const util = (s.extra as { sim: { processed: number; hosts: Record<string, { utilisation: number; jobs: number }> } })
    .sim;
  assert.ok(Math.abs(util.hosts.box!.utilisation - 0.7) < 0.02, `utilisation ${util.hosts.box!.utilisation}`);
  // two jobs per record done (records still in flight at the end add a few)
  const done = 2 * util.processed;
  assert.ok(util.hosts.box!.jobs >= done && util.hosts.box!.jobs <= done + 20, `${util.hosts.box!.jobs} jobs`);
  // one PS core: the two jobs' sojourns (work_i / (1 − ρ)) add up; apart: two M/G/1-PS stations (Jackson)
  const expectShared = 0.35 / (1 - 0.7);
  const expectApart = 0.2 / (1 - 0.4) + 0.15 / (1 - 0.3);
  const mShared = meanE2e(shared),
    mApart = meanE2e(apart);
  assert.ok(Math.abs(mShared / expectShared - 1) < 0.03, `shared ${mShared} vs ${expectShared}`);
  assert.ok(Math.abs(mApart / expectApart - 1) < 0.03, `apart ${mApart} vs ${expectApart}`);
});

test('a fifo host (one event loop: callbacks run to completion) is M/D/1: Pollaczek–Khinchine', () => {
  const work = 0.35; // ρ = 0.7
  const mean = meanE2e((seed) => psHost(1, work, seed, { hosts: { box: { cores: 1, discipline: 'fifo' } } }));
  const theory = md1(LAMBDA / 1000, 1 / work).meanResponse;
  const err = mean / theory - 1;
  assert.ok(Math.abs(err) < 0.02, `simulated ${mean.toFixed(4)} ms vs M/D/1 ${theory.toFixed(4)} ms (${err})`);
});

test('same seed, same run; a host that is not declared is refused with its path', () => {
  const a = simulate({ ...psHost(1, 0.3, 5), durationMs: 5_000, warmupMs: 0 });
  const b = simulate({ ...psHost(1, 0.3, 5), durationMs: 5_000, warmupMs: 0 });
  assert.is(JSON.stringify(a), JSON.stringify(b));
  try {
    simulate({ ...psHost(1, 0.3, 5), cpu: { modelServer: { host: 'gpu', perBatchMs: 1 } } });
    assert.unreachable('accepted an unknown host');
  } catch (e) {
    assert.instance(e, PipelabError);
    const issues = (e as PipelabError).issues;
    assert.ok(
      issues.some((i) => i.path === '/cpu/modelServer/host'),
      JSON.stringify(issues),
    );
  }
});

test.run();
