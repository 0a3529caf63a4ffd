/**
 * The pipeline target with `guarantee: 'exactly-once'`: processors as child processes, one
 * SIGKILLed mid-run; the results consumer (read_committed) ends every event with 0 missing and
 * 0 duplicates. (A kill between chunks can give 0 duplicates under at-least-once too; the kill
 * inside a chunk that tells the two apart is in test/pipeline/processor/exactly-once.test.ts.)
 * The option is validated with its path. The scenario, and the checks that hold under either
 * guarantee, are in test/helpers/child-kill.ts (shared with pipeline.test.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PipelabError } from '../../../errors.ts';
import { validateScenario } from '../../../harness/scenario/index.ts';
import { runChildKill } from '../../helpers/child-kill.ts';

test('exactly-once: a child processor SIGKILLed mid-run; every event ends once (0 missing, 0 duplicates)', async () => {
  // >= 200 produced, 0 missing, each decided or dead-lettered, one fault: asserted in runChildKill
  const { acc } = await runChildKill('eos-children', 5, 'exactly-once');
  assert.is(acc.duplicates, 0);
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
