import { test } from 'uvu';
import * as assert from 'uvu/assert';
import avro from 'avsc';
import { flatWriter } from '../../generators/formats/avro-flat.ts';
import { avroEncoder } from '../../generators/formats/avro-slab.ts';
import { transactionAvroType, userEventAvroType } from '../../generators/serialize.ts';
import { Rng } from '../../generators/rng.ts';
import { encodeKept } from '../helpers/avro.ts';

const ALL = avro.Type.forSchema({
  type: 'record',
  name: 'All',
  fields: [
    { name: 's', type: 'string' },
    { name: 'i', type: 'int' },
    { name: 'l', type: 'long' },
    { name: 'd', type: 'double' },
    { name: 'f', type: 'float' },
    { name: 'b', type: 'boolean' },
    { name: 'n', type: 'null' },
    { name: 'e', type: { type: 'enum', name: 'E', symbols: Array.from({ length: 70 }, (_, k) => `s${k}`) } },
    { name: 't', type: { type: 'long', logicalType: 'timestamp-millis' } },
  ],
});

/** strings of every length class: empty, short ASCII, exactly 64, long, non-ASCII short and long, lone surrogates */
function someString(r: Rng): string {
  const len = [0, 1, 5, 63, 64, 65, 200, 20_000][r.int(8)]!;
  const kind = r.int(4);
  let s = '';
  for (let k = 0; k < len; k++) {
    if (kind === 0 || r.next() < 0.9) s += String.fromCharCode(32 + r.int(95));
    else if (kind === 1) s += 'é';
    else if (kind === 2) s += '\ud83d\ude00';
    else s += '\ud800';
  }
  return s;
}
/** integers of every varint width, both signs, around avsc's 2^30 switch to floating arithmetic */
function someLong(r: Rng): number {
  const mag = [0, 1, 63, 64, 8191, 2 ** 30 - 1, 2 ** 30, 2 ** 31, 1.8e12, 9007199254740990][r.int(10)]!;
  const x = mag + (mag > 2 ** 40 ? -r.int(3) : r.int(3) - 1);
  return r.next() < 0.5 ? -x : x;
}

test('records of primitive and enum fields: the generated writer gives avsc bytes, or leaves the value to avsc', () => {
  const w = flatWriter(ALL);
  assert.ok(w, 'a record of primitive and enum fields gets a generated writer');
  const r = new Rng(12);
  const buf = Buffer.alloc(1 << 16);
  let written = 0,
    declined = 0;
  for (let k = 0; k < 20_000; k++) {
    const v = {
      s: someString(r),
      i: someLong(r) | 0,
      l: someLong(r),
      d: r.next() < 0.1 ? Number.NaN : (r.next() - 0.5) * 10 ** r.int(30),
      f: r.next() * 1e6,
      b: r.next() < 0.5,
      n: null,
      e: `s${r.int(70)}`,
      t: someLong(r),
    };
    const expected = ALL.toBuffer(v);
    const end = w!(v, buf, 0);
    if (end < 0) {
      declined++;
      continue;
    }
    written++;
    assert.ok(end <= buf.length || v.s.length > 1000, `value ${k} fits`);
    if (end <= buf.length)
      assert.ok(buf.subarray(0, end).equals(expected), `value ${k}: ${JSON.stringify(v).slice(0, 200)}`);
  }
  assert.ok(written > 10_000, `most values written by the generated code (${written})`);
  assert.ok(declined > 500, `short non-ASCII strings go to avsc (${declined})`);
});

test('a value that does not match the schema is declined, and avroEncoder throws what avsc throws', () => {
  const w = flatWriter(ALL)!;
  const ok = { s: 'a', i: 1, l: 2, d: 3, f: 4, b: true, n: null, e: 's1', t: 5 };
  const buf = Buffer.alloc(256);
  const enc = avroEncoder(ALL);
  for (const [field, bad] of [
    ['s', 7],
    ['i', 1.5],
    ['i', 2 ** 31],
    ['l', 0.5],
    ['l', 2 ** 53],
    ['l', Number.NaN],
    ['l', '5'],
    ['d', '1'],
    ['f', null],
    ['b', 1],
    ['n', undefined],
    ['e', 'nope'],
  ] as const) {
    const v = { ...ok, [field]: bad };
    assert.is(w(v, buf, 0), -1, `${field}: ${String(bad)}`);
    assert.throws(() => ALL.toBuffer(v));
    assert.throws(() => enc(v), undefined, `${field}: ${String(bad)}`);
  }
  assert.is(w(null, buf, 0), -1);
  assert.ok(enc(ok).equals(ALL.toBuffer(ok)), 'the encoder is whole after the errors');
});

test("a value past the slab's end is written again into a fresh slab, whole", () => {
  const enc = avroEncoder(ALL);
  const v = (s: string) => ({ s, i: 1, l: 2, d: 3, f: 4, b: false, n: null, e: 's69', t: -5 });
  const out = encodeKept(3000, (k) => v('x'.repeat(k % 70)), enc);
  const big = enc(v('y'.repeat(100_000)));
  for (const [k, [, b]] of out.entries()) assert.ok(b.equals(ALL.toBuffer(v('x'.repeat(k % 70)))), `value ${k}`);
  assert.ok(big.equals(ALL.toBuffer(v('y'.repeat(100_000)))));
});

test("longs of every width and sign, to avsc's safe bounds, as avsc's varints", () => {
  const L = avro.Type.forSchema({ type: 'record', name: 'L', fields: [{ name: 'l', type: 'long' }] });
  const w = flatWriter(L)!;
  const r = new Rng(3);
  const buf = Buffer.alloc(16);
  for (let bits = 0; bits <= 53; bits++) {
    for (let k = 0; k < 400; k++) {
      const m = Math.min(2 ** bits - 1 - (k < 3 ? k : Math.floor(r.next() * 2 ** bits)), 9007199254740990);
      for (const l of [Math.max(m, 0), -Math.max(m, 0), -Math.max(m, 0) - 1]) {
        if (l < -9007199254740990) continue;
        const end = w({ l }, buf, 0);
        assert.ok(buf.subarray(0, end).equals(L.toBuffer({ l })), `${l}`);
      }
    }
  }
});

test('the generators get generated writers; other shapes stay with avsc', () => {
  assert.ok(flatWriter(transactionAvroType));
  assert.ok(flatWriter(userEventAvroType));
  assert.is(flatWriter(avro.Type.forSchema('string')), undefined);
  const nested = avro.Type.forSchema({
    type: 'record',
    name: 'N',
    fields: [{ name: 'u', type: ['null', 'string'] }],
  });
  assert.is(flatWriter(nested), undefined);
});

test.run();
