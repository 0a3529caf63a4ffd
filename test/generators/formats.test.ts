import { test } from 'uvu';
import * as assert from 'uvu/assert';
import avro from 'avsc';
import {
  avroSerializer,
  avroTypeOf,
  BUILTIN_AVRO,
  confluentSerializer,
  frameConfluent,
  jsonSerializer,
  stringSerializer,
  unframeConfluent,
} from '../../generators/formats/index.ts';
import { transactionToAvro } from '../../generators/serialize.ts';
import { TransactionStream } from '../../generators/transactions.ts';
import { encodeKept } from '../helpers/avro.ts';
import { thrown } from '../helpers/errors.ts';

const ORDER = {
  type: 'record',
  name: 'Order',
  namespace: 'shop',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'double' },
    {
      name: 'items',
      type: { type: 'array', items: { type: 'record', name: 'Item', fields: [{ name: 'sku', type: 'string' }] } },
    },
  ],
};
const order = { id: 'o-1', amount: 12.5, items: [{ sku: 'a' }, { sku: 'b' }] };
/** avsc reads records as instances of generated classes: compare their plain data */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
const tx = new TransactionStream({ seed: 11 }).next();

test('json and string round-trip; what they cannot carry is named', () => {
  const j = jsonSerializer();
  assert.equal(j.decode(j.encode(order)), order);
  assert.is(j.encode({ a: 1 }).toString(), '{"a":1}');
  assert.match(thrown(() => j.encode(undefined)).message, /no JSON form/);
  assert.match(thrown(() => j.decode(Buffer.from('{nope'))).message, /not JSON/);
  const s = stringSerializer();
  assert.is(s.decode(s.encode('héllo')), 'héllo');
  assert.match(thrown(() => s.encode({ a: 1 })).message, /format 'string' sends strings, got an object/);
});

test('avro: round-trip with a given schema, same bytes as serialize.ts for the built-in one', () => {
  const a = avroSerializer(avroTypeOf(ORDER));
  assert.equal(plain(a.decode(a.encode(order))), order);
  const builtin = avroSerializer(BUILTIN_AVRO.transactions!.type);
  for (const t of new TransactionStream({ seed: 5 }).take(50)) {
    assert.ok(builtin.encode(t).equals(transactionToAvro(t)));
    assert.equal({ ...(builtin.decode(builtin.encode(t)) as object) }, { ...t });
  }
});

test('a bad .avsc is named by the path of its bad part', () => {
  const typo = { ...ORDER, fields: [ORDER.fields[0], { name: 'amount', type: 'dubble' }] };
  const e = thrown(() => avroTypeOf(typo, { field: 'target.produce.schema', code: 'INVALID_SCENARIO' }));
  assert.is(e.code, 'INVALID_SCENARIO');
  assert.is(e.exitCode, 104);
  assert.match(
    e.message,
    /^target\.produce\.schema\.fields\.1\.type: not a usable Avro schema: unknown type name 'dubble'/,
  );
  assert.match(e.message, /field 'amount'/);
  const nested = structuredClone(ORDER);
  (nested.fields[2]!.type as { items: { fields: unknown[] } }).items.fields = [{ name: 'sku' }];
  assert.match(
    thrown(() => avroTypeOf(nested)).message,
    /^schema\.fields\.2\.type\.items\.fields\.0\.type: not a usable Avro schema: field 'sku' has no type$/,
  );
  assert.match(
    thrown(() => avroTypeOf({ type: 'record', name: 'R', fields: 'id' })).message,
    /^schema\.fields: not a usable Avro schema: a record needs a fields array/,
  );
  assert.match(
    thrown(() => avroTypeOf({ type: 'enum', name: 'E', symbols: ['a', 'a'] })).message,
    /^schema\.symbols: not a usable Avro schema: an enum needs an array of distinct symbol names/,
  );
  // a problem the locator does not look for still fails, at the schema's root, with avsc's reason
  const badDefault = { type: 'record', name: 'X', fields: [{ name: 'a', type: 'int', default: 'x' }] };
  assert.match(thrown(() => avroTypeOf(badDefault)).message, /^schema: not a usable Avro schema: .*default/);
  // named types defined earlier (and their namespaces) are not mistaken for unknown names
  const reuse = {
    type: 'record',
    name: 'Pair',
    namespace: 'p',
    fields: [
      { name: 'a', type: { type: 'record', name: 'Point', fields: [{ name: 'x', type: 'int' }] } },
      { name: 'b', type: 'Point' },
      { name: 'c', type: 'Nope' },
    ],
  };
  assert.match(thrown(() => avroTypeOf(reuse)).message, /^schema\.fields\.2\.type: .*unknown type name 'Nope'/);
});

