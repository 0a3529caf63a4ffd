/** Tumbling event-time windows: event time comes from the events, so no clock is involved. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TumblingWindows } from '../../../pipeline/processor/windows.ts';

const MIN = 60_000;

test('a window stays open until the watermark (max event time − lateness) reaches its end', () => {
  const w = new TumblingWindows({ sizeMs: 5 * MIN, allowedLatenessMs: MIN });
  w.add('u1', 0, 10, false);
  w.add('u1', 2 * MIN, 20, true);
  w.add('u2', 4 * MIN, 5, false);
  assert.equal(w.closeReady(), []);
  w.add('u3', 5 * MIN + 59_999, 1, false); // watermark 4:59.999 < 5:00
  assert.equal(w.closeReady(), []);
  w.add('u3', 6 * MIN, 1, false); // watermark 5:00 = end of [0, 5m)
  const closed = w.closeReady();
  assert.equal(closed, [
    { userId: 'u1', windowStart: 0, windowEnd: 5 * MIN, count: 2, sum: 30, avg: 15, fraudCount: 1 },
    { userId: 'u2', windowStart: 0, windowEnd: 5 * MIN, count: 1, sum: 5, avg: 5, fraudCount: 0 },
  ]);
  assert.is(w.closed, 2);
  assert.is(w.openWindows(), 1);
});

test('out-of-order events within the allowed lateness still count in their window', () => {
  const w = new TumblingWindows({ sizeMs: 5 * MIN, allowedLatenessMs: MIN });
  w.add('u1', 5 * MIN + 30_000, 1, false); // watermark 4:30
  assert.is(w.add('u1', 4 * MIN, 7, false), 'ok'); // its window [0, 5m) is still open
  assert.is(w.late, 0);
  w.add('u1', 11 * MIN, 1, false);
  const first = w.closeReady().find((a) => a.windowStart === 0);
  assert.is(first?.count, 1);
  assert.is(first?.sum, 7);
});

test('events later than the allowed lateness are reported late and counted, never folded in', () => {
  const w = new TumblingWindows({ sizeMs: 5 * MIN, allowedLatenessMs: MIN });
  w.add('u1', 1 * MIN, 1, false);
  w.add('u1', 7 * MIN, 1, false); // watermark 6:00: [0, 5m) closes
  assert.is(w.closeReady().length, 1);
  assert.is(w.add('u1', 4 * MIN, 100, false), 'late');
  assert.is(w.add('u2', 30_000, 100, false), 'late');
  assert.is(w.late, 2);
  assert.is(w.add('u1', 5 * MIN, 3, false), 'ok'); // [5m, 10m) is open
  assert.equal(
    w.flush().map((a) => [a.userId, a.windowStart, a.count, a.sum]),
    [['u1', 5 * MIN, 2, 4]],
  );
});

test('flush closes every open window at the end of input', () => {
  const w = new TumblingWindows();
  w.add('a', 0, 1, false);
  w.add('b', 10 * MIN, 2, true);
  const out = w.flush();
  assert.is(out.length, 2);
  assert.is(w.openWindows(), 0);
  assert.equal(w.flush(), []);
});

test('window options are checked', () => {
  assert.throws(() => new TumblingWindows({ sizeMs: 0 }), /size/);
  assert.throws(() => new TumblingWindows({ allowedLatenessMs: -1 }), /lateness/);
});

test.run();
