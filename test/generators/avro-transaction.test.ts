import { test } from 'uvu';
import * as assert from 'uvu/assert';
import avro from 'avsc';
import { Rng } from '../../generators/rng.ts';
import { CHANNELS, FRAUD_PATTERNS, TransactionStream, type Transaction } from '../../generators/transactions.ts';
import { DEVICE_TYPES, USER_EVENT_TYPES, UserEventStream, type UserEvent } from '../../generators/user-events.ts';
import {
  transactionAvroType,
  transactionFromAvro,
  transactionToAvro,
  userEventAvroType,
  userEventToAvro,
} from '../../generators/serialize.ts';
import { avroEncoder } from '../../generators/formats/avro-slab.ts';
import { encodeKept } from '../helpers/avro.ts';

/** odd strings: empty, ASCII with quotes and escapes, exactly 63/64/65 long, long, non-ASCII, surrogates */
function oddString(r: Rng): string {
  switch (r.int(9)) {
    case 0:
      return '';
    case 1:
      return 'with "quotes", a \\ and a\nnewline';
    case 2:
      return 'x'.repeat(63 + r.int(3));
    case 3:
      return 'long-'.repeat(20 + r.int(400));
    case 4:
      return `Zürich ${r.int(100)} €`;
    case 5:
      return `emoji \ud83d\ude00 ${r.int(10)}`;
    case 6:
      return `lone \ud800 surrogate`;
    case 7:
      return `${'é'.repeat(40)}${'a'.repeat(r.int(60))}`;
    default:
      return `id-${r.int(1e9)}`;
  }
}

/** event times of every varint width, both signs, to avsc's safe-long bounds */
function oddTime(r: Rng): number {
  const bits = r.int(54);
  const x = Math.min(Math.floor(2 ** bits * r.next()), 9007199254740990);
  return r.next() < 0.3 ? -x : x;
}

/** a transaction with any field possibly odd: strings, every channel and pattern, PII present or absent */
function oddTransaction(r: Rng): Transaction {
  const pick = (fallback: string) => (r.next() < 0.3 ? oddString(r) : fallback);
  const t: Transaction = {
    id: pick(`t1-${r.int(1e6)}`),
    userId: pick(`u${r.int(1e5)}`),
    deviceId: pick(`d${r.int(1e5)}-0`),
    merchantId: pick(`m${r.int(1e4)}`),
    amount:
      r.next() < 0.1 ? [0, -0, 1e300, -5e-324, Number.NaN, Infinity][r.int(6)]! : Math.round(r.next() * 1e6) / 100,
    currency: pick(['USD', 'EUR', 'GBP', 'JPY'][r.int(4)]!),
    country: pick(['US', 'FR', 'DE', 'JP', 'ZZ'][r.int(5)]!),
    channel: CHANNELS[r.int(CHANNELS.length)]!,
    eventTime: r.next() < 0.5 ? 1767225600000 + r.int(1e9) : oddTime(r),
    isFraud: r.next() < 0.5,
    fraudPattern: r.next() < 0.1 ? (oddString(r) as Transaction['fraudPattern']) : FRAUD_PATTERNS[r.int(4)]!,
  };
  if (r.next() < 0.5) t.cardNumber = pick('4111111111111111');
  if (r.next() < 0.5) t.email = pick('a@example.com');
  if (r.next() < 0.5) t.ipAddress = pick('10.0.0.1');
  return t;
}

/** what avsc reads back: the schema's fields (PII fields are not in TRANSACTION_AVSC) */
function schemaFields(t: Transaction): Record<string, unknown> {
  const { cardNumber: _c, email: _e, ipAddress: _i, ...rest } = t;
  return rest;
}

/** a decoded record as a plain object (avsc decodes into instances of its own record class) */
const plain = (x: unknown): Record<string, unknown> => ({ ...(x as Record<string, unknown>) });

/**
 * true when avsc reads v back as v itself: no string with a lone surrogate (UTF-8 cannot hold one),
 * no -0 and no long whose zigzag form is past 2^53 (avsc keeps longs as doubles). Such values are
 * still checked byte for byte against toBuffer.
 */
/** a surrogate without its pair */
const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
function readsBackWhole(v: Record<string, unknown>): boolean {
  return Object.values(v).every(
    (x) =>
      (typeof x !== 'string' || !LONE.test(x)) &&
      (typeof x !== 'number' || (!Object.is(x, -0) && !(Number.isInteger(x) && Math.abs(x) > 2 ** 52))),
  );
}

