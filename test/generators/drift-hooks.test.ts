import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../generators/rng.ts';
import { DriftSchedule, driftProbability, type Params } from '../../generators/drift-hooks.ts';
import { TransactionStream } from '../../generators/transactions.ts';
import { transactionToJson } from '../../generators/serialize.ts';
import { COUNTRIES } from '../../generators/geo.ts';
import { PipelabError } from '../../errors.ts';

const fx = (currency: string) => COUNTRIES.find((c) => c.currency === currency)!.fxPerUsd;
const meanLogUsd = (xs: { amount: number; currency: string }[]) =>
  xs.reduce((s, e) => s + Math.log(e.amount / fx(e.currency)), 0) / xs.length;

test("driftProbability is MOA's sigmoid: 1/2 at onset, ≈0.982 one width later, a step when width is 0", () => {
  assert.is(driftProbability(100, 100, 50), 0.5);
  assert.ok(Math.abs(driftProbability(150, 100, 50) - 1 / (1 + Math.exp(-4))) < 1e-12);
  assert.ok(Math.abs(driftProbability(50, 100, 50) - 1 / (1 + Math.exp(4))) < 1e-12);
  assert.is(driftProbability(99.9, 100, 0), 0);
  assert.is(driftProbability(100, 100, 0), 1);
});

test('a sudden drift leaves every event before onset untouched and shifts the amount after it', () => {
  const base = new TransactionStream({ seed: 11, fraudRate: 0 }).take(20_000);
  const drifted = new TransactionStream({
    seed: 11,
    fraudRate: 0,
    drifts: [{ param: 'amount.muShift', op: 'add', value: 1, onset: 10_000 }],
  }).take(20_000);
  for (let i = 0; i < 10_000; i++) assert.is(transactionToJson(drifted[i]!), transactionToJson(base[i]!));
  const before = meanLogUsd(drifted.slice(0, 10_000)),
    after = meanLogUsd(drifted.slice(10_000));
  const baseAfter = meanLogUsd(base.slice(10_000));
  assert.ok(Math.abs(after - baseAfter - 1) < 0.05, `shift ${after - baseAfter}`);
  assert.ok(Math.abs(before - meanLogUsd(base.slice(0, 10_000))) < 1e-12);
});

test('a gradual drift follows the sigmoid (DriftSchedule, 20k draws per position)', () => {
  const base: Params = { x: 0 };
  const s = new DriftSchedule({
    base,
    compile: (p) => p.x as number,
    drifts: [{ param: 'x', value: 1, onset: 1000, width: 400 }],
    rng: new Rng(4),
    startMs: 0,
  });
  for (const t of [600, 800, 900, 1000, 1100, 1200, 1400]) {
    let hits = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) hits += s.at(t, 0);
    const p = driftProbability(t, 1000, 400),
      sd = Math.sqrt((p * (1 - p)) / n) + 1e-9;
    assert.ok(Math.abs(hits / n - p) < 5 * sd + 1e-4, `t=${t}: ${hits / n} vs ${p}`);
  }
});

test('a gradual categorical drift moves the channel mix along the sigmoid', () => {
  const onset = 20_000,
    width = 10_000;
  const ev = new TransactionStream({
    seed: 12,
    fraudRate: 0,
    drifts: [{ param: 'channelWeights', value: { online: 100, pos: 0, mobile: 0, atm: 0 }, onset, width }],
  }).take(40_000);
  for (let w = 0; w < 40_000; w += 4000) {
    const win = ev.slice(w, w + 4000);
    let expect = 0;
    for (let i = w; i < w + 4000; i++) {
      const p = driftProbability(i, onset, width);
      expect += (1 - p) * 0.4 + p;
    }
    expect /= 4000;
    const got = win.filter((e) => e.channel === 'online').length / 4000;
    assert.ok(
      Math.abs(got - expect) < 5 * Math.sqrt((expect * (1 - expect)) / 4000) + 0.002,
      `window ${w}: ${got} vs ${expect}`,
    );
  }
});

test('a concept drift on fraudRate, by time, changes the label rate after onset and not before', () => {
  const startMs = 0;
  const s = new TransactionStream({
    seed: 13,
    startMs,
    fraudRate: 0.01,
    arrivals: { kind: 'constant', rate: 1000 },
    params: { fraudMix: { cardTesting: 0, accountTakeover: 1, geoVelocity: 0 }, accountTakeover: { gapMeanMs: 200 } },
    drifts: [{ id: 'fraud-up', param: 'fraudRate', value: 0.1, onset: 60_000, unit: 'time' }],
  });
  const ev = s.take(120_000);
  const rate = (xs: typeof ev) => xs.filter((e) => e.isFraud).length / xs.length;
  const before = ev.filter((e) => e.eventTime < 60_000),
    after = ev.filter((e) => e.eventTime >= 62_000);
  assert.ok(Math.abs(rate(before) - 0.01) < 0.003, `before ${rate(before)}`);
  assert.ok(Math.abs(rate(after) - 0.1) < 0.01, `after ${rate(after)}`);
  assert.equal(s.drifts[0], {
    id: 'fraud-up',
    param: 'fraudRate',
    op: 'set',
    value: 0.1,
    unit: 'time',
    onset: 60_000,
    width: 0,
    kind: 'sudden',
    type: 'concept',
    onsetTimeMs: 60_000,
  });
});

test('feature drifts are typed feature, rule drifts concept, in the ground truth', () => {
  const s = new TransactionStream({
    drifts: [
      { param: 'amount.sigmaScale', op: 'mul', value: 2, onset: 10, width: 5 },
      { param: 'cardTesting.maxAmount', value: 5, onset: 20 },
    ],
  });
  assert.equal(
    s.drifts.map((d) => [d.kind, d.type, d.id]),
    [
      ['gradual', 'feature', 'amount.sigmaScale@10'],
      ['sudden', 'concept', 'cardTesting.maxAmount@20'],
    ],
  );
});

test('unknown parameters, wrong value types and unknown map keys are named with their path', () => {
  try {
    new TransactionStream({
      drifts: [
        { param: 'amount.mean', value: 1, onset: 1 },
        { param: 'channelWeights', value: 3, onset: 1 },
        { param: 'channelWeights', value: { teleport: 1 }, onset: 1 },
      ],
    });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, PipelabError);
    const paths = (e as PipelabError).issues.map((i) => i.path);
    assert.equal(paths, ['/drifts/0/param', '/drifts/1/value', '/drifts/2/value/teleport']);
    assert.match((e as PipelabError).issues[0]!.message, 'amount{muShift,sigmaScale}');
  }
});

test.run();
