/**
 * The transaction coordinator's state machine and the partition side of transactions, driven
 * directly (virtual clock): epochs and fencing, the error codes clients act on, markers, the
 * last stable offset, the aborted-transaction index read_committed fetches return, compaction
 * of aborted records, and ListOffsets/Fetch on the wire.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compactLog } from '../../broker/compaction.ts';
import { clusterOf, startBroker, type Broker } from '../../broker/index.ts';
import { encodeBatch, parseBatchHeader } from '../../broker/protocol/record-batch.ts';
import { produceAppended, produceCheck, TXN_ERR as E, txnsOf } from '../../broker/txn/coordinator.ts';
import { committedRead } from '../../broker/txn/fetch.ts';
import { lastStableOffset } from '../../broker/txn/partition-state.ts';
import { RawClient } from './raw-client.ts';

let now = 1_000_000;
let broker: Broker;
test.before(async () => {
  broker = await startBroker({ retentionCheckMs: 0, now: () => now });
});
test.after(async () => {
  await broker.close();
});

/** produces a transactional batch the way a client would (through Produce's hooks) */
function txProduce(topic: string, pid: number, epoch: number, values: string[], seq = 0): number {
  const c = clusterOf(broker);
  const b = encodeBatch(
    values.map((v) => ({ key: Buffer.from(v.slice(0, 1)), value: Buffer.from(v) })),
    { producerId: pid, producerEpoch: epoch, baseSequence: seq, now },
  );
  b.writeInt16BE(0x10, 21); // transactional (the CRC is not checked here)
  const h = parseBatchHeader(b, 0, false);
  const err = produceCheck(c, h, topic, 0);
  if (err !== E.NONE) return -err;
  const log = c.topics.get(topic)!.partitions[0]!.log;
  const base = log.append(b, h, 0);
  produceAppended(log, h, base);
  return base;
}

test('InitProducerId: bad ids and timeouts, epochs bump per init, a new instance fences the old', () => {
  const t = txnsOf(clusterOf(broker));
  assert.is(t.initProducerId('', 1000).error, E.INVALID_REQUEST);
  assert.is(t.initProducerId('a', 0).error, E.INVALID_TRANSACTION_TIMEOUT);
  assert.is(t.initProducerId('a', 900_001).error, E.INVALID_TRANSACTION_TIMEOUT);
  const first = t.initProducerId('a', 60_000);
  assert.is(first.error, E.NONE);
  assert.is(first.epoch, 0);
  const second = t.initProducerId('a', 60_000);
  assert.equal([second.producerId, second.epoch], [first.producerId, 1]);
  assert.is(t.endTxn('a', first.producerId, 0, true), E.INVALID_PRODUCER_EPOCH, 'the old instance is fenced');
  assert.is(t.endTxn('a', first.producerId + 1, 1, true), E.INVALID_PRODUCER_ID_MAPPING);
  assert.is(t.endTxn('nope', first.producerId, 1, true), E.INVALID_PRODUCER_ID_MAPPING);
  assert.is(t.endTxn('a', first.producerId, 1, true), E.INVALID_TXN_STATE, 'nothing open');
});

test('a transaction: LSO held at its first offset, markers on commit, a retried EndTxn is fine', () => {
  broker.createTopic('lso');
  const log = clusterOf(broker).topics.get('lso')!.partitions[0]!.log;
  const t = txnsOf(clusterOf(broker));
  const { producerId: pid, epoch } = t.initProducerId('b', 60_000);
  assert.is(txProduce('lso', pid, epoch, ['x']), -E.INVALID_TXN_STATE, 'partition not added');
  assert.equal(t.addPartitions('b', pid, epoch, [{ topic: 'lso', partition: 0 }]), [E.NONE]);
  assert.equal(
    t.addPartitions('b', pid, epoch, [
      { topic: 'lso', partition: 0 },
      { topic: 'gone', partition: 0 },
    ]),
    [E.OPERATION_NOT_ATTEMPTED, E.UNKNOWN_TOPIC_OR_PARTITION],
  );
  assert.is(txProduce('lso', pid, epoch, ['a1', 'a2']), 0);
  assert.is(txProduce('lso', pid, epoch, ['a3'], 2), 2);
  assert.is(lastStableOffset(log), 0);
  assert.is(committedRead(log, 0, log.read(0, 1 << 20)).batches.length, 0, 'read_committed sees nothing yet');
  assert.is(t.endTxn('b', pid, epoch, true), E.NONE);
  assert.is(log.hwm, 4, 'three records and the commit marker');
  assert.is(lastStableOffset(log), 4);
  const marker = log.read(3, 1 << 20).batches[0]!;
  assert.is(marker.readInt16BE(21), 0x30, 'control + transactional');
  // record: length, attributes, timestamp delta, offset delta, key length 4 (zig-zag 8), key
  assert.is(marker.readInt8(65), 8);
  assert.equal([marker.readInt16BE(66), marker.readInt16BE(68)], [0, 1], 'key: version 0, type 1 (commit)');
  assert.is(t.endTxn('b', pid, epoch, true), E.NONE, 'the same outcome again');
  assert.is(t.endTxn('b', pid, epoch, false), E.INVALID_TXN_STATE, 'the opposite outcome');
});

