/**
 * Validation of field specs and distributions: every bad field named by its path, with the
 * allowed fields and values of the type the user wrote.
 */
import { type Checker, seg } from './check.ts';
import { parseTemplate } from './template.ts';

const DISTRIBUTION_TYPES = ['const', 'uniform', 'normal', 'lognormal', 'exponential'] as const;
const BOUNDED = ['min', 'max'];
const DIST_KEYS: Record<(typeof DISTRIBUTION_TYPES)[number], string[]> = {
  const: ['value', ...BOUNDED],
  uniform: ['min', 'max'],
  normal: ['mean', 'sd', ...BOUNDED],
  lognormal: ['mu', 'sigma', ...BOUNDED],
  exponential: ['mean', ...BOUNDED],
};

const FIELD_TYPES = [
  'const',
  'sequence',
  'uuid',
  'uniform',
  'int',
  'normal',
  'lognormal',
  'exponential',
  'boolean',
  'choice',
  'key',
  'timestamp',
  'template',
  'object',
  'array',
  'lookup',
  'state',
  'session',
  'entity',
] as const;
type FieldType = (typeof FIELD_TYPES)[number];

const NUMBER_EXTRA = ['round', 'bounds'];
const FIELD_KEYS: Record<FieldType, string[]> = {
  const: ['value'],
  sequence: ['start', 'step', 'prefix'],
  uuid: [],
  uniform: ['min', 'max', 'round'],
  int: ['min', 'max'],
  normal: [...DIST_KEYS.normal, ...NUMBER_EXTRA],
  lognormal: [...DIST_KEYS.lognormal, ...NUMBER_EXTRA],
  exponential: [...DIST_KEYS.exponential, ...NUMBER_EXTRA],
  boolean: ['p'],
  choice: ['values', 'weights'],
  key: ['entity'],
  timestamp: ['format', 'offset'],
  template: ['template', 'vars'],
  object: ['fields'],
  array: ['items', 'length'],
  lookup: ['from', 'pick', 'row'],
  state: [],
  session: ['prefix'],
  entity: [],
};

/** what field validation needs to know about the stream and the spec around it */
export interface FieldScope {
  /** declared entity names */
  entities: ReadonlySet<string>;
  /** the stream's name, and whether it is a state machine */
  stream: string;
  machine: boolean;
  /** top-level fields of every declarative stream (lookup paths are checked against them) */
  streamFields: ReadonlyMap<string, ReadonlySet<string> | 'any'>;
  /** streams this stream's lookups read (filled while validating) */
  deps: Set<string>;
  /** set when a timestamp field is seen */
  timestamps: { seen: boolean };
}

/** placeholders a template may use besides vars and earlier fields */
function builtinRefs(machine: boolean): string[] {
  return machine ? ['index', 'seq', 'stream', 'state', 'session', 'entity'] : ['index', 'seq', 'stream'];
}

export function checkEntity(c: Checker, v: unknown, path: string): void {
  const o = c.object(v, path, ['count', 'zipf', 'prefix']);
  if (!o) return;
  c.number(o.count, `${path}/count`, { int: true, min: 1, max: 10_000_000 });
  c.optionalNumber(o, 'zipf', path, { min: 0, max: 10 });
  if (o.prefix !== undefined) c.string(o.prefix, `${path}/prefix`, false);
}

/** a distribution of numbers (lags, dwell times, delays, offsets, and number fields) */
export function checkDistribution(c: Checker, v: unknown, path: string, strict = true): void {
  const o = c.object(v, path, undefined, `a distribution { type: ${DISTRIBUTION_TYPES.join(' | ')}, … }`);
  if (!o) return;
  const type = c.oneOf(o.type, `${path}/type`, DISTRIBUTION_TYPES);
  if (!type) return;
  if (strict) c.object(o, path, ['type', ...DIST_KEYS[type]]);
  const num = (k: string, rule = {}) => c.number(o[k], `${path}/${k}`, rule);
  if (type === 'const') num('value');
  if (type === 'uniform') {
    const lo = num('min'),
      hi = num('max');
    if (lo !== undefined && hi !== undefined && hi < lo) c.add(`${path}/max`, `expected ≥ min (${lo}), got ${hi}`);
    return;
  }
  if (type === 'normal') {
    num('mean');
    num('sd', { min: 0 });
  }
  if (type === 'lognormal') {
    num('mu');
    num('sigma', { min: 0 });
  }
  if (type === 'exponential') num('mean', { above: 0 });
  const lo = c.optionalNumber(o, 'min', path);
  const hi = c.optionalNumber(o, 'max', path);
  if (lo !== undefined && hi !== undefined && hi < lo) c.add(`${path}/max`, `expected ≥ min (${lo}), got ${hi}`);
}

