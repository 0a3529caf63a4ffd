import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../../generators/rng.ts';
import { seaConcept } from '../../../generators/drift/sea.ts';

test('SEA labels by x0 + x1 > θ with θ = 8, 9, 7, 9.5', () => {
  assert.is(seaConcept(0).label([4, 4.5, 0]), 1);
  assert.is(seaConcept(1).label([4, 4.5, 0]), 0);
  assert.is(seaConcept(2).label([3, 4.5, 9]), 1);
  assert.is(seaConcept(3).label([5, 4.5, 9]), 0);
  assert.throws(() => seaConcept(4));
});

test('noise flips about the requested share of labels', () => {
  const c = seaConcept(0, 0.1);
  const r = new Rng(1);
  let flipped = 0;
  for (let i = 0; i < 20000; i++) {
    const s = c.sample(r, i);
    if (s.y !== c.label(s.x)) flipped++;
  }
  assert.ok(Math.abs(flipped / 20000 - 0.1) < 0.01, `${flipped}`);
});

test.run();
