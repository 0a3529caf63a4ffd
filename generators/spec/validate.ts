/**
 * Validation of a whole event spec: its streams, entities, state machines, disorder and
 * duplicates, and the lookups between streams. Every problem is collected with its path and
 * thrown at once as a PipelabError (INVALID_ARGUMENT, exit 104).
 */
import { PipelabError } from '../../errors.ts';
import { ArrivalSpecSchema } from '../arrivals.ts';
import { zodIssues } from '../validate.ts';
import { Checker, seg } from './check.ts';
import type { EventSpec, StreamSpec } from './types.ts';
import { checkDistribution, checkEntity, checkFields, type FieldScope } from './validate-fields.ts';

const STREAM_KEYS = ['weight', 'fields', 'generate', 'stateMachine', 'keep', 'disorder', 'duplicates'];
const TOP_KEYS = ['name', 'seed', 'startMs', 'arrivals', 'entities', 'streams'];

/** a stream of a spec with where it was written and the disorder/duplicates that apply to it */
export interface StreamEntry {
  name: string;
  /** '' for a single-stream spec, '/streams/<name>' otherwise */
  path: string;
  spec: StreamSpec;
  disorder: EventSpec['disorder'];
  disorderPath: string;
  duplicates: EventSpec['duplicates'];
}

/** the streams of a (valid) spec: `streams`, or the spec itself as one stream */
export function streamEntries(spec: EventSpec): StreamEntry[] {
  if (spec.streams === undefined)
    return [
      {
        name: spec.name ?? 'events',
        path: '',
        spec,
        disorder: spec.disorder,
        disorderPath: '/disorder',
        duplicates: spec.duplicates,
      },
    ];
  return Object.entries(spec.streams).map(([name, s]) => ({
    name,
    path: `/streams/${seg(name)}`,
    spec: s,
    disorder: s.disorder ?? spec.disorder,
    disorderPath: s.disorder ? `/streams/${seg(name)}/disorder` : '/disorder',
    duplicates: s.duplicates ?? spec.duplicates,
  }));
}

/** top-level field names a lookup may read ('any' for a function stream) */
function fieldNames(s: StreamSpec): Set<string> | 'any' {
  if (typeof s.generate === 'function') return 'any';
  const names = new Set<string>();
  const add = (f: unknown) => {
    if (f && typeof f === 'object' && !Array.isArray(f)) for (const k of Object.keys(f)) names.add(k);
  };
  add(s.fields);
  const states = s.stateMachine?.states;
  if (states && typeof states === 'object') for (const st of Object.values(states)) add(st?.fields);
  return names;
}

function checkShares(c: Checker, spec: Record<string, unknown>, path: string): void {
  if (spec.disorder !== undefined) {
    const d = c.object(spec.disorder, `${path}/disorder`, ['share', 'lag']);
    if (d) {
      c.probability(d.share, `${path}/disorder/share`);
      checkDistribution(c, d.lag, `${path}/disorder/lag`);
    }
  }
  if (spec.duplicates !== undefined) {
    const d = c.object(spec.duplicates, `${path}/duplicates`, ['share', 'delay']);
    if (d) {
      c.probability(d.share, `${path}/duplicates/share`);
      if (d.delay !== undefined) checkDistribution(c, d.delay, `${path}/duplicates/delay`);
    }
  }
}

function checkMachine(c: Checker, v: unknown, path: string, scope: FieldScope, above: Set<string>): void {
  const m = c.object(v, path, ['entity', 'initial', 'states', 'maxSessions']);
  if (!m) return;
  if (typeof m.entity === 'string') {
    if (!scope.entities.has(m.entity))
      c.add(`${path}/entity`, `unknown entity "${m.entity}" (declared: ${[...scope.entities].join(', ') || 'none'})`);
  } else checkEntity(c, m.entity, `${path}/entity`);
  c.optionalNumber(m, 'maxSessions', path, { int: true, min: 1, max: 10_000_000 });
  const states = c.object(
    m.states,
    `${path}/states`,
    undefined,
    'an object of states { name: { next, dwell, fields } }',
  );
  if (!states) return;
  const names = Object.keys(states);
  if (names.length === 0) c.add(`${path}/states`, 'expected at least one state');
  const known = (s: string) => names.includes(s);
  const list = names.map((n) => `"${n}"`).join(', ');
  if (typeof m.initial === 'string') {
    if (!known(m.initial)) c.add(`${path}/initial`, `unknown state "${m.initial}" (states: ${list})`);
  } else {
    const init = c.object(m.initial, `${path}/initial`, undefined, 'a state name or { state: weight }');
    if (init) {
      c.weights(init, `${path}/initial`);
      for (const k of Object.keys(init))
        if (!known(k)) c.add(`${path}/initial/${seg(k)}`, `unknown state "${k}" (states: ${list})`);
    }
  }
  for (const [name, st] of Object.entries(states)) {
    const p = `${path}/states/${seg(name)}`;
    if (name === '$end') c.add(p, '"$end" is reserved: it ends a session');
    const s = c.object(st, p, ['next', 'dwell', 'fields']);
    if (!s) continue;
    if (s.dwell !== undefined) checkDistribution(c, s.dwell, `${p}/dwell`);
    if (s.fields !== undefined) checkFields(c, s.fields, `${p}/fields`, scope, new Set(above));
    if (s.next === undefined) continue;
    const next = c.object(s.next, `${p}/next`, undefined, "an object { state: weight } ('$end' ends the session)");
    if (!next || Object.keys(next).length === 0) continue;
    c.weights(next, `${p}/next`);
    for (const k of Object.keys(next))
      if (k !== '$end' && !known(k)) c.add(`${p}/next/${seg(k)}`, `unknown state "${k}" (states: ${list}, $end)`);
  }
}

