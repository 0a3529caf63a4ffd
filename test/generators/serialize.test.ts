import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { Rng } from '../../generators/rng.ts';
import { TransactionStream, type Transaction } from '../../generators/transactions.ts';
import { UserEventStream } from '../../generators/user-events.ts';
import {
  avroSyncMarker,
  jsonMillis,
  jsonMoney,
  transactionFromAvro,
  transactionFromJson,
  transactionToAvro,
  transactionToJson,
  userEventFromAvro,
  userEventFromJson,
  userEventToAvro,
  userEventToJson,
} from '../../generators/serialize.ts';
import { TRANSACTION_AVSC, USER_EVENT_AVSC } from '../../generators/schemas/index.ts';
import { PipelabError } from '../../errors.ts';

const plain = <T extends object>(x: T): T => ({ ...x });

test('the hand-written JSON serializers match JSON.stringify byte for byte', () => {
  for (const t of new TransactionStream({ seed: 3, fraudRate: 0.1 }).take(5000))
    assert.is(transactionToJson(t), JSON.stringify(t));
  for (const e of new UserEventStream({ seed: 3 }).take(5000)) assert.is(userEventToJson(e), JSON.stringify(e));
});

test('the transaction built last is written unchecked only while its id strings are the ones built', () => {
  const s = new TransactionStream({ seed: 4, fraudRate: 0.2, pii: true });
  for (let i = 0; i < 2000; i++) {
    const t = s.next();
    assert.is(transactionToJson(t), JSON.stringify(t));
    // changed after the fact: each string field in turn takes a quote, a backslash and a newline
    const k = (['id', 'userId', 'deviceId', 'merchantId'] as const)[i % 4]!;
    t[k] = `${t[k]}"\\\n`;
    assert.is(transactionToJson(t), JSON.stringify(t), k);
  }
  // the same content in another object, built by hand after the stream's last one
  const t = s.next();
  const copy = { ...t, userId: 'u"1' };
  assert.is(transactionToJson(copy), JSON.stringify(copy));
  assert.is(transactionToJson(t), JSON.stringify(t));
});

test('a normal payment is written from the pieces of its stream only while every field is the one built', () => {
  const s = new TransactionStream({ seed: 6, fraudRate: 0.05 });
  const edits: ((t: Transaction) => void)[] = [
    (t) => (t.country = t.country === 'DE' ? 'FR' : 'DE'),
    (t) => (t.currency = 'XYZ'),
    (t) => (t.channel = t.channel === 'atm' ? 'pos' : 'atm'),
    (t) => (t.isFraud = true),
    (t) => (t.fraudPattern = 'card-testing'),
    (t) => (t.amount = 12.3),
    (t) => (t.eventTime += 1),
    (t) => (t.userId = 'u"x'),
    (t) => (t.deviceId = 'd1-0'),
    (t) => (t.merchantId = 'm\n'),
    (t) => (t.email = 'a@example.com'),
  ];
  for (let i = 0; i < 20_000; i++) {
    const t = s.next();
    assert.is(transactionToJson(t), JSON.stringify(t));
    edits[i % edits.length]!(t);
    assert.is(transactionToJson(t), JSON.stringify(t), `edit ${i % edits.length}`);
  }
  // a population too large to cache its ids, and a tiny one
  for (const t of new TransactionStream({ seed: 6, users: { count: (1 << 21) + 1, zipf: 1 } }).take(2000))
    assert.is(transactionToJson(t), JSON.stringify(t));
  for (const t of new TransactionStream({
    seed: 6,
    users: { count: 1, zipf: 1 },
    merchants: { count: 1, zipf: 0 },
  }).take(500))
    assert.is(transactionToJson(t), JSON.stringify(t));
});

