/**
 * Compiles one field spec into a maker (ctx → value) and the way its value is written as JSON.
 * Each field draws from its own stream, forked from the stream's by the field's path, so adding
 * or changing one field leaves every other field's values as they were.
 */
import { AliasTable } from '../zipf.ts';
import { SeqIds } from '../digits.ts';
import type { MerchantPopulation } from '../population.ts';
import type { Rng } from '../rng.ts';
import { type Ctx, type EventStore, readPath } from './context.ts';
import { isoTime, type JsonField, jsonAny, jsonSafe, type Maker, objectBuilder, uuid } from './json.ts';
import { sampler } from './numbers.ts';
import { parseTemplate } from './template.ts';
import { objectWriter, valueWriter } from './writer.ts';
import type { EntitySpec, FieldSpec, NumberField } from './types.ts';

export interface Compiled {
  make: Maker<Ctx>;
  json: JsonField;
}

/** what a field needs from the spec around it */
export interface FieldEnv {
  stream: string;
  seedTag: string;
  rng(path: string): Rng;
  entity(ref: string | EntitySpec, path: string): MerchantPopulation;
  store(stream: string): EventStore;
  /** the JSON kind of a source stream's top-level field, when one kind fits every event */
  sourceJson(stream: string, field: string): JsonField | undefined;
  rowSlot(label: string): number;
  /** lookup rows are per event, and per item inside an array: labels are scoped by the array's path */
  rowScope: string;
  /** row slots allocated so far */
  rowCount(): number;
  /** every state name, and every entity id of the state machine, is written without escapes */
  statesSafe: boolean;
  entitySafe: boolean;
  sessionSafe: boolean;
  /** top-level fields compiled so far (templates read them) */
  earlier: Map<string, { index: number; json: JsonField }>;
}

type Spec = Exclude<FieldSpec, string | number | boolean | null>;
const plain = (json: JsonField['json'], nullable = false): JsonField => ({ json, nullable });
/** int ranges up to this many values tell the writer their values */
const FEW = 256;
const isSafeStr = (j: JsonField) => !j.nullable && ['safe-str', 'int', 'millis', 'num', 'fixed'].includes(j.json.kind);

function constant(v: unknown): Compiled {
  return { make: () => v, json: plain({ kind: 'const', text: jsonAny(v) }) };
}

function numberField(f: NumberField, r: Rng): Compiled {
  const s = sampler(f, r);
  const round = 'round' in f ? f.round : undefined;
  const bounded = f.type !== 'uniform' && f.min !== undefined && f.max !== undefined;
  const json: JsonField['json'] =
    round === 0 && (bounded || f.type === 'uniform')
      ? { kind: 'int' }
      : round !== undefined && round > 0
        ? { kind: 'fixed', k: round }
        : { kind: 'num' };
  return { make: s, json: plain(json) };
}

function choice(f: Extract<Spec, { type: 'choice' }>, r: Rng): Compiled {
  const values = Array.isArray(f.values) ? f.values : Object.keys(f.values);
  const weights = Array.isArray(f.values) ? (f.weights ?? values.map(() => 1)) : Object.values(f.values);
  const t = new AliasTable(weights);
  const make = () => values[t.sample(r)];
  const nonNull = values.filter((v) => v !== null);
  const all = (p: (v: unknown) => boolean) => nonNull.length > 0 && nonNull.every(p);
  const json: JsonField['json'] = all((v) => typeof v === 'string' && jsonSafe(v))
    ? { kind: 'safe-str' }
    : all((v) => typeof v === 'string')
      ? { kind: 'str' }
      : all((v) => typeof v === 'number')
        ? { kind: 'num' }
        : all((v) => typeof v === 'boolean')
          ? { kind: 'bool' }
          : { kind: 'any' };
  return { make, json: { ...plain(json, nonNull.length < values.length), values } };
}

function sequence(f: Extract<Spec, { type: 'sequence' }>): Compiled {
  const start = f.start ?? 1,
    step = f.step ?? 1;
  const at = (c: Ctx) => start + step * c.seq;
  if (f.prefix === undefined)
    return {
      make: at,
      json: plain(Number.isInteger(start) && Number.isInteger(step) ? { kind: 'int' } : { kind: 'num' }),
    };
  const prefix = f.prefix;
  const json = plain({ kind: jsonSafe(prefix) ? 'safe-str' : 'str' });
  if (Number.isInteger(start) && start >= 0 && Number.isInteger(step) && step >= 0) {
    const ids = new SeqIds(prefix);
    return { make: (c) => ids.id(at(c) as number), json };
  }
  return { make: (c) => prefix + at(c), json };
}