test('an abort: the aborted index lists it for read_committed, and compaction drops its records', () => {
  broker.createTopic('ab', { configs: { 'cleanup.policy': 'compact' } });
  const log = clusterOf(broker).topics.get('ab')!.partitions[0]!.log;
  const t = txnsOf(clusterOf(broker));
  const { producerId: pid, epoch } = t.initProducerId('c', 60_000);
  t.addPartitions('c', pid, epoch, [{ topic: 'ab', partition: 0 }]);
  txProduce('ab', pid, epoch, ['k-committed']);
  t.endTxn('c', pid, epoch, true);
  t.addPartitions('c', pid, epoch, [{ topic: 'ab', partition: 0 }]);
  txProduce('ab', pid, epoch, ['k-aborted'], 1);
  t.endTxn('c', pid, epoch, false);
  const view = committedRead(log, 0, log.read(0, 1 << 20));
  assert.equal(view.aborted, [{ producerId: pid, firstOffset: 2, lastOffset: 3 }]);
  assert.equal(committedRead(log, 3, log.read(3, 1 << 20)).aborted, [
    { producerId: pid, firstOffset: 2, lastOffset: 3 },
  ]);
  assert.equal(committedRead(log, 4, log.read(4, 1 << 20)).aborted, [], 'past the marker');
  const res = { partitions: 0, recordsRemoved: 0, tombstonesRemoved: 0, bytesFreed: 0 };
  compactLog(log, now, 86_400_000, 0, res);
  assert.is(res.recordsRemoved, 1, 'the aborted record goes, the committed one with the same key stays');
  assert.equal(
    [...log.batchesBelow(Infinity)].map((b) => b.base),
    [0, 1, 3],
  );
});

test('the timeout aborts and fences; TxnOffsetCommit offsets apply only on commit', () => {
  broker.createTopic('to');
  const c = clusterOf(broker);
  const t = txnsOf(c);
  const { producerId: pid, epoch } = t.initProducerId('d', 5000);
  t.addPartitions('d', pid, epoch, [{ topic: 'to', partition: 0 }]);
  assert.is(t.addOffsets('d', pid, epoch, 'g'), E.NONE);
  const off = { topic: 'to', partition: 0, offset: 42, leaderEpoch: -1, metadata: null };
  assert.is(t.txnOffsetCommit('d', 'g', pid, epoch, [off]), E.NONE);
  txProduce('to', pid, epoch, ['late']);
  now += 5000;
  assert.is(t.expire(), 0);
  now += 1;
  assert.is(t.expire(), 1);
  assert.is(c.offsets.get('g', 'to', 0), undefined);
  assert.is(t.endTxn('d', pid, epoch, true), E.INVALID_PRODUCER_EPOCH);
  assert.is(txProduce('to', pid, epoch, ['zombie'], 1), -E.INVALID_PRODUCER_EPOCH);
  const again = t.initProducerId('d', 5000);
  assert.is(again.epoch, epoch + 2);
  t.addOffsets('d', pid, again.epoch, 'g');
  t.txnOffsetCommit('d', 'g', pid, again.epoch, [off]);
  assert.is(t.endTxn('d', pid, again.epoch, true), E.NONE);
  assert.is(c.offsets.get('g', 'to', 0)?.offset, 42);
});

test('an InitProducerId while a transaction is open aborts it and answers CONCURRENT_TRANSACTIONS', () => {
  broker.createTopic('cc');
  const log = clusterOf(broker).topics.get('cc')!.partitions[0]!.log;
  const t = txnsOf(clusterOf(broker));
  const { producerId: pid, epoch } = t.initProducerId('e', 60_000);
  t.addPartitions('e', pid, epoch, [{ topic: 'cc', partition: 0 }]);
  txProduce('cc', pid, epoch, ['open']);
  assert.is(lastStableOffset(log), 0);
  assert.is(t.initProducerId('e', 60_000).error, E.CONCURRENT_TRANSACTIONS);
  assert.is(lastStableOffset(log), 2);
  assert.is(t.initProducerId('e', 60_000).epoch, epoch + 2);
});

test('on the wire: ListOffsets latest = LSO (read_committed); Fetch returns it and aborted_transactions', async () => {
  broker.createTopic('wire');
  const t = txnsOf(clusterOf(broker));
  const { producerId: pid, epoch } = t.initProducerId('w', 60_000);
  t.addPartitions('w', pid, epoch, [{ topic: 'wire', partition: 0 }]);
  txProduce('wire', pid, epoch, ['gone']);
  t.endTxn('w', pid, epoch, false);
  t.addPartitions('w', pid, epoch, [{ topic: 'wire', partition: 0 }]);
  txProduce('wire', pid, epoch, ['open'], 1);
  const client = await RawClient.connect(broker.bootstrap[0]!);
  const latest = async (isolation: number) => {
    const r = await client.send(2, 2, (w) => {
      w.int32(-1).int8(isolation);
      w.array([0], (w) => {
        w.string('wire').array([0], (w) => w.int32(0).int64(-1));
      });
    })!;
    r.int32();
    r.int32();
    r.string();
    r.int32();
    r.int32();
    r.int16();
    r.int64();
    return Number(r.int64());
  };
  assert.is(await latest(0), 3);
  assert.is(await latest(1), 2);
  const r = await client.send(1, 4, (w) => {
    w.int32(-1)
      .int32(0)
      .int32(1)
      .int32(1 << 20)
      .int8(1);
    w.array([0], (w) => {
      w.string('wire').array([0], (w) =>
        w
          .int32(0)
          .int64(0)
          .int32(1 << 20),
      );
    });
  })!;
  r.int32();
  r.int32();
  r.string();
  r.int32();
  r.int32();
  assert.is(r.int16(), 0);
  assert.is(Number(r.int64()), 3, 'high watermark');
  assert.is(Number(r.int64()), 2, 'last stable offset');
  const aborted = r.array((r) => [Number(r.int64()), Number(r.int64())]);
  assert.equal(aborted, [[pid, 0]]);
  const bytes = r.int32();
  assert.ok(bytes > 0, 'the aborted batch and its marker, below the LSO');
  client.close();
  t.endTxn('w', pid, epoch, true);
});

test.run();
