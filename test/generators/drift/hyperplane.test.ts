import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hyperplaneStream } from '../../../generators/drift/hyperplane.ts';
import { errorStream } from '../../../generators/drift/concept-drift-stream.ts';
import { hyperplaneConcept } from '../../../generators/drift/hyperplane.ts';
import { Rng } from '../../../generators/rng.ts';

test('without mag_change the hyperplane is still and has no drift truth', () => {
  const s = hyperplaneStream({ seed: 1, n: 2000, noise: 0 });
  assert.equal(s.drifts, []);
  const model = hyperplaneConcept(new Rng(1), {});
  assert.is(
    errorStream(s, model).reduce((a, b) => a + b, 0),
    0,
  );
});

test('with mag_change the weights rotate only after the onset', () => {
  const s = hyperplaneStream({ seed: 1, n: 6000, noise: 0, magChange: 0.01, sigma: 0, onset: 3000 });
  assert.equal([s.drifts[0]!.onset, s.drifts[0]!.shape], [3000, 'incremental']);
  const e = errorStream(s, hyperplaneConcept(new Rng(1), {}));
  const sum = (a: number, b: number): number => e.slice(a, b).reduce((x, y) => x + y, 0);
  assert.is(sum(0, 3000), 0);
  assert.ok(sum(5000, 6000) > 50);
});

test.run();