function checkStream(c: Checker, e: StreamEntry, scope: FieldScope, top: boolean): void {
  const s = e.spec as unknown as Record<string, unknown>;
  const p = e.path;
  if (!top) c.object(s, p, STREAM_KEYS);
  if (s.weight !== undefined) c.number(s.weight, `${p}/weight`, { min: 0 });
  c.optionalNumber(s, 'keep', p, { int: true, min: 1, max: 10_000_000 });
  if (!top) checkShares(c, s, p);
  if (s.generate !== undefined) {
    if (typeof s.generate !== 'function') c.add(`${p}/generate`, 'expected a function (ctx) => event');
    for (const k of ['fields', 'stateMachine'])
      if (s[k] !== undefined) c.add(`${p}/${k}`, `give either generate or ${k}, not both`);
    return;
  }
  if (s.fields === undefined && s.stateMachine === undefined) {
    c.add(p || '/', 'expected fields (or a stateMachine, or a generate function)');
    return;
  }
  const earlier = new Set<string>();
  if (s.fields !== undefined) checkFields(c, s.fields, `${p}/fields`, scope, earlier);
  if (s.stateMachine !== undefined) checkMachine(c, s.stateMachine, `${p}/stateMachine`, scope, earlier);
  if (e.disorder && !scope.timestamps.seen)
    c.add(
      e.disorderPath,
      `stream "${e.name}" has no timestamp field for the disorder to shift: add one ({ type: 'timestamp' })`,
    );
}

/** streams whose lookups can never be served (they wait on each other) */
function neverReady(deps: Map<string, Set<string>>): string[] {
  const ready = new Set<string>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const [s, d] of deps)
      if (!ready.has(s) && [...d].every((x) => ready.has(x))) {
        ready.add(s);
        changed = true;
      }
  }
  return [...deps.keys()].filter((s) => !ready.has(s));
}

function checkTop(c: Checker, o: Record<string, unknown>): void {
  if (o.name !== undefined) c.string(o.name, '/name');
  if (o.seed !== undefined && typeof o.seed !== 'string') c.number(o.seed, '/seed', { int: true, min: 0 });
  c.optionalNumber(o, 'startMs', '', { int: true, min: 0 });
  if (o.arrivals !== undefined) {
    const r = ArrivalSpecSchema.safeParse(o.arrivals);
    if (!r.success) c.issues.push(...zodIssues(r.error, '/arrivals'));
  }
  if (o.entities !== undefined) {
    const ents = c.object(o.entities, '/entities', undefined, 'an object { name: { count, zipf, prefix } }');
    if (ents) for (const [k, v] of Object.entries(ents)) checkEntity(c, v, `/entities/${seg(k)}`);
  }
  checkShares(c, o, '');
}

/**
 * Validate a spec (plain data, or with generate functions). Throws PipelabError INVALID_ARGUMENT
 * listing every issue with its path, `prefix` before each (e.g. '/target/produce/generator').
 */
export function validateSpec(input: unknown, prefix = ''): EventSpec {
  const c = new Checker();
  if (typeof input === 'function') return { generate: input as StreamSpec['generate'] };
  const o = c.object(input, '', undefined, 'an event spec object (or a function (ctx) => event)');
  if (o) {
    const single = o.streams === undefined;
    c.object(
      o,
      '',
      single ? [...TOP_KEYS.filter((k) => k !== 'streams'), ...STREAM_KEYS] : [...TOP_KEYS, 'disorder', 'duplicates'],
    );
    checkTop(c, o);
    const spec = o as EventSpec;
    if (!single) {
      const st = c.object(o.streams, '/streams', undefined, 'an object of streams { name: { fields, … } }');
      if (st && Object.keys(st).length === 0) c.add('/streams', 'expected at least one stream');
    }
    const entries = c.issues.some((i) => i.path.startsWith('/streams') && !i.path.startsWith('/streams/'))
      ? []
      : streamEntries(spec);
    const streamFields = new Map(entries.map((e) => [e.name, fieldNames(e.spec ?? {})] as const));
    const entities = new Set(o.entities && typeof o.entities === 'object' ? Object.keys(o.entities) : []);
    const deps = new Map<string, Set<string>>();
    for (const e of entries) {
      const scope: FieldScope = {
        entities,
        stream: e.name,
        machine: e.spec?.stateMachine !== undefined,
        streamFields,
        deps: new Set(),
        timestamps: { seen: false },
      };
      checkStream(c, e, scope, single);
      deps.set(e.name, scope.deps);
    }
    const stuck = neverReady(deps);
    if (stuck.length && c.issues.length === 0)
      c.add(single ? '/' : '/streams', `streams ${stuck.join(', ')} only look each other up, so none can start`);
    if (!single && entries.every((e) => (e.spec?.weight ?? 1) === 0)) c.add('/streams', 'every stream has weight 0');
  }
  if (c.issues.length)
    throw new PipelabError('INVALID_ARGUMENT', 'invalid event spec', {
      issues: c.issues.map((i) => ({ ...i, path: prefix + (i.path === '/' && prefix ? '' : i.path) })),
      hint: 'fix the fields listed above; docs/event-specs.md lists every field type and its options',
    });
  return input as EventSpec;
}
