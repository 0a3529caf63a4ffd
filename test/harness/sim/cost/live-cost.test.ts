/**
 * A live pipeline run's cost: the replicas it reports (extra.replicas, from pipelineResources)
 * priced by the catalogue like a simulated run's, an autoscaled run's processors integrated from
 * its replicas_processors gauge (held between the seconds it was set in).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pipelineResources } from '../../../../harness/targets/pipeline/resources.ts';
import { loadCatalogue, hourlyPrice } from '../../../../harness/sim/cost/catalogue.ts';
import { runCost } from '../../../../harness/sim/cost/cost.ts';
import { compareRow } from '../../../../harness/sim/cost/compare.ts';
import { makeSummary } from '../../../fixtures/make-summary.ts';

const cat = loadCatalogue();

test('pipelineResources: processors, one model server, the feature store, the broker nodes used', () => {
  const r = pipelineResources({ processors: 3, processorMode: 'child' }, ['127.0.0.1:1', '127.0.0.1:2'], {
    kafka: { mode: 'embedded' },
    redis: { mode: 'local' },
    modelServer: { mode: 'embedded' },
  });
  assert.equal(r.replicas, { consumers: 3, modelServers: 1, featureStore: 1, brokers: 2 });
  assert.equal(r.resources, {
    processors: 3,
    processorMode: 'child',
    modelServers: 1,
    brokerNodes: 2,
    featureStore: 'local',
  });
});

test('a live run with extra.replicas has a cost per hour and per million events', () => {
  const s = makeSummary(); // 12 s, 2 000 measured iterations
  s.extra = { ...s.extra, replicas: { consumers: 2, modelServers: 1, featureStore: 1, brokers: 1 } };
  const c = runCost(s, cat)!;
  const price = (i: string) => hourlyPrice(cat, i);
  const perHour = 2 * price('c6i.xlarge') + price('c6i.2xlarge') + price('r6i.large') + price('m6i.large');
  assert.ok(Math.abs(c.perHour - perHour) < 1e-9);
  const row = compareRow('live', s, { catalogue: cat });
  assert.ok(row.costPerHour !== null && row.costPerMillionEvents !== null && row.costPerMillionEvents > 0);
});

test('an autoscaled live run: processors over time from the replicas_processors gauge', () => {
  const s = makeSummary();
  s.extra = { replicas: { consumers: 1, modelServers: 0, featureStore: 0, brokers: 0 } };
  // 1 processor for 6 s, then 3 from second 6 on (set once, held): 6·1 + 6·3 = 24 processor-seconds
  s.timeseries.points[0]!.replicas_processors = { value: 1 };
  s.timeseries.points[6]!.replicas_processors = { value: 3 };
  const c = runCost(s, cat)!;
  assert.ok(Math.abs(c.replicaHours.consumers! - 24 / 3600) < 1e-12);
});

test.run();
