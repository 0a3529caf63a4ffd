/**
 * Log compaction: the latest record per key survives, tombstones go after delete.retention.ms
 * (virtual clock), the dirty ratio gates the periodic pass, configs are checked and described,
 * and kafkajs reads a compacted topic (offset gaps, rewritten batches) from the beginning.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gzipSync } from 'node:zlib';
import kafkajs from 'kafkajs';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import { compactLog, compactTopics, dirtyRatio, type CompactionResult } from '../../broker/compaction.ts';
import { clusterOf, startBroker } from '../../broker/index.ts';
import { PartitionLog } from '../../broker/log.ts';
import { crc32c } from '../../broker/protocol/crc32c.ts';
import { encodeBatch, parseBatchHeader, type SimpleRecord } from '../../broker/protocol/record-batch.ts';
import { DEFAULT_LOG_CONFIG } from '../../broker/topics.ts';

const { Kafka, logLevel } = kafkajs;

function setup() {
  let now = 1_000_000;
  const log = new PartitionLog(DEFAULT_LOG_CONFIG, () => now);
  const put = (pairs: Array<[string, string | null]>) => {
    const b = encodeBatch(
      pairs.map(([k, v]): SimpleRecord => ({ key: Buffer.from(k), value: v === null ? null : Buffer.from(v) })),
      { now },
    );
    return log.append(b, parseBatchHeader(b), 0);
  };
  const pass = (deleteRetentionMs = 86_400_000): CompactionResult => {
    const res = { partitions: 0, recordsRemoved: 0, tombstonesRemoved: 0, bytesFreed: 0 };
    compactLog(log, now, deleteRetentionMs, 0, res);
    return res;
  };
  return { log, put, pass, tick: (ms: number) => (now += ms) };
}

/** [offset, key, value] of every record left, decoded from the stored (uncompressed) batches */
function contents(log: PartitionLog): Array<[number, string, string | null]> {
  const out: Array<[number, string, string | null]> = [];
  for (const stored of log.batchesBelow(Infinity)) {
    const { base } = stored;
    // an lz4 batch compaction did not need to rewrite is stored as it came
    const batch =
      (stored.batch.readInt16BE(21) & 7) === 3
        ? Buffer.concat([stored.batch.subarray(0, 61), decompressFrameSync(stored.batch.subarray(61))])
        : stored.batch;
    let at = 61;
    const varint = () => {
      let u = 0,
        shift = 0,
        b: number;
      do {
        b = batch[at++]!;
        u += (b & 0x7f) * 2 ** shift;
        shift += 7;
      } while (b & 0x80);
      return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
    };
    for (let i = 0; i < batch.readInt32BE(57); i++) {
      varint();
      at++;
      varint();
      const offset = base + varint();
      const kl = varint();
      const key = batch.toString('utf8', at, at + kl);
      at += kl;
      const vl = varint();
      const value = vl < 0 ? null : batch.toString('utf8', at, at + vl);
      at += Math.max(0, vl);
      const hc = varint();
      assert.is(hc, 0);
      out.push([offset, key, value]);
    }
    assert.is(crc32c(stored.batch.subarray(21)), stored.batch.readUInt32BE(17), 'rewritten batches carry a valid CRC');
  }
  return out;
}

test('a pass keeps the latest record of each key at its original offset', () => {
  const { log, put, pass } = setup();
  put([
    ['a', '1'],
    ['b', '1'],
  ]);
  put([['a', '2']]);
  put([
    ['c', '1'],
    ['b', '2'],
  ]);
  const res = pass();
  assert.equal(contents(log), [
    [2, 'a', '2'],
    [3, 'c', '1'],
    [4, 'b', '2'],
  ]);
  assert.is(res.recordsRemoved, 2);
  assert.is(log.hwm, 5);
  assert.is(log.logStart, 0);
  assert.is(log.batchCount, 2, 'the emptied first batch is dropped');
  assert.ok(res.bytesFreed > 0);
  assert.is(log.read(0, 1 << 20).batches.length, 2, 'a read from the log start finds the next batch');
});

