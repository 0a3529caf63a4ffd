/**
 * A processor's window state that went stale while its group session lapsed (a commit hung on a
 * dead transaction coordinator, the group gave its partitions to another processor, which
 * processed on and committed, and the first came back as a new member): under exactly-once the
 * windows still open close at the stop in a transaction per partition, so the stale state cannot
 * emit its counts; it is dropped and restored from the changelog the other processor wrote.
 * The eos-proof leader-kill scenario found both: windows over their truth (the stale state's
 * aggregates beside the other's) and under it (the other's events in no aggregate). The pieces
 * are driven by hand on the embedded broker with real kafkajs clients: ProcessorState and
 * TransactionalSink as the processor uses them, two "processors" of one group. Counts only.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import kafkajs, { type Kafka } from 'kafkajs';
import { startBroker } from '../../../broker/index.ts';
import { TransactionalSink } from '../../../pipeline/processor/exactly-once.ts';
import { closeWindows } from '../../../pipeline/processor/state/end.ts';
import { ProcessorState } from '../../../pipeline/processor/state/store.ts';
import { ensureTopics, TOPICS } from '../../../pipeline/topics.ts';
import { readAll } from '../../helpers/processor.ts';

const { Kafka: KafkaClient, logLevel } = kafkajs;
const T = TOPICS.transactions;
const GROUP = 'stale-g';
const AT = Date.UTC(2026, 11, 4, 12, 0, 10);

async function processor(kafka: Kafka) {
  const state = new ProcessorState(kafka, { groupId: GROUP, guarantee: 'exactly-once' });
  const admin = kafka.admin();
  await admin.connect();
  await state.start(admin, [T]);
  await admin.disconnect();
  const sink = new TransactionalSink(kafka, GROUP, 'none');
  /** what processChunk does for `n` events of user u1 ending before `next`: count them and commit */
  const consume = async (n: number, next: number) => {
    if (!state.get(T, 0)) await sink.fresh(T, 0, []);
    const { s } = await state.ready(T, 0);
    for (let i = 0; i < n; i++) s.windows.add('u1', AT + i, 10, false);
    state.due(s, next);
    await sink.commit(T, 0, [state.checkpoint(T, 0, s, next)!], next);
  };
  const close = () => closeWindows(state, 'test', { eos: sink, send: async () => {} });
  return { state, sink, consume, close };
}

/** the counts of u1's aggregates on processed-events, read_committed, once `records` arrived */
async function aggregates(kafka: Kafka, records: number): Promise<number[]> {
  const got = await readAll(kafka, [TOPICS.processedEvents], (r) => r.length >= records);
  await new Promise((r) => setTimeout(r, 200));
  const again = await readAll(kafka, [TOPICS.processedEvents], (r) => r.length >= got.length);
  return again.map(({ m }) => (JSON.parse(m.value!.toString()) as { count: number }).count);
}

async function withBroker(fn: (kafka: Kafka) => Promise<void>): Promise<void> {
  const broker = await startBroker();
  const kafka = new KafkaClient({ brokers: broker.bootstrap, logLevel: logLevel.NOTHING });
  try {
    await ensureTopics(kafka, { partitions: 1 });
    await fn(kafka);
  } finally {
    await broker.close();
  }
}

test('exactly-once stop: a state gone stale (its producer fenced by the next owner) is restored, not flushed', () =>
  withBroker(async (kafka) => {
    const a = await processor(kafka);
    const b = await processor(kafka);
    try {
      await a.consume(2, 2);
      // b takes the partition over: it fences a, restores a's 2 and counts 3 more
      await b.consume(3, 5);
      assert.is(b.state.get(T, 0)?.windows.openWindows(), 1);
      // a still holds its state of 2 events: closing it must not write that count
      assert.is(await a.close(), 1, 'one window closed, from the restored state');
      assert.is(a.state.counts.restores, 2, 'restored again after the fenced transaction');
      assert.is(a.state.counts.unclosed, 0);
      assert.equal(await aggregates(kafka, 1), [5]);
    } finally {
      await a.sink.close();
      await b.sink.close();
    }
  }));

test('a new member id drops every state held; the partitions last assigned still close at the stop', () =>
  withBroker(async (kafka) => {
    const a = await processor(kafka);
    const b = await processor(kafka);
    try {
      a.state.assigned({ [T]: [0] }, 'member-1');
      await a.consume(4, 4);
      a.state.assigned({ [T]: [0] }, 'member-1');
      assert.ok(a.state.get(T, 0), 'the same member keeps the state of a partition it keeps');
      await b.consume(1, 5);
      // a's session lapsed: it joins again under a new id, with the same partition
      a.state.assigned({ [T]: [0] }, 'member-2');
      assert.is(a.state.get(T, 0), undefined, 'a new member id drops the state');
      assert.equal(a.state.owned(), [[T, 0]]);
      // no batch came since: the stop restores the partition to close its window
      assert.is(await a.close(), 1);
      assert.equal(await aggregates(kafka, 1), [5]);
      // and a second close finds nothing open (the changelog holds the window's tombstone)
      const c = await processor(kafka);
      c.state.assigned({ [T]: [0] }, 'member-3');
      assert.is(await c.close(), 0);
      await c.sink.close();
      assert.equal(await aggregates(kafka, 1), [5]);
    } finally {
      await a.sink.close();
      await b.sink.close();
    }
  }));

test.run();
