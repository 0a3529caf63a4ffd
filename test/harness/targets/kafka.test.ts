/**
 * The kafka target's parts without a system under test: the books (matched, duplicates, foreign,
 * unreadable, missing, failed sends), the events (seeded, ids, keys, formats), scenario validation,
 * and a run on the embedded broker with nothing consuming.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import avro from 'avsc';
import { PipelabError } from '../../../errors.ts';
import { Rng } from '../../../generators/rng.ts';
import { defineEventSpec } from '../../../generators/spec/compile.ts';
import { runScenario } from '../../../harness/runner/index.ts';
import { validateScenario } from '../../../harness/scenario/load.ts';
import { eventSource, getPath } from '../../../harness/targets/kafka/events.ts';
import { KafkaLedger } from '../../../harness/targets/kafka/ledger.ts';
import { decoderOf, resultsHandler } from '../../../harness/targets/kafka/results.ts';
import { createRegistry } from '../../../harness/metrics/index.ts';
import { schema } from '../../../harness/targets/kafka/schema.ts';
import type { CounterData, RateData, TrendData } from '../../../results/types.ts';

test('the books: each event once per results topic; duplicates, foreign, unreadable, missing, failed', () => {
  const l = new KafkaLedger(['a', 'b']);
  for (const id of ['e1', 'e2', 'e3', 'e4']) l.produce(id, 1000);
  l.failed('e4');
  assert.is(l.outstanding, 6);
  assert.is(l.result(0, 'e1'), 1000);
  assert.is(l.result(0, 'e1'), undefined, 'duplicate');
  assert.is(l.result(1, 'e1'), 1000, 'the same event on the other topic is its own match');
  assert.is(l.result(0, 'zz'), undefined, 'foreign');
  assert.is(l.result(1, undefined), undefined, 'unreadable');
  assert.is(l.result(0, 'e2'), 1000);
  assert.is(l.outstanding, 3);
  const a = l.finish(12);
  assert.equal([a.produced, a.produceFailed, a.matched, a.missing, a.duplicates, a.foreign], [3, 1, 3, 3, 1, 1]);
  assert.equal(a.byTopic.a!.missingSample, ['e3']);
  assert.equal(a.byTopic.b!.missingSample.sort(), ['e2', 'e3']);
  assert.is(a.byTopic.b!.unreadable, 1);
});

const produce = (p: object) => schema.parse({ type: 'kafka', produce: { topic: 't', ...p } }).produce;

test('events: seeded (same seed, same bytes), ids kept or assigned, keys from a field', () => {
  const a = eventSource(produce({ generator: 'transactions', key: 'userId' }), new Rng(7));
  const b = eventSource(produce({ generator: 'transactions', key: 'userId' }), new Rng(7));
  const ea = [0, 1, 2].map((i) => a.next(i, 1_700_000_000_000));
  const eb = [0, 1, 2].map((i) => b.next(i, 1_700_000_000_000));
  assert.equal(ea, eb);
  const v = JSON.parse(String(ea[0]!.value));
  assert.is(ea[0]!.id, v.id);
  assert.is(ea[0]!.key, v.userId);
  assert.is(v.eventTime, 1_700_000_000_000, 'event time is the intended send time');

  const fn = eventSource(
    produce({
      generator: ({ index }: { index: number }) => ({ n: index, user: { id: `u${index % 3}` } }),
      key: 'user.id',
      idField: 'orderId',
    }),
    new Rng(1),
  );
  const e = fn.next(4, 0);
  const body = JSON.parse(String(e.value));
  assert.is(body.orderId, e.id, 'an id is assigned in idField when the event lacks one');
  assert.is(e.key, 'u1');
  const s = eventSource(produce({ generator: () => 'plain text', format: 'string' }), new Rng(1)).next(0, 0);
  assert.is(s.value, 'plain text');
  assert.is(s.key, s.id);
  assert.is(getPath({ a: { b: [1, 2] } }, ['a', 'b', '1']), 2);
});

const shop = defineEventSpec({
  fields: {
    orderId: { type: 'uuid' },
    ts: { type: 'timestamp' },
    user: { type: 'key', entity: { count: 50, zipf: 1, prefix: 'u-' } },
    amount: { type: 'lognormal', mu: 3, sigma: 1, round: 2 },
  },
  disorder: { share: 0.3, lag: { type: 'exponential', mean: 2000 } },
  duplicates: { share: 0.2, delay: { type: 'uniform', min: 1, max: 5 } },
});

test('an event spec as generator: seeded, its own JSON bytes, ids kept or given, ground truth', () => {
  const events = (p: object) => {
    const src = eventSource(produce({ generator: shop, ...p }), new Rng(5));
    return { src, out: Array.from({ length: 400 }, (_, i) => src.next(i, 1_700_000_000_000 + i * 10)) };
  };
  const a = events({ idField: 'orderId', key: 'user' });
  assert.equal(a.out, events({ idField: 'orderId', key: 'user' }).out, 'same seed, same events and bytes');
  const first = JSON.parse(String(a.out[0]!.value));
  assert.is(a.out[0]!.id, first.orderId, "the spec's own id field is the id");
  assert.is(a.out[0]!.key, first.user);
  for (const e of a.out) assert.is(String(e.value), JSON.stringify(JSON.parse(String(e.value))));
  const t = a.src.truth()!;
  assert.is(t.events, 400);
  assert.ok(t.duplicates > 40 && t.duplicates < 120, `duplicates ${t.duplicates} of 400 at 20 %`);
  assert.ok(t.late > 60 && t.late < 180, `late ${t.late} of ~320 originals at 30 %`);
  const ids = a.out.map((e) => e.id);
  assert.is(ids.length - new Set(ids).size, t.duplicates, 'a duplicate is resent with the same id');
  // no id field in the spec: one is given, written into the bytes, and kept by the duplicates
  const b = events({});
  for (const e of b.out) assert.is(JSON.parse(String(e.value)).id, e.id);
  assert.is(b.out.length - new Set(b.out.map((e) => e.id)).size, b.src.truth()!.duplicates);
  // a bad spec field is named by its path before anything connects
  try {
    eventSource(produce({ generator: { fields: { n: { type: 'normal', mean: 1, sd: -1 } } } }), new Rng(1));
    assert.unreachable();
  } catch (e) {
    assert.instance(e, PipelabError);
    assert.match(JSON.stringify((e as PipelabError).issues), /\/target\/produce\/generator\/fields\/n/);
  }
});

test('avro: built-in schemas, or the given one; a function without a schema is refused', () => {
  const t = eventSource(produce({ generator: 'user-events', format: 'avro' }), new Rng(3)).next(0, 5);
  assert.ok(Buffer.isBuffer(t.value));
  const avsc = {
    type: 'record',
    name: 'Order',
    fields: [
      { name: 'id', type: 'string' },
      { name: 'n', type: 'int' },
    ],
  };
  const o = eventSource(
    produce({ generator: ({ index }: { index: number }) => ({ n: index }), format: 'avro', schema: avsc }),
    new Rng(1),
  ).next(9, 0);
  assert.equal({ ...avro.Type.forSchema(avsc as avro.Schema).fromBuffer(o.value as Buffer) }, { id: o.id, n: 9 });
  // an event that does not fit the schema is named by the path of the bad field
  const misfit = eventSource(produce({ generator: () => ({ n: 'nine' }), format: 'avro', schema: avsc }), new Rng(1));
  try {
    misfit.next(0, 0);
    assert.unreachable();
  } catch (e) {
    assert.equal((e as PipelabError).issues, [{ path: 'n', message: 'expected int, got string "nine"' }]);
    assert.match((e as Error).message, /does not match the Avro schema of target\.produce\.schema: n: expected int/);
  }
  for (const [p, re] of [
    [{ generator: () => ({}), format: 'avro' }, /target.produce.schema: .*needs the events' Avro schema/],
    [{ generator: 'transactions', format: 'string' }, /target.produce.format/],
    [
      { generator: () => ({}), format: 'avro', schema: '/no/such.avsc' },
      /target.produce.schema: cannot read \/no\/such.avsc: ENOENT/,
    ],
    [
      {
        generator: () => ({}),
        format: 'avro',
        schema: { type: 'record', name: 'R', fields: [{ name: 'a', type: 'strng' }] },
      },
      /target.produce.schema.fields.0.type: not a usable Avro schema: unknown type name 'strng' \(field 'a'\)/,
    ],
    [{ generator: () => ({}), format: 'avro-confluent', schema: { type: 'nope' } }, /target.produce.schema.type/],
  ] as const) {
    try {
      eventSource(produce(p), new Rng(1));
      assert.unreachable();
    } catch (e) {
      assert.instance(e, PipelabError);
      assert.match((e as Error).message, re);
    }
  }
});

test('results in Avro: decoded with their schema, matched by a field, checked', async () => {
  const avsc = {
    type: 'record',
    name: 'Scored',
    fields: [
      { name: 'orderId', type: 'string' },
      { name: 'score', type: 'double' },
    ],
  };
  const type = avro.Type.forSchema(avsc as avro.Schema);
  const ledger = new KafkaLedger(['scored']);
  ledger.produce('o1', Date.now());
  ledger.produce('o2', Date.now());
  const registry = createRegistry();
  const handle = resultsHandler({
    ledger,
    specs: [
      { topic: 'scored', correlate: { field: 'orderId' }, format: 'avro', schema: avsc, expect: { score: { max: 1 } } },
    ],
    metrics: () => registry,
    now: () => 0,
    warn: () => {},
  });
  const msg = (v: object) => ({
    key: null,
    value: type.toBuffer(v),
    headers: {},
    offset: '0',
    timestamp: '0',
    attributes: 0,
  });
  await handle({
    batch: { topic: 'scored', messages: [msg({ orderId: 'o1', score: 0.5 }), msg({ orderId: 'o2', score: 3 })] },
    resolveOffset: () => {},
    heartbeat: async () => {},
  } as never);
  const a = ledger.finish(0);
  assert.equal([a.matched, a.missing], [2, 0]);
  const checks = registry.snapshot(1).checks as RateData;
  assert.equal([checks.passes, checks.fails], [1, 1]);
  registry.close();
  assert.throws(() => decoderOf({ topic: 'x', correlate: { key: true }, format: 'avro' }, 0), /results.0.schema/);
});

test('a bad kafka block is refused with every field named by its path', () => {
  try {
    validateScenario({
      name: 'k',
      target: {
        type: 'kafka',
        produce: { topic: '', generator: 'orders', format: 'xml' },
        results: [{ topic: 'x', correlate: { column: 'id' } }],
      },
      executors: { main: { executor: 'constant-vus', vus: 1, duration: '1s' } },
    });
    assert.unreachable();
  } catch (e) {
    const paths = (e as PipelabError).issues.map((i) => i.path);
    assert.equal(paths, [
      '/target/produce/topic',
      '/target/produce/generator',
      '/target/produce/format',
      '/target/results/0/correlate',
    ]);
  }
});

for (const client of ['platformatic', 'kafkajs'] as const)
  test(`${client}: on the embedded broker with nothing downstream, every event produced and acknowledged`, async () => {
    const s = await runScenario({
      name: 'kafka-embedded',
      target: { type: 'kafka', produce: { topic: `solo-${client}`, generator: 'transactions', partitions: 2, client } },
      executors: { main: { executor: 'per-vu-iterations', vus: 2, iterations: 25 } },
    });
    assert.is((s.metrics.iterations as CounterData).count, 50);
    assert.is((s.metrics.errors as RateData).passes, 0, 'no failed sends');
    assert.is((s.metrics.produce_latency as TrendData).count, 50);
    assert.equal(s.extra?.topicsCreated, [`solo-${client}`]);
    assert.is(s.services.kafka?.mode, 'embedded');
  });

test('an event spec on the embedded broker: every event sent, its ground truth in the summary', async () => {
  const s = await runScenario({
    name: 'kafka-spec',
    target: { type: 'kafka', produce: { topic: 'solo-spec', generator: shop, key: 'user', partitions: 2 } },
    executors: { main: { executor: 'per-vu-iterations', vus: 2, iterations: 30 } },
  });
  assert.is((s.metrics.errors as RateData).passes, 0, 'no failed sends');
  const truth = s.extra?.truth as { events: number; duplicates: number; late: number };
  assert.is(truth.events, 60);
  assert.ok(truth.late > 0 && truth.duplicates > 0, JSON.stringify(truth));
});

test.run();
