import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareTables } from '../../../harness/drift-lab/compare.ts';
import { Rng } from '../../../generators/rng.ts';
import { PipelabError } from '../../../errors.ts';

const table = (file: string, n: number, shift: number, seed: number) => {
  const r = new Rng(seed);
  return {
    file,
    columns: ['x', 'c'],
    rows: Array.from({ length: n }, () => ({ x: r.normal(shift, 1), c: r.pick(['a', 'b', 'c']) })),
  };
};

test("Evidently's defaults: KS for a small numeric reference, Wasserstein above 1000 rows, JS for categories", () => {
  const small = compareTables(table('r', 500, 0, 1), table('c', 500, 0.5, 2));
  assert.equal(
    small.columns.map((c) => c.method),
    ['ks', 'chisquare'],
  );
  const big = compareTables(table('r', 2000, 0, 1), table('c', 2000, 0.5, 2));
  assert.equal(
    big.columns.map((c) => c.method),
    ['wasserstein', 'js'],
  );
  assert.ok(big.columns[0]!.drift);
  assert.not.ok(big.columns[1]!.drift);
  assert.is(big.share, 0.5);
  assert.ok(big.datasetDrift); // share ≥ 0.5
});

test('identical data does not drift', () => {
  const r = compareTables(table('r', 800, 0, 1), table('c', 800, 0, 1));
  assert.not.ok(r.datasetDrift);
  assert.is(r.driftedColumns, 0);
});

test('a numeric-only method on a categorical column is refused, naming the column', () => {
  try {
    compareTables(table('r', 100, 0, 1), table('c', 100, 0, 2), { method: 'wasserstein' });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, PipelabError);
    assert.match((e as Error).message, /'c'/);
  }
});

test.run();
