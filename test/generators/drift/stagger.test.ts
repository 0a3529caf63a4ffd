import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { staggerConcept } from '../../../generators/drift/stagger.ts';

test('the three STAGGER concepts label by their rules', () => {
  // [size, color, shape]
  assert.is(staggerConcept(0).label([0, 0, 2]), 1);
  assert.is(staggerConcept(0).label([1, 0, 2]), 0);
  assert.is(staggerConcept(1).label([2, 1, 2]), 1);
  assert.is(staggerConcept(1).label([2, 2, 0]), 1);
  assert.is(staggerConcept(1).label([2, 2, 1]), 0);
  assert.is(staggerConcept(2).label([1, 0, 0]), 1);
  assert.is(staggerConcept(2).label([0, 0, 0]), 0);
});

test.run();
