/**
 * The kafka target's events: where each comes from (a built-in generator or the scenario's
 * function), its id (set when the event lacks one), its key, and its bytes (JSON, a string as is,
 * or Avro binary).
 */
import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { PipelabError } from '../../../errors.ts';
import type { Rng } from '../../../generators/rng.ts';
import {
  transactionAvroType,
  transactionToJson,
  userEventAvroType,
  userEventToJson,
} from '../../../generators/serialize.ts';
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

/** an Avro type from a schema object or an .avsc path; `where` names the field in errors */
export function loadAvroType(schema: string | Record<string, unknown>, where: string): avro.Type {
  let s: unknown = schema;
  try {
    if (typeof s === 'string') s = JSON.parse(readFileSync(s, 'utf8'));
    return avro.Type.forSchema(s as avro.Schema);
  } catch (e) {
    throw new PipelabError('INVALID_SCENARIO', `${where}: not a usable Avro schema: ${(e as Error).message}`, {
      hint: 'give a valid .avsc (JSON) file or object',
    });
  }
}

function avroTypeOf(p: Config['produce']): avro.Type {
  if (p.schema !== undefined) return loadAvroType(p.schema, 'target.produce.schema');
  if (p.generator === 'transactions') return transactionAvroType;
  if (p.generator === 'user-events') return userEventAvroType;
  throw bad(
    'schema',
    "format 'avro' with a function generator needs the events' Avro schema",
    'give schema: an .avsc path or the schema object',
  );
}

/** checks the produce block beyond its shape (before any load) and returns the event source */
export function eventSource(p: Config['produce'], rng: Rng): (index: number, sentEpochMs: number) => Produced {
  const format = p.format ?? KAFKA_TARGET_DEFAULTS.format;
  const idField = p.idField ?? KAFKA_TARGET_DEFAULTS.idField;
  if (format === 'string' && typeof p.generator !== 'function')
    throw bad(
      'format',
      `'string' sends a function's string events as they are; ${p.generator} makes objects`,
      "use format 'json' or 'avro'",
    );
  const enc = encoder(p, format);
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
function encoder(p: Config['produce'], format: string): (e: unknown) => Buffer | string {
  if (format === 'avro') {
    const type = avroTypeOf(p);
    return (e) => {
      try {
        return type.toBuffer(e);
      } catch (err) {
        throw new PipelabError(
          'INVALID_SCENARIO',
          `an event does not match its Avro schema: ${(err as Error).message}`,
          {
            hint: 'make the generator return values of the schema (names, types, no missing fields)',
          },
        );
      }
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
