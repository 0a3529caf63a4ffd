import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  driftLoopHeadline,
  driftLoopHtml,
  driftLoopMarkdown,
  driftLoopRows,
  driftLoopTimelineSpec,
} from '../../reports/drift-loop.ts';
import type { RunSummary } from '../../results/types.ts';

const base = { durationMs: 30_000 } as unknown as RunSummary;
const withLoop = {
  ...base,
  extra: {
    driftLoop: {
      incumbent: 'drift-1',
      aucReference: 0.96,
      labels: 'isFraud',
      lastEvaluation: { incumbent: 0.4, candidate: 0.93, candidateVersion: 'drift-1', promoted: true },
      timeline: [
        { t: 12_500, kind: 'drift-onset', detail: 'amount.muShift add 1' },
        { t: 13_500, kind: 'detection', detail: 'adwin on amount' },
        { t: 22_000, kind: 'evaluation', detail: 'AUC', version: 'drift-1', auc: { incumbent: 0.4, candidate: 0.93 } },
        { t: 22_000, kind: 'promotion', detail: 'drift-1 | 100 %', version: 'drift-1' },
      ],
    },
  },
} as unknown as RunSummary;

test('a run without the drift loop gets no drift-loop section or chart', () => {
  assert.is(driftLoopMarkdown(base), '');
  assert.is(driftLoopHtml(base), '');
  assert.is(driftLoopTimelineSpec(base), undefined);
  assert.equal(driftLoopRows(base), []);
});

test('the drift-loop section shows the delay, AUC before/after and one row per step', () => {
  const h = Object.fromEntries(driftLoopHeadline(withLoop));
  assert.is(h['detection delay'], '1.00 s after the onset');
  assert.is(h['AUC of the incumbent before the drift (reference window)'], '0.960');
  assert.match(h['AUC after the drift: incumbent / candidate']!, '0.400 / 0.930 (drift-1, promoted)');
  assert.is(driftLoopRows(withLoop).length, 4);
  assert.match(driftLoopMarkdown(withLoop), 'drift-1 \\| 100 %');
  assert.match(driftLoopHtml(withLoop), 'id="drift-loop-timeline"');
});

test(
  'the timeline chart has the onset as a rule and every step as a point (report.html: ' +
    'test/scenarios/drift.test.ts)',
  () => {
    const spec = driftLoopTimelineSpec(withLoop) as unknown as {
      layer: { mark: { type: string }; data: { values: unknown[] } }[];
    };
    assert.equal(
      spec.layer.map((l) => l.mark.type),
      ['rule', 'point', 'text'],
    );
    assert.is(spec.layer[1]!.data.values.length, 4);
  },
);

test.run();
