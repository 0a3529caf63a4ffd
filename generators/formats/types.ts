/**
 * The one serializer shape for every wire format of an event value: `encode` and `decode` are
 * synchronous (the hot path); whatever needs I/O (reading an .avsc file, asking a schema
 * registry) happens once, before, in harness/formats createSerializer.
 */
import type { ErrorCode } from '../../errors.ts';

export const FORMATS = ['json', 'avro', 'avro-confluent', 'string'] as const;
export type Format = (typeof FORMATS)[number];

export interface Serializer {
  readonly format: Format;
  /** avro-confluent: the registry id written in front of every value */
  readonly schemaId?: number;
  /** value → bytes; a value the format cannot carry is a PipelabError naming the bad field by its path */
  encode(value: unknown): Buffer;
  /**
   * bytes → value. avro-confluent reads the writer schemas this serializer knows (its own and any
   * fetched by decodeAsync), resolved into its own schema when they differ.
   */
  decode(buf: Buffer): unknown;
  /** as decode; avro-confluent first fetches a writer schema it has not seen from the registry */
  decodeAsync(buf: Buffer): Promise<unknown>;
}

/** where errors point: the field that holds the schema or format (e.g. target.produce.schema) and the code */
export interface Where {
  field: string;
  code: Extract<ErrorCode, 'INVALID_SCENARIO' | 'INVALID_ARGUMENT'>;
}

export const DEFAULT_WHERE: Where = { field: 'schema', code: 'INVALID_ARGUMENT' };
