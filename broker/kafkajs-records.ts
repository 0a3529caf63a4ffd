/**
 * kafkajs's record decoder (kafkajs/src/protocol/recordBatch/record/v0/decoder.js), the one module of its fetch path
 * that runs once per record, made cheaper with the same output. kafkajs 2.2.4 reads a record's timestamp delta as a
 * varlong built from a BigInt per byte, parses the batch's first offset and first timestamp from their strings into
 * BigInts for every record, and builds the headers object with one object spread per header (a decision carries six:
 * 21 property copies and six objects a record). At 12,500 events/s its consumers (the processors' transactions, the
 * results observer's decisions) decode ~25,000 records a second on the pipeline's busy thread.
 *
 * Here the same record object comes out (the same properties in the same order, the same strings and Buffer views,
 * the same header object with repeated names as arrays), reading the bytes directly: numbers in doubles while they
 * are exact (a delta of at most 7 varint bytes, offsets and timestamps within 2^53), kafkajs's own Long otherwise;
 * each header set once. test/broker/kafkajs-records.test.ts compares both on generated and odd records.
 *
 * installed by registerKafkajsCodecs() (broker/codecs.ts), which pipelines call before their first consumer: kafkajs
 * loads its record batch decoder, which binds the record decoder, with its first Fetch response, so the decoder is
 * put in place of the module's export in Node's module cache before that, for every kafkajs client of the process.
 * A process whose kafkajs already fetched, or another kafkajs version than the one pinned, keeps kafkajs's own (the
 * same records, slower; one NOTICE line on stderr), and PIPELAB_KAFKAJS_DECODER=kafkajs keeps it on purpose.
 */
import { createRequire } from 'node:module';
import { PipelabError } from '../errors.ts';

const require = createRequire(import.meta.url);

/** kafkajs's Decoder, as far as it is used here */
interface KafkajsDecoder {
  buffer: Buffer;
  offset: number;
}

/** what kafkajs's record batch decoder hands each record (strings: Int64s as decimal text) */
interface BatchContext {
  firstOffset: string;
  firstTimestamp: string;
  magicByte: number;
  isControlBatch?: boolean;
  timestampType: number;
  maxTimestamp: string;
}

type HeaderValue = Buffer | null;
type Headers = Record<string, HeaderValue | HeaderValue[]>;

/** a record as kafkajs's decoder returns it */
export interface KafkajsRecord {
  magicByte: number;
  attributes: number;
  timestamp: string;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Headers;
  isControlRecord: boolean;
  batchContext: BatchContext;
}

type RecordDecoder = (decoder: KafkajsDecoder, batchContext?: BatchContext) => KafkajsRecord;

const RECORD_DECODER = 'kafkajs/src/protocol/recordBatch/record/v0/decoder.js';
const BATCH_DECODER = 'kafkajs/src/protocol/recordBatch/v0/decoder.js';
const kafkajsDecoder = require('kafkajs/src/protocol/decoder.js') as new (b: Buffer) => KafkajsDecoder;
const LOG_APPEND_TIME = (require('kafkajs/src/protocol/timestampTypes.js') as { LOG_APPEND_TIME: number })
  .LOG_APPEND_TIME;
/** kafkajs's own, for the values a double does not hold exactly */
const original = require(RECORD_DECODER) as RecordDecoder;

/** the last first-offset / first-timestamp text and its number (a batch's records share them) */
let offsetText: string | undefined;
let offsetNumber = 0;
let timeText: string | undefined;
let timeNumber = 0;

/** an Int64's decimal text as a number, NaN unless it is the number's own text (kafkajs writes them so) */
function numberOf(text: string): number {
  const n = Number(text);
  return String(n) === text ? n : Number.NaN;
}

/** not exact in doubles: kafkajs's decoder reads the record again from its start */
class Inexact extends Error {}
const INEXACT = new Inexact();

/**
 * one record, as kafkajs's decoder: `decoder` positioned at its attributes (the length already read), the batch's
 * context. Falls back to kafkajs's own for a value a double does not hold exactly.
 */
