import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../../generators/rng.ts';
import { VirtualClock } from '../../../harness/executors/clock.ts';
import { create, schema } from '../../../harness/targets/function.ts';
import type { Target } from '../../../harness/targets/api.ts';
import { FakeRegistry } from '../executors/fake-metrics.ts';

async function setup(config: unknown, seed = 1): Promise<{ t: Target; clock: VirtualClock; m: FakeRegistry }> {
  const clock = new VirtualClock();
  const m = new FakeRegistry();
  const t = create(schema.parse(config));
  await t.setup({
    metrics: m,
    now: () => clock.now(),
    rng: new Rng(seed),
    signal: new AbortController().signal,
    tags: { run: 'x' },
    sleep: (ms, s) => clock.delay(ms, s),
  });
  return { t, clock, m };
}
const it = (n: number, at = 0) => ({ vu: 1, iteration: n, intendedStartMs: at, signal: new AbortController().signal });

test('fn results map to outcomes: nothing and true are ok, false is an error, objects pass through', async () => {
  const results: unknown[] = [undefined, true, false, { ok: false, tags: { status: '503' } }];
  const { t } = await setup({ type: 'function', fn: async (c: { iteration: number }) => results[c.iteration] });
  assert.equal(await t.iterate(it(0)), { ok: true });
  assert.equal(await t.iterate(it(1)), { ok: true });
  assert.equal(await t.iterate(it(2)), { ok: false });
  assert.equal(await t.iterate(it(3)), { ok: false, tags: { status: '503' } });
});

test('fn gets the iteration, a seeded rng, the run clock, metrics and tags', async () => {
  let seen: Record<string, unknown> = {};
  const { t, clock, m } = await setup({
    type: 'function',
    fn: async (c: {
      vu: number;
      rng: Rng;
      now(): number;
      sleep(ms: number): Promise<void>;
      metrics: FakeRegistry;
      tags: Record<string, string>;
    }) => {
      await c.sleep(25);
      c.metrics.counter('custom').add(1, c.now(), c.tags);
      seen = { vu: c.vu, now: c.now(), r: c.rng.next(), tags: c.tags };
    },
  });
  await t.iterate(it(0));
  assert.is(clock.now(), 25);
  assert.is(seen.now, 25);
  assert.equal(seen.tags, { run: 'x' });
  assert.is(m.sum('custom'), 1);
  const again = await setup({
    type: 'function',
    fn: async (c: { rng: Rng }) => {
      seen.r2 = c.rng.next();
    },
  });
  await again.t.iterate(it(0));
  assert.is(seen.r2, seen.r);
});

test('builtin sleep waits ms plus jitter on the run clock', async () => {
  const { t, clock } = await setup({ type: 'function', builtin: 'sleep', ms: 10, jitterMs: 5 });
  await t.iterate(it(0));
  assert.ok(clock.now() >= 10 && clock.now() < 15);
});

test('builtin sleep fails about errorRate of iterations, the same ones for the same seed', async () => {
  const run = async (seed: number) => {
    const { t } = await setup({ type: 'function', builtin: 'sleep', errorRate: 0.2 }, seed);
    const out: boolean[] = [];
    for (let i = 0; i < 2000; i++) out.push((await t.iterate(it(i))).ok);
    return out;
  };
  const a = await run(1),
    b = await run(1),
    c = await run(2);
  assert.equal(a, b);
  assert.not.equal(a, c);
  const failed = a.filter((x) => !x).length;
  assert.ok(failed > 330 && failed < 470, `failed ${failed}`);
});

test('builtin sleep holds every iteration that arrives during a stall until it ends', async () => {
  const { t, clock } = await setup({ type: 'function', builtin: 'sleep', ms: 2, stallAtMs: 100, stallForMs: 1000 });
  await clock.sleep(150);
  await t.iterate(it(0, 150));
  assert.is(clock.now(), 1102);
  await t.iterate(it(1));
  assert.is(clock.now(), 1104);
});

test('noop resolves at once and services() says embedded', async () => {
  const { t, clock } = await setup({ type: 'function', builtin: 'noop' });
  assert.equal(await t.iterate(it(0)), { ok: true });
  assert.is(clock.now(), 0);
  assert.equal(t.services(), { target: { mode: 'embedded', detail: 'builtin noop' } });
});

test('schema rejects sleep-only options with fn, and a stall without its length', () => {
  const r = schema.safeParse({ type: 'function', fn: async () => {}, ms: 5 });
  assert.equal(
    r.error?.issues.map((i) => i.path),
    [['ms']],
  );
  const r2 = schema.safeParse({ type: 'function', builtin: 'sleep', stallAtMs: 5 });
  assert.equal(
    r2.error?.issues.map((i) => i.path),
    [['stallForMs']],
  );
});

test.run();
