/** JSON (UTF-8, one value per record) and string (a string value's UTF-8 bytes, as is) */
import { PipelabError } from '../../errors.ts';
import type { Serializer } from './types.ts';

export function jsonSerializer(field = 'value'): Serializer {
  const decode = (buf: Buffer): unknown => {
    try {
      return JSON.parse(buf.toString('utf8'));
    } catch (e) {
      throw new PipelabError('INVALID_ARGUMENT', `${field}: not JSON: ${(e as Error).message}`, {
        hint: "the bytes are not a JSON document; check the topic's format",
      });
    }
  };
  return {
    format: 'json',
    encode(value) {
      const s = JSON.stringify(value);
      if (s === undefined)
        throw new PipelabError('INVALID_ARGUMENT', `${field}: ${typeof value} has no JSON form`, {
          hint: 'give an object, array, string, number, boolean or null',
        });
      return Buffer.from(s, 'utf8');
    },
    decode,
    decodeAsync: async (buf) => decode(buf),
  };
}

export function stringSerializer(field = 'value'): Serializer {
  const decode = (buf: Buffer): unknown => buf.toString('utf8');
  return {
    format: 'string',
    encode(value) {
      if (typeof value !== 'string')
        throw new PipelabError('INVALID_ARGUMENT', `${field}: format 'string' sends strings, got ${kindOf(value)}`, {
          hint: "return a string, or use format 'json' for objects",
        });
      return Buffer.from(value, 'utf8');
    },
    decode,
    decodeAsync: async (buf) => decode(buf),
  };
}

export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (Buffer.isBuffer(v)) return 'bytes';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}
