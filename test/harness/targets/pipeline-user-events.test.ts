/**
 * The user-behaviour step end to end on embedded services: user events beside transactions,
 * windowed per user by the processor, late ones dead-lettered — every user event ends in a window
 * aggregate or a dead letter, and the windows drop only events the generator sent beyond the
 * allowed lateness (its ground truth). In process and with a child processor.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runScenario } from '../../../harness/runner/index.ts';
import { loadScenario, validateScenario } from '../../../harness/scenario/index.ts';
import type { Accounting } from '../../../harness/targets/pipeline/accounting.ts';
import type { CounterData } from '../../../results/types.ts';
import { formatMarkdown } from '../../../reports/markdown.ts';
import type { PipelabError } from '../../../errors.ts';
import { thrown } from '../../helpers/errors.ts';

const embedded = { 'redis-mode': 'embedded' };

for (const mode of ['in-process', 'child'] as const)
  test(`${mode}: every user event in a window or dead-lettered 'late'; drops only beyond the lateness`, async () => {
    const s = await loadScenario('scenarios/user-behaviour.ts', { duration: '4s', rate: 150, services: embedded });
    const target = s.target as Record<string, unknown>;
    target.processorMode = mode;
    // a lag of 12 s always lands behind a 1 s window's watermark once newer events arrived
    target.window = '1s';
    target.allowedLateness = '500ms';
    target.userEvents = { share: 0.4, disorder: { share: 0.2, lag: { type: 'const', value: 12_000 } } };
    const summary = await runScenario(s);
    const acc = summary.extra?.accounting as Accounting;
    const u = acc.userEvents!;
    assert.ok(u.produced > 100, `user events ${u.produced}`);
    assert.is(u.missing, 0);
    assert.is(u.excess, 0);
    assert.is(u.windowed + u.deadLettered, u.produced);
    assert.ok(u.windowsObserved > 0);
    const late = u.deadLetterReasons.late ?? 0;
    const t = u.truth!;
    assert.is(t.events, u.produced + u.produceFailed);
    assert.ok(t.beyondLateness > 10, JSON.stringify(t));
    assert.ok(late > 0 && late <= t.beyondLateness, `late ${late} of ${t.beyondLateness} sent beyond the lateness`);
    assert.is(acc.missing, 0, 'the transactions beside them still all end');
    assert.is((summary.metrics.events_missing as CounterData).count, 0);
    const md = formatMarkdown(summary);
    assert.match(md, /user events in windows/);
    assert.match(md, /beyond the allowed lateness/);
  });

test('only user events: the processors take every one before they stop (the drain waits for them too)', async () => {
  // no transactions, so nothing held the old drain: the processors stopped with the last events still in the topic
  const summary = await runScenario(
    validateScenario({
      name: 'only-user-events',
      seed: 3,
      services: embedded,
      target: { type: 'pipeline', processors: 1, partitions: 2, drainTimeout: '10s', userEvents: { share: 1 } },
      executors: { main: { executor: 'constant-arrival-rate', rate: 200, duration: '1s', preAllocatedVUs: 20 } },
    }),
  );
  const acc = summary.extra?.accounting as Accounting;
  const u = acc.userEvents!;
  assert.ok(u.produced >= 150, `user events ${u.produced}`);
  assert.is(u.missing, 0, JSON.stringify({ ...u, truth: undefined }));
  assert.is(u.excess, 0);
  assert.is(u.windowed + u.deadLettered, u.produced);
});

test('userEvents is validated with its paths', () => {
  try {
    validateScenario({
      name: 'u',
      target: { type: 'pipeline', userEvents: { share: 2, disorder: { share: 0.1, lag: { type: 'poisson' } } } },
      executors: { main: { executor: 'constant-vus', duration: '1s' } },
    });
    assert.unreachable();
  } catch (e) {
    const paths = (e as PipelabError).issues.map((i) => i.path);
    assert.equal(paths, ['/target/userEvents/share', '/target/userEvents/disorder/lag/type']);
  }
  // the lag is checked as event specs check it: bounds in order, as in docs/event-specs.md
  const lag = { type: 'exponential', mean: 100, min: 50, max: 10 };
  const e = thrown(() =>
    validateScenario({
      name: 'u',
      target: { type: 'pipeline', userEvents: { share: 0.5, disorder: { share: 0.1, lag } } },
      executors: { main: { executor: 'constant-vus', duration: '1s' } },
    }),
  );
  assert.equal(
    e.issues.map((i) => `${i.path}: ${i.message}`),
    ['/target/userEvents/disorder/lag/max: expected ≥ min (50), got 10'],
  );
});

test.run();