/** the fields of an object (top level, a state's, a nested object's); `earlier` grows as it goes */
export function checkFields(c: Checker, v: unknown, path: string, scope: FieldScope, earlier?: Set<string>): void {
  const o = c.object(v, path, undefined, 'an object of fields { name: spec }');
  if (!o) return;
  if (Object.keys(o).length === 0) c.add(path, 'expected at least one field');
  for (const [k, f] of Object.entries(o)) {
    if (k === '__proto__') c.add(`${path}/${seg(k)}`, 'a field may not be named __proto__');
    checkField(c, f, `${path}/${seg(k)}`, scope, earlier);
    earlier?.add(k);
  }
}

function checkField(c: Checker, v: unknown, path: string, scope: FieldScope, earlier?: Set<string>): void {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
    if (typeof v === 'number' && !Number.isFinite(v)) c.add(path, `expected a finite number, got ${v}`);
    return; // a constant
  }
  const o = c.object(v, path, undefined, `a constant or a field spec { type: ${FIELD_TYPES.join(' | ')}, … }`);
  if (!o) return;
  const type = c.oneOf(o.type, `${path}/type`, FIELD_TYPES);
  if (!type) return;
  c.object(o, path, ['type', 'nullRate', ...FIELD_KEYS[type]]);
  if (o.nullRate !== undefined) c.probability(o.nullRate, `${path}/nullRate`);
  checkTyped(c, type, o, path, scope, earlier);
}

function checkNumberExtras(c: Checker, o: Record<string, unknown>, path: string): void {
  c.optionalNumber(o, 'round', path, { int: true, min: 0, max: 15 });
  if (o.bounds !== undefined) c.oneOf(o.bounds, `${path}/bounds`, ['clamp', 'resample'] as const);
}

function checkTyped(
  c: Checker,
  type: FieldType,
  o: Record<string, unknown>,
  path: string,
  scope: FieldScope,
  earlier?: Set<string>,
): void {
  const num = (k: string, rule = {}) => c.optionalNumber(o, k, path, rule);
  switch (type) {
    case 'const':
      if (!('value' in o)) c.add(`${path}/value`, 'expected a value (any JSON value)');
      return;
    case 'sequence':
      num('start');
      num('step');
      if (o.prefix !== undefined) c.string(o.prefix, `${path}/prefix`, false);
      return;
    case 'uniform':
    case 'normal':
    case 'lognormal':
    case 'exponential': {
      const { round: _r, bounds: _b, nullRate: _n, ...dist } = o;
      checkDistribution(c, dist, path, false); // unknown keys: checked above, with the field's own
      checkNumberExtras(c, o, path);
      if (o.bounds !== undefined && o.min === undefined && o.max === undefined)
        c.add(`${path}/bounds`, 'bounds applies to min and max: give min or max');
      return;
    }
    case 'int': {
      const lo = c.number(o.min, `${path}/min`, { int: true }),
        hi = c.number(o.max, `${path}/max`, { int: true });
      if (lo !== undefined && hi !== undefined && hi < lo) c.add(`${path}/max`, `expected ≥ min (${lo}), got ${hi}`);
      return;
    }
    case 'boolean':
      if (o.p !== undefined) c.probability(o.p, `${path}/p`);
      return;
    case 'choice':
      checkChoice(c, o, path);
      return;
    case 'key':
      if (typeof o.entity === 'string') {
        if (!scope.entities.has(o.entity))
          c.add(
            `${path}/entity`,
            `unknown entity "${o.entity}" (declared: ${[...scope.entities].join(', ') || 'none'})`,
          );
      } else checkEntity(c, o.entity, `${path}/entity`);
      return;
    case 'timestamp':
      scope.timestamps.seen = true;
      if (o.format !== undefined) c.oneOf(o.format, `${path}/format`, ['ms', 's', 'iso'] as const);
      if (o.offset !== undefined) checkDistribution(c, o.offset, `${path}/offset`);
      return;
    case 'template':
      checkTemplate(c, o, path, scope, earlier);
      return;
    case 'object':
      checkFields(c, o.fields, `${path}/fields`, scope);
      return;
    case 'array':
      checkArray(c, o, path, scope);
      return;
    case 'lookup':
      checkLookup(c, o, path, scope);
      return;
    case 'state':
    case 'session':
    case 'entity':
      if (!scope.machine) c.add(`${path}/type`, `"${type}" needs a stateMachine stream`);
      if (type === 'session' && o.prefix !== undefined) c.string(o.prefix, `${path}/prefix`, false);
  }
}

