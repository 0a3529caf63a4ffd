/**
 * The results observer (kafkajs) commits its read offsets paced, not after every batch: kafkajs's autoCommit
 * commits after each batch and awaits the round trip, and a fetch's next one waits for all its batches, so on a
 * busy event loop the observer read a dozen round trips apart. Counted at the embedded broker (OffsetCommit
 * requests against batches read); every result is still read and the group's offsets end committed.
 */
import kafkajs from 'kafkajs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startBroker } from '../../../broker/index.ts';
import { CommitPacer, openResultsConsumer } from '../../../harness/targets/pipeline/observer.ts';
import { ensureTopics, TOPICS } from '../../../pipeline/topics.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('CommitPacer: each partition first at once, then all together at most every interval', () => {
  let t = 0;
  const p = new CommitPacer(500, () => t);
  assert.ok(p.due('a/0'), "a partition's first batch");
  assert.ok(p.due('a/1'), "another partition's first batch");
  t = 100;
  assert.not.ok(p.due('a/0'));
  assert.not.ok(p.due('a/1'));
  t = 499;
  assert.not.ok(p.due('a/1'));
  t = 600;
  assert.ok(p.due('a/1'), 'the interval passed since the last commit');
  assert.not.ok(p.due('a/0'), 'the commit of a/1 carried a/0 too');
  assert.ok(p.due('b/0'), 'a new partition commits at once, whenever the last commit was');
});

test('the kafkajs observer reads every result with a commit a partition and interval, not one a batch', async () => {
  const broker = await startBroker({ minSessionTimeoutMs: 100 });
  try {
    const kafka = new kafkajs.Kafka({ brokers: broker.bootstrap, logLevel: kafkajs.logLevel.NOTHING });
    await ensureTopics(kafka, { partitions: 2 });
    const producer = kafka.producer();
    await producer.connect();
    let read = 0;
    let batches = 0;
    const parts = new Set<number>();
    const c = await openResultsConsumer({ brokers: broker.bootstrap, embedded: true }, (b) => {
      batches++;
      read += b.messages.length;
      parts.add(b.partition);
    });
    const commits0 = broker.stats().requests.OffsetCommit ?? 0;
    const t0 = performance.now();
    const sends = 40;
    for (let i = 0; i < sends; i++) {
      // one record at a time, each read in a batch of its own
      await producer.send({
        topic: TOPICS.fraudDecisions,
        messages: [{ key: `u${i}`, value: '{}', partition: i % 2 }],
      });
      for (let w = 0; w < 100 && read <= i; w++) await sleep(5);
    }
    const elapsed = performance.now() - t0;
    const commits = (broker.stats().requests.OffsetCommit ?? 0) - commits0;
    await c.stop();
    await producer.disconnect();
    assert.is(read, sends, 'every result read');
    assert.ok(batches >= sends / 2, `batches of their own (${batches})`);
    // autoCommit's one a batch: `batches` commits; paced: a partition's first, then one per 500 ms at most
    const bound = parts.size + Math.ceil(elapsed / 500) + 1;
    assert.ok(commits <= bound, `${commits} OffsetCommit requests for ${batches} batches in ${elapsed} ms`);
    assert.ok(commits >= parts.size, 'each partition committed');
  } finally {
    await broker.close();
  }
});

test.run();
