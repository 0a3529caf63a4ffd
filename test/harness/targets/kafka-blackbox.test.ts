/**
 * The kafka target against systems under test pipelab did not write and that know nothing of its
 * headers: (a) two kcat processes piping one topic into another, correlated by a JSON field;
 * (b) a consumer-transformer on @platformatic/kafka (test/fixtures/sut/enricher.mjs) writing
 * enriched results with the id in its own field; (c) lag mode on a consumer group that writes
 * nowhere; and a system under test that dies mid-run shows as missing events and exit 99.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type ChildProcess, spawn } from 'node:child_process';
import { startBroker, type Broker } from '../../../broker/index.ts';
import { exitCodeFor, runScenario } from '../../../harness/runner/index.ts';
import type { ScenarioInput } from '../../../harness/scenario/schema.ts';
import type { RateData, RunSummary, TrendData } from '../../../results/types.ts';
import type { KafkaAccounting } from '../../../harness/targets/kafka/ledger.ts';
import type { LagReport } from '../../../harness/targets/kafka/lag.ts';
import { haveTool } from '../../helpers/tools.ts';

const hasKcat = haveTool('kcat', ['-V']);
const ENRICHER = new URL('../../fixtures/sut/enricher.mjs', import.meta.url).pathname;
let broker: Broker;
let bootstrap = '';
const children: ChildProcess[] = [];

test.before(async () => {
  broker = await startBroker({ minSessionTimeoutMs: 1000, defaultPartitions: 3 });
  bootstrap = broker.bootstrap[0]!;
});
test.after(async () => {
  for (const c of children) c.kill('SIGKILL');
  await broker.close();
});

// 200 events: 100/s for 2 s, every one accounted for (maxVUs covers them all on a slow machine)
const load = {
  main: { executor: 'constant-arrival-rate', rate: 100, duration: '2s', preAllocatedVUs: 20, maxVUs: 200 },
};

function run(target: object, extra: Partial<ScenarioInput> = {}): Promise<RunSummary> {
  return runScenario({
    name: 'kafka-blackbox',
    target,
    executors: load,
    services: { kafka: bootstrap },
    ...extra,
  } as ScenarioInput);
}

/** starts the enricher fixture and waits until its consumer group has joined */
async function enricher(args: string[]): Promise<ChildProcess> {
  const p = spawn(process.execPath, [ENRICHER, '--brokers', bootstrap, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(p);
  await new Promise<void>((resolve, reject) => {
    p.stdout!.on('data', (d) => String(d).includes('ready') && resolve());
    p.on('exit', (code) => reject(new Error(`enricher exited early (${code})`)));
  });
  return p;
}

const accounting = (s: RunSummary) => s.extra?.accounting as KafkaAccounting;

if (hasKcat)
  test('(a) two kcat processes pipe orders into orders-copy: matched by the JSON field id, none missing', async () => {
    for (const t of ['orders-a', 'orders-a-copy']) broker.createTopic(t, { partitions: 3 });
    // kcat -P sends what it read when its input ends: the consumer stops after the 200 events
    const sut = spawn('sh', [
      '-c',
      `kcat -b ${bootstrap} -C -t orders-a -o beginning -u -q -c 200 -f '%s\\n' | ` +
        `kcat -b ${bootstrap} -P -t orders-a-copy`,
    ]);
    children.push(sut);
    const s = await run(
      {
        type: 'kafka',
        produce: { topic: 'orders-a', generator: 'transactions', key: 'userId' },
        results: [
          {
            topic: 'orders-a-copy',
            correlate: { field: 'id' },
            expect: { amount: { min: 0 }, currency: { exists: true } },
          },
        ],
        drainTimeout: '20s',
      },
      { thresholds: { 'e2e_latency{topic:orders-a-copy}': ['count==200'] } },
    );
    const a = accounting(s);
    assert.is(a.produced, 200);
    assert.is(a.matched, 200);
    assert.is(a.missing, 0);
    assert.is(a.foreign, 0);
    assert.is((s.metrics.e2e_latency as TrendData).count, 200);
    assert.equal(
      s.thresholds.map((t) => [t.metric, t.ok]),
      [['e2e_latency{topic:orders-a-copy}', true]],
      'e2e latency is tagged by results topic',
    );
    assert.is((s.metrics.checks as RateData).rate, 1);
    assert.is((s.metrics.checks as RateData).passes, 400);
    assert.ok((s.metrics.produce_latency as TrendData).count === 200);
  });

test('(b) a @platformatic/kafka enricher writes results with the id in orderId: all matched', async () => {
  for (const t of ['orders-b', 'orders-b-scored']) broker.createTopic(t, { partitions: 3 });
  await enricher(['--in', 'orders-b', '--out', 'orders-b-scored', '--group', 'enricher-b']);
  const s = await run({
    type: 'kafka',
    produce: { topic: 'orders-b', generator: 'transactions', headers: { source: 'pipelab' } },
    results: [
      {
        topic: 'orders-b-scored',
        correlate: { field: 'orderId' },
        expect: (r: unknown) => typeof (r as { score?: unknown }).score === 'number',
      },
    ],
    drainTimeout: '20s',
  });
  const a = accounting(s);
  assert.equal([a.produced, a.matched, a.missing, a.duplicates, a.foreign], [200, 200, 0, 0, 0]);
  assert.is((s.metrics.checks as RateData).passes, 200);
  assert.is(exitCodeFor(s), 0);
});

test('(c) lag mode on a group that writes nowhere: lag per partition, drained after the load', async () => {
  broker.createTopic('orders-c', { partitions: 3 });
  await enricher(['--in', 'orders-c', '--sink', '--group', 'sink-c']);
  const s = await run(
    {
      type: 'kafka',
      produce: { topic: 'orders-c', generator: 'user-events' },
      lag: { group: 'sink-c' },
      drainTimeout: '20s',
    },
    { thresholds: { consumer_lag: ['value==0'] } },
  );
  const lag = s.extra?.lag as LagReport;
  assert.is(lag.group, 'sink-c');
  assert.is(lag.neverCommitted, false);
  assert.is(lag.lagAtEnd, 0, 'the group caught up');
  assert.ok(lag.drainMs !== undefined);
  assert.ok(s.metrics.consumer_lag, 'consumer_lag gauge');
  assert.is(s.extra?.accounting, undefined, 'no results topics: nothing to account');
});

test('a system under test that dies mid-run: events missing, and the threshold fails the run (exit 99)', async () => {
  for (const t of ['orders-d', 'orders-d-scored']) broker.createTopic(t, { partitions: 3 });
  const sut = await enricher([
    '--in',
    'orders-d',
    '--out',
    'orders-d-scored',
    '--group',
    'enricher-d',
    '--die-after',
    '50',
  ]);
  const s = await run(
    {
      type: 'kafka',
      produce: { topic: 'orders-d', generator: 'transactions' },
      results: [{ topic: 'orders-d-scored', correlate: { field: 'orderId' } }],
      // the drain waits it out (150 results never come): the 50 the enricher wrote before it died
      // came during the run, and matched + missing = produced holds however long it waits
      drainTimeout: '1s',
    },
    { thresholds: { events_missing: ['count==0'] } },
  );
  assert.is(sut.exitCode, 1, 'the enricher died');
  const a = accounting(s);
  assert.is(a.produced, 200);
  assert.ok(a.missing >= 150, `missing ${a.missing}`);
  assert.is(a.matched + a.missing, 200);
  assert.is(s.thresholds[0]!.ok, false);
  assert.is(exitCodeFor(s), 99);
});

test('a correlation rule that never matches is said once results arrive', async () => {
  for (const t of ['orders-e', 'orders-e-scored']) broker.createTopic(t, { partitions: 3 });
  await enricher(['--in', 'orders-e', '--out', 'orders-e-scored', '--group', 'enricher-e']);
  const s = await run({
    type: 'kafka',
    produce: { topic: 'orders-e', generator: 'transactions' },
    results: [{ topic: 'orders-e-scored', correlate: { field: 'id' } }],
    drainTimeout: '2s',
  });
  const warnings = s.extra?.warnings as string[];
  assert.ok(
    warnings?.some((w) => /0 of \d+ results on orders-e-scored matched field 'id' — check correlate/.test(w)),
    String(warnings),
  );
  assert.is(accounting(s).matched, 0);
});

test.run();