test('a tombstone removes its key at once and itself delete.retention.ms after the first pass', () => {
  const { log, put, pass, tick } = setup();
  put([
    ['user-1', 'secret'],
    ['user-2', 'x'],
  ]);
  put([['user-1', null]]);
  assert.is(pass(1000).recordsRemoved, 1);
  assert.equal(contents(log), [
    [1, 'user-2', 'x'],
    [2, 'user-1', null],
  ]);
  tick(999);
  assert.is(pass(1000).tombstonesRemoved, 0, 'younger than delete.retention.ms');
  tick(1);
  assert.is(pass(1000).tombstonesRemoved, 1);
  assert.equal(contents(log), [[1, 'user-2', 'x']]);
});

test('gzip batches are read and rewritten uncompressed; the dirty ratio counts bytes since the last pass', () => {
  const { log, put, pass } = setup();
  const recs = encodeBatch([
    { key: Buffer.from('k'), value: Buffer.from('old') },
    { key: Buffer.from('j'), value: Buffer.from('keep') },
  ]);
  const gz = Buffer.concat([recs.subarray(0, 61), gzipSync(recs.subarray(61))]);
  gz.writeInt32BE(gz.length - 12, 8);
  gz.writeInt16BE(1, 21);
  gz.writeUInt32BE(crc32c(gz.subarray(21)), 17);
  log.append(gz, parseBatchHeader(gz), 0);
  put([['k', 'new']]);
  assert.is(dirtyRatio(log), 1);
  pass();
  assert.is(dirtyRatio(log), 0);
  assert.equal(contents(log), [
    [1, 'j', 'keep'],
    [2, 'k', 'new'],
  ]);
  assert.is(log.batchesBelow(Infinity).next().value!.batch.readInt16BE(21) & 7, 0);
  put([['k', 'newer']]);
  assert.ok(dirtyRatio(log) > 0 && dirtyRatio(log) < 1);
});

/** a batch of these records with its records section compressed by lz4 (Kafka's codec 3: an LZ4 frame) */
function lz4Batch(records: SimpleRecord[]): Buffer {
  const recs = encodeBatch(records);
  const b = Buffer.concat([recs.subarray(0, 61), compressFrameSync(recs.subarray(61))]);
  b.writeInt32BE(b.length - 12, 8);
  b.writeInt16BE(3, 21);
  b.writeUInt32BE(crc32c(b.subarray(21)), 17);
  return b;
}

test('lz4 batches are read and rewritten uncompressed (a processor changelog written with lz4 is compacted)', () => {
  const { log, put, pass } = setup();
  const b = lz4Batch([
    { key: Buffer.from('w|1|u1'), value: Buffer.from('{"count":1}') },
    { key: Buffer.from('meta'), value: Buffer.from('{"offset":1}') },
    { key: Buffer.from('d|0'), value: Buffer.from('["t1"]') },
  ]);
  log.append(b, parseBatchHeader(b), 0);
  const c = lz4Batch([{ key: Buffer.from('w|1|u1'), value: null }]);
  log.append(c, parseBatchHeader(c), 0);
  put([['meta', '{"offset":2}']]);
  assert.is(pass().recordsRemoved, 2);
  assert.equal(contents(log), [
    [2, 'd|0', '["t1"]'],
    [3, 'w|1|u1', null],
    [4, 'meta', '{"offset":2}'],
  ]);
  const codecs = [...log.batchesBelow(Infinity)].map(({ batch }) => batch.readInt16BE(21) & 7);
  assert.equal(codecs, [0, 3, 0], 'the rewritten batch is stored uncompressed; the one kept whole stays lz4');
});

