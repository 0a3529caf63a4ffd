/**
 * The loop's decisions with stub models: what is tested is the state machine (alert → collect →
 * train → 90/10 rollout → AUC comparison → promote or roll back), not the model, so scorers are
 * stubs whose AUC is known. The real model runs end to end in test/scenarios/drift.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../../generators/rng.ts';
import { DriftLoop, type LoopModel } from '../../../pipeline/drift/loop.ts';
import type { RouteWeight } from '../../../pipeline/model-server/router.ts';
import type { ScoringInput } from '../../../pipeline/types.ts';

const EMPTY = { user_transaction_count_1h: 0, user_avg_transaction_amount_24h: 0, user_device_risk_score: 0 };
function rows(seed: number, n: number, shiftFrom: number): ScoringInput[] {
  const r = new Rng(seed);
  return Array.from({ length: n }, (_, i) => ({
    transaction: {
      id: `t${i}`,
      userId: `u${i % 97}`,
      deviceId: 'd',
      merchantId: 'm',
      currency: 'EUR',
      country: 'DE',
      channel: 'online',
      eventTime: i,
      amount: Math.exp(3.5 + 0.8 * r.normal() + (i >= shiftFrom ? 1 : 0)),
      isFraud: r.bernoulli(0.1),
    },
    features: EMPTY,
  }));
}
/** a scorer with a known quality: noise, or the label itself (AUC 1) */
const noise = (version: string): LoopModel => ({
  version,
  threshold: 0.5,
  predict: (xs) => xs.map((x) => ((Number(x.transaction.id.slice(1)) * 7919) % 1000) / 1000),
});
const oracle = (version: string): LoopModel => ({
  version,
  threshold: 0.5,
  predict: (xs) => xs.map((x) => (x.transaction.isFraud ? 0.9 : 0.1)),
});

async function runLoop(candidate: (v: string) => LoopModel) {
  let t = 0;
  const routes: RouteWeight[][] = [];
  const added: string[] = [];
  const loop = new DriftLoop({
    incumbent: noise('v1'),
    host: { addVersion: (v) => added.push(v), setRoutes: (r) => routes.push(r) },
    train: async (txs, v) => {
      assert.is(txs.length, 300);
      return candidate(v);
    },
    now: () => t,
    monitor: { referenceSize: 500, recentSize: 200 },
    trainRows: 300,
    evalRows: 300,
  });
  const xs = rows(5, 3000, 1000);
  for (let i = 0; i < xs.length; i += 50) {
    t = i;
    const chunk = xs.slice(i, i + 50);
    loop.observe(chunk, noise('v1').predict(chunk));
    await loop.idle();
  }
  return { loop, routes, added, report: loop.report() };
}

test(
  'the loop detects the drift, retrains, rolls out 90/10 and promotes a candidate that beats the ' + 'incumbent',
  async () => {
    const { routes, added, report } = await runLoop(oracle);
    const kinds = report.timeline.map((e) => e.kind);
    assert.equal(kinds, ['detection', 'retrain-start', 'retrain-end', 'candidate-rollout', 'evaluation', 'promotion']);
    assert.ok(report.timeline[0]!.t >= 1000, 'detection after the onset');
    assert.equal(added, ['drift-1']);
    assert.equal(routes, [
      [
        { version: 'v1', weight: 90 },
        { version: 'drift-1', weight: 10 },
      ],
      [{ version: 'drift-1', weight: 100 }],
    ]);
    assert.is(report.incumbent, 'drift-1');
    assert.is(report.lastEvaluation!.candidate, 1);
    assert.ok(report.lastEvaluation!.incumbent < 0.7);
    assert.ok(report.lastEvaluation!.promoted);
  },
);

test('the loop rolls back a candidate that does not beat the incumbent', async () => {
  const { routes, report } = await runLoop(noise);
  const kinds = report.timeline.map((e) => e.kind);
  assert.equal(kinds.slice(-2), ['evaluation', 'rollback']);
  assert.equal(routes[routes.length - 1], [{ version: 'v1', weight: 100 }]);
  assert.is(report.incumbent, 'v1');
  assert.not.ok(report.lastEvaluation!.promoted);
});

test('a failed retraining is on the timeline and the loop goes back to watching', async () => {
  const { report, routes } = await runLoop(() => {
    throw new Error('out of memory');
  });
  assert.equal(report.timeline.map((e) => e.kind).slice(0, 3), ['detection', 'retrain-start', 'retrain-failed']);
  assert.is(report.state, 'watching');
  assert.equal(routes, []);
});

test.run();
