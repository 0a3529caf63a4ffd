import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { TransactionStream, type Transaction } from '../../generators/transactions.ts';
import { UserEventStream } from '../../generators/user-events.ts';
import {
  avroSyncMarker, transactionFromAvro, transactionFromJson, transactionToAvro, transactionToJson,
  userEventFromAvro, userEventFromJson, userEventToAvro, userEventToJson,
} from '../../generators/serialize.ts';
import { TRANSACTION_AVSC, USER_EVENT_AVSC } from '../../generators/schemas/index.ts';
import { PipelabError } from '../../harness/errors.ts';

const plain = <T extends object>(x: T): T => ({ ...x });

test('the hand-written JSON serializers match JSON.stringify byte for byte', () => {
  for (const t of new TransactionStream({ seed: 3, fraudRate: 0.1 }).take(5000)) assert.is(transactionToJson(t), JSON.stringify(t));
  for (const e of new UserEventStream({ seed: 3 }).take(5000)) assert.is(userEventToJson(e), JSON.stringify(e));
});

test('strings that need escaping fall back to JSON.stringify', () => {
  const t: Transaction = { ...new TransactionStream().next(), userId: 'a"b\\c\n\u0001\ud800' };
  assert.is(transactionToJson(t), JSON.stringify(t));
  assert.equal(transactionFromJson(transactionToJson(t)), t);
});

test('JSON round trip gives the same events', () => {
  for (const t of new TransactionStream({ seed: 4, fraudRate: 0.2 }).take(2000)) assert.equal(transactionFromJson(transactionToJson(t)), t);
  for (const e of new UserEventStream({ seed: 4 }).take(2000)) assert.equal(userEventFromJson(userEventToJson(e)), e);
});

test('JSON decoding names the bad field', () => {
  const line = transactionToJson(new TransactionStream().next()).replace('"pos"', '"teleport"').replace('"online"', '"teleport"').replace('"mobile"', '"teleport"').replace('"atm"', '"teleport"');
  try {
    transactionFromJson(line);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, PipelabError);
    assert.is((e as PipelabError).issues[0]!.path, '/channel');
  }
  assert.throws(() => userEventFromJson('{"id":1}'), (e: PipelabError) => e.issues[0]!.path === '/id');
});

test('Avro round trip gives the same events', () => {
  for (const t of new TransactionStream({ seed: 5, fraudRate: 0.2 }).take(2000)) assert.equal(plain(transactionFromAvro(transactionToAvro(t))), t);
  for (const e of new UserEventStream({ seed: 5 }).take(2000)) assert.equal(plain(userEventFromAvro(userEventToAvro(e))), e);
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