function checkChoice(c: Checker, o: Record<string, unknown>, path: string): void {
  if (Array.isArray(o.values)) {
    if (o.values.length === 0) c.add(`${path}/values`, 'expected at least one value');
    if (o.weights === undefined) return;
    if (!Array.isArray(o.weights)) {
      c.add(`${path}/weights`, `expected an array of numbers ≥ 0`);
      return;
    }
    if (o.weights.length !== o.values.length)
      c.add(`${path}/weights`, `expected ${o.values.length} weights (one per value), got ${o.weights.length}`);
    else c.weights({ ...o.weights }, `${path}/weights`);
    return;
  }
  const m = c.object(o.values, `${path}/values`, undefined, 'an array of values or an object { value: weight }');
  if (m) c.weights(m, `${path}/values`);
  if (o.weights !== undefined) c.add(`${path}/weights`, 'weights go beside an array of values, not an object');
}

function checkTemplate(
  c: Checker,
  o: Record<string, unknown>,
  path: string,
  scope: FieldScope,
  earlier?: Set<string>,
): void {
  const vars = new Set<string>();
  if (o.vars !== undefined) {
    const vo = c.object(o.vars, `${path}/vars`);
    if (vo)
      for (const [k, f] of Object.entries(vo)) {
        checkField(c, f, `${path}/vars/${seg(k)}`, scope);
        vars.add(k);
      }
  }
  const t = c.string(o.template, `${path}/template`, false);
  if (t === undefined) return;
  const parsed = parseTemplate(t);
  if (typeof parsed === 'string') {
    c.add(`${path}/template`, parsed);
    return;
  }
  const known = [...vars, ...builtinRefs(scope.machine), ...(earlier ?? [])];
  for (const ref of parsed.refs) {
    const name = ref[0]!;
    if (vars.has(name) || builtinRefs(scope.machine).includes(name) || earlier?.has(name)) continue;
    c.add(
      `${path}/template`,
      `unknown placeholder {${ref.join('.')}} (known here: ${known.join(', ')}; a template sees the fields above it)`,
    );
  }
}

function checkArray(c: Checker, o: Record<string, unknown>, path: string, scope: FieldScope): void {
  if (!('items' in o)) c.add(`${path}/items`, 'expected the items spec');
  else checkField(c, o.items, `${path}/items`, scope);
  if (typeof o.length === 'number') c.number(o.length, `${path}/length`, { int: true, min: 0, max: 100_000 });
  else {
    const l = c.object(o.length, `${path}/length`, ['min', 'max'], 'a length: a number or { min, max }');
    if (!l) return;
    const lo = c.number(l.min, `${path}/length/min`, { int: true, min: 0, max: 100_000 });
    const hi = c.number(l.max, `${path}/length/max`, { int: true, min: 0, max: 100_000 });
    if (lo !== undefined && hi !== undefined && hi < lo) c.add(`${path}/length/max`, `expected ≥ min (${lo})`);
  }
}

function checkLookup(c: Checker, o: Record<string, unknown>, path: string, scope: FieldScope): void {
  if (o.pick !== undefined) c.oneOf(o.pick, `${path}/pick`, ['uniform', 'latest'] as const);
  if (o.row !== undefined) c.string(o.row, `${path}/row`);
  const from = c.string(o.from, `${path}/from`);
  if (from === undefined) return;
  const [src, first] = from.split('.');
  const fields = scope.streamFields.get(src!);
  const streams = [...scope.streamFields.keys()].filter((s) => s !== scope.stream);
  if (fields === undefined || src === scope.stream) {
    c.add(
      `${path}/from`,
      `"${from}" names no other stream (write "stream.field"; streams: ${streams.join(', ') || 'none'})`,
    );
    return;
  }
  scope.deps.add(src!);
  if (first !== undefined && fields !== 'any' && !fields.has(first))
    c.add(`${path}/from`, `stream "${src}" has no field "${first}" (its fields: ${[...fields].join(', ')})`);
}
