/**
 * One stream of a spec, compiled: how its events are built (fields, a state machine, or the
 * user's function), where lookups read from, and its share of disorder and duplicates.
 */
import { PipelabError } from '../../errors.ts';
import { LagTally } from '../lag-tally.ts';
import { MerchantPopulation } from '../population.ts';
import type { Rng } from '../rng.ts';
import { type Ctx, EventStore, newCtx, readPath } from './context.ts';
import { type Compiled, compileField, type FieldEnv } from './fields.ts';
import { type JsonField, jsonAny, jsonSafe, objectBuilder } from './json.ts';
import { Machine } from './machine.ts';
import { objectWriter } from './writer.ts';
import { type Sampler, sampler } from './numbers.ts';
import type { EntitySpec, EventSpec, FieldSpec } from './types.ts';
import type { StreamEntry } from './validate.ts';

/** what every stream of one spec instance shares */
export interface Shared {
  spec: EventSpec;
  seedTag: string;
  root: Rng;
  entities: Map<string, MerchantPopulation>;
  /** compiled streams by name (sources are compiled before the streams that look them up) */
  byName: Map<string, Runtime>;
  /** keep every stream's events: a function stream may look any of them up */
  keepAll: boolean;
  /** streams some declarative lookup reads */
  sources: Set<string>;
}

export interface Runtime {
  name: string;
  weight: number;
  ctx: Ctx;
  /** the stores this stream's lookups read: it waits until each holds an event */
  deps: EventStore[];
  ready: boolean;
  store: EventStore | undefined;
  /** top-level JSON kinds by field (for lookups into this stream) */
  json: Map<string, JsonField | undefined>;
  /** builds the event for the context; sets `writer` to its JSON writer */
  make(c: Ctx): unknown;
  writer: (e: unknown) => string;
  disorder: { share: number; lag: Sampler; r: Rng } | undefined;
  duplicates: { share: number; delay: Sampler; r: Rng } | undefined;
  truth: LagTally;
}

/** a population: a declared entity (shared by every field that names it) or an inline one */
function entityOf(sh: Shared, ref: string | EntitySpec, path: string): MerchantPopulation {
  const named = typeof ref === 'string';
  if (named) {
    const have = sh.entities.get(ref);
    if (have) return have;
  }
  const e = named ? sh.spec.entities![ref]! : ref;
  const prefix = e.prefix ?? (named ? `${ref}-` : 'k');
  const seed = sh.root.fork(named ? `entity:${ref}` : `entity@${path}`).seed;
  const pop = new MerchantPopulation({ size: e.count, zipf: e.zipf ?? 1, seed }, prefix);
  if (named) sh.entities.set(ref, pop);
  return pop;
}

function storeOf(sh: Shared, name: string): EventStore {
  const s = sh.byName.get(name)?.store;
  if (!s) throw new Error(`spec: stream ${name} keeps no events`); // validated and ordered before
  return s;
}

type Entries = [string, Compiled][];

function compileAll(fields: Record<string, FieldSpec>, base: string, env: FieldEnv, into: Entries): void {
  for (const [k, f] of Object.entries(fields)) {
    const at = into.findIndex(([key]) => key === k);
    env.earlier.clear();
    const upto = at < 0 ? into.length : at;
    for (let i = 0; i < upto; i++) env.earlier.set(into[i]![0], { index: i, json: into[i]![1].json });
    const c = compileField(f, `${base}/${k}`, env);
    if (at < 0) into.push([k, c]);
    else into[at] = [k, c];
  }
}

interface Shape {
  build: (c: Ctx) => unknown;
  write: (e: unknown) => string;
}
function shape(entries: Entries): Shape {
  return {
    build: objectBuilder<Ctx>(
      entries.map(([k]) => k),
      entries.map(([, c]) => c.make),
      true,
    ),
    write: objectWriter(new Map(entries.map(([k, c]) => [k, c.json]))),
  };
}

/** the user's function as a stream: its context, its lookups, JSON.stringify as its writer */
function functionStream(rt: Runtime, e: StreamEntry, sh: Shared, r: Rng): void {
  const fn = e.spec.generate!;
  const rl = r.fork('lookup');
  const lookup = (from: string): unknown => {
    const [src, ...rest] = from.split('.') as [string, ...string[]];
    const s = sh.byName.get(src)?.store;
    if (s === undefined)
      throw new PipelabError('INVALID_ARGUMENT', `lookup('${from}'): no stream "${src}" in this spec`, {
        hint: `streams: ${[...sh.byName.keys()].join(', ')}`,
      });
    const row = s.any(rl);
    return row === undefined ? undefined : rest.length ? readPath(row, rest) : row;
  };
  const fr = r.fork('events');
  rt.writer = jsonAny;
  rt.make = (c) => {
    const v = fn({ rng: fr, index: c.index, now: c.sendTime, eventTime: c.eventTime, lookup });
    if (v === undefined)
      throw new PipelabError('INVALID_ARGUMENT', `the generate function of stream "${rt.name}" returned undefined`, {
        hint: 'return the event (an object, or a string)',
      });
    return v;
  };
}

