import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { Rng } from '../../../generators/rng.ts';
import { compileSpec } from '../../../generators/spec/compile.ts';
import { isoTime, jsonFixed, uuid } from '../../../generators/spec/json.ts';
import type { EventSpec } from '../../../generators/spec/types.ts';

/** a spec that uses every field type, unsafe strings, integer-like keys, nulls and nesting */
const BROAD: EventSpec = {
  entities: { users: { count: 500, zipf: 1.2, prefix: 'u' } },
  streams: {
    users: {
      fields: {
        id: { type: 'sequence', prefix: 'user-' },
        name: { type: 'choice', values: ['Ann "A"', 'Bo\\b', 'Cé', 'line\nbreak', '\u2028x'] },
        2: { type: 'int', min: 0, max: 3 },
        age: { type: 'normal', mean: 40, sd: 12, min: 18, max: 90, round: 0 },
      },
    },
    orders: {
      weight: 3,
      fields: {
        orderId: { type: 'uuid' },
        userId: { type: 'lookup', from: 'users.id' },
        userName: { type: 'lookup', from: 'users.name' },
        user: { type: 'lookup', from: 'users', row: 'other' },
        amount: { type: 'lognormal', mu: 3, sigma: 1, round: 2, nullRate: 0.1 },
        rate: { type: 'uniform', min: -1, max: 1 },
        tiny: { type: 'exponential', mean: 1e-9 },
        big: { type: 'exponential', mean: 1e22 },
        qty: { type: 'int', min: 1, max: 5 },
        paid: { type: 'boolean', p: 0.8 },
        status: { type: 'choice', values: [1, 'two', null, true, { x: 1 }] },
        key: { type: 'key', entity: { count: 50, prefix: 'k"' } },
        at: { type: 'timestamp' },
        atIso: { type: 'timestamp', format: 'iso', offset: { type: 'normal', mean: 0, sd: 1e6 } },
        atS: { type: 'timestamp', format: 's' },
        label: { type: 'template', template: '{userName}/{qty}/{{lit}}/{v}', vars: { v: { type: 'uuid' } } },
        1: { type: 'const', value: [1, 'a', null] },
        nested: {
          type: 'object',
          fields: {
            items: {
              type: 'array',
              items: {
                type: 'object',
                fields: { sku: { type: 'key', entity: 'users' }, n: { type: 'int', min: 0, max: 9 } },
              },
              length: { min: 0, max: 3 },
            },
            empty: { type: 'object', fields: { z: null } },
            fixed: { type: 'array', items: { type: 'normal', mean: 0, sd: 1, round: 6 }, length: 2 },
          },
        },
      },
      disorder: { share: 0.2, lag: { type: 'exponential', mean: 3000 } },
      duplicates: { share: 0.05 },
    },
    sessions: {
      stateMachine: {
        entity: 'users',
        initial: { login: 3, 'browse "x"': 1 },
        states: {
          login: { next: { 'browse "x"': 1 }, dwell: { type: 'const', value: 100 } },
          'browse "x"': { next: { 'browse "x"': 2, logout: 1, $end: 1 }, fields: { page: { type: 'sequence' } } },
          logout: {},
        },
      },
      fields: {
        s: { type: 'session' },
        u: { type: 'entity' },
        st: { type: 'state' },
        t: { type: 'template', template: '{state}@{session}' },
      },
    },
    fn: {
      weight: 0.5,
      generate: (ctx) => ({ i: ctx.index, r: ctx.rng.int(100), u: ctx.lookup('users.id') ?? null, now: ctx.now }),
    },
  },
};

function digest(spec: EventSpec | ((ctx: never) => unknown), seed: number, n: number): string {
  const s = compileSpec(spec as EventSpec).create({ seed });
  const h = createHash('sha256');
  for (let i = 0; i < n; i++) h.update(`${s.toJson(s.next())}\n`);
  return h.digest('hex');
}

test('toJson writes every event exactly as JSON.stringify does', () => {
  const s = compileSpec(BROAD).create({ seed: 5 });
  const streams = new Set<string>();
  for (let i = 0; i < 20_000; i++) {
    const e = s.next();
    streams.add(s.last.stream);
    assert.is(s.toJson(e), JSON.stringify(e), `event ${i} of ${s.last.stream}`);
  }
  assert.equal([...streams].sort(), ['fn', 'orders', 'sessions', 'users']);
  // an event changed after the fact is not the last one any more: JSON.stringify
  const e = s.next() as Record<string, unknown>;
  s.next();
  e.extra = 'added';
  assert.is(s.toJson(e), JSON.stringify(e));
});

test('same seed, same bytes; another seed, other bytes', () => {
  const a = digest(BROAD, 11, 5000);
  assert.is(digest(BROAD, 11, 5000), a);
  assert.is.not(digest(BROAD, 12, 5000), a);
  assert.is.not(digest(BROAD, 11, 5001), a);
  const fn = (ctx: { rng: Rng; index: number }) => ({ n: ctx.index, x: ctx.rng.next() });
  assert.is(digest(fn as never, 3, 1000), digest(fn as never, 3, 1000));
});

test("the spec's seed is the default; create({ seed }) overrides it", () => {
  const spec: EventSpec = { seed: 9, fields: { id: { type: 'uuid' } } };
  const a = compileSpec(spec).create().take(3);
  assert.equal(compileSpec(spec).create({ seed: 9 }).take(3), a);
  assert.not.equal(compileSpec(spec).create({ seed: 10 }).take(3), a);
  assert.is(compileSpec(spec).create().seed, 9);
  assert.is(compileSpec({ ...spec, seed: 'orders' }).create().seed, compileSpec(spec).create({ seed: 'orders' }).seed);
});

