/**
 * Wire formats of event values: 'json', 'avro' (binary with a given .avsc), 'avro-confluent'
 * (Confluent's framing: magic byte 0 + 4-byte schema id + Avro) and 'string'. One Serializer shape
 * for all; the pure codecs live here, and harness/formats createSerializer adds what needs I/O
 * (an .avsc path, a schema registry).
 */
export { FORMATS, type Format, type Serializer, type Where } from './types.ts';
export { jsonSerializer, stringSerializer } from './text.ts';
export { avroSerializer, avroTypeOf, BUILTIN_AVRO } from './avro.ts';
export {
  confluentSerializer,
  confluentReader,
  frameConfluent,
  unframeConfluent,
  type ConfluentOptions,
  type ConfluentSerializer,
  type ConfluentReader,
} from './confluent.ts';
