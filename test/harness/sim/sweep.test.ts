/**
 * The capacity sweep (harness/sim/sweep.ts) on the production scenario's deployment: the knee
 * sits just below the capacity queueing theory gives the station that saturates first, and that
 * station is named.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import scenario from '../../../scenarios/production-prediction.ts';
import { capacitySweep } from '../../../harness/sim/sweep.ts';

const { kind: _k, thresholds: _t, cost: _c, loadChangeAtMs: _l, report: _r, description: _d, ...sim } = scenario;

test('production deployment: the model servers saturate first, the knee just below their capacity', () => {
  const r = capacitySweep({ ...sim, autoscaling: undefined }, [10_000, 20_000, 50_000], {
    durationMs: 3000,
    warmupMs: 1000,
    refine: 5,
  });
  // 5 replicas × 32 records per batch of 2·e^(0.2²/2) + 32 × 0.056 ms
  const batchMs = 2 * Math.exp(0.02) + 32 * 0.056;
  const capacity = (5 * 32 * 1000) / batchMs;
  assert.is(r.firstToSaturate, 'modelServers');
  assert.ok(r.knee !== undefined && r.knee <= capacity && r.knee > 0.85 * capacity, `knee ${r.knee} vs ${capacity}`);
  assert.equal(
    r.rows.map((x) => x.saturated),
    [false, false, true],
  );
  assert.ok(r.rows[0]!.utilisation['host brokers']! > 0.05, 'the brokers host is reported');
});

test.run();
