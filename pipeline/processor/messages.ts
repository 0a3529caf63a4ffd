/**
 * The records a processor writes: decisions (fraud-decisions), dead letters with the reason and
 * the source position in headers (dead-letter), window aggregates (processed-events). Every one
 * carries the event id, the receive time and the processor id, and the producer's send time
 * when the input had one, so the results consumer can measure each stage.
 */
import type { KafkaMessage, Message } from 'kafkajs';
import type { Transaction } from '../../generators/transactions.ts';
import type { Prediction } from '../model-server/server.ts';
import { epochNow, H, header } from './headers.ts';
import type { WindowAggregate } from './windows.ts';

function carryHeaders(
  processorId: string,
  msg: KafkaMessage,
  id: string,
  received: number,
  extra: Record<string, string>,
): Record<string, string> {
  const h: Record<string, string> = {
    [H.eventId]: id,
    [H.receivedMs]: received.toFixed(3),
    [H.processor]: processorId,
    ...extra,
  };
  const sent = header(msg.headers, H.sentMs);
  if (sent !== undefined) h[H.sentMs] = sent;
  return h;
}

/** where a record came from and why it was not decided */
export interface DeadLetterOrigin {
  topic: string;
  partition: number;
  msg: KafkaMessage;
  id: string;
  received: number;
}

export function deadLetterMessage(processorId: string, o: DeadLetterOrigin, reason: string, detail: string): Message {
  return {
    key: o.msg.key,
    value: o.msg.value,
    headers: carryHeaders(processorId, o.msg, o.id, o.received, {
      [H.reason]: reason,
      [H.detail]: detail.slice(0, 500),
      [H.sourceTopic]: o.topic,
      [H.sourcePartition]: String(o.partition),
      [H.sourceOffset]: o.msg.offset,
      [H.sinkMs]: epochNow().toFixed(3),
    }),
  };
}

/** stage timings of the chunk a decision belongs to, ms (sinkMs: epoch ms when it was handed to the producer) */
export interface ChunkTimings {
  featuresMs: number;
  inferenceMs: number;
  sinkMs: number;
}

export function decisionMessage(
  processorId: string,
  x: { tx: Transaction; msg: KafkaMessage; id: string },
  pred: Prediction,
  received: number,
  t: ChunkTimings,
): Message {
  return {
    key: x.tx.userId,
    value: JSON.stringify({
      eventId: x.id,
      userId: x.tx.userId,
      amount: x.tx.amount,
      eventTime: x.tx.eventTime,
      score: pred.score,
      fraud: pred.fraud,
      threshold: pred.threshold,
      source: pred.source,
      modelVersion: pred.modelVersion,
    }),
    headers: carryHeaders(processorId, x.msg, x.id, received, {
      [H.featuresMs]: t.featuresMs.toFixed(3),
      [H.inferenceMs]: t.inferenceMs.toFixed(3),
      [H.sinkMs]: t.sinkMs.toFixed(3),
    }),
  };
}

export function aggregateMessage(processorId: string, a: WindowAggregate): Message {
  return { key: a.userId, value: JSON.stringify(a), headers: { [H.processor]: processorId } };
}
