import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  KEDA_KAFKA_DEFAULTS,
  KedaKafkaScaler,
  kafkaTotalLag,
  type KafkaPartitionOffsets,
} from '../../../../harness/sim/autoscale/keda.ts';

const parts = (lags: number[]): KafkaPartitionOffsets[] => lags.map((l) => ({ latest: 1000 + l, committed: 1000 }));

test('replica counts are capped by the partition count (lag capped to partitions × lagThreshold)', () => {
  const p = parts(Array(12).fill(1000));
  const lag = kafkaTotalLag(p);
  assert.is(lag.rawLag, 12_000);
  assert.is(lag.totalLag, 120);
  const k = new KedaKafkaScaler();
  assert.is(k.sync(0, 1, p)!.final, 4); // legacy HPA cap max(2·1, 4)
  assert.is(k.sync(15_000, 4, p)!.final, 8);
  assert.is(k.sync(30_000, 8, p)!.final, 12);
  assert.is(k.sync(45_000, 12, p)!.final, 12);
});

test("KEDA's integer division lets the HPA overshoot the partitions by one", () => {
  // 125 / 10 floors to 12, not > 12 partitions: no cap; the HPA's ceil(125 / 10) = 13
  const p = parts([...Array(11).fill(10), 15]);
  const lag = kafkaTotalLag(p);
  assert.is(lag.totalLag, 125);
  assert.not.ok(lag.capped);
  // from 8 replicas (at 12 the ratio 1.04 is inside the tolerance)
  assert.is(new KedaKafkaScaler().sync(0, 8, p)!.final, 13);
});

test('allowIdleConsumers lifts the cap; limitToPartitionsWithLag caps at partitions that have lag', () => {
  const p = parts([500, 500, 500, 0, 0, 0]);
  assert.is(kafkaTotalLag(p, { allowIdleConsumers: true }).totalLag, 1500);
  assert.is(kafkaTotalLag(p).totalLag, 60);
  assert.is(kafkaTotalLag(p, { limitToPartitionsWithLag: true }).totalLag, 30);
});

test('a partition with no committed offset counts 1 under latest and its log end under earliest', () => {
  const p: KafkaPartitionOffsets[] = [
    { latest: 70, committed: null },
    { latest: 5, committed: 5 },
  ];
  assert.is(kafkaTotalLag(p).rawLag, 1);
  assert.is(kafkaTotalLag(p, { offsetResetPolicy: 'earliest' }).rawLag, 70);
  assert.is(kafkaTotalLag(p, { scaleToZeroOnInvalidOffset: true }).rawLag, 0);
});

test('activation scales from zero above activationLagThreshold, and back to zero only after the cooldown', () => {
  const k = new KedaKafkaScaler({ activationLagThreshold: 50 });
  assert.is(k.poll(0, 0, parts([20, 20])).final, 0); // 40 ≤ 50: inactive
  assert.is(k.poll(30_000, 0, parts([30, 30])).final, 1); // 60 > 50: active
  assert.is(k.poll(60_000, 1, parts([0, 0])).final, 1); // inactive since last active at 30 s
  assert.is(k.poll(300_000, 1, parts([0, 0])).final, 1);
  assert.is(k.poll(330_000, 1, parts([0, 0])).final, 0); // 300 s after last active
  assert.ok(k.log.every((d) => typeof d.reason === 'string' && 'kafka_lag' in d.metrics));
});

test('the HPA does not act while KEDA holds the target at zero', () => {
  assert.is(new KedaKafkaScaler().sync(0, 0, parts([1000])), undefined);
});

test('options given as undefined keep their defaults (lag threshold, cap, replica bounds)', () => {
  const unset = Object.fromEntries(Object.keys(KEDA_KAFKA_DEFAULTS).map((k) => [k, undefined]));
  const p = parts(Array(12).fill(1000));
  assert.equal(kafkaTotalLag(p, unset), kafkaTotalLag(p));
  const k = new KedaKafkaScaler(unset);
  assert.equal(k.options, new KedaKafkaScaler().options);
  assert.is(k.sync(0, 1, p)!.final, 4);
});

test.run();
