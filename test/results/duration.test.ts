import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PipelabError } from '../../errors.ts';
import { formatDuration, parseDuration, parseDurationResult, tryParseDuration } from '../../results/duration.ts';

test('k6 duration strings parse to milliseconds', () => {
  assert.is(parseDuration('500ms'), 500);
  assert.is(parseDuration('30s'), 30_000);
  assert.is(parseDuration('2m'), 120_000);
  assert.is(parseDuration('1h30m'), 5_400_000);
  assert.is(parseDuration('1.5s'), 1500);
  assert.is(parseDuration('1m30s250ms'), 90_250);
  assert.is(parseDuration('0'), 0);
});

test('anything else is not a duration', () => {
  for (const bad of ['', '10', 's', '1x', '1 s', '-1s', 'abc', '1s2']) assert.is(tryParseDuration(bad), undefined, bad);
  assert.throws(() => parseDuration('soon'), /not a duration/);
  try {
    parseDuration('soon');
  } catch (e) {
    assert.ok(e instanceof PipelabError);
    assert.is(e.code, 'INVALID_ARGUMENT');
    assert.ok(e.hint);
  }
});

test('the Result variant reads the same grammar and says what a duration looks like', () => {
  for (const [text, ms] of [
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
    [' 2m ', 120_000],
    ['0', 0],
  ] as const)
    assert.equal(parseDurationResult(text), { ok: true, value: ms }, text);
  for (const text of ['10', '10 s', '', '1m30', 'soon']) {
    const r = parseDurationResult(text);
    assert.is(r.ok, false, text);
    if (!r.ok) assert.match(r.message, /is not a duration: write e\.g\. 500ms, 10s, 1m30s, 2h/);
  }
});

test('formatDuration gives the shortest string and round-trips', () => {
  assert.is(formatDuration(90_000), '1m30s');
  assert.is(formatDuration(3_600_000), '1h');
  assert.is(formatDuration(250), '250ms');
  assert.is(formatDuration(0), '0s');
  for (const ms of [1, 999, 1000, 61_000, 7_261_000, 12.5]) assert.is(parseDuration(formatDuration(ms)), ms);
});

test.run();
