import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Ddm } from '../../../../pipeline/drift/streaming/ddm.ts';
import { binary42, docstringEvents, driftIndices } from '../../../helpers/river-streams.ts';

test("River's docstring: DDM warns at 1084, drifts at 1334, warns again at 1492", () => {
  assert.equal(docstringEvents(new Ddm(), binary42), ['warning 1084', 'drift 1334', 'warning 1492']);
});

test('hand-worked: with warm_start 0, errors 0 then 1 drift on the second value', () => {
  // n=1: p=0, s=0 → p_min=s_min=0; n=2: p=0.5, s=sqrt(0.25/2)=0.354 → 0.854 > 0 + 3·0
  assert.equal(driftIndices(new Ddm({ warmStart: 0 }), [0, 1]), [1]);
});

test('nothing is flagged during the warm start', () => {
  assert.equal(driftIndices(new Ddm(), [...Array(10).fill(0), ...Array(20).fill(1)]), []);
});

test('an error-free stream never warns or drifts', () => {
  const d = new Ddm();
  for (let i = 0; i < 1000; i++) {
    d.update(0);
    assert.not.ok(d.warningDetected || d.driftDetected);
  }
});

test.run();
