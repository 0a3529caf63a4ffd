import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PipelabError } from '../../../errors.ts';
import { compileSpec } from '../../../generators/spec/compile.ts';

/** the issues a spec is refused with, as 'path: message' lines */
function issues(spec: unknown, prefix?: string): string[] {
  try {
    compileSpec(spec as never, prefix === undefined ? {} : { prefix });
  } catch (e) {
    assert.instance(e, PipelabError);
    const err = e as PipelabError;
    assert.is(err.code, 'INVALID_ARGUMENT');
    assert.is(err.exitCode, 104);
    assert.ok(err.hint?.includes('docs/event-specs.md'));
    return err.issues.map((i) => `${i.path}: ${i.message}`);
  }
  assert.unreachable('the spec was accepted');
  return [];
}
const has = (lines: string[], path: string, ...words: string[]) =>
  assert.ok(
    lines.some((l) => l.startsWith(`${path}: `) && words.every((w) => l.includes(w))),
    `no issue at ${path} with ${words.join(', ')} in:\n${lines.join('\n')}`,
  );

test('a valid spec with every field type compiles', () => {
  const c = compileSpec({
    entities: { users: { count: 10 } },
    streams: {
      users: { fields: { id: { type: 'sequence', prefix: 'u' } } },
      events: {
        fields: {
          a: 1,
          b: 'x',
          c: null,
          d: true,
          e: { type: 'const', value: { nested: [1] } },
          f: { type: 'uuid' },
          g: { type: 'uniform', min: 0, max: 1, round: 2 },
          h: { type: 'int', min: 1, max: 6 },
          i: { type: 'normal', mean: 0, sd: 1, min: -3, max: 3, bounds: 'resample' },
          j: { type: 'lognormal', mu: 1, sigma: 0.5 },
          k: { type: 'exponential', mean: 10, nullRate: 0.1 },
          l: { type: 'boolean', p: 0.3 },
          m: { type: 'choice', values: { x: 1, y: 2 } },
          n: { type: 'choice', values: [1, 'two', null], weights: [1, 1, 1] },
          o: { type: 'key', entity: 'users' },
          p: { type: 'key', entity: { count: 5, zipf: 0, prefix: 'k' } },
          q: { type: 'timestamp', format: 'iso', offset: { type: 'uniform', min: -10, max: 0 } },
          r: { type: 'template', template: '{b}-{seq}-{{x}}-{v}', vars: { v: { type: 'int', min: 0, max: 9 } } },
          s: { type: 'object', fields: { t: { type: 'array', items: { type: 'uuid' }, length: { min: 0, max: 2 } } } },
          u: { type: 'lookup', from: 'users.id', pick: 'latest', row: 'x' },
        },
      },
    },
  });
  assert.equal(c.streams, ['users', 'events']);
});

test('an unknown field type is named with its path and the allowed types', () => {
  const lines = issues({ fields: { amount: { type: 'lognorml', mu: 1, sigma: 1 } } });
  has(lines, '/fields/amount/type', 'expected one of', '"lognormal"', '"uuid"', 'got "lognorml"');
});

test('an unknown option of a type lists the options that type allows', () => {
  const lines = issues({ fields: { amount: { type: 'normal', mean: 1, sd: 2, stddev: 3 } } });
  has(
    lines,
    '/fields/amount/stddev',
    'unknown field "stddev"',
    'allowed: type, nullRate, mean, sd, min, max, round, bounds',
  );
});

test('every bad field is reported at once, in nested objects, arrays and streams too', () => {
  const lines = issues({
    streams: {
      orders: {
        weight: -1,
        fields: {
          qty: { type: 'int', min: 5, max: 1 },
          price: { type: 'normal', mean: 'ten', sd: -1 },
          p: { type: 'boolean', p: 2 },
          meta: { type: 'object', fields: { tags: { type: 'array', items: { type: 'nope' }, length: -1 } } },
          pct: { type: 'exponential', mean: 0, round: 20 },
          n: { type: 'uniform', min: 0, max: 1, nullRate: 1.5 },
        },
      },
    },
  });
  has(lines, '/streams/orders/weight', '≥ 0');
  has(lines, '/streams/orders/fields/qty/max', '≥ min (5)');
  has(lines, '/streams/orders/fields/price/mean', 'expected a number', '"ten"');
  has(lines, '/streams/orders/fields/price/sd', '≥ 0', '-1');
  has(lines, '/streams/orders/fields/p/p', 'between 0 and 1', 'got 2');
  has(lines, '/streams/orders/fields/meta/fields/tags/items/type', 'expected one of');
  has(lines, '/streams/orders/fields/meta/fields/tags/length', 'between 0 and 100000');
  has(lines, '/streams/orders/fields/pct/mean', '> 0');
  has(lines, '/streams/orders/fields/pct/round', 'between 0 and 15');
  has(lines, '/streams/orders/fields/n/nullRate', 'between 0 and 1');
  assert.ok(lines.length >= 10, lines.join('\n'));
});