test('a compacted log holds about its own bytes: surviving batches move out of the arena chunks they pinned', () => {
  const { log, put, pass } = setup();
  const value = 'v'.repeat(200);
  // 2,000 batches rewriting the same 20 keys: ~0.5 MB appended into the segment's chunks
  for (let i = 0; i < 2000; i++) put([[`k${i % 20}`, `${i}${value}`]]);
  const before = held(log);
  assert.ok(before > 400_000, `appended ${before} B`);
  pass();
  assert.is(log.batchCount, 20);
  const after = held(log);
  // the 20 batches left take ~5 KB; their chunks were up to 256 KiB each before they were repacked
  assert.ok(after <= Math.max(16 * 1024, 2 * log.bytes), `the log holds ${after} B for ${log.bytes} B of batches`);
  put([['k0', 'next']]);
  assert.equal(contents(log).at(-1), [2000, 'k0', 'next'], 'appends go on after a repack');
});

/** bytes of the distinct buffers (arena chunks, pool slabs) the log's batches keep alive */
function held(log: PartitionLog): number {
  const seen = new Set<ArrayBufferLike>();
  let n = 0;
  for (const { batch } of log.batchesBelow(Infinity)) {
    if (seen.has(batch.buffer)) continue;
    seen.add(batch.buffer);
    n += batch.buffer.byteLength;
  }
  return n;
}

test('configs: cleanup.policy, delete.retention.ms and min.cleanable.dirty.ratio are checked', async () => {
  const broker = await startBroker({ retentionCheckMs: 0 });
  try {
    broker.createTopic('ok', { configs: { 'cleanup.policy': 'compact,delete', 'min.cleanable.dirty.ratio': '0.1' } });
    for (const [k, v] of [
      ['cleanup.policy', 'shred'],
      ['delete.retention.ms', '-5'],
      ['min.cleanable.dirty.ratio', '2'],
    ] as const) {
      const err = (() => {
        try {
          broker.createTopic(`bad-${k}`, { configs: { [k]: v } });
        } catch (e) {
          return e as { errorCode: number; message: string };
        }
      })();
      assert.is(err?.errorCode, 40, `${k}=${v}`);
      assert.match(err!.message, k);
    }
  } finally {
    await broker.close();
  }
});

test('kafkajs: CreateTopics with compact, DescribeConfigs shows it, a compacted topic reads back', async () => {
  let now = Date.now();
  const broker = await startBroker({ retentionCheckMs: 0, now: () => now });
  const kafka = new Kafka({ brokers: broker.bootstrap, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: 'compacted', maxWaitTimeInMs: 100 });
  try {
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic: 'table', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
    });
    const cfg = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: 'table' }] });
    const entries = Object.fromEntries(cfg.resources[0]!.configEntries.map((e) => [e.configName, e]));
    assert.is(entries['cleanup.policy']!.configValue, 'compact');
    assert.is(entries['cleanup.policy']!.isDefault, false);
    assert.is(entries['delete.retention.ms']!.configValue, '86400000');
    assert.is(entries['min.cleanable.dirty.ratio']!.configValue, '0.5');
    await producer.connect();
    for (let round = 0; round < 5; round++)
      await producer.send({
        topic: 'table',
        messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${round}` })),
      });
    await producer.send({ topic: 'table', messages: [{ key: 'k0', value: null }] });
    const c = clusterOf(broker);
    const res = broker.compact();
    assert.is(res.recordsRemoved, 81);
    assert.is(c.topics.get('table')!.partitions[0]!.log.hwm, 101);
    now += 86_400_000;
    assert.is(compactTopics(c.topics.all(), now).partitions, 0, 'nothing dirty: the periodic pass skips it');
    assert.is(broker.compact().tombstonesRemoved, 1);
    await consumer.connect();
    await consumer.subscribe({ topic: 'table', fromBeginning: true });
    const seen = new Map<string, { value: string; offset: string }>();
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out with ${seen.size} keys`)), 15_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.set(String(message.key), { value: String(message.value), offset: message.offset });
          if (seen.size === 19) {
            clearTimeout(t);
            resolve();
          }
        },
      });
    });
    assert.not.ok(seen.has('k0'));
    assert.equal(seen.get('k1'), { value: 'v4', offset: '81' });
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await admin.disconnect();
    await broker.close();
  }
});

test.run();
