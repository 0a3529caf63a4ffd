import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng, toSeed } from '../../generators/rng.ts';

test('the same seed gives the same sequence', () => {
  const a = new Rng(42),
    b = new Rng(42);
  for (let i = 0; i < 1000; i++) assert.is(a.nextU32(), b.nextU32());
});

test('another seed gives another sequence', () => {
  const a = new Rng(42),
    b = new Rng(43);
  let same = 0;
  for (let i = 0; i < 1000; i++) if (a.nextU32() === b.nextU32()) same++;
  assert.ok(same < 5);
});

test('next() stays in [0, 1) with a mean near 1/2', () => {
  const r = new Rng(7);
  let sum = 0;
  for (let i = 0; i < 100_000; i++) {
    const x = r.next();
    assert.ok(x >= 0 && x < 1);
    sum += x;
  }
  assert.ok(Math.abs(sum / 100_000 - 0.5) < 0.01);
});

test('fork depends on the label and the seed, not on how much was drawn', () => {
  const a = new Rng(1),
    b = new Rng(1);
  b.next();
  assert.is(a.fork('users').nextU32(), b.fork('users').nextU32());
  assert.is.not(a.fork('users').nextU32(), a.fork('merchants').nextU32());
});

test('normal() has the requested mean and sd', () => {
  const r = new Rng(3);
  let s = 0,
    s2 = 0;
  const n = 200_000;
  for (let i = 0; i < n; i++) {
    const x = r.normal(10, 2);
    s += x;
    s2 += x * x;
  }
  const mean = s / n;
  const sd = Math.sqrt(s2 / n - mean * mean);
  assert.ok(Math.abs(mean - 10) < 0.03);
  assert.ok(Math.abs(sd - 2) < 0.03);
});

test('string seeds hash stably and numeric strings are numbers', () => {
  assert.is(toSeed('42'), 42);
  assert.is(toSeed('abc'), toSeed('abc'));
  assert.is.not(toSeed('abc'), toSeed('abd'));
});

test.run();