test("transactionToAvro gives avsc's toBuffer bytes for odd transactions, and avsc reads them back", () => {
  const r = new Rng(21);
  const seen = { channels: new Set<string>(), patterns: new Set<string>() };
  const kept: [Transaction, Buffer][] = [];
  for (let k = 0; k < 30_000; k++) {
    const t = oddTransaction(r);
    seen.channels.add(t.channel);
    seen.patterns.add(t.fraudPattern);
    const b = transactionToAvro(t);
    assert.ok(b.equals(transactionAvroType.toBuffer(t)), `transaction ${k}: ${JSON.stringify(t).slice(0, 300)}`);
    if (k % 7 === 0) kept.push([t, b]);
  }
  assert.equal([...seen.channels].sort(), [...CHANNELS].sort());
  for (const p of FRAUD_PATTERNS) assert.ok(seen.patterns.has(p), p);
  // read back after many later values: each buffer still holds its own bytes
  let whole = 0;
  for (const [t, b] of kept) {
    const want = schemaFields(t);
    assert.ok(b.equals(transactionAvroType.toBuffer(t)));
    if (!readsBackWhole(want)) continue;
    whole++;
    const back = plain(transactionFromAvro(b));
    assert.equal(Object.keys(back), Object.keys(want));
    for (const [key, v] of Object.entries(want))
      assert.ok(Object.is(back[key], v), `${key}: ${String(back[key])} against ${String(v)}`);
  }
  assert.ok(whole > kept.length / 2, `most read back as themselves (${whole} of ${kept.length})`);
});

test('generated transactions with PII and drifts: the bytes of toBuffer, read back whole', () => {
  for (const pii of [false, true]) {
    const s = new TransactionStream({
      seed: 8,
      fraudRate: 0.2,
      pii,
      idScope: 'x9',
      drifts: [
        { param: 'amount.muShift', value: 1.5, onset: 2000, width: 500 },
        { param: 'travelRate', value: 0.5, onset: 3000 },
      ],
    });
    for (let k = 0; k < 6000; k++) {
      const t = s.next();
      const b = transactionToAvro(t);
      assert.ok(b.equals(transactionAvroType.toBuffer(t)), `pii ${pii}, transaction ${k}`);
      assert.equal(plain(transactionFromAvro(b)), schemaFields(t));
    }
  }
});

test('a value the generated writer declines goes to avsc, and a bad one throws what toBuffer throws', () => {
  const t = new TransactionStream({ seed: 2 }).next();
  for (const odd of [
    { ...t, userId: 'ünïcödé' },
    { ...t, merchantId: '\ud800' },
    { ...t, id: 'y'.repeat(70_000) },
  ]) {
    assert.ok(transactionToAvro(odd).equals(transactionAvroType.toBuffer(odd)));
    assert.equal(transactionFromAvro(transactionToAvro(odd)).userId, odd.userId);
  }
  for (const bad of [
    { ...t, channel: 'fax' },
    { ...t, eventTime: 1.5 },
    { ...t, eventTime: 2 ** 53 },
    { ...t, amount: '1' },
    { ...t, isFraud: 0 },
    { ...t, id: undefined },
  ]) {
    assert.throws(() => transactionAvroType.toBuffer(bad));
    assert.throws(() => transactionToAvro(bad as unknown as Transaction), undefined, JSON.stringify(bad));
  }
  assert.ok(transactionToAvro(t).equals(transactionAvroType.toBuffer(t)), 'whole after the errors');
});

test('user events: the bytes of toBuffer for generated and odd events', () => {
  const r = new Rng(5);
  for (const e of new UserEventStream({ seed: 5 }).take(5000))
    assert.ok(userEventToAvro(e).equals(userEventAvroType.toBuffer(e)));
  for (let k = 0; k < 5000; k++) {
    const e: UserEvent = {
      id: oddString(r),
      userId: oddString(r),
      sessionId: oddString(r),
      type: USER_EVENT_TYPES[r.int(USER_EVENT_TYPES.length)]!,
      page: oddString(r),
      eventTime: oddTime(r),
      device: DEVICE_TYPES[r.int(DEVICE_TYPES.length)]!,
    };
    const b = userEventToAvro(e);
    assert.ok(b.equals(userEventAvroType.toBuffer(e)), `event ${k}`);
    if (readsBackWhole({ ...e })) assert.equal(plain(userEventAvroType.fromBuffer(b)), { ...e });
  }
});

test('a schema without a generated writer is encoded by avsc into the slab, with the same bytes', () => {
  // a union field: no generated writer (formats/avro-flat.ts), every value through avsc's encode
  const type = avro.Type.forSchema({
    type: 'record',
    name: 'WithUnion',
    fields: [
      { name: 'id', type: 'string' },
      { name: 'email', type: ['null', 'string'], default: null },
      { name: 'eventTime', type: 'long' },
    ],
  });
  const r = new Rng(9);
  const odd = () => ({ id: oddString(r), email: r.next() < 0.5 ? null : oddString(r), eventTime: oddTime(r) });
  for (const [v, b] of encodeKept(5000, odd, avroEncoder(type))) {
    assert.ok(b.equals(type.toBuffer(v)));
    if (readsBackWhole(v)) assert.equal(plain(type.fromBuffer(b)), v);
  }
});

test.run();