export function decodeKafkajsRecord(decoder: KafkajsDecoder, batchContext = {} as BatchContext): KafkajsRecord {
  const start = decoder.offset;
  try {
    return decodeExact(decoder, batchContext);
  } catch (e) {
    if (e !== INEXACT) throw e;
    decoder.offset = start;
    return original(decoder, batchContext);
  }
}

function decodeExact(decoder: KafkajsDecoder, batchContext: BatchContext): KafkajsRecord {
  const { firstOffset, firstTimestamp, magicByte, isControlBatch = false, timestampType, maxTimestamp } = batchContext;
  const b = decoder.buffer;
  let p = decoder.offset;
  const attributes = b.readInt8(p++);

  // the timestamp delta: a zigzag varlong, exact here up to 7 bytes (49 bits)
  let n = 0;
  let scale = 1;
  let byte: number;
  let bytes = 0;
  do {
    if (++bytes > 7) throw INEXACT;
    byte = b[p++] as number;
    n += (byte & 0x7f) * scale;
    scale *= 128;
  } while (byte >= 0x80);
  const timestampDelta = n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  let timestamp: string;
  if (timestampType === LOG_APPEND_TIME && maxTimestamp) timestamp = maxTimestamp;
  else {
    if (firstTimestamp !== timeText) {
      timeNumber = numberOf(firstTimestamp);
      timeText = firstTimestamp;
    }
    timestamp = exactSum(timeNumber, timestampDelta);
  }

  // kafkajs's varint: 7 bits a byte, shifted as 32-bit integers, then zigzag
  const d = varint(b, p);
  p = pos;
  if (firstOffset !== offsetText) {
    offsetNumber = numberOf(firstOffset);
    offsetText = firstOffset;
  }
  const offset = exactSum(offsetNumber, d);

  let len = varint(b, p);
  p = pos;
  let key: Buffer | null = null;
  if (len !== -1) {
    key = b.subarray(p, p + len);
    p += len;
  }
  len = varint(b, p);
  p = pos;
  let value: Buffer | null = null;
  if (len !== -1) {
    value = b.subarray(p, p + len);
    p += len;
  }

  const headers: Headers = {};
  const count = varint(b, p);
  p = pos;
  for (let i = 0; i < count; i++) {
    len = varint(b, p);
    p = pos;
    let name: string | null = null;
    if (len !== -1) {
      name = headerName(b, p, len);
      p += len;
    }
    len = varint(b, p);
    p = pos;
    let v: HeaderValue = null;
    if (len !== -1) {
      v = b.subarray(p, p + len);
      p += len;
    }
    setHeader(headers, String(name), v);
  }
  decoder.offset = p;
  return {
    magicByte,
    attributes,
    timestamp,
    offset,
    key,
    value,
    headers,
    isControlRecord: isControlBatch,
    batchContext,
  };
}

/** header names read before (a consumer's records repeat theirs), by length and three of their bytes */
const names = new Map<number, { bytes: Buffer; name: string }>();

/** a header name's text (UTF-8), from the names read before when its bytes are one of them */
function headerName(b: Buffer, p: number, len: number): string {
  if (len === 0 || len > 64) return b.toString('utf8', p, p + len);
  const k =
    len * 0x1000000 + (b[p] as number) * 0x10000 + (b[p + len - 1] as number) * 0x100 + (b[p + (len >> 1)] as number);
  const known = names.get(k);
  if (known !== undefined) {
    const kb = known.bytes;
    let i = 0;
    while (i < len && kb[i] === b[p + i]) i++;
    if (i === len) return known.name;
  }
  const name = b.toString('utf8', p, p + len);
  if (names.size < 256) names.set(k, { bytes: Buffer.from(b.subarray(p, p + len)), name });
  return name;
}

/** the byte after the last varint read (varint's second result, so that it returns a number and allocates nothing) */
let pos = 0;

