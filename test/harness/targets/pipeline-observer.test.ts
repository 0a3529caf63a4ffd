/**
 * target.observerThread: the results observer on a worker thread of its own or on the main thread
 * (the default), consuming with kafkajs (the default) or @platformatic/kafka (target.observerClient).
 * Either way every event ends decided or dead-lettered, each decision is timed once, dead letters
 * are counted by reason and the windows flushed at the end reach the books; the thread's
 * observations cross as plain data. Counts only, no timings.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runScenario } from '../../../harness/runner/index.ts';
import { validateScenario } from '../../../harness/scenario/index.ts';
import type { Accounting } from '../../../harness/targets/pipeline/accounting.ts';
import type { CounterData, TrendData } from '../../../results/types.ts';

async function books(observerThread: boolean | undefined, observerClient: 'platformatic' | 'kafkajs' | undefined) {
  const s = validateScenario({
    name: `pipeline-observer-${observerThread}-${observerClient}`,
    seed: 4,
    services: { 'redis-mode': 'embedded', 'model-server-mode': 'embedded' },
    target: {
      type: 'pipeline',
      partitions: 4,
      malformedShare: 0.1,
      window: '1s',
      drainTimeout: '20s',
      observerThread,
      observerClient,
    },
    executors: {
      main: { executor: 'constant-arrival-rate', rate: 100, duration: '2s', preAllocatedVUs: 20, maxVUs: 200 },
    },
  });
  const summary = await runScenario(s);
  return { acc: summary.extra?.accounting as Accounting, summary };
}

const cases = [
  [true, undefined],
  [undefined, undefined],
  [true, 'platformatic'],
  [undefined, 'platformatic'],
] as const;
for (const [observerThread, observerClient] of cases) {
  const client = observerClient ?? '(default)';
  const name = `observerThread ${observerThread ?? '(default: this thread)'}, observerClient ${client}`;
  test(`${name}: every event ends, timed once`, async () => {
    const { acc, summary } = await books(observerThread, observerClient);
    assert.ok(acc.produced >= 150, `produced ${acc.produced}`);
    assert.is(acc.missing, 0, `missing ${acc.missing}: ${acc.missingSample.join(',')}`);
    assert.is(acc.duplicates, 0);
    assert.is(acc.foreign, 0);
    assert.is(acc.decided + acc.deadLettered, acc.produced);
    assert.is(acc.deadLettered, acc.malformedProduced);
    assert.ok(acc.malformedProduced > 0, 'some dead letters');
    assert.is(
      Object.values(acc.deadLetterReasons).reduce((a, b) => a + b, 0),
      acc.deadLettered,
    );
    assert.is((summary.metrics.e2e_latency as TrendData).count, acc.decided);
    assert.is((summary.metrics.decisions as CounterData).count, acc.decided);
    assert.is((summary.metrics.dead_letters as CounterData).count, acc.deadLettered);
    assert.is(acc.aggregatedEvents, acc.decided, 'every decided transaction is in a window aggregate');
    assert.is(acc.windows?.mismatched, 0, JSON.stringify(acc.windows));
    const classes = summary.extra?.chunkClasses as Array<{ records: number }>;
    assert.is(
      classes.reduce((a, c) => a + c.records, 0),
      acc.decided,
    );
  });
}

test.run();