test('a field added or changed leaves the values of every other field as they were', () => {
  const base: EventSpec = {
    fields: { id: { type: 'uuid' }, a: { type: 'normal', mean: 0, sd: 1 }, b: { type: 'choice', values: ['x', 'y'] } },
  };
  const more: EventSpec = {
    fields: {
      id: { type: 'uuid' },
      extra: { type: 'lognormal', mu: 0, sigma: 1, nullRate: 0.3 },
      a: { type: 'normal', mean: 0, sd: 1 },
      b: { type: 'choice', values: ['x', 'y'] },
    },
  };
  const x = compileSpec(base).create({ seed: 1 }).take(500) as Record<string, unknown>[];
  const y = compileSpec(more).create({ seed: 1 }).take(500) as Record<string, unknown>[];
  for (let i = 0; i < x.length; i++) {
    assert.is(y[i]!.id, x[i]!.id);
    assert.is(y[i]!.a, x[i]!.a);
    assert.is(y[i]!.b, x[i]!.b);
  }
});

test('with a clock given, send times are the caller’s and event times follow them', () => {
  const s = compileSpec({ fields: { t: { type: 'timestamp' }, iso: { type: 'timestamp', format: 'iso' } } }).create();
  const e = s.next(1_767_225_600_123.7) as { t: number; iso: string };
  assert.is(e.t, 1_767_225_600_123);
  assert.is(e.iso, '2026-01-01T00:00:00.123Z');
  assert.is(s.last.sendTime, 1_767_225_600_123);
  // without one, the spec's own arrivals from startMs
  const own = compileSpec({
    startMs: 1000,
    arrivals: { kind: 'constant', rate: 10 },
    fields: { t: { type: 'timestamp' } },
  });
  assert.equal(
    own
      .create()
      .take(3)
      .map((x) => (x as { t: number }).t),
    [1000, 1100, 1200],
  );
});

test('sequences count per stream; {seq} is 1-based and {index} the position in the output', () => {
  const s = compileSpec({
    streams: {
      a: {
        fields: {
          n: { type: 'sequence', start: 10, step: 5 },
          t: { type: 'template', template: '{stream}:{seq}:{index}' },
        },
      },
      b: { fields: { n: { type: 'sequence', prefix: 'b-' } } },
    },
  }).create({ seed: 2 });
  const seen: Record<string, unknown[]> = { a: [], b: [] };
  for (let i = 0; i < 50; i++) {
    const e = s.next() as { n: unknown; t?: string };
    seen[s.last.stream]!.push(e.n);
    if (e.t) assert.is(e.t, `a:${seen.a!.length}:${i}`);
  }
  assert.equal(
    seen.a,
    seen.a!.map((_, i) => 10 + 5 * i),
  );
  assert.equal(
    seen.b,
    seen.b!.map((_, i) => `b-${i + 1}`),
  );
});

test('fixed-decimal numbers are written as JSON.stringify writes them', () => {
  const r = new Rng(4);
  const xs = [
    0,
    -0,
    1,
    -1,
    0.1,
    0.5,
    1.005,
    2.675,
    1e-6,
    123456.789,
    -0.001,
    1e14 + 0.5,
    1e15,
    NaN,
    Infinity,
    -Infinity,
  ];
  for (let i = 0; i < 50_000; i++) xs.push(r.normal(0, 1000), r.lognormal(0, 3), r.uniform(-1e9, 1e9));
  for (const x of xs)
    for (let k = 0; k <= 7; k++) {
      const v = k === 7 ? x : Math.round(x * 10 ** k) / 10 ** k;
      assert.is(jsonFixed(v, k), JSON.stringify(v) ?? 'null', `${v} at ${k}`);
    }
});

test('ISO times equal Date.prototype.toISOString', () => {
  const r = new Rng(6);
  const ts = [0, -1, 86_399_999, 951_782_400_000, 253_402_300_799_999, 253_402_300_800_000, -62_198_755_200_000];
  for (let i = 0; i < 20_000; i++) ts.push(Math.floor(r.uniform(-1e13, 1e14)));
  for (const t of ts) assert.is(isoTime(t), new Date(t).toISOString(), String(t));
});

test('uuids are RFC 4122 version 4 and do not repeat', () => {
  const r = new Rng(8);
  const seen = new Set<string>();
  for (let i = 0; i < 20_000; i++) {
    const u = uuid(r);
    assert.match(u, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    seen.add(u);
  }
  assert.is(seen.size, 20_000);
});

test('a function generator gets rng, index, now, eventTime and lookup, and may not return undefined', () => {
  const seen: unknown[] = [];
  const s = compileSpec((ctx) => {
    seen.push({ index: ctx.index, now: ctx.now, eventTime: ctx.eventTime, none: ctx.lookup('events.n') });
    return { n: ctx.index };
  }).create();
  s.next(5000);
  s.next(6000);
  assert.equal(seen, [
    { index: 0, now: 5000, eventTime: 5000, none: undefined },
    { index: 1, now: 6000, eventTime: 6000, none: 0 },
  ]);
  assert.throws(
    () =>
      compileSpec(() => undefined)
        .create()
        .next(),
    /returned undefined/,
  );
  const bad = compileSpec({ generate: (ctx) => ctx.lookup('nope.x') }).create();
  assert.throws(() => bad.next(), /no stream "nope"/);
});

test.run();
