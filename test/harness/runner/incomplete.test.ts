/**
 * Honest accounting: a run whose target teardown throws is marked incomplete (every report says
 * so, exit 107), and a threshold on an accounting metric that never got a sample fails instead of
 * passing on a default 0.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VirtualClock } from '../../../harness/executors/clock.ts';
import { exitCodeFor, runScenario } from '../../../harness/runner/index.ts';
import { formatConsoleSummary, formatJunit, formatMarkdown } from '../../../reports/index.ts';

const scenario = (teardown?: () => unknown) => ({
  name: 'incomplete',
  target: { type: 'function', builtin: 'noop', ...(teardown ? { teardown } : {}) },
  executors: { main: { executor: 'constant-arrival-rate', rate: 10, duration: '2s' } },
  thresholds: { events_lost: ['count==0'], events_missing: ['count==0'] },
});

test('a teardown error marks the run incomplete, in the summary, every report and the exit code', async () => {
  const s = await runScenario(
    scenario(() => {
      throw new Error('results consumer lost its broker');
    }) as never,
    { clock: new VirtualClock() },
  );
  assert.ok(s.incomplete);
  assert.match(s.incomplete!.reason, /results consumer lost its broker/);
  assert.is(exitCodeFor(s), 107);
  assert.match(formatConsoleSummary(s, { color: false }), /INCOMPLETE: the target's teardown failed/);
  assert.match(formatMarkdown(s), /\*\*Incomplete\*\*/);
  assert.match(formatJunit(s), /<error message="the target&apos;s teardown failed/);
});

test('thresholds on accounting metrics with no samples fail, with a note saying why', async () => {
  const s = await runScenario(scenario() as never, { clock: new VirtualClock() });
  assert.is(s.incomplete, undefined);
  for (const t of s.thresholds) {
    assert.is(t.ok, false, `${t.metric} must not pass on no samples`);
    assert.match(t.note ?? '', /books never closed/);
  }
  assert.is(exitCodeFor(s), 99);
});

test.run();
