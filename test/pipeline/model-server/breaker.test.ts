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

test('execMany: each call of a group is its own call; one timer answers the late ones', async () => {
  const { b, fireTimeouts } = setup();
  const settles: ((ok: boolean, v?: string) => void)[] = [];
  const p = b.execMany<string>(
    4,
    (i, settle) => {
      if (i === 0) settle(true, 'model');
      else if (i === 1) settle(false);
      else settles.push(settle);
    },
    (i, why) => `rules:${i}:${why}`,
  );
  settles[0]!(true, 'model');
  fireTimeouts();
  settles[1]!(true, 'too late'); // after the timer: ignored
  assert.equal(await p, ['model', 'rules:1:error', 'model', 'rules:3:timeout']);
  assert.equal(b.counts, { calls: 4, failures: 2, slow: 0, timeouts: 1, rejected: 0, fallbacks: 2 });
  assert.is(b.state, 'open', '2 of 4 failed: the failure rate reached 0.5 with minCalls 4');
});

test('execMany: while open every call is rejected without starting; half-open admits only the trials', async () => {
  const { b, advance } = setup();
  for (let i = 0; i < 4; i++) await b.exec(fail, rules);
  let started = 0;
  // answers come later, as the batcher's do: the group's calls are in flight together
  const start = (_i: number, settle: (ok: boolean, v?: string) => void) => {
    started++;
    queueMicrotask(() => settle(true, 'model'));
  };
  assert.equal(await b.execMany(3, start, (_i, why) => why), ['open', 'open', 'open']);
  assert.is(started, 0);
  advance(5000);
  assert.equal(await b.execMany(3, start, (_i, why) => why), ['model', 'model', 'open']);
  assert.equal([started, b.state], [2, 'closed']);
});

test('execMany: a start that throws is that call failing', async () => {
  const { b } = setup();
  const out = await b.execMany<string>(
    2,
    (i, settle) => {
      if (i === 0) throw new Error('boom');
      settle(true, 'model');
    },
    (_i, why) => `rules:${why}`,
  );
  assert.equal(out, ['rules:error', 'model']);
  assert.is(b.counts.failures, 1);
});

test.run();
