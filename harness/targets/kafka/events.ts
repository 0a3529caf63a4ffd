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
import { scopedPrefix } from '../../../generators/digits.ts';
import { createTransactionStream } from '../../../generators/transactions.ts';
import { createUserEventStream } from '../../../generators/user-events.ts';
import { type CompiledSpec, compileSpec, type SpecStream } from '../../../generators/spec/compile.ts';
import type { EventSpec, SpecTruth } from '../../../generators/spec/types.ts';
import { KAFKA_TARGET_DEFAULTS, type Config, type EventFunction } from './schema.ts';

export interface Produced {
  id: string;
  key: string;
  value: Buffer | string;
}

/** where the target's events come from */
export interface EventSource {
  next(index: number, sentEpochMs: number): Produced;
  /** an event spec's ground truth so far (late, out of order, duplicates); undefined for other generators */
  truth(): SpecTruth | undefined;
}

/** the generator's events, and for a spec its JSON writer and ground truth */
interface Generator {
  next(index: number, sent: number): unknown;
  spec?: SpecStream;
}

const genName = (g: Config['produce']['generator']): string =>
  typeof g === 'string' ? g : typeof g === 'function' ? 'a function' : 'an event spec';

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
/** idScope: this run's mark in the built-in generators' ids and in the ids given here (generators/digits.ts) */
export function eventSource(p: Config['produce'], rng: Rng, serializer?: Serializer, idScope?: string): EventSource {
  const format = p.format ?? KAFKA_TARGET_DEFAULTS.format;
  const idField = p.idField ?? KAFKA_TARGET_DEFAULTS.idField;
  if (format === 'string' && typeof p.generator !== 'function')
    throw bad(
      'format',
      `'string' sends a function's string events as they are; ${genName(p.generator)} makes objects`,
      "use format 'json' or 'avro'",
    );
  const gen = generatorOf(p.generator, rng, idScope);
  const enc = encoder(p, format, serializer);
  // a spec's generated JSON writer knows its own fields only: an event given an id here is
  // written by JSON.stringify (same bytes for the fields it has)
  const spec = format === 'json' ? gen.spec : undefined;
  const given = new WeakSet<object>(); // a spec's duplicates are the same objects, ids given once
  const keyPath = p.key?.split('.');
  const idPrefix = scopedPrefix(rng.fork('ids').nextU32().toString(36), idScope);
  return {
    next: (index, sent) => {
      const e = gen.next(index, sent);
      let id: string;
      let own = true;
      if (e !== null && typeof e === 'object') {
        const rec = e as Record<string, unknown>;
        const have = rec[idField];
        own = !(have === undefined || have === null || have === '');
        if (own) {
          id = String(have);
          if (spec && given.has(rec)) own = false;
        } else {
          rec[idField] = id = `${idPrefix}${index}`;
          if (spec) given.add(rec);
        }
      } else id = `${idPrefix}${index}`;
      const k = keyPath ? getPath(e, keyPath) : id;
      const value = spec && own ? spec.toJson(e) : enc(e);
      return { id, key: k === undefined || k === null ? id : String(k), value };
    },
    truth: () => gen.spec?.truth(),
  };
}

/** the event's bytes: built-in generators use the same writers as `pipelab generate` */
function encoder(p: Config['produce'], format: string, serializer?: Serializer): (e: unknown) => Buffer | string {
  if (format === 'avro') {
    const local = localAvro(p);
    if (!local)
      throw bad(
        'schema',
        `format 'avro' with ${genName(p.generator)} as generator needs the events' Avro schema`,
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

function generatorOf(g: Config['produce']['generator'], rng: Rng, idScope?: string): Generator {
  if (typeof g === 'function') {
    const fn: EventFunction = g;
    const r = rng.fork('events');
    return { next: (index, now) => fn({ rng: r, index, now }) };
  }
  if (typeof g === 'object') {
    // checked here, before anything connects: every bad field named by its path
    const compiled: CompiledSpec =
      typeof (g as CompiledSpec).create === 'function'
        ? (g as CompiledSpec)
        : compileSpec(g as EventSpec, { prefix: '/target/produce/generator' });
    const spec = compiled.create({ seed: rng.fork('spec').seed });
    // the load test's intended send time is the spec's send time; disorder lags event time behind it
    return { next: (_i, sent) => spec.next(sent), spec };
  }
  const seed = rng.fork(g).seed;
  if (g === 'transactions') {
    const s = createTransactionStream({ seed, ...(idScope ? { idScope } : {}) });
    return {
      next: (_i, sent) => {
        const t = s.next();
        t.eventTime = Math.floor(sent);
        return t;
      },
    };
  }
  const s = createUserEventStream({ seed, ...(idScope ? { idScope } : {}) });
  return {
    next: (_i, sent) => {
      const u = s.next();
      u.eventTime = Math.floor(sent);
      return u;
    },
  };
}
