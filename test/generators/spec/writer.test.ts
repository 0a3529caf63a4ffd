import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../../generators/rng.ts';
import { compileSpec } from '../../../generators/spec/compile.ts';
import { fixedWriter } from '../../../generators/spec/json.ts';
import type { EventSpec } from '../../../generators/spec/types.ts';
import { millisWriter } from '../../../generators/spec/writer.ts';

/** neighbours with few values: runs of them, nulls, escapes, many values, and ranges too large to join */
const FEW: EventSpec = {
  fields: {
    id: { type: 'uuid' },
    cur: { type: 'choice', values: { EUR: 5, USD: 4, 'G"B': 1 } },
    st: { type: 'choice', values: ['paid', 'pending', null], weights: [5, 3, 2] },
    q: { type: 'int', min: -3, max: 6, nullRate: 0.2 },
    at: { type: 'timestamp' },
    n: { type: 'int', min: -2, max: 7 },
    down: { type: 'choice', values: [13, 12, 11, 10, 9, 8, 7] },
    flag: { type: 'boolean', p: 0.3 },
    nums: { type: 'choice', values: [0, 1.5, -2, 1e21, 7, 8, 9, 10] },
    many: { type: 'choice', values: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k\n'] },
    wide: { type: 'int', min: 0, max: 999 },
    tail: { type: 'boolean' },
    mixed: { type: 'choice', values: [true, 'x', 3, { o: 1 }] },
    end: { type: 'choice', values: ['y', 'z'] },
  },
};

test('few-valued neighbours are written from joined texts, exactly as JSON.stringify does', () => {
  const s = compileSpec(FEW).create({ seed: 11 });
  const seen = new Map<string, Set<unknown>>();
  for (let i = 0; i < 20_000; i++) {
    const e = s.next() as Record<string, unknown>;
    for (const [k, v] of Object.entries(e)) (seen.get(k) ?? seen.set(k, new Set()).get(k)!).add(v);
    assert.is(s.toJson(e), JSON.stringify(e), `event ${i}`);
  }
  // every value of every few-valued field came up (nulls too)
  assert.is(seen.get('cur')!.size, 3);
  assert.is(seen.get('st')!.size, 3);
  assert.is(seen.get('q')!.size, 11);
  assert.is(seen.get('n')!.size, 10);
  assert.is(seen.get('down')!.size, 7);
  assert.is(seen.get('many')!.size, 11);
  assert.is(seen.get('mixed')!.size, 4);
});

test('a value outside its field’s set (the last event changed after the fact) is written field by field', () => {
  const s = compileSpec(FEW).create({ seed: 12 });
  const changes: [string, unknown][] = [
    ['cur', 'CHF'],
    ['st', 'void'],
    ['q', 2.5],
    ['q', 99],
    ['n', 8],
    ['n', 1.5],
    ['down', 6],
    ['nums', 3],
    ['many', 'zz'],
    ['end', 'w'],
  ];
  for (const [k, v] of changes) {
    const e = s.next() as Record<string, unknown>;
    e[k] = v;
    assert.is(s.toJson(e), JSON.stringify(e), `${k} = ${String(v)}`);
  }
});

test('epoch-ms and fixed-decimal writers with a literal before them equal JSON.stringify after it', () => {
  const r = new Rng(13);
  const ms = millisWriter(',"t":');
  const ts = [0, -0, 999, 1000, 1001, 999_999, 1e15 - 1, 1e15, -1000, 1.5, 1_767_225_600_000, NaN, Infinity];
  let t = 1_767_225_599_000;
  for (let i = 0; i < 5000; i++) {
    t += Math.floor(r.exponential(0.01));
    ts.push(t);
  }
  for (let i = 0; i < 5000; i++) ts.push(Math.floor(r.uniform(-1e13, 1e16)));
  for (const x of ts) assert.is(ms(x), `,"t":${JSON.stringify(x)}`, String(x));
  const xs = [0, -0, 0.001, 999.999, 1000, 1e15, -1.5, 2.675, NaN, -Infinity];
  for (let i = 0; i < 20_000; i++) xs.push(r.normal(0, 1000), r.lognormal(0, 3), r.uniform(0, 1));
  for (let k = 0; k <= 7; k++) {
    const w = fixedWriter('"a":', k);
    for (const x of xs) {
      const v = k === 7 ? x : Math.round(x * 10 ** k) / 10 ** k;
      assert.is(w(v), `"a":${JSON.stringify(v)}`, `${v} at ${k}`);
    }
  }
});

test.run();
