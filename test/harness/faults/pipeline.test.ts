/**
 * The fault timeline on the reference pipeline (embedded services, in-process processors, a
 * short real-clock run): model server slow, erroring and down behind its fault proxy, the feature
 * store flushed, a processor stopped and back, a clean rolling bounce of the group (a crash of an
 * in-process processor is covered in test/pipeline/processor; its clients take a minute to give up). Every fault
 * starts and ends and says what it hit; the rules fallback decides while the model cannot; and
 * nothing acknowledged is lost. Counts only, no timings.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runScenario } from '../../../harness/runner/index.ts';
import { validateScenario } from '../../../harness/scenario/index.ts';
import type { Accounting } from '../../../harness/targets/pipeline/accounting.ts';
import type { DeliveryReport } from '../../../results/delivery.ts';
import type { CounterData } from '../../../results/types.ts';
import { chartSpecs } from '../../../reports/charts.ts';

test('every fault family on the pipeline: recorded, lifted, decisions continue, 0 lost', async () => {
  const s = validateScenario({
    name: 'pipeline-faults',
    seed: 5,
    services: { 'redis-mode': 'embedded' },
    target: { type: 'pipeline', processors: 2, partitions: 4, drainTimeout: '20s' },
    executors: {
      main: { executor: 'constant-arrival-rate', rate: 100, duration: '4s', preAllocatedVUs: 20, maxVUs: 200 },
    },
    faults: [
      { at: '300ms', duration: '700ms', kind: 'slow', target: 'model-server', latency: 30, jitter: 10 },
      { at: '1s', duration: '700ms', kind: 'erroring', target: 'model-server', share: 0.5 },
      { at: '1800ms', duration: '600ms', kind: 'down', target: 'model-server' },
      { at: '2s', kind: 'flush', target: 'redis' },
      { at: '2s', duration: '500ms', kind: 'stop', target: 'processor', instance: 1 },
      { at: '3s', kind: 'bounce', target: 'consumers', mode: 'clean', scope: 'rolling' },
    ],
  });
  const summary = await runScenario(s);
  const acc = summary.extra?.accounting as Accounting;
  const delivery = summary.extra?.delivery as DeliveryReport;
  assert.is(acc.missing, 0, `missing ${acc.missing}: ${acc.missingSample.join(',')}`);
  assert.is(delivery.lost, 0, JSON.stringify(delivery.samples.lost));
  assert.is(delivery.acked, acc.produced);
  assert.ok((acc.bySource.rules ?? 0) > 0, `rules decided while the model could not: ${JSON.stringify(acc.bySource)}`);
  const faults = summary.faults ?? [];
  assert.is(faults.length, 6);
  for (const f of faults) {
    assert.is(f.error, undefined, `#${f.index} ${f.label}: ${f.error}`);
    assert.ok(f.startedMs !== undefined && f.endedMs !== undefined, `#${f.index} started and ended`);
    assert.ok(f.endedMs! >= f.startedMs!, `#${f.index} ends after it starts`);
    assert.ok(f.hit.length > 0, `#${f.index} says what it hit`);
    assert.ok(f.impact, `#${f.index} has its SLA impact`);
  }
  assert.match(faults[2]!.hit[0]!, /^proxy 127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+/);
  assert.match(faults[4]!.hit[0]!, /^in-process processor-2/);
  assert.is(faults[5]!.hit.length, 2, 'a rolling bounce hits each processor in turn');
  assert.is((summary.metrics.faults as CounterData).count, 6);
  assert.is((summary.metrics.events_lost as CounterData).count, 0);
  // every time chart draws the faults as labelled bands (errors only when it has any: else it is an empty chart)
  const specs = chartSpecs(summary) as Record<string, { layer?: { mark?: { type?: string } }[] }>;
  for (const name of ['latency-percentiles', 'throughput']) {
    const text = JSON.stringify(specs[name]);
    assert.match(text, /#4 stop processor#1/, `${name} has the stop band`);
  }
});

test.run();