/** kafkajs's readVarInt: `result += (byte & 0x7f) << shift` per byte, zigzag-decoded as 32-bit */
function varint(b: Buffer, at: number): number {
  let result = 0;
  let shift = 0;
  let byte: number;
  let p = at;
  do {
    byte = b[p++] as number;
    result += (byte & 0x7f) << shift;
    shift += 7;
  } while (byte >= 0x80);
  pos = p;
  return (result >>> 1) ^ -(result & 1);
}

/** base + delta as kafkajs's Long writes it, when both and the sum are exact in a double */
function exactSum(base: number, delta: number): string {
  const sum = base + delta;
  if (!Number.isSafeInteger(base) || !Number.isSafeInteger(sum)) throw INEXACT;
  return String(sum);
}

/**
 * kafkajs's header fold, without its object per header: the first value of a name as it is, a repeated name's
 * values in an array. A name already on the object (Object.prototype's, e.g. `toString`) counts as present, as it
 * does there; `__proto__` is defined as an own property, as its object spread does.
 */
function setHeader(h: Headers, name: string, v: HeaderValue): void {
  const prev = h[name];
  const next = prev === undefined ? v : Array.isArray(prev) ? prev.concat([v]) : [prev, v];
  if (name === '__proto__')
    Object.defineProperty(h, name, { value: next, writable: true, enumerable: true, configurable: true });
  else h[name] = next as HeaderValue;
}

/** the kafkajs this decoder was written against and compared with (package.json pins it) */
const KAFKAJS_VERSION = '2.2.4';

/** the opt-out: PIPELAB_KAFKAJS_DECODER=kafkajs keeps kafkajs's own decoder ('pipelab', or unset: this one) */
const DECODER_ENV = 'PIPELAB_KAFKAJS_DECODER';

let installed: boolean | undefined;

/**
 * puts decodeKafkajsRecord in place of kafkajs's record decoder for the kafkajs this process loads. Not with
 * PIPELAB_KAFKAJS_DECODER=kafkajs, and not when the installed kafkajs is another version than KAFKAJS_VERSION or its
 * record batch decoder was loaded already (it bound kafkajs's own): then kafkajs decodes as it does, and one line on
 * stderr says why. Once per process; true when installed.
 */
export function installKafkajsRecordDecoder(
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): boolean {
  if (installed !== undefined) return installed;
  const chosen = env[DECODER_ENV] || 'pipelab';
  if (chosen !== 'pipelab' && chosen !== 'kafkajs')
    throw new PipelabError('INVALID_ARGUMENT', `${DECODER_ENV}: unknown record decoder "${chosen}"`, {
      hint: `${DECODER_ENV}=kafkajs keeps kafkajs's own record decoder; pipelab (or unset) uses pipelab's`,
    });
  if (chosen === 'kafkajs') {
    installed = false;
    return installed;
  }
  const version = (require('kafkajs/package.json') as { version: string }).version;
  const mod = require.cache[require.resolve(RECORD_DECODER)];
  const why =
    version !== KAFKAJS_VERSION
      ? `kafkajs is ${version}, not ${KAFKAJS_VERSION}`
      : require.cache[require.resolve(BATCH_DECODER)]
        ? 'kafkajs had decoded record batches before'
        : mod?.exports !== original
          ? "kafkajs's record decoder is not the module it was written against"
          : undefined;
  installed = why === undefined;
  if (why) log(`NOTICE: kafkajs keeps its own record decoder (${why}): the same records, decoded more slowly`);
  else (mod as NodeJS.Module).exports = decodeKafkajsRecord;
  return installed;
}

/** the record decoder this process's kafkajs consumers use: pipelab's (installed above) or kafkajs's own */
export const kafkajsDecoderInUse = (): 'pipelab' | 'kafkajs' => (installed ? 'pipelab' : 'kafkajs');

/** kafkajs's Decoder over `buffer`, for tests and benches */
export const newKafkajsDecoder = (buffer: Buffer): KafkajsDecoder => new kafkajsDecoder(buffer);
