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
  /**
   * a decision's stage times, one header for the four (stageValue): when the processor started on the
   * record's chunk (epoch ms), the chunk's feature lookup + update time (ms), its inference time (ms), and
   * when the processor handed the result to its producer (epoch ms), comma-separated; then the chunk's
   * size (the records scored together), so a run can fit chunk time on size within itself
   */
  stageMs: 'pipelab-stage-ms',
  /** dead letter: when the processor started on the record's chunk */
  receivedMs: 'pipelab-received-ms',
  /** dead letter: when the processor handed it to its producer */
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

/** a decision's stage times as its H.stageMs header carries them */
export interface StageTimes {
  receivedMs: number;
  featuresMs: number;
  inferenceMs: number;
  sinkMs: number;
  /** the chunk's size: records scored together (absent in headers written before it was carried) */
  records?: number;
}

export function stageValue(received: number, t: Omit<StageTimes, 'receivedMs'>): string {
  const v = `${received.toFixed(3)},${t.featuresMs.toFixed(3)},${t.inferenceMs.toFixed(3)},${t.sinkMs.toFixed(3)}`;
  return t.records === undefined ? v : `${v},${t.records}`;
}

/** the H.stageMs header read back; undefined when it is missing or not four (or five: the size) finite numbers */
export function stageTimes(h: IHeaders | undefined): StageTimes | undefined {
  const s = header(h, H.stageMs);
  if (s === undefined) return undefined;
  const parts = s.split(',');
  if ((parts.length !== 4 && parts.length !== 5) || parts.includes('')) return undefined;
  const [r, f, i, k, n] = parts.map(Number) as [number, number, number, number, number | undefined];
  if (!(Number.isFinite(r) && Number.isFinite(f) && Number.isFinite(i) && Number.isFinite(k))) return undefined;
  if (n !== undefined && !(Number.isInteger(n) && n >= 1)) return undefined;
  return { receivedMs: r, featuresMs: f, inferenceMs: i, sinkMs: k, ...(n !== undefined ? { records: n } : {}) };
}
