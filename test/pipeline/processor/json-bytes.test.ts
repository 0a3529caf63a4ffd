/**
 * The processors' read of a transaction from its bytes (transactionFromBytes) gives the object JSON.parse gives, the
 * same fields in the same order, for every transaction the generator writes without PII, and validateTransaction the
 * same answer either way; anything else (PII fields, escapes, spaces, exponents, another enum) is left to JSON.parse.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { transactionFromBytes } from '../../../pipeline/processor/json-bytes.ts';
import { validateTransaction } from '../../../pipeline/processor/validate.ts';
import { createTransactionStream, type Transaction } from '../../../generators/transactions.ts';
import { transactionFromJson, transactionToJson } from '../../../generators/serialize.ts';

const same = (a: unknown, b: unknown, what: string) => {
  assert.equal(a, b, what);
  assert.equal(Object.keys(a as object), Object.keys(b as object), what);
};

test('every transaction the generator writes reads as JSON.parse reads it', () => {
  const odd = [12.5, 0, 1e-7, 123456789.12, 0.1 + 0.2, 3e21];
  let i = 0;
  let read = 0;
  for (const t of createTransactionStream({ seed: 11, fraudRate: 0.2 }).take(4000)) {
    const tx: Transaction = i % 10 === 0 ? { ...t, amount: odd[(i / 10) % odd.length] as number } : t;
    i++;
    const s = transactionToJson(tx);
    const got = transactionFromBytes(Buffer.from(s));
    if (got === undefined) continue;
    read++;
    same(got, transactionFromJson(s), s);
  }
  // the amounts 1e-7 and 3e21 (exponents) and 0.1 + 0.2 (17 digits) are left to JSON.parse: 199 of them
  assert.is(read, 3801);
});

test('transactions with PII, escapes or anything odd are left to JSON.parse; validation answers as it did', () => {
  const [t] = createTransactionStream({ seed: 3 }).take(1);
  const ok = transactionToJson(t!);
  assert.ok(transactionFromBytes(Buffer.from(ok)));
  const [p] = createTransactionStream({ seed: 3, pii: true }).take(1);
  const user = `"userId":"${t!.userId}"`;
  const time = `"eventTime":${t!.eventTime}`;
  // each value, and whether validation takes it (true) or the reason it gives
  const cases: [string, true | string][] = [
    [transactionToJson(p!), true],
    [ok.replace(user, '"userId":"u\\u0031"'), true],
    [ok.replace(user, '"userId":"ü"'), true],
    [ok.replace(user, '"userId":""'), 'schema'],
    [ok.replace(`"channel":"${t!.channel}"`, '"channel":"carrier-pigeon"'), 'schema'],
    [ok.replace(`"channel":"${t!.channel}"`, '"channel":"onlin"'), 'schema'],
    [ok.replace(`"fraudPattern":"${t!.fraudPattern}"`, '"fraudPattern":"nonee"'), 'schema'],
    [ok.replace(',"amount"', ', "amount"'), true],
    [ok.replace(time, '"eventTime":1.7e12'), true],
    [ok.replace(time, '"eventTime":-0'), true],
    [ok.replace(time, '"eventTime":01'), 'malformed-json'],
    [ok.replace('"isFraud":false', '"isFraud":0'), 'schema'],
    [ok.replace('"isFraud":false', '"isFraud":fals'), 'malformed-json'],
    [ok.replace(/"amount":[^,]*/, '"amount":-5'), 'schema'],
    [`${ok.slice(0, -1)},"x":1}`, true],
    [`${ok}\n`, true],
    ['null', 'schema'],
    ['{}', 'schema'],
  ];
  for (const [s, want] of cases) {
    const v = validateTransaction(Buffer.from(s));
    assert.is(v.ok ? true : v.reason, want, s);
    if (v.ok) same(v.tx, JSON.parse(s), s);
  }
  for (let n = 0; n < ok.length; n++) assert.is(transactionFromBytes(Buffer.from(ok.slice(0, n))), undefined);
});

test.run();
