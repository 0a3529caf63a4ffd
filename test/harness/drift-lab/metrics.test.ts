// River's docstring values for river/drift/evaluate.py, reproduced.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as m from '../../../harness/drift-lab/metrics.ts';

test('match: 110 hits the drift at 100, 900 is a false alarm', () => {
  const r = m.match([110, 900], [100], { deltaMax: 50 });
  assert.equal([...r.hits.entries()], [[0, [110]]]);
  assert.equal(r.falseAlarms, [900]);
});

test("River's docstrings: precision, recall, episode recall, MDR, F1", () => {
  assert.is(m.precision([110, 900], [100], { deltaMax: 50 }), 0.5);
  assert.ok(Math.abs(m.recall([110, 130], [100, 500], { deltaMax: 50 }) - 2 / 3) < 1e-12);
  assert.is(m.episodeRecall([110, 130], [100, 500], { deltaMax: 50 }), 0.5);
  assert.is(m.missedDetectionRate([110], [100, 500], { deltaMax: 50 }), 0.5);
  assert.is(m.f1([110, 900], [100, 500], { deltaMax: 50 }), 0.5);
});

test("River's docstrings: detection delay, normalized time, false-alarm rate, MTFA, MTR", () => {
  assert.is(m.detectionDelay([110, 530], [100, 500, 900], { deltaMax: 50 }), 20);
  assert.is(m.normalizedDetectionTime([110], [100], { deltaMax: 50 }), 0.2);
  assert.is(m.falseAlarmRate([110, 900], [100], { nSamples: 1000, deltaMax: 50, unit: 1000 }), 1);
  assert.is(m.meanTimeBetweenFalseAlarms([200, 300, 500], [], { deltaMax: 50 }), 150);
  assert.is(m.meanTimeRatio([110, 400, 700], [100, 900], { deltaMax: 50 }), 15);
});

test("River's docstring: report gives episode recall 0.5 and delay 10", () => {
  const r = m.report([110, 900], [100, 500], { nSamples: 1000, deltaMax: 50 });
  assert.is(r.episodeRecall, 0.5);
  assert.is(r.detectionDelay, 10);
  assert.is(r.nAlarms, 2);
});

test('spans use [start − deltaPre, end + deltaMax] and alarms go to the earliest window', () => {
  const r = m.match(
    [95, 160, 170],
    [
      [100, 150],
      [120, 200],
    ],
    { deltaMax: 10, deltaPre: 5 },
  );
  assert.equal(
    [...r.hits.entries()],
    [
      [0, [95, 160]],
      [1, [170]],
    ],
  );
  assert.equal(
    m.detectionDelays(
      [95, 160, 170],
      [
        [100, 150],
        [120, 200],
      ],
      { deltaMax: 10, deltaPre: 5 },
    ),
    [-5, 50],
  );
});

test('undefined metrics are NaN, bad windows throw', () => {
  assert.ok(Number.isNaN(m.precision([], [100], { deltaMax: 5 })));
  assert.ok(Number.isNaN(m.detectionDelay([900], [100], { deltaMax: 5 })));
  assert.ok(Number.isNaN(m.meanTimeBetweenFalseAlarms([900], [100], { deltaMax: 5 })));
  assert.throws(() => m.match([1], [1], { deltaMax: 0 }));
  assert.throws(() => m.match([1], [[5, 1]], { deltaMax: 1 }));
});

test.run();
