/**
 * The `kafka` target's scenario block: any team's Kafka system, black-box. Validated before any
 * load starts; every bad field named by its path.
 *
 *   target: {
 *     type: 'kafka',
 *     produce: { topic: 'orders', generator: 'transactions', format: 'json', idField: 'id',
 *                key: 'userId', headers: { source: 'pipelab' }, partitions: 12 },
 *     results: [{ topic: 'orders-scored', correlate: { field: 'id' } }],
 *     lag: { group: 'orders-app' },
 *     drainTimeout: '10s',
 *   }
 */
import { z } from 'zod';
import type { Rng } from '../../../generators/rng.ts';
import type { CompiledSpec } from '../../../generators/spec/compile.ts';
import type { EventSpec } from '../../../generators/spec/types.ts';
import {
  enumOf,
  nonEmptyString,
  nonNegativeNumber,
  positiveDuration,
  positiveInt,
  strictObject,
} from '../../config/fields.ts';

/** what a function generator gets for each event */
export interface EventContext {
  /** this target's seeded random stream (same seed, same events) */
  rng: Rng;
  /** 0-based index of the event in this run */
  index: number;
  /** the intended send time, ms since the Unix epoch */
  now: number;
}
export type EventFunction = (ctx: EventContext) => unknown;

const FORMATS = ['json', 'string', 'avro', 'avro-confluent'] as const;
const BUILTIN_GENERATORS = ['transactions', 'user-events'] as const;
const GENERATOR_ERROR =
  "expected 'transactions', 'user-events', an event spec ({ fields } or { streams }) or a function (ctx) => event";

/** a rule on one field of a result: a value it must equal, values it may take, or bounds */
const fieldRule = z.union(
  [
    z.union([z.string(), z.number(), z.boolean(), z.null()]),
    z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])).min(1),
    strictObject({
      exists: z.boolean().optional(),
      min: z.number().optional(),
      max: z.number().optional(),
      type: enumOf(['string', 'number', 'boolean', 'object'] as const).optional(),
    }),
  ],
  { error: 'expected a value, a list of allowed values, or { exists?, min?, max?, type? }' },
);
export type FieldRule = z.output<typeof fieldRule>;

const correlate = z.union(
  [
    strictObject({ field: nonEmptyString() }),
    strictObject({ header: nonEmptyString() }),
    strictObject({ key: z.literal(true) }),
  ],
  { error: "expected { field: 'id' } (a dotted path into the JSON value), { header: 'x-id' } or { key: true }" },
);
export type Correlate = z.output<typeof correlate>;

export const schema = strictObject({
  type: z.literal('kafka'),
  produce: strictObject({
    topic: nonEmptyString(),
    /**
     * 'transactions', 'user-events', an event spec (docs/event-specs.md; checked field by field
     * before any load), a compiled spec (compileSpec), or a function (ctx) => event
     */
    generator: z.union(
      [
        enumOf(BUILTIN_GENERATORS),
        z.custom<EventFunction>((v) => typeof v === 'function', { error: GENERATOR_ERROR }),
        z.custom<EventSpec | CompiledSpec>((v) => v !== null && typeof v === 'object' && !Array.isArray(v), {
          error: GENERATOR_ERROR,
        }),
      ],
      { error: GENERATOR_ERROR },
    ),
    /**
     * json (default), string (a string event as is), avro (binary; a built-in generator's schema or
     * `schema`), avro-confluent (Confluent's wire format through a schema registry; docs/formats.md)
     */
    format: enumOf(FORMATS).optional(),
    /** an Avro schema (object or .avsc path) for format 'avro' / 'avro-confluent' with a function generator */
    schema: z.union([nonEmptyString(), z.record(z.string(), z.unknown())]).optional(),
    /** avro-confluent: the registry subject (default '<topic>-value', Confluent's naming) */
    subject: nonEmptyString().optional(),
    /** the event's id field (set when the event lacks it); default 'id' */
    idField: nonEmptyString().optional(),
    /** the event field that becomes the record key (default: the id) */
    key: nonEmptyString().optional(),
    headers: z.record(z.string(), z.string({ error: 'header values must be strings' })).optional(),
    /** partitions of a topic this run creates (default 12) */
    partitions: positiveInt().optional(),
    /** producer linger: records gathered into one send (default 2 ms) */
    lingerMs: nonNegativeNumber().optional(),
    /** the producing client: @platformatic/kafka (default, faster by measurement) or kafkajs */
    client: enumOf(['platformatic', 'kafkajs'] as const).optional(),
  }),
  results: z
    .array(
      strictObject({
        topic: nonEmptyString(),
        correlate,
        /**
         * how result values are read for field rules and checks: JSON (default), Avro binary with
         * `schema`, or avro-confluent (each writer schema fetched from the registry by its id)
         */
        format: enumOf(['json', 'avro', 'avro-confluent'] as const).optional(),
        /** the results' Avro schema (object or .avsc path): needed for 'avro'; for 'avro-confluent', read into it */
        schema: z.union([nonEmptyString(), z.record(z.string(), z.unknown())]).optional(),
        /** partitions of this topic when this run creates it (default: produce.partitions) */
        partitions: positiveInt().optional(),
        /** checks on each result: a predicate, or field rules by dotted path */
        expect: z
          .union([
            z.custom<(result: unknown) => boolean>((v) => typeof v === 'function'),
            z.record(z.string(), fieldRule),
          ])
          .optional(),
      }),
    )
    .optional(),
  /** watch the system under test's consumer group: lag per partition, consumption rate, drain time */
  lag: strictObject({ group: nonEmptyString() }).optional(),
  /** after the load: how long to wait for results (and for the lag to drain); default 10s */
  drainTimeout: positiveDuration().optional(),
});
export type Config = z.output<typeof schema>;

export const KAFKA_TARGET_DEFAULTS = {
  format: 'json' as (typeof FORMATS)[number],
  idField: 'id',
  partitions: 12,
  lingerMs: 2,
  drainTimeoutMs: 10_000,
  client: 'platformatic' as 'platformatic' | 'kafkajs',
};