function timestamp(f: Extract<Spec, { type: 'timestamp' }>, r: Rng): Compiled {
  const off = f.offset ? sampler(f.offset, r) : undefined;
  const at = off ? (c: Ctx) => c.eventTime + Math.round(off()) : (c: Ctx) => c.eventTime;
  if (f.format === 'iso') return { make: (c) => isoTime(at(c)), json: plain({ kind: 'safe-str' }) };
  if (f.format === 's') return { make: (c) => at(c) / 1000, json: plain({ kind: 'fixed', k: 3 }) };
  return { make: at, json: plain({ kind: 'millis' }) };
}

function template(f: Extract<Spec, { type: 'template' }>, path: string, env: FieldEnv): Compiled {
  const t = parseTemplate(f.template);
  if (typeof t === 'string') throw new Error(`template at ${path}: ${t}`); // validated before
  const vars = Object.entries(f.vars ?? {}).map(([k, v]) => [k, compileField(v, `${path}/vars/${k}`, env)] as const);
  const varIndex = new Map(vars.map(([k], i) => [k, i]));
  const varVals: unknown[] = new Array(vars.length);
  let safe = t.parts.every(jsonSafe);
  const getters = t.refs.map((ref): ((c: Ctx) => unknown) => {
    const [name, ...rest] = ref as [string, ...string[]];
    const vi = varIndex.get(name);
    const read = <T>(get: (c: Ctx) => T, j: JsonField | undefined) => {
      if (!j || rest.length > 0 || !isSafeStr(j)) safe = false;
      return rest.length ? (c: Ctx) => readPath(get(c), rest) : get;
    };
    if (vi !== undefined) return read((_c) => varVals[vi], vars[vi]![1].json);
    const top = env.earlier.get(name);
    if (top !== undefined) return read((c) => c.vals[top.index], top.json);
    const safeStr = plain({ kind: 'safe-str' });
    if (name === 'index') return read((c) => c.index, plain({ kind: 'int' }));
    if (name === 'seq') return read((c) => c.seq + 1, plain({ kind: 'int' }));
    if (name === 'stream') return read(() => env.stream, jsonSafe(env.stream) ? safeStr : undefined);
    if (name === 'state') return read((c) => c.stateName, env.statesSafe ? safeStr : undefined);
    if (name === 'session') return read((c) => c.session!.id, env.sessionSafe ? safeStr : undefined);
    return read((c) => c.session!.entityId, env.entitySafe ? safeStr : undefined);
  });
  const text = (v: unknown) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v));
  const { parts } = t;
  const make = (c: Ctx) => {
    for (let i = 0; i < vars.length; i++) varVals[i] = vars[i]![1].make(c);
    let s = parts[0]!;
    for (let i = 0; i < getters.length; i++) s += text(getters[i]!(c)) + parts[i + 1]!;
    return s;
  };
  return { make, json: plain({ kind: safe ? 'safe-str' : 'str' }) };
}

function nested(f: Extract<Spec, { type: 'object' }>, path: string, env: FieldEnv): Compiled {
  const entries = Object.entries(f.fields).map(([k, v]) => [k, compileField(v, `${path}/fields/${k}`, env)] as const);
  const keys = entries.map(([k]) => k);
  const build = objectBuilder<Ctx>(
    keys,
    entries.map(([, c]) => c.make),
    false,
  );
  const write = objectWriter(new Map(entries.map(([k, c]) => [k, c.json])));
  return { make: build, json: plain({ kind: 'write', write }) };
}

function array(f: Extract<Spec, { type: 'array' }>, path: string, env: FieldEnv): Compiled {
  const first = env.rowCount();
  const item = compileField(f.items, `${path}/items`, { ...env, rowScope: `${env.rowScope}${path}/` });
  const last = env.rowCount();
  const r = env.rng(`${path}/length`);
  const len =
    typeof f.length === 'number'
      ? (
          (n: number) => () =>
            n
        )(f.length)
      : (
          (lo: number, span: number) => () =>
            lo + r.int(span)
        )(f.length.min, f.length.max - f.length.min + 1);
  const one = valueWriter(item.json);
  const make = (c: Ctx) => {
    const n = len();
    const a = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      for (let k = first; k < last; k++) c.rows[k] = undefined; // each item picks its own rows
      a[i] = item.make(c);
    }
    return a;
  };
  const write = (v: unknown) => {
    const a = v as unknown[];
    let s = '[';
    for (let i = 0; i < a.length; i++) s += (i ? ',' : '') + one(a[i]);
    return `${s}]`;
  };
  return { make, json: plain({ kind: 'write', write }) };
}