test('money and epoch-ms formatting equal JSON.stringify for any number', () => {
  const r = new Rng(1);
  const xs = [
    0,
    0.01,
    0.1,
    0.5,
    1,
    10,
    99.99,
    100.1,
    1e13 + 0.01,
    1e15,
    1e21,
    -1,
    -0.5,
    0.005,
    1 / 3,
    NaN,
    Infinity,
    1.005,
    2.675,
  ];
  for (let i = 0; i < 100_000; i++) {
    xs.push(Math.round(r.lognormal(3, 2) * 100) / 100, r.lognormal(3, 2), Math.round(r.uniform(0, 1e6)) / 100);
  }
  for (const x of xs) assert.is(jsonMoney(x), JSON.stringify(x), String(x));
  const ts = [0, 999_999, 1_000_000, 1_000_001, 1_767_225_600_000, 1_767_225_600_001, 1.5, -5, 1e15, 2 ** 53];
  for (let i = 0; i < 100_000; i++) ts.push(Math.floor(r.uniform(1e12, 2e12)));
  for (const t of ts) assert.is(jsonMillis(t), JSON.stringify(t), String(t));
});

test('a currency not of its country, an unknown country, channel or pattern, and PII: still JSON.stringify', () => {
  const base = new TransactionStream({ seed: 4 }).next();
  const odd = [
    { currency: 'EUR', country: 'US' },
    { currency: 'XXX', country: 'ZZ' },
    { channel: 'teleport' },
    { fraudPattern: 'other', isFraud: true },
    { isFraud: true, fraudPattern: 'geo-velocity', currency: 'USD', country: 'US', channel: 'atm' },
    { country: 'U"S' },
    { cardNumber: '4111', email: 'a@b.c' },
    { ipAddress: '10.0.0.1', isFraud: true },
  ];
  for (const o of odd) {
    const t = { ...base, ...o } as Transaction;
    assert.is(transactionToJson(t), JSON.stringify(t), JSON.stringify(o));
  }
  for (const t of new TransactionStream({ seed: 5, fraudRate: 0.2, pii: true }).take(2000))
    assert.is(transactionToJson(t), JSON.stringify(t));
});

test('strings that need escaping fall back to JSON.stringify', () => {
  const t: Transaction = { ...new TransactionStream().next(), userId: 'a"b\\c\n\u0001\ud800' };
  assert.is(transactionToJson(t), JSON.stringify(t));
  assert.equal(transactionFromJson(transactionToJson(t)), t);
});

test('JSON round trip gives the same events', () => {
  for (const t of new TransactionStream({ seed: 4, fraudRate: 0.2 }).take(2000))
    assert.equal(transactionFromJson(transactionToJson(t)), t);
  for (const e of new UserEventStream({ seed: 4 }).take(2000)) assert.equal(userEventFromJson(userEventToJson(e)), e);
});

test('JSON decoding names the bad field', () => {
  const line = transactionToJson(new TransactionStream().next())
    .replace('"pos"', '"teleport"')
    .replace('"online"', '"teleport"')
    .replace('"mobile"', '"teleport"')
    .replace('"atm"', '"teleport"');
  try {
    transactionFromJson(line);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, PipelabError);
    assert.is((e as PipelabError).issues[0]!.path, '/channel');
  }
  assert.throws(
    () => userEventFromJson('{"id":1}'),
    (e: PipelabError) => e.issues[0]!.path === '/id',
  );
});

test('Avro round trip gives the same events', () => {
  for (const t of new TransactionStream({ seed: 5, fraudRate: 0.2 }).take(2000))
    assert.equal(plain(transactionFromAvro(transactionToAvro(t))), t);
  for (const e of new UserEventStream({ seed: 5 }).take(2000))
    assert.equal(plain(userEventFromAvro(userEventToAvro(e))), e);
});

test('the .avsc files in the repo are the schemas the code uses', () => {
  const dir = new URL('../../generators/schemas/', import.meta.url);
  assert.equal(JSON.parse(readFileSync(new URL('transaction.avsc', dir), 'utf8')), TRANSACTION_AVSC);
  assert.equal(JSON.parse(readFileSync(new URL('user-event.avsc', dir), 'utf8')), USER_EVENT_AVSC);
  // and they parse as Avro
  avro.Type.forSchema(JSON.parse(readFileSync(new URL('transaction.avsc', dir), 'utf8')));
});

test('the Avro sync marker depends on the seed only', () => {
  assert.equal(avroSyncMarker(7), avroSyncMarker(7));
  assert.not.equal(avroSyncMarker(7), avroSyncMarker(8));
  assert.is(avroSyncMarker(7).length, 16);
});

test.run();