test('a value that does not match the schema is named by the path of each bad field', () => {
  const a = avroSerializer(avroTypeOf(ORDER), { field: 'target.produce.schema', code: 'INVALID_SCENARIO' });
  const e = thrown(() => a.encode({ id: 'o-1', amount: 'twelve', items: [{ sku: 'a' }, { sku: 7 }] }));
  assert.is(e.code, 'INVALID_SCENARIO');
  assert.equal(
    e.issues.map((i) => i.path),
    ['amount', 'items.1.sku'],
  );
  assert.match(
    e.message,
    /schema of target\.produce\.schema: amount: expected double, got string "twelve"; items\.1\.sku/,
  );
  const missing = thrown(() => a.encode({ id: 'o-1', items: [] }));
  assert.equal(missing.issues, [{ path: 'amount', message: 'expected double, got nothing (missing)' }]);
  assert.match(thrown(() => a.decode(Buffer.from([0x02]))).message, /bytes are not a value of the Avro schema/);
});

test('confluent wire format: magic byte 0, 4-byte big-endian id, Avro body', () => {
  const type = avroTypeOf(ORDER);
  const c = confluentSerializer({ id: 258, type });
  const bytes = c.encode(order);
  assert.equal([...bytes.subarray(0, 5)], [0, 0, 0, 1, 2]);
  assert.ok(bytes.subarray(5).equals(type.toBuffer(order)));
  assert.ok(frameConfluent(258, type.toBuffer(order)).equals(bytes));
  assert.is(unframeConfluent(bytes).id, 258);
  assert.equal(plain(c.decode(bytes)), order);
  // encoding many values in a row reuses a scratch buffer: every output stays its own
  const many = Array.from({ length: 100 }, (_, i) => c.encode({ ...order, id: `o-${i}`.repeat(i + 1) }));
  for (const [i, b] of many.entries()) assert.is((c.decode(b) as { id: string }).id, `o-${i}`.repeat(i + 1));
  assert.match(thrown(() => c.decode(bytes.subarray(0, bytes.length - 2))).message, /bytes are not a value/);
  assert.match(thrown(() => c.decode(Buffer.concat([bytes, Buffer.from([7])]))).message, /bytes are not a value/);
  assert.match(thrown(() => c.decode(Buffer.from([1, 0, 0, 0, 1, 0]))).message, /magic byte 1 \(expected 0\)/);
  assert.match(thrown(() => c.decode(Buffer.from([0, 0]))).message, /shorter than the 5-byte header/);
  assert.match(thrown(() => c.decode(frameConfluent(9, Buffer.alloc(1)))).message, /schema id 9 is not known/);
  assert.equal(thrown(() => c.encode({ ...order, amount: null })).issues[0]?.path, 'amount');
});

test('confluent encode: the header and the body in one slab view, the bytes of frameConfluent(id, toBuffer)', () => {
  // a flat record (the generated writer) and one with an array (avsc's encode), values of every size
  for (const [type, make] of [
    [BUILTIN_AVRO.transactions!.type, (i: number) => ({ ...tx, id: 'x'.repeat(i % 500 === 0 ? 70_000 + i : i % 70) })],
    [avroTypeOf(ORDER), (i: number) => ({ ...order, id: 'o'.repeat(i % 700 === 0 ? 90_000 + i : i % 90) })],
  ] as const) {
    const c = confluentSerializer({ id: 0xfedcba98, type });
    const kept = encodeKept<unknown>(4000, make, (v) => c.encode(v));
    for (const [v, b] of kept) assert.ok(b.equals(frameConfluent(0xfedcba98, type.toBuffer(v))));
    // written in place one after the other (no copy into a buffer of its own)
    const next = kept.filter(
      ([, b], i) => i > 0 && b.byteOffset === kept[i - 1]![1].byteOffset + kept[i - 1]![1].length,
    );
    assert.ok(next.length > kept.length * 0.9, `${next.length} of ${kept.length} follow the value before`);
  }
});

test('confluent decodeAsync fetches an unknown writer schema once and resolves it into its own', async () => {
  const v1 = avro.Type.forSchema({ type: 'record', name: 'U', fields: [{ name: 'id', type: 'string' }] });
  const v2 = avroTypeOf({
    type: 'record',
    name: 'U',
    fields: [
      { name: 'id', type: 'string' },
      { name: 'plan', type: 'string', default: 'free' },
    ],
  });
  let fetched = 0;
  const c = confluentSerializer({
    id: 2,
    type: v2,
    fetch: async (id) => {
      fetched++;
      assert.is(id, 1);
      return v1;
    },
  });
  const old = frameConfluent(1, v1.toBuffer({ id: 'u1' }));
  assert.equal(plain(await c.decodeAsync(old)), { id: 'u1', plan: 'free' });
  assert.equal(plain(c.decode(old)), { id: 'u1', plan: 'free' });
  await c.decodeAsync(old);
  assert.is(fetched, 1);
  assert.equal(c.knownIds().sort(), [1, 2]);
  // a writer the reader cannot resolve is said, with both ids' roles
  const other = confluentSerializer({
    id: 1,
    type: v1,
    fetch: async () => avroTypeOf({ type: 'record', name: 'Z', fields: [] }),
  });
  try {
    await other.decodeAsync(frameConfluent(5, Buffer.alloc(0)));
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /written with schema id 5 cannot be read/);
  }
});

test.run();
