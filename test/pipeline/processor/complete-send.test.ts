/**
 * CompleteSender: what kafkajs 2.2.4 leaves out of a send's answer (a partition whose leader moved
 * to a broker that already answered) is sent again; a complete answer sends nothing twice. The
 * producer here plays kafkajs's part exactly as sendMessages.js does it: it asks the partitioner
 * for every message of every attempt and answers per partition.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Producer, ProducerBatch } from 'kafkajs';
import { CompleteSender } from '../../../pipeline/processor/complete-send.ts';

function producer(sender: CompleteSender, dropFirst: number | undefined) {
  const partition = sender.partitioner();
  const written: string[] = [];
  let calls = 0;
  const p = {
    async sendBatch(b: ProducerBatch) {
      calls++;
      const out: Array<{ topicName: string; partition: number; errorCode: number }> = [];
      for (const tm of b.topicMessages ?? [])
        for (const m of tm.messages) {
          const at = partition({
            topic: tm.topic,
            partitionMetadata: [0, 1, 2].map((i) => ({
              partitionId: i,
              leader: i,
              replicas: [i],
              isr: [i],
              partitionErrorCode: 0,
            })),
            message: m,
          });
          if (calls === 1 && at === dropFirst) continue; // the leader moved: kafkajs never sends it, answers without it
          written.push(String(m.value));
          if (!out.some((o) => o.topicName === tm.topic && o.partition === at))
            out.push({ topicName: tm.topic, partition: at, errorCode: 0 });
        }
      return out;
    },
  };
  return { p: p as unknown as Producer, written, calls: () => calls };
}

const batch = () => ({
  acks: -1,
  topicMessages: [
    { topic: 'decisions', messages: Array.from({ length: 30 }, (_, i) => ({ key: `u${i}`, value: `e${i}` })) },
  ],
});

test('a partition left out of the answer is sent again: every message written, once', async () => {
  const sender = new CompleteSender();
  const { p, written, calls } = producer(sender, 1);
  await sender.send(p, batch());
  assert.is(calls(), 2);
  assert.is(sender.resends, 1);
  assert.equal(
    [...written].sort(),
    batch()
      .topicMessages[0]!.messages.map((m) => m.value)
      .sort(),
  );
});

test('a complete answer: one send, no resend', async () => {
  const sender = new CompleteSender();
  const { p, written, calls } = producer(sender, undefined);
  await sender.send(p, batch());
  assert.is(calls(), 1);
  assert.is(sender.resends, 0);
  assert.is(written.length, 30);
});

test.run();
