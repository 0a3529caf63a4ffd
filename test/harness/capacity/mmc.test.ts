/**
 * Capacity search on a simulated M/M/c whose answer is known in closed form: the pipeline model
 * reduced to one station (one partition, one consumer instance with c cores serving
 * exponential(μ) records in FIFO order, every other stage instant), so the end-to-end latency is
 * the M/M/c sojourn time. Its p99 is exact (Erlang C, below), and so is the arrival rate at which
 * that p99 equals the SLO: the search must land within 5 % of it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { erlangC } from '../../../harness/sim/theory.ts';
import { findCapacity } from '../../../harness/capacity/find.ts';
import { defineSimulation } from '../../../harness/sim/scenario.ts';

const C = 4;
const MEAN_MS = 10; // μ = 100/s per server: the station saturates at 400/s
const SLO_MS = 100;

/**
 * M/M/c sojourn T = Wq + S: P(T > t) = (1 − Ce)·e^(−μt) + Ce·P(Exp(θ) + Exp(μ) > t), θ = cμ − λ, Ce the Erlang C
 * probability of waiting; the hypoexponential tail is (θe^(−μt) − μe^(−θt)) / (θ − μ).
 */
function sojournTail(lambda: number, mu: number, c: number, t: number): number {
  const ce = erlangC(c, lambda / mu);
  const theta = c * mu - lambda;
  const hypo =
    Math.abs(theta - mu) < 1e-9
      ? (1 + mu * t) * Math.exp(-mu * t)
      : (theta * Math.exp(-mu * t) - mu * Math.exp(-theta * t)) / (theta - mu);
  return (1 - ce) * Math.exp(-mu * t) + ce * hypo;
}

/** bisection on a monotone function: the x in [lo, hi] where f(x) = 0 (f(lo) < 0 < f(hi)) */
function root(f: (x: number) => number, lo: number, hi: number): number {
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

const mu = 1000 / MEAN_MS;
const p99 = (lambda: number) => root((t) => 0.01 - sojournTail(lambda, mu, C, t), 0, 100);
const EXACT = root((lambda) => p99(lambda) - SLO_MS / 1000, 1, C * mu - 1e-6);

test('the closed form: p99 sojourn at the exact rate is the SLO, and rises with the rate', () => {
  assert.ok(Math.abs(p99(EXACT) * 1000 - SLO_MS) < 1e-6);
  assert.ok(p99(EXACT * 0.9) < p99(EXACT));
  assert.ok(EXACT > 300 && EXACT < 400, `expected the edge between 300/s and 400/s, got ${EXACT}`);
});

test(`capacity of a simulated M/M/${C} under p(99)<${SLO_MS} is the analytic rate within 5 %`, async () => {
  const sim = defineSimulation({
    name: 'mmc',
    seed: 3,
    durationMs: 60_000,
    warmupMs: 10_000,
    arrivals: { kind: 'poisson', rate: 50 },
    partitions: 1,
    keys: { count: 1 },
    consumers: { replicas: 1, cores: C, maxInFlight: 1_000_000, process: { type: 'exponential', meanMs: MEAN_MS } },
    featureStore: {
      replicas: 1,
      hitRate: 1,
      hit: { type: 'deterministic', ms: 0 },
      miss: { type: 'deterministic', ms: 0 },
    },
    modelServer: { replicas: 4, batchSize: 1, maxWaitMs: 0, batch: { type: 'deterministic', ms: 0 }, perItemMs: 0 },
    sink: { write: { type: 'deterministic', ms: 0 } },
  });
  const seen: number[] = [];
  const r = await findCapacity(sim, {
    slo: `p(99)<${SLO_MS}`,
    step: '10m',
    tolerance: 0.02,
    confirmations: 2,
    onProbe: (p) => seen.push(p.rate),
  });
  assert.ok(r.stable, r.note);
  assert.is(r.slo.metric, 'e2e_latency');
  const err = Math.abs(r.capacityPerSec! - EXACT) / EXACT;
  assert.ok(err < 0.05, `found ${r.capacityPerSec}/s, exact ${EXACT.toFixed(1)}/s (${(err * 100).toFixed(1)} %)`);
  // the ramp doubled from 50/s until a rate failed, then bisection and confirmation at the answer
  assert.equal(seen.slice(0, 3), [50, 100, 200]);
  assert.ok(r.probes.some((p) => p.phase === 'bisect'));
  assert.ok(r.probes.filter((p) => p.rate === r.capacityPerSec && p.ok).length >= 2);
  assert.ok(r.probes.every((p) => p.rate !== r.capacityPerSec || p.ok));
  console.log(`M/M/${C} capacity ${r.capacityPerSec}/s vs exact ${EXACT.toFixed(2)}/s; ${r.probes.length} probes`);
});

test.run();
