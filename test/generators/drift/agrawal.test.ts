import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../../generators/rng.ts';
import { agrawalConcept } from '../../../generators/drift/agrawal.ts';

// [salary, commission, age, elevel, car, zipcode, hvalue, hyears, loan]
test('functions 0–2 follow the age bands of Agrawal et al.', () => {
  assert.is(agrawalConcept(0).label([50000, 0, 30, 0, 1, 0, 0, 1, 0]), 1);
  assert.is(agrawalConcept(0).label([50000, 0, 45, 0, 1, 0, 0, 1, 0]), 0);
  assert.is(agrawalConcept(1).label([80000, 0, 45, 0, 1, 0, 0, 1, 0]), 1);
  assert.is(agrawalConcept(2).label([80000, 0, 65, 1, 1, 0, 0, 1, 0]), 0);
});

test('disposable-income functions 6–9 label 1 when disposable ≤ 1', () => {
  // f7: 2/3·(30000) − 5000·2 − 20000 = −10000 → 1
  assert.is(agrawalConcept(7).label([30000, 0, 30, 2, 1, 0, 0, 1, 0]), 1);
  assert.is(agrawalConcept(7).label([140000, 0, 30, 0, 1, 0, 0, 1, 0]), 0);
});

test('every function yields both classes and features stay in range with perturbation', () => {
  for (let f = 0; f < 10; f++) {
    const c = agrawalConcept(f, 0.05);
    const r = new Rng(f);
    const seen = new Set<number>();
    for (let i = 0; i < 3000; i++) {
      const s = c.sample(r, i);
      seen.add(s.y);
      assert.ok(s.x[2]! >= 20 && s.x[2]! <= 80);
      assert.ok(s.x[8]! >= 0 && s.x[8]! <= 500000);
    }
    assert.is(seen.size, 2, `function ${f}`);
  }
});

test.run();
