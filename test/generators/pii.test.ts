/**
 * PII generation (`pii: true`): three fields added, every other value unchanged (same seed, same
 * stream with PII off), per-user card and e-mail, per-device IP, all in test/documentation ranges,
 * and the JSON round trip the processor relies on.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { luhnDigit } from '../../generators/pii.ts';
import { transactionFromJson, transactionToJson } from '../../generators/serialize.ts';
import { createTransactionStream } from '../../generators/transactions.ts';

const N = 3000;
const cfg = { seed: 7, users: { count: 300, zipf: 1.1 }, fraudRate: 0.05 };

test('with pii on, every transaction gains cardNumber, email, ipAddress and nothing else changes', () => {
  const off = createTransactionStream(cfg).take(N);
  const on = createTransactionStream({ ...cfg, pii: true }).take(N);
  for (let i = 0; i < N; i++) {
    const { cardNumber, email, ipAddress, ...rest } = on[i]!;
    assert.equal(rest, off[i], `transaction ${i} is the same but for the PII fields`);
    assert.type(cardNumber, 'string');
    assert.type(email, 'string');
    assert.type(ipAddress, 'string');
  }
  assert.not.ok('cardNumber' in off[0]!, 'off: no PII field at all');
});

test('a user keeps one card and e-mail, a device one IP; values are test/documentation ones', () => {
  const on = createTransactionStream({ ...cfg, pii: true }).take(N);
  const byUser = new Map<string, string>();
  const byDevice = new Map<string, string>();
  for (const t of on) {
    const u = `${t.cardNumber} ${t.email}`;
    assert.is(byUser.get(t.userId) ?? u, u, `user ${t.userId} keeps card and e-mail`);
    byUser.set(t.userId, u);
    assert.is(byDevice.get(t.deviceId) ?? t.ipAddress, t.ipAddress, `device ${t.deviceId} keeps its IP`);
    byDevice.set(t.deviceId, t.ipAddress!);
    assert.match(t.cardNumber!, /^400000\d{10}$/);
    assert.is(luhnDigit(t.cardNumber!.slice(0, 15)), Number(t.cardNumber!.slice(15)), 'Luhn-valid');
    assert.match(t.email!, /^[a-z]+\.[a-z]+\d+@(example\.(com|org|net)|mail\.example)$/);
    assert.match(t.ipAddress!, /^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d+$|^2001:db8:/);
  }
  assert.ok(new Set([...byUser.values()]).size > 250, 'users get different cards');
  assert.ok(
    [...byDevice.values()].some((ip) => ip.includes(':')),
    'some IPv6',
  );
});

test('Luhn check digit of known numbers', () => {
  assert.is(luhnDigit('424242424242424'), 2); // 4242 4242 4242 4242
  assert.is(luhnDigit('400000000000000'), 2); // 4000 0000 0000 0002
});

test('the JSON carries the fields after the others and reads back; without them it is unchanged', () => {
  const [t] = createTransactionStream({ ...cfg, pii: true }).take(1);
  const json = transactionToJson(t!);
  assert.match(json, /"fraudPattern":"[a-z-]+","cardNumber":"\d{16}","email":"[^"]+","ipAddress":"[^"]+"}$/);
  assert.equal(transactionFromJson(json), JSON.parse(json));
  assert.equal(JSON.parse(transactionToJson({ ...t!, userId: 'u"1' })).userId, 'u"1', 'the escaping path too');
  const { cardNumber: _c, email: _e, ipAddress: _i, ...plain } = t!;
  assert.not.match(transactionToJson(plain), /cardNumber|email|ipAddress/);
  assert.throws(
    () => transactionFromJson(json.replace(/"email":"[^"]+"/, '"email":5')),
    (e: { issues?: unknown }) => JSON.stringify(e.issues).includes('/email'),
  );
});

test.run();