test('unknown top-level and stream fields are named with the allowed ones', () => {
  has(issues({ fields: { a: 1 }, sed: 3 }), '/sed', 'unknown field "sed"', 'allowed: name, seed, startMs');
  has(issues({ streams: { a: { fields: { a: 1 }, wieght: 2 } } }), '/streams/a/wieght', 'allowed: weight, fields');
  has(issues({ streams: { a: { fields: { a: 1 } } }, fields: { b: 1 } }), '/fields', 'unknown field "fields"');
  has(issues({}), '/', 'expected fields');
  has(issues({ fields: {} }), '/fields', 'at least one field');
  has(issues('orders'), '/', 'expected an event spec object');
  has(issues({ fields: { a: 1 }, arrivals: { kind: 'poison', rate: 1 } }), '/arrivals/kind');
  has(issues({ fields: { a: 1 }, seed: -1 }), '/seed', '≥ 0');
});

test('templates: unknown placeholders, later fields and unclosed braces', () => {
  const lines = issues({
    fields: {
      a: { type: 'template', template: 'x-{b}' },
      b: 'B',
      c: { type: 'template', template: '{nope}' },
      d: { type: 'template', template: 'open {a' },
      e: { type: 'template', template: '{state}' },
    },
  });
  has(lines, '/fields/a/template', 'unknown placeholder {b}', 'fields above it');
  has(lines, '/fields/c/template', 'unknown placeholder {nope}', 'known here: index, seq, stream, a, b');
  has(lines, '/fields/d/template', 'unclosed');
  has(lines, '/fields/e/template', 'unknown placeholder {state}');
});

test('keys and lookups must name declared entities, other streams and their fields', () => {
  const lines = issues({
    entities: { users: { count: 0 } },
    streams: {
      users: { fields: { id: { type: 'uuid' } } },
      orders: {
        fields: {
          a: { type: 'key', entity: 'products' },
          b: { type: 'lookup', from: 'customers.id' },
          c: { type: 'lookup', from: 'users.email' },
          d: { type: 'lookup', from: 'orders.a' },
          e: { type: 'lookup', from: 'users.id', pick: 'random' },
        },
      },
    },
  });
  has(lines, '/entities/users/count', 'between 1 and 10000000');
  has(lines, '/streams/orders/fields/a/entity', 'unknown entity "products"', 'declared: users');
  has(lines, '/streams/orders/fields/b/from', '"customers.id" names no other stream', 'streams: users');
  has(lines, '/streams/orders/fields/c/from', 'no field "email"', 'its fields: id');
  has(lines, '/streams/orders/fields/d/from', 'names no other stream');
  has(lines, '/streams/orders/fields/e/pick', '"uniform", "latest"');
});

test('streams that only look each other up are refused', () => {
  const lines = issues({
    streams: {
      a: { fields: { x: { type: 'lookup', from: 'b.y' } } },
      b: { fields: { y: { type: 'lookup', from: 'a.x' } } },
    },
  });
  has(lines, '/streams', 'a, b only look each other up');
});

test('state machines: unknown states, reserved names, bad weights and session fields elsewhere', () => {
  const lines = issues({
    entities: { users: { count: 10 } },
    streams: {
      s: {
        stateMachine: {
          entity: 'users',
          initial: 'start',
          states: {
            login: { next: { browse: 1, lost: 1 }, dwell: { type: 'exponential', mean: -1 } },
            browse: { next: { $end: 0 } },
            $end: {},
          },
        },
      },
      t: { fields: { st: { type: 'state' } } },
    },
  });
  has(lines, '/streams/s/stateMachine/initial', 'unknown state "start"', '"login", "browse"');
  has(lines, '/streams/s/stateMachine/states/login/next/lost', 'unknown state "lost"', '$end');
  has(lines, '/streams/s/stateMachine/states/login/dwell/mean', '> 0');
  has(lines, '/streams/s/stateMachine/states/browse/next', 'must not all be 0');
  has(lines, '/streams/s/stateMachine/states/$end', 'reserved');
  has(lines, '/streams/t/fields/st/type', 'needs a stateMachine stream');
});

test('disorder needs a timestamp to shift; duplicates and disorder take shares and distributions', () => {
  has(
    issues({ fields: { a: 1 }, disorder: { share: 0.1, lag: { type: 'exponential', mean: 100 } } }),
    '/disorder',
    'no timestamp field',
  );
  const lines = issues({
    fields: { t: { type: 'timestamp' } },
    disorder: { share: 1.5, lag: { type: 'gauss' } },
    duplicates: { share: 0.1, delay: { type: 'uniform', min: 5, max: 1 }, after: 3 },
  });
  has(lines, '/disorder/share', 'between 0 and 1');
  has(lines, '/disorder/lag/type', '"exponential"');
  has(lines, '/duplicates/delay/max', '≥ min');
  has(lines, '/duplicates/after', 'unknown field "after"', 'allowed: share, delay');
});

test('a prefix goes before every path (a spec inside a scenario)', () => {
  const lines = issues({ fields: { a: { type: 'int' } } }, '/target/produce/generator');
  has(lines, '/target/produce/generator/fields/a/min', 'expected an integer');
});

test('generate must be a function, and not beside fields', () => {
  has(issues({ generate: 'x' }), '/generate', 'expected a function');
  has(issues({ generate: () => ({}), fields: { a: 1 } }), '/fields', 'either generate or fields');
});

test.run();
