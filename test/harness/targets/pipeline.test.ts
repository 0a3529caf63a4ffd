/**
 * The `pipeline` target through the runner on embedded services (real clock, short runs): the
 * smoke scenario ends with every event accounted for, and the fault hooks (model server stopped,
 * processor killed) keep decisions flowing with nothing lost.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runScenario, exitCodeFor } from '../../../harness/runner/index.ts';
import { loadScenario, validateScenario } from '../../../harness/scenario/index.ts';
import type { Accounting } from '../../../harness/targets/pipeline/accounting.ts';
import type { CounterData, RunSummary, TrendData } from '../../../results/types.ts';
import { PipelabError } from '../../../errors.ts';
import { startModelServer } from '../../../pipeline/model-server/server.ts';
import { PACKAGE_MODELS_DIR } from '../../../pipeline/model/artefacts.ts';
import { runChildKill } from '../../helpers/child-kill.ts';

const embedded = { 'redis-mode': 'embedded' };

test('the smoke scenario runs the pipeline end to end with 0 missing and the tally in extra.accounting', async () => {
  const s = await loadScenario('scenarios/smoke.ts', { duration: '3s', rate: 100, services: embedded });
  const summary = await runScenario(s);
  const acc = summary.extra?.accounting as Accounting;
  assert.ok(acc.produced >= 250, `produced ${acc.produced}`);
  assert.is(acc.missing, 0);
  assert.is(acc.decided + acc.deadLettered, acc.produced);
  assert.is(acc.deadLettered, acc.malformedProduced);
  assert.is(summary.services.kafka?.mode, 'embedded');
  assert.is(summary.services.redis?.mode, 'embedded');
  assert.is(summary.services['model-server']?.mode, 'embedded');
  const e2e = summary.metrics.e2e_latency as TrendData;
  // the smoke's 2 s warm-up is left out of the figures
  assert.ok(e2e.count > 0 && e2e.count <= acc.decided, `e2e samples ${e2e.count} of ${acc.decided}`);
  for (const stage of ['stage_queue', 'stage_features', 'stage_inference', 'stage_sink'])
    assert.ok((summary.metrics[stage] as TrendData).count > 0, stage);
  assert.is((summary.metrics.events_missing as CounterData).count, 0);
  assert.ok(acc.aggregatedEvents > 0, 'windows flushed at the end reach processed-events');
  // what the embedded services counted (service-counts.ts): every chunk makes one model call
  const counts = summary.extra as {
    broker?: { requestsHandled: number; joins: number };
    modelServer?: { predictRequests: number };
    processors: Array<{ batches: number }>;
  };
  const chunks = counts.processors.reduce((a, p) => a + p.batches, 0);
  assert.ok((counts.broker?.requestsHandled ?? 0) > 0, `broker requests ${counts.broker?.requestsHandled}`);
  // every processor and the results observer joined its group at least once (a rebalance adds more)
  const joins = counts.broker?.joins ?? 0;
  assert.ok(joins >= counts.processors.length + 1, `JoinGroup requests ${joins}`);
  // a call retried after a timeout (a loaded machine) counts twice: no upper bound here
  const calls = counts.modelServer?.predictRequests ?? 0;
  assert.ok(calls > 0 && chunks > 0, `model calls ${calls}, chunks ${chunks}`);
  // every decision's chunk size and time, by size class (the calibration's within-run chunk line)
  assertChunkClasses(summary, acc.decided);
  // thresholds are evaluated; the latency one depends on machine load, so only the
  // load-independent ones are asserted (never assert timings in tests)
  const byExpr = new Map(summary.thresholds.map((t) => [`${t.metric} ${t.expression}`, t]));
  assert.ok(byExpr.has('e2e_latency p(99)<500'), JSON.stringify(summary.thresholds));
  assert.is(byExpr.get('events_missing count==0')?.ok, true);
  assert.is(byExpr.get('errors rate<0.01')?.ok, true);
  assert.ok([0, 99].includes(exitCodeFor(summary)), JSON.stringify(summary.thresholds));
});

test(
  'with the model server stopped and a processor killed mid-run, decisions continue via rules and ' + 'nothing is lost',
  async () => {
    const s = validateScenario({
      name: 'faults',
      seed: 3,
      services: embedded,
      target: {
        type: 'pipeline',
        processors: 2,
        partitions: 4,
        drainTimeout: '15s',
        faults: { stopModelServerAt: '1s', killProcessorAt: '1500ms' },
      },
      executors: {
        main: { executor: 'constant-arrival-rate', rate: 150, duration: '3s', preAllocatedVUs: 20, maxVUs: 200 },
      },
    });
    const summary = await runScenario(s);
    const acc = summary.extra?.accounting as Accounting;
    assert.is(acc.missing, 0, `missing ${acc.missing}: ${acc.missingSample.join(',')}`);
    assert.is(acc.decided + acc.deadLettered, acc.produced);
    assert.ok((acc.bySource.rules ?? 0) > 0, `rules answered after the stop: ${JSON.stringify(acc.bySource)}`);
    assert.ok((acc.bySource.model ?? 0) > 0, 'the model answered before it');
    assert.is((summary.metrics.faults as CounterData).count, 2);
  },
);

test('stopModelServerAt with an external model server fails at setup, before any load, naming the fault', async () => {
  const server = await startModelServer({ models: PACKAGE_MODELS_DIR, port: 0 });
  try {
    const s = validateScenario({
      name: 'external-fault',
      services: { ...embedded, 'model-server': server.url },
      target: { type: 'pipeline', processors: 1, faults: { stopModelServerAt: '1s' } },
      executors: { main: { executor: 'constant-arrival-rate', rate: 10, duration: '1s', preAllocatedVUs: 2 } },
    });
    const e = await runScenario(s).then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.instance(e, PipelabError);
    assert.is((e as PipelabError).code, 'INVALID_SCENARIO');
    assert.match((e as PipelabError).message, /stopModelServerAt cannot stop an external model server/);
  } finally {
    await server.close();
  }
});

test('processors as child processes: one is SIGKILLed mid-run and the survivor still ends every event', async () => {
  // >= 200 produced, 0 missing, each decided or dead-lettered, one fault: asserted in runChildKill
  const { summary, acc } = await runChildKill('children', 4);
  assert.is(acc.deadLettered, acc.malformedProduced);
  // the children's chunks, which their own metrics keep in their processes, as the model calls they made
  const calls = (summary.extra?.modelServer as { predictRequests: number } | undefined)?.predictRequests ?? 0;
  assert.ok(calls > 0, `model calls ${calls}`);
  // the children's chunk sizes reach this process in the decisions' stage header
  assertChunkClasses(summary, acc.decided);
});

/** extra.chunkClasses: power-of-two size classes, smallest first, counting each decided record once */
function assertChunkClasses(summary: RunSummary, decided: number): void {
  const classes = summary.extra?.chunkClasses as Array<{ n: number; records: number; chunkMs: number }>;
  assert.ok(classes.length > 0, 'no chunk classes');
  assert.is(
    classes.reduce((a, c) => a + c.records, 0),
    decided,
  );
  classes.forEach((c, i) => {
    assert.ok(c.n >= 1 && c.chunkMs > 0, JSON.stringify(c));
    const below = classes[i - 1];
    if (below) assert.ok(Math.floor(Math.log2(c.n)) > Math.floor(Math.log2(below.n)), JSON.stringify(classes));
  });
}

test('pipeline target options are validated with their paths', () => {
  const bad = () =>
    validateScenario({
      name: 'x',
      target: {
        type: 'pipeline',
        processors: 1,
        malformedShare: 2,
        routes: 'v1:90',
        faults: { killProcessorAt: '1s' },
        colour: 'red',
      },
      executors: { main: { executor: 'constant-vus', duration: '1s' } },
    });
  const e = (() => {
    try {
      bad();
    } catch (x) {
      return x as PipelabError;
    }
  })();
  assert.instance(e, PipelabError);
  const paths = (e!.issues ?? []).map((i) => i.path).join(' ');
  assert.match(paths, '/target');
  assert.match(JSON.stringify(e!.issues), 'colour');
});

test.run();
