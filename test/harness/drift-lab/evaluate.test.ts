import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { evaluateDetectors } from '../../../harness/drift-lab/evaluate.ts';
import { formatTable } from '../../../harness/drift-lab/table.ts';
import { delayVsFalseAlarmsSpec } from '../../../harness/drift-lab/charts.ts';
import { PipelabError } from '../../../errors.ts';

test('a stream without drift reports zero true detections and counts false alarms', () => {
  const r = evaluateDetectors({
    runs: 4,
    streams: [{ type: 'numeric', name: 'flat', n: 5000 }],
    // a hair-trigger Page-Hinkley so there are false alarms to count
    detectors: [{ name: 'page-hinkley', options: { threshold: 5, minInstances: 10 } }, 'adwin'],
  });
  const [ph, adwin] = r.results;
  assert.is(ph!.drifts, 0);
  assert.is(ph!.detected, 0);
  assert.is(ph!.delayMean, null);
  assert.ok(ph!.falseAlarms > 0);
  assert.is(ph!.falseAlarms, ph!.alarms);
  assert.is(ph!.falseAlarmsPer1e5BeforeOnset, (ph!.falseAlarms / 20000) * 1e5);
  assert.is(adwin!.detected, 0);
});

test('a large sudden mean shift is caught in every run with a positive delay', () => {
  const r = evaluateDetectors({
    runs: 5,
    deltaMax: 500,
    streams: [{ type: 'numeric', name: 'shift', n: 4000, drifts: [{ shape: 'sudden', at: 2000, mean: 3 }] }],
    detectors: ['adwin', 'page-hinkley', { name: 'kswin', options: { seed: 7 } }],
  });
  for (const x of r.results) {
    assert.is(x.detected, 5, x.detector);
    assert.ok(x.delayMean! >= 0 && x.delayMean! < 500, `${x.detector} ${x.delayMean}`);
    assert.is(x.missedDetectionRate, 0);
  }
});

test('binary detectors run on concept-drift error streams and are n/a on numeric streams', () => {
  const r = evaluateDetectors({
    runs: 3,
    streams: [
      { type: 'sea', name: 'sea', n: 6000, variants: [0, 3], positions: [3000], noise: 0.05 },
      { type: 'numeric', name: 'num', n: 1000 },
    ],
    detectors: ['ddm', 'hddm-a'],
  });
  const sea = r.results.filter((x) => x.stream === 'sea');
  for (const x of sea) assert.ok(x.applicable && x.detected >= 2, `${x.detector} ${x.detected}`);
  for (const x of r.results.filter((x) => x.stream === 'num')) assert.not.ok(x.applicable);
});

test('the same config gives the same results (seeded)', () => {
  const cfg = {
    runs: 2,
    streams: [
      { type: 'numeric' as const, n: 2000, drifts: [{ shape: 'gradual' as const, at: 1000, width: 200, mean: 1 }] },
    ],
    detectors: ['adwin' as const],
  };
  assert.equal(evaluateDetectors(cfg).results, evaluateDetectors(cfg).results);
});

test('a bad config throws a PipelabError naming every bad field', () => {
  try {
    evaluateDetectors({ streams: [{ type: 'numeric', n: -1 }], detectors: ['nope'] });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, PipelabError);
    const paths = (e as PipelabError).issues.map((i) => i.path);
    assert.ok(paths.includes('/streams/0/n'), paths.join());
    assert.ok(
      paths.some((p) => p.startsWith('/detectors/0')),
      paths.join(),
    );
  }
});

test('the table and the chart spec are built from the results', () => {
  const r = evaluateDetectors({
    runs: 2,
    streams: [{ type: 'numeric', name: 's', n: 3000, drifts: [{ shape: 'sudden', at: 1500, mean: 2 }] }],
    detectors: ['adwin'],
  });
  const t = formatTable(r.results);
  assert.match(t, /adwin/);
  assert.match(formatTable(r.results, 'markdown'), /^\| stream \| detector/);
  const spec = delayVsFalseAlarmsSpec(r.results);
  assert.is((spec.data as { values: unknown[] }).values.length, 1);
});

test("covariate drift on transaction amounts (gen's drift hooks) is caught by the numeric detectors", () => {
  const r = evaluateDetectors({
    runs: 2,
    deltaMax: 1000,
    streams: [
      {
        type: 'transactions',
        name: 'amount x e',
        n: 6000,
        users: 2000,
        drifts: [{ param: 'amount.muShift', op: 'add', value: 1, onset: 3000 }],
      },
    ],
    detectors: ['adwin', 'page-hinkley'],
  });
  for (const x of r.results) {
    assert.is(x.drifts, 2);
    assert.is(x.detected, 2, x.detector);
    assert.ok(x.delayMean! >= 0 && x.delayMean! < 1000);
  }
});

test.run();