function fieldEnv(rt: Runtime, sh: Shared, r: Rng, rows: Map<string, number>, machine?: Machine): FieldEnv {
  return {
    stream: rt.name,
    seedTag: sh.seedTag,
    rng: (path) => r.fork(path),
    entity: (ref, path) => entityOf(sh, ref, path),
    store: (name) => {
      const s = storeOf(sh, name);
      if (!rt.deps.includes(s)) rt.deps.push(s);
      return s;
    },
    sourceJson: (name, field) => sh.byName.get(name)?.json.get(field),
    rowSlot: (label) => {
      if (!rows.has(label)) rows.set(label, rows.size);
      return rows.get(label)!;
    },
    rowScope: '',
    rowCount: () => rows.size,
    statesSafe: machine ? machine.states.every(jsonSafe) : true,
    entitySafe: true,
    sessionSafe: jsonSafe(rt.name),
    earlier: new Map(),
  };
}

/** fields, or a state machine over them: the event maker and its writer per state */
function declarativeStream(rt: Runtime, e: StreamEntry, sh: Shared, r: Rng): void {
  const sm = e.spec.stateMachine;
  const rows = new Map<string, number>();
  let machine: Machine | undefined;
  let pop: MerchantPopulation | undefined;
  if (sm) {
    pop = entityOf(sh, sm.entity, `${e.path}/stateMachine/entity`);
    const prefix = `${rt.name}-${sh.seedTag}-`;
    machine = new Machine(sm, pop, r.fork('sm:entities'), r.fork('sm:steps'), r.fork('sm:dwell'), prefix);
  }
  const env = fieldEnv(rt, sh, r, rows, machine);
  if (pop) env.entitySafe = jsonSafe(pop.id(0));
  const base: Entries = [];
  compileAll(e.spec.fields ?? {}, '/fields', env, base);
  for (const [k, c] of base) rt.json.set(k, c.json);
  const slots = () => rows.size;
  const resetRows = (c: Ctx) => {
    for (let i = slots() - 1; i >= 0; i--) c.rows[i] = undefined;
  };
  if (!machine) {
    const { build, write } = shape(base);
    rt.writer = write;
    // no lookups: the builder itself, one call an event fewer
    rt.make =
      slots() === 0
        ? build
        : (c) => {
            resetRows(c);
            return build(c);
          };
    return;
  }
  const m = machine;
  const shapes = m.states.map((name) => {
    const entries: Entries = [...base];
    compileAll(sm!.states[name]!.fields ?? {}, `/stateMachine/states/${name}/fields`, env, entries);
    // a field a state overrides or adds has no one JSON kind over the stream's events
    for (const k of Object.keys(sm!.states[name]!.fields ?? {})) rt.json.set(k, undefined);
    return shape(entries);
  });
  rt.make = (c) => {
    resetRows(c);
    const s = m.take(c.sendTime);
    c.session = s;
    c.stateName = m.states[s.state]!;
    const sh = shapes[s.state]!;
    rt.writer = sh.write;
    const ev = sh.build(c);
    m.after(s, c.sendTime);
    return ev;
  };
}

/** one stream of the spec, ready to emit */
export function compileStream(e: StreamEntry, sh: Shared): Runtime {
  const r = sh.root.fork(`stream:${e.name}`);
  const rt: Runtime = {
    name: e.name,
    weight: e.spec.weight ?? 1,
    ctx: newCtx(),
    deps: [],
    ready: false,
    store: sh.keepAll || sh.sources.has(e.name) ? new EventStore(e.spec.keep ?? 100_000) : undefined,
    json: new Map(),
    make: () => undefined,
    writer: jsonAny,
    disorder: e.disorder && {
      share: e.disorder.share,
      lag: sampler(e.disorder.lag, r.fork('disorder:lag')),
      r: r.fork('disorder'),
    },
    duplicates: e.duplicates && {
      share: e.duplicates.share,
      delay: sampler(e.duplicates.delay ?? { type: 'exponential', mean: 1000 }, r.fork('duplicates:delay')),
      r: r.fork('duplicates'),
    },
    truth: new LagTally(),
  };
  if (typeof e.spec.generate === 'function') functionStream(rt, e, sh, r);
  else declarativeStream(rt, e, sh, r);
  rt.ready = rt.deps.length === 0;
  return rt;
}
