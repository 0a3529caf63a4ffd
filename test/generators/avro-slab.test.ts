import { test } from 'uvu';
import * as assert from 'uvu/assert';
import avro from 'avsc';
import { avroEncoder, viewClass } from '../../generators/formats/avro-slab.ts';
import { transactionAvroType, transactionToAvro } from '../../generators/serialize.ts';
import { TransactionStream } from '../../generators/transactions.ts';
import { encodeKept } from '../helpers/avro.ts';

test("the slab encoder gives avsc's toBuffer bytes, and a value keeps them after later ones", () => {
  const txs = new TransactionStream({ seed: 5, fraudRate: 0.1 }).take(20_000);
  // every buffer kept until the end: a later value written over an earlier one would show here
  const bufs = txs.map((t) => transactionToAvro(t));
  const slabs = new Set(bufs.map((b) => b.buffer));
  assert.ok(slabs.size > 10, `20,000 values span many 64 KiB slabs (${slabs.size})`);
  for (let i = 0; i < txs.length; i++) assert.ok(bufs[i]!.equals(transactionAvroType.toBuffer(txs[i])), `value ${i}`);
});

test('a value larger than a slab gets a slab of its own; the values after it are whole', () => {
  const type = avro.Type.forSchema({ type: 'record', name: 'R', fields: [{ name: 's', type: 'string' }] });
  const enc = avroEncoder(type);
  const small = enc({ s: 'a' });
  const big = enc({ s: 'x'.repeat(200_000) });
  const after = [enc({ s: 'b' }), enc({ s: 'c'.repeat(70_000) }), enc({ s: 'd' })];
  assert.ok(small.equals(type.toBuffer({ s: 'a' })));
  assert.ok(big.equals(type.toBuffer({ s: 'x'.repeat(200_000) })));
  assert.equal(
    after.map((b) => (type.fromBuffer(b) as { s: string }).s.length),
    [1, 70_000, 1],
  );
});

test('a value that does not match the schema throws as toBuffer does and leaves the next value whole', () => {
  const type = avro.Type.forSchema({
    type: 'record',
    name: 'R',
    fields: [
      { name: 'a', type: 'string' },
      { name: 'n', type: 'long' },
    ],
  });
  const enc = avroEncoder(type);
  const bad = { a: 'half written', n: 'not a number' };
  assert.throws(() => type.toBuffer(bad));
  assert.throws(() => enc(bad));
  const ok = enc({ a: 'z', n: 7 });
  assert.equal(type.fromBuffer(ok), type.fromBuffer(type.toBuffer({ a: 'z', n: 7 })));
});

test('with a header: each value starts with it, through the generated writer, avsc and fresh slabs', () => {
  const flatType = avro.Type.forSchema({ type: 'record', name: 'F', fields: [{ name: 's', type: 'string' }] });
  const unionType = avro.Type.forSchema({
    type: 'record',
    name: 'U',
    fields: [{ name: 's', type: ['null', 'string'] }],
  });
  const header = Uint8Array.from([0, 1, 2, 3, 4, 5, 6]);
  for (const type of [flatType, unionType]) {
    // sizes around the slab's end: the header or the value crossing it, and values larger than a slab
    const size = (i: number) => ({
      s: i % 500 === 0 ? 'L'.repeat(70_000 + i) : i % 3 === 0 ? 'é'.repeat(i % 40) : 'a'.repeat(i % 90),
    });
    for (const [v, b] of encodeKept(3000, size, avroEncoder(type, header)))
      assert.ok(b.equals(Buffer.concat([header, type.toBuffer(v)])), `${type.name}: ${v.s.length} characters`);
  }
});

test("values are Buffers made by Node's own Buffer class; a class that is not one is refused", () => {
  const species = (Buffer as unknown as Record<symbol, unknown>)[Symbol.species];
  assert.is(viewClass(species), species, 'Buffer[Symbol.species] makes Buffers over the given memory');
  assert.is(viewClass(Uint8Array), undefined, 'a Uint8Array is not a Buffer');
  assert.is(
    viewClass(() => {
      throw new Error('no');
    }),
    undefined,
  );
  assert.is(viewClass(undefined), undefined);
  const t = new TransactionStream({ seed: 6 }).next();
  const b = transactionToAvro(t);
  assert.ok(Buffer.isBuffer(b) && b.constructor === Buffer, 'a Buffer like any other');
  assert.is(b.toString('hex'), transactionAvroType.toBuffer(t).toString('hex'));
  const next = transactionToAvro(t);
  assert.ok(next.buffer === b.buffer && next.byteOffset === b.byteOffset + b.length, 'the next value follows it');
});

test.run();
