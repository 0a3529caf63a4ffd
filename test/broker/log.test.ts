/** The partition log on a virtual clock: offsets, reads by offset and time, retention, segments. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PartitionLog, type LogConfig } from '../../broker/log.ts';
import { encodeBatch, parseBatchHeader, baseOffsetOf } from '../../broker/protocol/record-batch.ts';

const DAY = 86_400_000;
const cfg = (o: Partial<LogConfig> = {}): LogConfig => ({
  retentionMs: 7 * DAY,
  retentionBytes: -1,
  segmentMs: 7 * DAY,
  segmentBytes: 1 << 30,
  maxMessageBytes: 1 << 20,
  ...o,
});

function setup(o: Partial<LogConfig> = {}) {
  let now = 1_000_000;
  const log = new PartitionLog(cfg(o), () => now);
  const append = (n: number, ts = now) => {
    const b = encodeBatch(Array.from({ length: n }, (_, i) => ({ value: Buffer.from(`v${i}`), timestamp: ts + i })));
    return log.append(b, parseBatchHeader(b), 0);
  };
  return {
    log,
    append,
    tick: (ms: number) => {
      now += ms;
    },
    now: () => now,
  };
}

test('appends get consecutive base offsets and move the high-water mark', () => {
  const { log, append } = setup();
  assert.is(append(3), 0);
  assert.is(append(2), 3);
  assert.is(log.hwm, 5);
  assert.is(log.batchCount, 2);
});

test('stored batches keep only their own bytes alive, not the shared pool slabs of short-lived buffers', () => {
  const { log, append } = setup();
  let data = 0;
  for (let i = 0; i < 500; i++) {
    // what a busy process does between appends: small Buffers from Node's shared 8 KiB pool
    Buffer.allocUnsafe(3000).fill(i);
    append(2);
  }
  const backing = new Set<ArrayBufferLike>();
  for (const b of log.read(0, 1 << 30).batches) {
    backing.add(b.buffer);
    data += b.length;
  }
  let held = 0;
  for (const ab of backing) held += ab.byteLength;
  // every byte the log holds alive is log data, give or take its chunks' unused tails
  assert.ok(held < data * 2 + 256 * 1024, `${held} bytes held for ${data} bytes of batches`);
});

test('read returns whole batches starting with the one containing the offset', () => {
  const { log, append } = setup();
  append(3);
  append(2);
  append(4);
  const r = log.read(4, 1 << 20);
  assert.equal(r.batches.map(baseOffsetOf), [3, 5]);
  assert.equal(log.read(9, 1 << 20).batches, []);
});

test('read stops at max bytes but always returns the first batch', () => {
  const { log, append } = setup();
  append(3);
  append(3);
  assert.is(log.read(0, 1).batches.length, 1);
});

test('offsetForTimestamp finds the first record at or after the time', () => {
  const { log, append, now } = setup();
  append(3, now()); // ts now, now+1, now+2 at offsets 0..2
  append(3, now() + 100); // offsets 3..5
  assert.equal(log.offsetForTimestamp(now() + 1), { offset: 1, timestamp: now() + 1 });
  assert.equal(log.offsetForTimestamp(now() + 50)?.offset, 3);
  assert.is(log.offsetForTimestamp(now() + 1000), undefined);
});

test('retention.ms drops segments whose newest record is older than the limit', () => {
  const { log, append, tick } = setup({ retentionMs: 1000, segmentMs: 100 });
  append(2);
  tick(200);
  append(2);
  tick(900);
  // the first segment's newest record is now 1100 ms old, the second's 900 ms
  log.enforceRetention();
  assert.is(log.logStart, 2);
  assert.is(log.hwm, 4);
  tick(200);
  log.enforceRetention();
  assert.is(log.logStart, 4);
  assert.is(log.bytes, 0);
  assert.equal(log.read(2, 1 << 20).batches, []);
});

test('a batch without timestamps (-1) is aged from its append, not dropped at once', () => {
  const { log, append, tick } = setup({ retentionMs: 1000, segmentMs: 100 });
  append(1, -1);
  log.enforceRetention();
  assert.is(log.logStart, 0);
  tick(1100);
  append(1);
  log.enforceRetention();
  assert.is(log.logStart, 1);
});

test('retention.bytes drops the oldest closed segments and keeps the active one', () => {
  const { log, append } = setup({ retentionBytes: 1, segmentBytes: 1 });
  append(1);
  append(1);
  append(1);
  assert.is(log.logStart, 2);
  assert.is(log.batchCount, 1);
});

test('segment.ms rolls a new segment; a young segment is not dropped by time', () => {
  const { log, append, tick } = setup({ retentionMs: 1000, segmentMs: 10_000 });
  append(1);
  tick(500);
  append(1);
  log.enforceRetention();
  assert.is(log.logStart, 0);
});

test('a listener hears every append until it stops listening, and appended counts their bytes', () => {
  const { log, append } = setup();
  let heard = 0;
  const stop = log.listen(() => {
    heard++;
  });
  append(1);
  append(1);
  assert.is(heard, 2);
  const bytes = log.appended;
  assert.ok(bytes > 0);
  stop();
  append(1);
  assert.is(heard, 2);
  assert.ok(log.appended > bytes);
});

test.run();
