import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ID_SCOPE, newIdScope, PAD3, SeqIds } from '../../generators/digits.ts';
import { Rng } from '../../generators/rng.ts';

test('PAD3 holds 000 … 999', () => {
  assert.is(PAD3.length, 1000);
  assert.is(PAD3[0], '000');
  assert.is(PAD3[7], '007');
  assert.is(PAD3[999], '999');
});

test('sequential ids equal prefix + n, in order and in any order', () => {
  const ids = new SeqIds('t1a-');
  for (let n = 0; n < 25_000; n++) assert.is(ids.id(n), `t1a-${n}`);
  const r = new Rng(3);
  const any = new SeqIds('');
  for (let i = 0; i < 20_000; i++) {
    const n = Math.floor(r.uniform(0, 2 ** 53));
    assert.is(any.id(n), `${n}`);
  }
  for (const n of [999, 1000, 1001, 999_999, 1_000_000, 2 ** 53 - 1]) assert.is(any.id(n), `${n}`);
});

test('newIdScope: a valid scope, a fresh one each call', () => {
  const scopes = Array.from({ length: 50 }, () => newIdScope());
  for (const s of scopes) assert.ok(ID_SCOPE.safeParse(s).success, s);
  assert.is(new Set(scopes).size, 50);
});

test.run();