function lookup(f: Extract<Spec, { type: 'lookup' }>, path: string, env: FieldEnv): Compiled {
  const [src, ...rest] = f.from.split('.') as [string, ...string[]];
  const store = env.store(src);
  const slot = env.rowSlot(env.rowScope + (f.row ?? src));
  const r = env.rng(path);
  const latest = f.pick === 'latest';
  const row = (c: Ctx) => {
    let e = c.rows[slot];
    if (e === undefined) {
      e = latest ? store.latest() : store.any(r);
      c.rows[slot] = e;
    }
    return e;
  };
  const make = rest.length ? (c: Ctx) => readPath(row(c), rest) : (c: Ctx) => row(c) ?? null;
  const known = rest.length === 1 ? env.sourceJson(src, rest[0]!) : undefined;
  return { make, json: known ? { json: known.json, nullable: true } : plain({ kind: 'any' }) };
}

function typed(f: Spec, path: string, env: FieldEnv): Compiled {
  switch (f.type) {
    case 'const':
      return constant(f.value);
    case 'sequence':
      return sequence(f);
    case 'uuid': {
      const r = env.rng(path);
      return { make: () => uuid(r), json: plain({ kind: 'safe-str' }) };
    }
    case 'uniform':
    case 'normal':
    case 'lognormal':
    case 'exponential':
      return numberField(f, env.rng(path));
    case 'int': {
      const r = env.rng(path);
      const lo = f.min,
        span = f.max - f.min + 1;
      const values = span <= FEW ? Array.from({ length: span }, (_, i) => lo + i) : undefined;
      return { make: () => lo + Math.floor(r.next() * span), json: { ...plain({ kind: 'int' }), values } };
    }
    case 'boolean': {
      const r = env.rng(path);
      const p = f.p ?? 0.5;
      return { make: () => r.next() < p, json: { ...plain({ kind: 'bool' }), values: [false, true] } };
    }
    case 'choice':
      return choice(f, env.rng(path));
    case 'key': {
      const pop = env.entity(f.entity, path);
      const r = env.rng(path);
      const prefix = typeof f.entity === 'string' ? undefined : f.entity.prefix;
      return {
        make: () => pop.activeId(r),
        json: plain({ kind: prefix === undefined || jsonSafe(prefix) ? 'safe-str' : 'str' }),
      };
    }
    case 'timestamp':
      return timestamp(f, env.rng(path));
    case 'template':
      return template(f, path, env);
    case 'object':
      return nested(f, path, env);
    case 'array':
      return array(f, path, env);
    case 'lookup':
      return lookup(f, path, env);
    case 'state':
      return { make: (c) => c.stateName, json: plain({ kind: env.statesSafe ? 'safe-str' : 'str' }) };
    case 'session': {
      if (f.prefix === undefined)
        return { make: (c) => c.session!.id, json: plain({ kind: env.sessionSafe ? 'safe-str' : 'str' }) };
      const prefix = f.prefix;
      return { make: (c) => prefix + c.session!.n, json: plain({ kind: jsonSafe(prefix) ? 'safe-str' : 'str' }) };
    }
    case 'entity':
      return { make: (c) => c.session!.entityId, json: plain({ kind: env.entitySafe ? 'safe-str' : 'str' }) };
  }
}

/** a validated field spec → its maker and JSON kind (nullRate wraps both) */
export function compileField(f: FieldSpec, path: string, env: FieldEnv): Compiled {
  if (f === null || typeof f !== 'object') return constant(f);
  const c = typed(f, path, env);
  const p = f.nullRate ?? 0;
  if (p <= 0) return c;
  const r = env.rng(`${path}#null`);
  const make = c.make;
  const values = c.json.values && [...c.json.values, null];
  return { make: (ctx) => (r.next() < p ? null : make(ctx)), json: { json: c.json.json, nullable: true, values } };
}
