/**
 * The kafka target's events: where each comes from (a built-in generator or the scenario's
 * function), its id (set when the event lacks one), its key, and its bytes (JSON, a string as is,
 * Avro binary, or Avro in Confluent's wire format through a schema registry).
 */
import type avro from 'avsc';
import { PipelabError } from '../../../errors.ts';
import { avroSerializer, BUILTIN_AVRO, type Serializer, type Where } from '../../../generators/formats/index.ts';
import type { Rng } from '../../../generators/rng.ts';
import { transactionToJson, userEventToJson } from '../../../generators/serialize.ts';
import { createSerializer, loadAvroSchema } from '../../formats/index.ts';
import type { Transaction } from '../../../generators/transactions.ts';
import type { UserEvent } from '../../../generators/user-events.ts';
import { createTransactionStream } from '../../../generators/transactions.ts';
import { createUserEventStream } from '../../../generators/user-events.ts';
import { KAFKA_TARGET_DEFAULTS, type Config, type EventFunction } from './schema.ts';

export interface Produced {
  id: string;
  key: string;
  value: Buffer | string;
}

/** a dotted path into an object ('order.id'); undefined when any step is missing */
export function getPath(v: unknown, path: readonly string[]): unknown {
  let cur = v;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

const bad = (path: string, message: string, hint: string) =>
  new PipelabError('INVALID_SCENARIO', `target.produce.${path}: ${message}`, { hint });

const PRODUCE_SCHEMA: Where = { field: 'target.produce.schema', code: 'INVALID_SCENARIO' };

/** the produce block's Avro schema: the given one, a built-in generator's, or none (a function without one) */
function localAvro(p: Config['produce']): { json: object; type: avro.Type } | undefined {
  if (p.schema !== undefined) return loadAvroSchema(p.schema, PRODUCE_SCHEMA);
  return typeof p.generator === 'string' ? BUILTIN_AVRO[p.generator] : undefined;
}

/**
 * The avro-confluent serializer of the produce block: its schema looked up or registered under
 * `subject` (default '<topic>-value'), or without a schema the subject's latest.
 */
export function produceSerializer(p: Config['produce'], registryUrl: string): Promise<Serializer> {
  return createSerializer({
    format: 'avro-confluent',
    schema: localAvro(p)?.json,
    registry: { url: registryUrl },
    subject: p.subject ?? `${p.topic}-value`,
    where: PRODUCE_SCHEMA,
  });
}

/**
 * Checks the produce block beyond its shape (before any load) and returns the event source.
 * avro-confluent needs its registry serializer (produceSerializer); without one the source only
 * checks the block.
 */
export function eventSource(
  p: Config['produce'],
  rng: Rng,
  serializer?: Serializer,
): (index: number, sentEpochMs: number) => Produced {
  const format = p.format ?? KAFKA_TARGET_DEFAULTS.format;
  const idField = p.idField ?? KAFKA_TARGET_DEFAULTS.idField;
  if (format === 'string' && typeof p.generator !== 'function')
    throw bad(
      'format',
      `'string' sends a function's string events as they are; ${p.generator} makes objects`,
      "use format 'json' or 'avro'",
    );
  const enc = encoder(p, format, serializer);
  const next = generatorOf(p.generator, rng);
  const keyPath = p.key?.split('.');
  const runTag = rng.fork('ids').nextU32().toString(36);
  return (index, sent) => {
    const e = next(index, sent);
    let id: string;
    if (e !== null && typeof e === 'object') {
      const rec = e as Record<string, unknown>;
      const own = rec[idField];
      if (own === undefined || own === null || own === '') rec[idField] = id = `${runTag}-${index}`;
      else id = String(own);
    } else id = `${runTag}-${index}`;
    const k = keyPath ? getPath(e, keyPath) : id;
    return { id, key: k === undefined || k === null ? id : String(k), value: enc(e) };
  };
}

/** the event's bytes: built-in generators use the same writers as `pipelab generate` */
function encoder(p: Config['produce'], format: string, serializer?: Serializer): (e: unknown) => Buffer | string {
  if (format === 'avro') {
    const local = localAvro(p);
    if (!local)
      throw bad(
        'schema',
        "format 'avro' with a function generator needs the events' Avro schema",
        'give schema: an .avsc path or the schema object',
      );
    const ser = avroSerializer(local.type, PRODUCE_SCHEMA);
    return (e) => ser.encode(e);
  }
  if (format === 'avro-confluent') {
    localAvro(p); // a bad schema fails here, before anything connects
    if (serializer) return (e) => serializer.encode(e);
    return () => {
      throw new Error('kafka target: avro-confluent events before the registry serializer was made');
    };
  }
  if (p.generator === 'transactions') return (e) => transactionToJson(e as Transaction);
  if (p.generator === 'user-events') return (e) => userEventToJson(e as UserEvent);
  return (e) => (typeof e === 'string' ? e : JSON.stringify(e));
}

function generatorOf(g: Config['produce']['generator'], rng: Rng): (index: number, sent: number) => unknown {
  if (typeof g === 'function') {
    const fn: EventFunction = g;
    const r = rng.fork('events');
    return (index, now) => fn({ rng: r, index, now });
  }
  const seed = rng.fork(g).seed;
  if (g === 'transactions') {
    const s = createTransactionStream({ seed });
    return (_i, sent) => {
      const t = s.next();
      t.eventTime = Math.floor(sent);
      return t;
    };
  }
  const s = createUserEventStream({ seed });
  return (_i, sent) => {
    const u = s.next();
    u.eventTime = Math.floor(sent);
    return u;
  };
}
