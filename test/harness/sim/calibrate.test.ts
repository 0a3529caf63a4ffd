/**
 * Calibration on live pipeline runs (embedded services, real clock, short): calibrate on a run
 * at 200/s, predict a run at 400/s. Throughput must be within 25 % (a stable load: it is the
 * arrival rate); p50/p99 errors are printed, not asserted (timing on a shared 2-core machine).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runScenario } from '../../../harness/runner/index.ts';
import { validateScenario } from '../../../harness/scenario/index.ts';
import {
  calibrate,
  compareWithMeasured,
  formatCalibrationTable,
  liveRate,
  measuredFigures,
  predict,
} from '../../../harness/sim/calibrate.ts';
import { simulate } from '../../../harness/sim/simulate.ts';
import type { RunSummary } from '../../../results/types.ts';
import { PipelabError } from '../../../errors.ts';

async function live(rate: number): Promise<RunSummary> {
  return runScenario(
    validateScenario({
      name: `calib-${rate}`,
      seed: 1,
      warmup: '1s',
      services: { 'redis-mode': 'embedded', 'model-server-mode': 'embedded' },
      target: { type: 'pipeline', processors: 1, partitions: 4 },
      executors: {
        main: { executor: 'constant-arrival-rate', rate, duration: '5s', preAllocatedVUs: 100, maxVUs: 2000 },
      },
    }),
  );
}

test(
  'a run calibrated at 200/s predicts the throughput of a live run at 400/s within 25 % and reports ' +
    'p50/p99 errors',
  async () => {
    const a = await live(200);
    const b = await live(400);
    // calibration assumes a run below the knee; on a machine so busy that 200/s already saturates
    // (the decisions fall behind the arrivals, p50 in seconds), there is nothing to predict from
    const source = measuredFigures(a);
    if (source.throughput < 0.9 * source.rate || source.p50 > 1000) {
      console.log(
        `notice: the calibration run itself saturated (${source.throughput.toFixed(0)}/s of 200/s, p50 ` +
          `${source.p50.toFixed(0)} ms): this machine is too busy for a live calibration; prediction not checked`,
      );
      return;
    }
    const cal = calibrate(a);
    assert.is(cal.source.rate, 200);
    assert.is(cal.source.processors, 1);
    assert.is(cal.source.partitions, 4);
    assert.is(cal.sim.modelServer?.replicas, 6);
    assert.is(cal.sim.consumers?.process?.type, 'empirical');
    const m = measuredFigures(b);
    assert.is(m.rate, 400);
    const p = predict(cal, { rate: m.rate, durationMs: b.durationMs, warmupMs: b.warmupMs });
    const rows = compareWithMeasured(p, m);
    console.log(formatCalibrationTable(cal, [{ prediction: p, measured: m }]));
    const tp = rows.find((r) => r.figure === 'throughput')!;
    assert.ok(Math.abs(tp.relError) < 0.25, `throughput predicted ${tp.predicted} vs measured ${tp.measured}`);
    assert.ok(p.p50 > 0 && p.p99 >= p.p50, `p50 ${p.p50} p99 ${p.p99}`);
    // the same calibration and seed give the same prediction
    assert.is(
      predict(cal, { rate: 400, durationMs: 5000, warmupMs: 1000 }).p99,
      predict(cal, { rate: 400, durationMs: 5000, warmupMs: 1000 }).p99,
    );
  },
);

test('liveRate reads an executor timeUnit with the shared duration grammar: 90 per 1m30s is 1/s', () => {
  const withUnits = (...units: (string | undefined)[]) =>
    ({
      config: {
        executors: Object.fromEntries(
          units.map((timeUnit, i) => [
            `e${i}`,
            { executor: 'constant-arrival-rate', rate: 90, ...(timeUnit ? { timeUnit } : {}) },
          ]),
        ),
      },
      metrics: {},
    }) as unknown as RunSummary;
  // a compound unit was read as 1 s before (90/s): the calibration then simulated 90× the live load
  assert.is(liveRate(withUnits('1m30s')), 1);
  assert.is(liveRate(withUnits('1m')), 1.5);
  assert.is(liveRate(withUnits('500ms')), 180);
  assert.is(liveRate(withUnits(undefined)), 90);
  assert.is(liveRate(withUnits('1m30s', '1s')), 91);
});

test('a simulated run or a run without the pipeline target is refused with a hint', () => {
  const sim = simulate({ durationMs: 2000, arrivals: { kind: 'poisson', rate: 100 } });
  assert.throws(
    () => calibrate(sim),
    (e: unknown) => e instanceof PipelabError && /simulated/.test(e.message),
  );
  const fn = { ...sim, services: {}, config: { target: { type: 'function' } } } as RunSummary;
  assert.throws(
    () => calibrate(fn),
    (e: unknown) => e instanceof PipelabError && /"function", not "pipeline"/.test(e.message),
  );
});

test('predict refuses a rate that is not a positive number', () => {
  const sim = simulate({ durationMs: 2000, arrivals: { kind: 'poisson', rate: 100 } });
  const fake = {
    ...sim,
    services: {},
    config: { target: { type: 'pipeline' }, executors: { main: { executor: 'constant-arrival-rate', rate: 100 } } },
  } as RunSummary;
  const cal = calibrate(fake);
  assert.throws(
    () => predict(cal, { rate: 0 }),
    (e: unknown) => e instanceof PipelabError && /rate/.test(e.message),
  );
});

test.run();
