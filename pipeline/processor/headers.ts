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

/** a header's value as it came (the first of a repeated one), not decoded */
function first(h: IHeaders | undefined, name: string): unknown {
  const v = h?.[name];
  if (v === undefined || v === null) return undefined;
  return Array.isArray(v) ? v[0] : v;
}

export function header(h: IHeaders | undefined, name: string): string | undefined {
  const v = first(h, name);
  if (v === undefined) return undefined;
  return Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
}

const MAX_EXACT = Number.MAX_SAFE_INTEGER;
/**
 * The ASCII decimal in b[from, to) (`-`? digits, then `.` digits or nothing), exactly as Number() reads its text:
 * all its digits as one integer below 2^53, divided once by the power of ten of the fraction (the division is
 * correctly rounded, so the result is the double nearest the decimal, as Number's). NaN for anything else (an
 * exponent, spaces, too many digits, an empty part): the caller then reads the text. No string is made.
 */
export function decimalAt(b: Buffer, from: number, to: number): number {
  let i = from;
  const neg = i < to && b[i] === 45;
  if (neg) i++;
  let n = 0;
  let digits = 0;
  let scale = 1;
  let dot = false;
  for (; i < to; i++) {
    const c = b[i] as number;
    if (c === 46 && !dot && digits > 0) {
      dot = true;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9 || n > (MAX_EXACT - 9) / 10) return Number.NaN;
    n = n * 10 + d;
    digits++;
    if (dot) scale *= 10;
  }
  if (digits === 0 || (dot && scale === 1)) return Number.NaN;
  const x = n / scale;
  return neg ? -x : x;
}

export function numHeader(h: IHeaders | undefined, name: string): number | undefined {
  const v = first(h, name);
  if (v === undefined) return undefined;
  if (Buffer.isBuffer(v)) {
    const x = decimalAt(v, 0, v.length);
    if (!Number.isNaN(x)) return x; // read from the bytes
  }
  const n = Number(Buffer.isBuffer(v) ? v.toString('utf8') : String(v));
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
  const v = first(h, H.stageMs);
  if (v === undefined) return undefined;
  if (Buffer.isBuffer(v)) {
    const t = stageBytes(v);
    if (t) return t;
  }
  return stageText(Buffer.isBuffer(v) ? v.toString('utf8') : String(v));
}

/** the common case read from the header's bytes (every part a plain decimal); undefined: read the text instead */
function stageBytes(b: Buffer): StageTimes | undefined {
  const x = [0, 0, 0, 0, 0];
  let parts = 0;
  let from = 0;
  for (let i = 0; i <= b.length; i++) {
    if (i < b.length && b[i] !== 44) continue;
    if (parts === 5) return undefined;
    const n = decimalAt(b, from, i);
    if (Number.isNaN(n)) return undefined;
    x[parts++] = n;
    from = i + 1;
  }
  if (parts < 4) return undefined;
  const t: StageTimes = {
    receivedMs: x[0] as number,
    featuresMs: x[1] as number,
    inferenceMs: x[2] as number,
    sinkMs: x[3] as number,
  };
  if (parts === 5) {
    const n = x[4] as number;
    if (!(Number.isInteger(n) && n >= 1)) return undefined;
    t.records = n;
  }
  return t;
}

function stageText(s: string): StageTimes | undefined {
  const parts = s.split(',');
  if ((parts.length !== 4 && parts.length !== 5) || parts.includes('')) return undefined;
  const [r, f, i, k, n] = parts.map(Number) as [number, number, number, number, number | undefined];
  if (!(Number.isFinite(r) && Number.isFinite(f) && Number.isFinite(i) && Number.isFinite(k))) return undefined;
  if (n !== undefined && !(Number.isInteger(n) && n >= 1)) return undefined;
  return { receivedMs: r, featuresMs: f, inferenceMs: i, sinkMs: k, ...(n !== undefined ? { records: n } : {}) };
}
