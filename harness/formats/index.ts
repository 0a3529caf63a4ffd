/**
 * createSerializer: one serializer for each wire format ('json' | 'avro' | 'avro-confluent' |
 * 'string'), set up once (an .avsc file read, a schema registry asked), then synchronous:
 *
 *   const s = await createSerializer({ format: 'avro-confluent', schema: 'order.avsc',
 *                                      registry: { url: 'http://127.0.0.1:8081' }, subject: 'orders-value' });
 *   const bytes = s.encode(order);   // 0x00, schema id (4 bytes), Avro body
 *   s.decode(bytes);
 *
 * The codecs are the pure ones of generators/formats; this module adds the I/O they must not do.
 */
import { readFileSync } from 'node:fs';
import type avro from 'avsc';
import { PipelabError } from '../../errors.ts';
import {
  avroSerializer,
  avroTypeOf,
  type ConfluentReader,
  confluentReader,
  confluentSerializer,
  FORMATS,
  type Format,
  jsonSerializer,
  type Serializer,
  stringSerializer,
  type Where,
} from '../../generators/formats/index.ts';
import { type RegistryRef, registryClient, resolveSchemaId, writerType } from './registry.ts';

export interface SerializerOptions {
  format: Format;
  /**
   * avro and avro-confluent: the schema, as an .avsc path or the schema object. avro-confluent
   * without one: the subject's latest.
   */
  schema?: string | object;
  /** avro-confluent: the schema registry (a real one, or `pipelab broker --schema-registry-port`) */
  registry?: RegistryRef;
  /** avro-confluent: the subject (Confluent's default naming is `<topic>-value`) */
  subject?: string;
  /** avro-confluent: register the schema when the subject lacks it (default true) */
  autoRegister?: boolean;
  /** how errors name the schema's field (default 'schema') and their code (default INVALID_ARGUMENT) */
  where?: Partial<Where>;
}

export async function createSerializer(o: SerializerOptions): Promise<Serializer> {
  const where: Where = { field: o.where?.field ?? 'schema', code: o.where?.code ?? 'INVALID_ARGUMENT' };
  const parent = where.field.includes('.') ? where.field.slice(0, where.field.lastIndexOf('.') + 1) : '';
  if (!(FORMATS as readonly string[]).includes(o.format))
    throw new PipelabError(where.code, `${parent}format: '${String(o.format)}' is not a format`, {
      hint: `use one of ${FORMATS.join(', ')}`,
    });
  if (o.format === 'json') return jsonSerializer();
  if (o.format === 'string') return stringSerializer();
  if (o.format === 'avro') {
    if (o.schema === undefined)
      throw new PipelabError(where.code, `${where.field}: format 'avro' needs a schema`, {
        hint: 'give an .avsc path or the schema object',
      });
    return avroSerializer(loadAvroSchema(o.schema, where).type, where);
  }
  return confluent(o, where, parent);
}

async function confluent(o: SerializerOptions, where: Where, parent: string): Promise<Serializer> {
  if (!o.registry?.url)
    throw new PipelabError(where.code, `${parent}registry: format 'avro-confluent' needs a schema registry URL`, {
      hint:
        'pass --schema-registry URL (or PIPELAB_SCHEMA_REGISTRY); ' +
        '`pipelab broker --schema-registry-port 8081` serves one',
    });
  if (!o.subject)
    throw new PipelabError(where.code, `${parent}subject: format 'avro-confluent' needs a subject`, {
      hint: "Confluent's default subject of a topic's values is '<topic>-value'",
    });
  const ref = o.registry;
  const client = registryClient(ref);
  const local = o.schema === undefined ? undefined : loadAvroSchema(o.schema, where);
  const { id, type } = await resolveSchemaId(client, ref, {
    subject: o.subject,
    schema: local?.json,
    autoRegister: o.autoRegister ?? true,
    where,
  });
  return confluentSerializer({
    id,
    type: local?.type ?? type,
    where,
    fetch: (wid) => writerType(client, ref, wid, where),
  });
}

/**
 * A reader of Confluent-framed values from the registry's ids alone (each writer schema fetched
 * once), resolved into `schema` when one is given: for consuming what another producer wrote.
 */
export function createConfluentReader(o: {
  registry: RegistryRef;
  schema?: string | object;
  where?: Partial<Where>;
}): ConfluentReader {
  const where: Where = { field: o.where?.field ?? 'schema', code: o.where?.code ?? 'INVALID_ARGUMENT' };
  const client = registryClient(o.registry);
  const type = o.schema === undefined ? undefined : loadAvroSchema(o.schema, where).type;
  return confluentReader({ type, where, fetch: (id) => writerType(client, o.registry, id, where) });
}

/** a schema from an .avsc path or an object: its JSON and its avsc Type */
export function loadAvroSchema(schema: string | object, where: Where): { json: object; type: avro.Type } {
  let json: unknown = schema;
  if (typeof schema === 'string') {
    let text: string;
    try {
      text = readFileSync(schema, 'utf8');
    } catch (e) {
      throw new PipelabError(
        where.code,
        `${where.field}: cannot read ${schema}: ${(e as NodeJS.ErrnoException).code}`,
        {
          hint: 'give the path of an .avsc file (relative to the working directory) or the schema object',
          cause: e,
        },
      );
    }
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new PipelabError(where.code, `${where.field}: ${schema} is not JSON: ${(e as Error).message}`, {
        hint: 'an .avsc file is a JSON document',
        cause: e,
      });
    }
  }
  return { json: json as object, type: avroTypeOf(json, where) };
}

export type { RegistryRef } from './registry.ts';
