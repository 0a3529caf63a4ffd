/**
 * The pipeline target's child-processor kill, which two suites run: at the default guarantee
 * (test/harness/targets/pipeline.test.ts) and under exactly-once (pipeline-eos.test.ts). On embedded
 * services, 2 processors as child processes on 4 partitions, 2 % malformed events, one processor
 * SIGKILLed at 1 s, 100 events/s for 2.5 s, a 20 s drain. It asserts what holds under either
 * guarantee (at least 200 produced, 0 missing, every event decided or dead-lettered, one fault) and
 * returns the summary and its tally for the suite's own checks.
 */
import * as assert from 'uvu/assert';
import { runScenario } from '../../harness/runner/index.ts';
import { validateScenario } from '../../harness/scenario/index.ts';
import type { Accounting } from '../../harness/targets/pipeline/accounting.ts';
import type { Guarantee } from '../../pipeline/processor/exactly-once.ts';
import type { CounterData, RunSummary } from '../../results/types.ts';

/** the scenario `name` with `seed`; `guarantee` set only if given (the target's default otherwise) */
export async function runChildKill(
  name: string,
  seed: number,
  guarantee?: Guarantee,
): Promise<{ summary: RunSummary; acc: Accounting }> {
  const s = validateScenario({
    name,
    seed,
    services: { 'redis-mode': 'embedded' },
    target: {
      type: 'pipeline',
      ...(guarantee ? { guarantee } : {}),
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
  assert.is(acc.decided + acc.deadLettered, acc.produced);
  assert.is((summary.metrics.faults as CounterData).count, 1);
  return { summary, acc };
}
