/**
 * Reading the batches transactions leave in a log: the attribute bits (transactional 0x10,
 * control 0x20), the producer id, a marker's type (commit or abort), the key/value pairs of an
 * uncompressed batch (internal topics write them so), and setting a batch's attributes (CRC
 * recomputed). Offsets in the v2 batch header: attributes 21, producer id 43, records 61.
 */
import { crc32c } from '../protocol/crc32c.ts';
import { Reader } from '../protocol/reader.ts';

export const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;
const HEADER = 61;

const attributesOf = (batch: Buffer): number => batch.readInt16BE(21);
export const isTransactional = (batch: Buffer): boolean => (attributesOf(batch) & TRANSACTIONAL) !== 0;
export const isControl = (batch: Buffer): boolean => (attributesOf(batch) & CONTROL) !== 0;
export const producerIdOf = (batch: Buffer): number => Number(batch.readBigInt64BE(43));
export const producerEpochOf = (batch: Buffer): number => batch.readInt16BE(51);

/** the same batch with `bits` added to its attributes, CRC recomputed (in place) */
export function setAttributes(batch: Buffer, bits: number): Buffer {
  batch.writeInt16BE(attributesOf(batch) | bits, 21);
  batch.writeUInt32BE(crc32c(batch.subarray(21)), 17);
  return batch;
}

/** key and value of each record of an uncompressed batch ([] for a compressed one) */
export function keyValues(batch: Buffer): Array<{ key: Buffer | null; value: Buffer | null }> {
  if ((attributesOf(batch) & 0x07) !== 0) return [];
  const r = new Reader(batch, HEADER);
  const out: Array<{ key: Buffer | null; value: Buffer | null }> = [];
  const count = batch.readInt32BE(57);
  for (let i = 0; i < count; i++) {
    const len = r.varint();
    const end = r.offset + len;
    r.int8();
    r.varlong();
    r.varint();
    const bytes = (): Buffer | null => {
      const n = r.varint();
      if (n < 0) return null;
      const b = batch.subarray(r.offset, r.offset + n);
      r.offset += n;
      return b;
    };
    const key = bytes();
    const value = bytes();
    out.push({ key, value });
    r.offset = end;
  }
  return out;
}

/** a control batch's marker: true commit, false abort, undefined when it is not a marker */
export function markerCommits(batch: Buffer): boolean | undefined {
  if (!isControl(batch)) return undefined;
  const key = keyValues(batch)[0]?.key;
  if (!key || key.length < 4) return undefined;
  const type = key.readInt16BE(2);
  return type === 1 ? true : type === 0 ? false : undefined;
}
