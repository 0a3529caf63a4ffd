import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CircuitBreaker, type BreakerState } from '../../../pipeline/model-server/breaker.ts';
import type { Timers } from '../../../pipeline/model-server/batcher.ts';

function setup() {
  let now = 0;
  const timeouts: (() => void)[] = [];
  const timers: Timers = { setTimeout: (fn) => timeouts.push(fn), clearTimeout: () => {} };
  const changes: string[] = [];
  const b = new CircuitBreaker({
    windowSize: 10,
    minCalls: 4,
    failureRateThreshold: 0.5,
    slowCallMs: 100,
    slowCallRateThreshold: 0.5,
    timeoutMs: 1000,
    resetTimeoutMs: 5000,
    halfOpenCalls: 2,
    clock: () => now,
    timers,
    onStateChange: (f: BreakerState, t: BreakerState) => changes.push(`${f}->${t}`),
  });
  return {
    b,
    changes,
    advance: (ms: number) => (now += ms),
    fireTimeouts: () => {
      for (const f of timeouts.splice(0)) f();
    },
  };
}
const ok = () => Promise.resolve('model');
const fail = () => Promise.reject(new Error('down'));
const rules = () => 'rules';

test('failures open the breaker; while open the fallback answers without calling', async () => {
  const { b, changes } = setup();
  for (let i = 0; i < 2; i++) assert.is((await b.exec(ok, rules)).value, 'model');
  for (let i = 0; i < 2; i++) assert.is((await b.exec(fail, rules)).value, 'rules');
  assert.is(b.state, 'open');
  let called = false;
  const r = await b.exec(() => {
    called = true;
    return ok();
  }, rules);
  assert.equal([r.value, r.fallback, called], ['rules', true, false]);
  assert.equal(changes, ['closed->open']);
});

test('after the reset timeout it half-opens, and successful trials close it', async () => {
  const { b, changes, advance } = setup();
  for (let i = 0; i < 4; i++) await b.exec(fail, rules);
  assert.is(b.state, 'open');
  advance(4999);
  assert.is(b.state, 'open');
  advance(1);
  assert.is(b.state, 'half-open');
  assert.is((await b.exec(ok, rules)).value, 'model');
  assert.is(b.state, 'half-open');
  await b.exec(ok, rules);
  assert.is(b.state, 'closed');
  assert.equal(changes, ['closed->open', 'open->half-open', 'half-open->closed']);
});

test('a failed trial in half-open opens it again', async () => {
  const { b, advance } = setup();
  for (let i = 0; i < 4; i++) await b.exec(fail, rules);
  advance(5000);
  assert.is(b.state, 'half-open');
  await b.exec(fail, rules);
  assert.is(b.state, 'open');
});

test('slow calls open the breaker too', async () => {
  const { b, advance } = setup();
  const slow = () => {
    advance(150);
    return Promise.resolve('model');
  };
  for (let i = 0; i < 4; i++) assert.is((await b.exec(slow, rules)).value, 'model', 'a slow answer is still used');
  assert.is(b.state, 'open');
});

test('a call past the timeout is answered by the fallback and counts as failed', async () => {
  const { b, fireTimeouts } = setup();
  const never = () => new Promise<string>(() => {});
  const p = b.exec(never, (why) => `rules:${why}`);
  fireTimeouts();
  assert.equal(await p, { value: 'rules:timeout', fallback: true });
  assert.is(b.counts.timeouts, 1);
  assert.is(b.counts.failures, 1);
});

test.run();
