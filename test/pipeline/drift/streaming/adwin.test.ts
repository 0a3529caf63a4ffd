import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Adwin } from '../../../../pipeline/drift/streaming/adwin.ts';
import { stream12345, driftIndices } from '../../../helpers/river-streams.ts';

test("River's docstring: ADWIN with defaults flags index 1023 and nothing else", () => {
  assert.equal(driftIndices(new Adwin(), stream12345), [1023]);
});

test('a constant stream never drifts and the window keeps every observation', () => {
  const a = new Adwin({ clock: 1 });
  for (let i = 0; i < 5000; i++) {
    a.update(3);
    assert.not.ok(a.driftDetected);
  }
  assert.is(a.windowWidth, 5000);
  assert.is(a.estimation, 3);
});

test('checks happen only every `clock` updates once past the grace period', () => {
  const a = new Adwin({ clock: 32 });
  const hits = driftIndices(a, [...Array(64).fill(0), ...Array(200).fill(10)]);
  assert.ok(hits.length >= 1);
  // tick counts from 1, so checks fall on indices 31, 63, 95, ...
  for (const h of hits) assert.is((h + 1) % 32, 0);
});

test('a step from 0 to 1 is cut within a few bucket merges and the estimate follows the new mean', () => {
  const a = new Adwin({ clock: 1 });
  for (let i = 0; i < 300; i++) a.update(0);
  let first = -1;
  for (let i = 0; i < 300; i++) {
    a.update(1);
    if (a.driftDetected && first < 0) first = i;
  }
  assert.ok(first >= 0 && first < 64, `first cut after ${first} new values`);
  assert.ok(a.estimation > 0.9, `estimate ${a.estimation}`);
});

test('the drift flag is cleared (and state reset) by the next update', () => {
  const a = new Adwin();
  const xs = stream12345;
  for (let i = 0; i <= 1023; i++) a.update(xs[i] as number);
  assert.ok(a.driftDetected);
  a.update(xs[1024] as number);
  assert.not.ok(a.driftDetected);
  assert.is(a.windowWidth, 1);
});

test.run();
