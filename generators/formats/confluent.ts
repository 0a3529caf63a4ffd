/**
 * Confluent's wire format: magic byte 0, the schema's registry id as 4 bytes big-endian, then the
 * Avro binary body. The registry lookups happen before (harness/formats); here the id and the
 * writer schemas are given, so encode and decode stay synchronous.
 */
import type avro from 'avsc';
import { PipelabError } from '../../errors.ts';
import { readError, valueError } from './avro.ts';
import { avroEncoder } from './avro-slab.ts';
import { DEFAULT_WHERE, type Serializer, type Where } from './types.ts';

const MAGIC_BYTE = 0;
/** magic byte + schema id */
const CONFLUENT_HEADER_BYTES = 5;

/** frames an Avro body with the schema id */
export function frameConfluent(id: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(CONFLUENT_HEADER_BYTES + body.length);
  out[0] = MAGIC_BYTE;
  out.writeUInt32BE(id, 1);
  body.copy(out, CONFLUENT_HEADER_BYTES);
  return out;
}

/** the schema id and the Avro body of one framed value (the body is a view, not a copy) */
export function unframeConfluent(buf: Buffer): { id: number; body: Buffer } {
  if (buf.length < CONFLUENT_HEADER_BYTES || buf[0] !== MAGIC_BYTE)
    throw new PipelabError(
      'INVALID_ARGUMENT',
      buf.length < CONFLUENT_HEADER_BYTES
        ? `not Confluent wire format: ${buf.length} bytes, shorter than the 5-byte header`
        : `not Confluent wire format: magic byte ${buf[0]} (expected 0)`,
      { hint: "the value was not written by a schema-registry serializer; check the topic's format" },
    );
  return { id: buf.readUInt32BE(1), body: buf.subarray(CONFLUENT_HEADER_BYTES) };
}

export interface ConfluentOptions {
  /** the registry id of `type`, written in front of every value */
  id: number;
  /** the schema values are written with, and read into */
  type: avro.Type;
  where?: Where;
  /** fetches a writer schema by id (from the registry); without it decode knows `id` alone */
  fetch?: (id: number) => Promise<avro.Type>;
}

export interface ConfluentReader {
  /** reads a framed value whose writer schema is known (else a PipelabError: use decodeAsync) */
  decode(buf: Buffer): unknown;
  /** as decode; first fetches a writer schema it has not seen */
  decodeAsync(buf: Buffer): Promise<unknown>;
  /** the writer schema ids decode can read without a fetch */
  knownIds(): number[];
}

export interface ConfluentSerializer extends Serializer, ConfluentReader {
  readonly schemaId: number;
}

/**
 * Reads Confluent-framed Avro: each writer schema (by id, fetched once) is read as is, or resolved
 * into `type` when one is given (a reader schema: values of older or newer versions come out in
 * its shape).
 */
export function confluentReader(o: {
  type?: avro.Type;
  where?: Where;
  fetch?: (id: number) => Promise<avro.Type>;
  known?: ReadonlyArray<[number, avro.Type]>;
}): ConfluentReader {
  const where = o.where ?? DEFAULT_WHERE;
  // per writer id: the type that reads it and, when it differs from the writer, the resolver
  const readers = new Map<number, { type: avro.Type; resolver?: avro.Resolver }>();
  const addWriter = (wid: number, writer: avro.Type): void => {
    if (readers.has(wid)) return;
    const reader = o.type ?? writer;
    try {
      readers.set(
        wid,
        reader.equals(writer) ? { type: reader } : { type: reader, resolver: reader.createResolver(writer) },
      );
    } catch (e) {
      throw new PipelabError(
        'INVALID_ARGUMENT',
        `values written with schema id ${wid} cannot be read with the schema of ${where.field}: ` +
          (e as Error).message,
        { hint: 'read them with a schema that can resolve the writer (added fields need defaults)', cause: e },
      );
    }
  };
  for (const [wid, t] of o.known ?? []) addWriter(wid, t);
  const read = (wid: number, body: Buffer): unknown => {
    const r = readers.get(wid)!;
    try {
      return r.resolver ? r.type.fromBuffer(body, r.resolver) : r.type.fromBuffer(body);
    } catch (e) {
      throw readError(where, e);
    }
  };
  const decode = (buf: Buffer): unknown => {
    // the hot path reads the header in place (no { id, body } object per value)
    const r =
      buf.length >= CONFLUENT_HEADER_BYTES && buf[0] === MAGIC_BYTE ? readers.get(buf.readUInt32BE(1)) : undefined;
    if (r && !r.resolver) {
      try {
        // decode at an offset: a subarray per value would cost more than the header
        const out = r.type.decode(buf, CONFLUENT_HEADER_BYTES);
        if (out.offset === buf.length) return out.value;
      } catch (e) {
        throw readError(where, e);
      }
      // truncated or trailing bytes: fromBuffer below says which
    }
    const { id: wid, body } = unframeConfluent(buf);
    if (!readers.has(wid))
      throw new PipelabError('INVALID_ARGUMENT', `schema id ${wid} is not known to this serializer`, {
        hint: 'decodeAsync fetches unknown writer schemas from the registry',
      });
    return read(wid, body);
  };
  return {
    knownIds: () => [...readers.keys()],
    decode,
    async decodeAsync(buf) {
      const { id: wid, body } = unframeConfluent(buf);
      if (!readers.has(wid)) {
        if (!o.fetch) return decode(buf);
        addWriter(wid, await o.fetch(wid));
      }
      return read(wid, body);
    },
  };
}

/** Avro in Confluent's framing; values written with another known schema are resolved into `type` */
export function confluentSerializer(o: ConfluentOptions): ConfluentSerializer {
  const { id, type } = o;
  const where = o.where ?? DEFAULT_WHERE;
  if (!Number.isInteger(id) || id < 0 || id > 0xffffffff)
    throw new PipelabError('INVALID_ARGUMENT', `schema id ${id} is not a 32-bit unsigned integer`, {
      hint: 'registry ids are integers from 0 to 4294967295',
    });
  const reader = confluentReader({ type, where, fetch: o.fetch, known: [[id, type]] });
  // the header in the slab in front of each value: one view a value, no copy (formats/avro-slab.ts)
  const header = Buffer.alloc(CONFLUENT_HEADER_BYTES);
  header[0] = MAGIC_BYTE;
  header.writeUInt32BE(id, 1);
  const toBuffer = avroEncoder(type, header);
  return {
    format: 'avro-confluent',
    schemaId: id,
    ...reader,
    encode(value) {
      try {
        return toBuffer(value);
      } catch (e) {
        throw valueError(type, value, where, e);
      }
    },
  };
}
