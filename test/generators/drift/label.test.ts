import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { labelDriftStream } from '../../../generators/drift/label.ts';

test('the class prior moves while the class-conditional feature does not', () => {
  const s = labelDriftStream({ seed: 1, n: 20000, prior: 0.1, drifts: [{ at: 10000, prior: 0.6 }] });
  const pos = (a: number, b: number): number => s.samples.slice(a, b).filter((x) => x.y === 1).length / (b - a);
  assert.ok(Math.abs(pos(0, 10000) - 0.1) < 0.015);
  assert.ok(Math.abs(pos(10000, 20000) - 0.6) < 0.02);
  const m1 = (a: number, b: number): number => {
    const ones = s.samples.slice(a, b).filter((x) => x.y === 1);
    return ones.reduce((t, x) => t + x.x[0]!, 0) / ones.length;
  };
  assert.ok(Math.abs(m1(0, 10000) - m1(10000, 20000)) < 0.15);
  assert.equal([s.drifts[0]!.target, s.drifts[0]!.onset], ['label', 10000]);
});

test.run();
