/**
 * Record headers the pipeline carries from the producer to the output topics, so a scenario can
 * measure end to end and per stage without a side channel. Times are epoch ms (floats with
 * sub-ms precision: performance.timeOrigin + performance.now()).
 */
import type { IHeaders } from 'kafkajs';

export const H = {
  /** event id (every produced record, malformed ones too) */
  eventId: 'pipelab-event-id',
  /** when the event was meant to be sent (the scenario's intended start) */
  sentMs: 'pipelab-sent-ms',
  /** when the processor started on the record's batch */
  receivedMs: 'pipelab-received-ms',
  /** feature lookup + update time of the record's chunk (ms) */
  featuresMs: 'pipelab-features-ms',
  /** inference time of the record's chunk (ms) */
  inferenceMs: 'pipelab-inference-ms',
  /** when the processor handed the result to its producer */
  sinkMs: 'pipelab-sink-ms',
  /** dead-letter: why (malformed-json, schema, empty, late) and details */
  reason: 'pipelab-dlq-reason',
  detail: 'pipelab-dlq-detail',
  sourceTopic: 'pipelab-source-topic',
  sourcePartition: 'pipelab-source-partition',
  sourceOffset: 'pipelab-source-offset',
  /** dead-letter: the input's size in bytes when its value was cut to DLQ_VALUE_MAX */
  truncated: 'pipelab-dlq-truncated',
  /** processor instance that wrote the result */
  processor: 'pipelab-processor',
} as const;

export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

export function header(h: IHeaders | undefined, name: string): string | undefined {
  const v = h?.[name];
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.length ? String(v[0]) : undefined;
  return Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
}

export function numHeader(h: IHeaders | undefined, name: string): number | undefined {
  const s = header(h, name);
  if (s === undefined) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}
