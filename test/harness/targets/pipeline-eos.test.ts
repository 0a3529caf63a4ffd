/**
 * The pipeline target with `guarantee: 'exactly-once'`: processors as child processes, one
 * SIGKILLed mid-run; the results consumer (read_committed) ends every event with 0 missing and
 * 0 duplicates. (A kill between chunks can give 0 duplicates under at-least-once too; the kill
 * inside a chunk that tells the two apart is in test/pipeline/processor/exactly-once.test.ts.)
 * The option is validated with its path.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PipelabError } from '../../../errors.ts';
import { runScenario } from '../../../harness/runner/index.ts';
import { validateScenario } from '../../../harness/scenario/index.ts';
import type { Accounting } from '../../../harness/targets/pipeline/accounting.ts';
import type { CounterData } from '../../../results/types.ts';

test('exactly-once: a child processor SIGKILLed mid-run; every event ends once (0 missing, 0 duplicates)', async () => {
  const s = validateScenario({
    name: 'eos-children',
    seed: 5,
    services: { 'redis-mode': 'embedded' },
    target: {
      type: 'pipeline',
      guarantee: 'exactly-once',
      processors: 2,
      processorMode: 'child',
      partitions: 4,
      malformedShare: 0.02,
      drainTimeout: '20s',
      faults: { killProcessorAt: '1s' },
    },
    executors: {
      main: { executor: 'constant-arrival-rate', rate: 100, duration: '2500ms', preAllocatedVUs: 20, maxVUs: 200 },
    },
  });
  const summary = await runScenario(s);
  const acc = summary.extra?.accounting as Accounting;
  assert.ok(acc.produced >= 200);
  assert.is(acc.missing, 0, `missing ${acc.missing}: ${acc.missingSample.join(',')}`);
  assert.is(acc.duplicates, 0);
  assert.is(acc.decided + acc.deadLettered, acc.produced);
  assert.is((summary.metrics.faults as CounterData).count, 1);
});

test('guarantee is validated with its path', () => {
  const e = (() => {
    try {
      validateScenario({
        name: 'x',
        target: { type: 'pipeline', guarantee: 'twice' },
        executors: { main: { executor: 'constant-vus', duration: '1s' } },
      });
    } catch (x) {
      return x as PipelabError;
    }
  })();
  assert.instance(e, PipelabError);
  assert.match(JSON.stringify(e!.issues), '/target/guarantee');
});

test.run();
