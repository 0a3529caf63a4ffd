/**
 * The event-spec language: what a user writes to describe their own events (docs/event-specs.md).
 * Plain data (JSON-able) except `generate`, the TypeScript function form. Validation lives in
 * validate.ts, compilation in compile.ts; these are the shapes both agree on.
 */
import type { ArrivalSpecInput } from '../arrivals.ts';
import type { Rng } from '../rng.ts';

/** a distribution of numbers (ms for lags, dwell times and delays) */
export type Distribution =
  | { type: 'const'; value: number; min?: number; max?: number }
  | { type: 'uniform'; min: number; max: number }
  | { type: 'normal'; mean: number; sd: number; min?: number; max?: number }
  | { type: 'lognormal'; mu: number; sigma: number; min?: number; max?: number }
  | { type: 'exponential'; mean: number; min?: number; max?: number };

/** options every field may carry */
interface FieldCommon {
  /** probability that the field is null instead (0–1) */
  nullRate?: number;
}

/** number fields: a distribution, rounded to `round` decimals, bounded by min/max */
export type NumberField = Distribution &
  FieldCommon & {
    /** decimals to round to (0 = integers) */
    round?: number;
    /** out-of-bounds draws: clamped to [min, max] (default) or drawn again */
    bounds?: 'clamp' | 'resample';
  };

export type FieldSpec =
  | string
  | number
  | boolean
  | null
  | NumberField
  | ({ type: 'const'; value: unknown } & FieldCommon)
  /** 1, 2, 3, … per stream (a number), or prefix + number (a string) */
  | ({ type: 'sequence'; start?: number; step?: number; prefix?: string } & FieldCommon)
  /** a seeded RFC 4122 version-4 UUID */
  | ({ type: 'uuid' } & FieldCommon)
  /** a uniform integer in [min, max] (both included) */
  | ({ type: 'int'; min: number; max: number } & FieldCommon)
  | ({ type: 'boolean'; p?: number } & FieldCommon)
  /** one of `values`; weights as a list beside them, or values as { value: weight } */
  | ({ type: 'choice'; values: unknown[] | Record<string, number>; weights?: number[] } & FieldCommon)
  /** an id of an entity population, hot keys Zipf-skewed: a declared entity or an inline one */
  | ({ type: 'key'; entity: string | EntitySpec } & FieldCommon)
  /** the event time: epoch ms (default), epoch seconds, or an ISO-8601 string; plus an offset */
  | ({ type: 'timestamp'; format?: 'ms' | 's' | 'iso'; offset?: Distribution } & FieldCommon)
  /** a string with {placeholders}: vars, earlier fields, index, seq, stream, state, session, entity */
  | ({ type: 'template'; template: string; vars?: Record<string, FieldSpec> } & FieldCommon)
  | ({ type: 'object'; fields: Record<string, FieldSpec> } & FieldCommon)
  | ({ type: 'array'; items: FieldSpec; length: number | { min: number; max: number } } & FieldCommon)
  /** a value of an event another stream emitted: 'users.id', or 'users' for the whole event */
  | ({ type: 'lookup'; from: string; pick?: 'uniform' | 'latest'; row?: string } & FieldCommon)
  /** state-machine streams: the session's state, its id, and its entity's id */
  | ({ type: 'state' } & FieldCommon)
  | ({ type: 'session'; prefix?: string } & FieldCommon)
  | ({ type: 'entity' } & FieldCommon);

export interface EntitySpec {
  count: number;
  /** Zipf exponent of activity (default 1; 0 = uniform) */
  zipf?: number;
  /** ids are prefix + index (default: the entity's name and '-') */
  prefix?: string;
}

export interface StateSpec {
  /** next states with weights; '$end' ends the session silently; none = the session ends here */
  next?: Record<string, number>;
  /** ms the session stays in this state before its next event */
  dwell?: Distribution;
  /** fields this state's events carry beside the stream's (same name: this one wins) */
  fields?: Record<string, FieldSpec>;
}

export interface StateMachineSpec {
  /** whose sessions: a declared entity or an inline one; one open session per entity */
  entity: string | EntitySpec;
  /** the first state, or first states with weights */
  initial: string | Record<string, number>;
  states: Record<string, StateSpec>;
  /** open sessions at most (default 10000): when full, the earliest due session moves on */
  maxSessions?: number;
}

/** a share of events whose event time lags their send time by `lag` ms (late, out of order) */
export interface DisorderSpec {
  share: number;
  lag: Distribution;
}

/** a share of events sent again later (the same event, the same bytes), `delay` ms after */
export interface DuplicatesSpec {
  share: number;
  delay?: Distribution;
}

/** what a function generator gets for each event */
export interface SpecContext {
  /** this stream's seeded random numbers */
  rng: Rng;
  /** 0-based index of the event in the output */
  index: number;
  /** the intended send time, ms since the epoch */
  now: number;
  /** the event time: `now` less the disorder lag (equal to `now` for in-order events) */
  eventTime: number;
  /** a value of an event another stream emitted ('users.id', or 'users' for the event); undefined if none yet */
  lookup(from: string): unknown;
}
export type EventFunction = (ctx: SpecContext) => unknown;

export interface StreamSpec {
  /** relative share of this stream's events in the output (default 1) */
  weight?: number;
  fields?: Record<string, FieldSpec>;
  /** the TypeScript form: a function (ctx) => event, instead of fields */
  generate?: EventFunction;
  stateMachine?: StateMachineSpec;
  /** how many of this stream's latest events lookups may draw from (default 100000) */
  keep?: number;
  disorder?: DisorderSpec;
  duplicates?: DuplicatesSpec;
}

export interface EventSpec extends StreamSpec {
  /** names the stream of a single-stream spec (default 'events') */
  name?: string;
  seed?: number | string;
  /** send time of the first event when no clock is given (default 2026-01-01T00:00:00Z) */
  startMs?: number;
  /** send times when no clock is given (default poisson at 1000/s) */
  arrivals?: ArrivalSpecInput;
  entities?: Record<string, EntitySpec>;
  /** several event types in one output (users, products, orders); top-level disorder and duplicates apply to all */
  streams?: Record<string, StreamSpec>;
}

/** what is known about one emitted event (the ground truth a report can show) */
export interface SpecRecord {
  stream: string;
  /** 0-based position in the output */
  index: number;
  sendTime: number;
  eventTime: number;
  /** sendTime − eventTime: > 0 for a late (disordered) event */
  lagMs: number;
  /** its event time is earlier than one its stream already emitted */
  outOfOrder: boolean;
  /** a re-send of an earlier event */
  duplicate: boolean;
}

export interface StreamTruth {
  events: number;
  duplicates: number;
  late: number;
  outOfOrder: number;
  maxLagMs: number;
  meanLagMs: number;
}

/** ground truth of a spec stream's disorder and duplicates, overall and per stream */
export interface SpecTruth extends StreamTruth {
  streams: Record<string, StreamTruth>;
}
