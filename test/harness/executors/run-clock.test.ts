/**
 * The run's clock starts when the load can: it stands at 0 while the target sets up, so setup
 * time is neither taken out of the load window nor counted as late iterations (a pipeline whose
 * setup took longer than the run used to send no load at all). Timer waits work before start.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RunClock } from '../../../harness/executors/clock.ts';

test('0 until start(), then real time from 0; start is idempotent; waits work before start', async () => {
  const c = new RunClock();
  assert.is(c.now(), 0);
  await c.delay(30);
  await c.sleep(5);
  assert.is(c.now(), 0, 'time spent before start does not count');
  c.start();
  const t0 = c.now();
  assert.ok(t0 >= 0, `just started: ${t0}`);
  await c.delay(20);
  const t1 = c.now();
  assert.ok(t1 >= 15, `it runs after start: ${t1}`);
  c.start();
  assert.ok(c.now() >= t1, 'a second start does not reset it');
  await c.sleepUntil(t1 + 10);
  assert.ok(c.now() >= t1 + 10);
});

test.run();
