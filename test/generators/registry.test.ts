import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createGenerator, generatorNames, getGenerator } from '../../generators/registry.ts';
import { PipelabError } from '../../errors.ts';

test('the registry knows transactions and user-events', () => {
  assert.ok(generatorNames().includes('transactions') && generatorNames().includes('user-events'));
  const s = createGenerator('transactions', { seed: 1 });
  const t = s.next();
  assert.is(getGenerator('transactions').toJson(t), JSON.stringify(t));
});

test('an unknown name is UNKNOWN_GENERATOR listing the known ones', () => {
  try {
    getGenerator('tranzactions');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, PipelabError);
    assert.is((e as PipelabError).code, 'UNKNOWN_GENERATOR');
    assert.is((e as PipelabError).exitCode, 104);
    assert.match((e as PipelabError).format(), 'transactions, user-events');
  }
  assert.throws(
    () => getGenerator('toString'),
    (e: PipelabError) => e.code === 'UNKNOWN_GENERATOR',
  );
});

test('a bad config is INVALID_ARGUMENT naming the path', () => {
  assert.throws(
    () => createGenerator('user-events', { concurrentSessions: 0 }),
    (e: PipelabError) => e.issues[0]?.path === '/concurrentSessions',
  );
});

test.run();
