import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Reader, ProtocolError } from '../../../broker/protocol/reader.ts';
import { Writer } from '../../../broker/protocol/writer.ts';
import { crc32c } from '../../../broker/protocol/crc32c.ts';
import { frameResponse, readRequestHeader } from '../../../broker/protocol/frame.ts';

const hex = (b: Buffer) => b.toString('hex');

test('primitives encode to the bytes the Kafka protocol guide gives', () => {
  const w = new Writer(4);
  w.int8(-1).int16(0x0102).int32(-2).int64(0x0102030405).bool(true);
  assert.is(hex(w.toBuffer()), 'ff' + '0102' + 'fffffffe' + '0000000102030405' + '01');
});

test('strings and bytes use int16/int32 lengths with -1 for null', () => {
  const w = new Writer(2);
  w.string('ab')
    .nullableString(null)
    .bytes(Buffer.from([7]))
    .nullableBytes(null);
  assert.is(hex(w.toBuffer()), '00026162' + 'ffff' + '0000000107' + 'ffffffff');
});

test('compact strings and arrays store length + 1 as an unsigned varint', () => {
  const w = new Writer();
  w.compactString('ab')
    .compactNullableString(null)
    .compactArray([1, 2], (w, x) => w.int8(x))
    .compactArray(null, () => {})
    .tags();
  assert.is(hex(w.toBuffer()), '036162' + '00' + '030102' + '00' + '00');
});

test('unsigned varints of 300 and 2^21 match the LEB128 examples', () => {
  assert.is(hex(new Writer().uvarint(300).toBuffer()), 'ac02');
  assert.is(hex(new Writer().uvarint(2 ** 21).toBuffer()), '80808001');
  assert.is(new Reader(Buffer.from('ac02', 'hex')).uvarint(), 300);
});

test('zig-zag varints map -1 to 1 and 1 to 2', () => {
  assert.is(hex(new Writer().varint(-1).varint(1).varint(-64).toBuffer()), '01027f');
  const r = new Reader(Buffer.from('01027f', 'hex'));
  assert.equal([r.varint(), r.varint(), r.varint()], [-1, 1, -64]);
  assert.is(new Reader(Buffer.from('03', 'hex')).varlong(), -2);
});

test('every reader round-trips what the writer wrote', () => {
  const w = new Writer(1);
  w.int8(5)
    .int16(-300)
    .int32(123456)
    .int64(2 ** 40)
    .string('héllo')
    .nullableString(null)
    .compactString('x')
    .compactNullableBytes(Buffer.from('yz'))
    .array(['a', 'b'], (w, s) => w.string(s))
    .compactArray([9], (w, x) => w.int32(x))
    .tags();
  const r = new Reader(w.toBuffer());
  assert.is(r.int8(), 5);
  assert.is(r.int16(), -300);
  assert.is(r.int32(), 123456);
  assert.is(r.int64(), 2 ** 40);
  assert.is(r.string(), 'héllo');
  assert.is(r.nullableString(), null);
  assert.is(r.compactString(), 'x');
  assert.is(r.compactNullableBytes()!.toString(), 'yz');
  assert.equal(
    r.array((r) => r.string()),
    ['a', 'b'],
  );
  assert.equal(
    r.compactArray((r) => r.int32()),
    [9],
  );
  r.tags();
  assert.is(r.remaining, 0);
});

test('large blobs are kept by reference and still come out in order', () => {
  const big = Buffer.alloc(5000, 1);
  const w = new Writer().int32(1).raw(big).int8(2);
  const parts = w.toBuffers();
  assert.ok(parts.includes(big));
  const all = Buffer.concat(parts);
  assert.is(all.length, 4 + 5000 + 1);
  assert.is(all.readInt32BE(0), 1);
  assert.is(all[all.length - 1], 2);
  assert.is(w.length, all.length);
});

test('a short frame or an absurd array length throws ProtocolError instead of allocating', () => {
  assert.throws(
    () => new Reader(Buffer.from([0, 1])).int32(),
    (e: unknown) => e instanceof ProtocolError,
  );
  assert.throws(
    () => new Reader(Buffer.from('7fffffff', 'hex')).array((r) => r.int8()),
    (e: unknown) => e instanceof ProtocolError,
  );
  assert.throws(
    () => new Reader(Buffer.from('fffe', 'hex')).string(),
    (e: unknown) => e instanceof ProtocolError,
  );
  assert.throws(
    () => new Reader(Buffer.from('ffffffffff', 'hex')).uvarint(),
    (e: unknown) => e instanceof ProtocolError,
  );
});

test('CRC-32C of "123456789" is the standard check value e3069283', () => {
  assert.is(crc32c(Buffer.from('123456789')), 0xe3069283);
});

test('a request header v1 is read as key, version, correlation id and client id', () => {
  const frame = Buffer.from('0012' + '0003' + '0000002a' + '0003' + '616263', 'hex');
  assert.equal(readRequestHeader(new Reader(frame)), { apiKey: 18, apiVersion: 3, correlationId: 42, clientId: 'abc' });
});

test('a flexible response header carries one zero tag byte after the correlation id', () => {
  const flex = Buffer.concat(frameResponse(7, true, [Buffer.from([0xaa])]));
  assert.is(hex(flex), '00000006' + '00000007' + '00' + 'aa');
  const plain = Buffer.concat(frameResponse(7, false, [Buffer.from([0xaa])]));
  assert.is(hex(plain), '00000005' + '00000007' + 'aa');
});

test.run();
