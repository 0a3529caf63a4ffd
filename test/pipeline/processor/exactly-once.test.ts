/**
 * guarantee 'exactly-once' through the embedded broker's transactions with real kafkajs clients:
 * a processor killed mid-chunk loses nothing and a read_committed consumer of its outputs sees no
 * duplicate (the same kill under at-least-once shows duplicates: processor/index.test.ts); the
 * group offsets advance only with committed transactions. The model is a stub scorer.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventLedger } from '../../../harness/targets/pipeline/accounting.ts';
import { header, PIPELINE_HEADERS as H } from '../../../pipeline/processor/index.ts';
import { TOPICS } from '../../../pipeline/topics.ts';
import { killScene } from '../../helpers/kill-scene.ts';
import { seededTransactions, sendTransactions, until } from '../../helpers/processor.ts';

test('exactly-once: a processor killed mid-chunk; read_committed downstream sees every event once', async () => {
  // the victim dies while scoring its third chunk, before that chunk's transaction commits
  const { broker, victim, killed, survivor, watcher, producer, close } = await killScene({
    crashAt: 3,
    watchGroup: 'eos-watch',
    processor: { guarantee: 'exactly-once' },
  });
  const ledger = new EventLedger();
  let results = 0;
  const N = 1200;
  try {
    await victim.start();
    await watcher.connect();
    await watcher.subscribe({ topics: [TOPICS.fraudDecisions, TOPICS.deadLetter], fromBeginning: true });
    await watcher.run({
      eachMessage: async ({ topic, message }) => {
        results++;
        const id = header(message.headers, H.eventId) as string;
        if (topic === TOPICS.deadLetter) ledger.deadLettered(id, header(message.headers, H.reason) ?? '?');
        else ledger.decided(id, 'model', 'stub');
      },
    });
    await producer.connect();
    const txs = seededTransactions(N);
    for (const t of txs) ledger.produced(t.id, false);
    await sendTransactions(producer, txs);
    await until(killed);
    await survivor.start();
    await until(() => ledger.outstanding === 0);
    const acc = ledger.finish(0);
    assert.ok(killed(), 'the victim was killed');
    assert.is(acc.missing, 0, `missing: ${acc.missingSample.join(',')}`);
    assert.is(acc.duplicates, 0, 'read_committed sees each result once');
    assert.is(acc.decided + acc.deadLettered, N);
    assert.is(results, N);
    const lag = broker.lag('pipelab-processor');
    assert.is(lag.total, 0, 'the transactions committed every consumed offset');
    assert.ok(survivor.stats().records > 0);
  } finally {
    await close();
  }
});

test.run();
