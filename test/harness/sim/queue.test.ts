import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { simulateQueue } from '../../../harness/sim/queue.ts';
import { PipelabError } from '../../../errors.ts';

// 4M customers per model: the batch-means 95 % interval is well inside 1 % for these loads, and
// the seed fixes the outcome, so the checks are deterministic (≈ 0.5 s each).
const N = 4_000_000;

for (const [model, lambda, mu, servers] of [
  ['mm1', 5, 10, 1],
  ['mmc', 30, 10, 5],
  ['md1', 6, 10, 1],
] as const) {
  test(
    `${model} (λ=${lambda}, μ=${mu}, c=${servers}): simulated mean wait, P(wait) and mean response are ` +
      `within 1 % of the formula`,
    () => {
      const r = simulateQueue({ model, lambda, mu, servers, events: N, seed: 1 });
      for (const k of ['meanWait', 'pWait', 'meanResponse', 'utilisation'] as const) {
        assert.ok(
          Math.abs(r.relativeError[k]) < 0.01,
          `${k}: simulated ${r.simulated[k]} vs analytic ${r.analytic[k]}`,
        );
      }
      // the analytic value lies inside the simulation's own confidence interval (up to a margin)
      assert.ok(Math.abs(r.simulated.meanWait - r.analytic.meanWait) < 2 * r.meanWaitHalfWidth95);
    },
  );
}

test("Little's law holds: time-average number in system equals observed λ × mean response", () => {
  const r = simulateQueue({ model: 'mmc', lambda: 40, mu: 10, servers: 5, events: 200_000, seed: 9 });
  assert.ok(Math.abs(r.little.relativeError) < 1e-9, String(r.little.relativeError));
  assert.ok(r.little.L > 1);
});

test('the same seed gives the same figures, another seed different ones', () => {
  const a = simulateQueue({ model: 'mm1', lambda: 8, mu: 10, events: 50_000, seed: 3 });
  const b = simulateQueue({ model: 'mm1', lambda: 8, mu: 10, events: 50_000, seed: 3 });
  const c = simulateQueue({ model: 'mm1', lambda: 8, mu: 10, events: 50_000, seed: 4 });
  assert.is(JSON.stringify(a), JSON.stringify(b));
  assert.is.not(a.simulated.meanWait, c.simulated.meanWait);
});

test('an unstable load is refused with an error naming --lambda and a fix', () => {
  try {
    simulateQueue({ model: 'mmc', lambda: 50, mu: 10, servers: 5 });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, PipelabError);
    const err = e as PipelabError;
    assert.is(err.code, 'INVALID_ARGUMENT');
    assert.is(err.issues[0]!.path, '--lambda');
    assert.match(err.hint ?? '', /--servers 6/);
  }
});

test('every bad parameter is reported, not just the first', () => {
  try {
    simulateQueue({ model: 'mm2' as never, lambda: 0, mu: -1, events: 10 });
    assert.unreachable();
  } catch (e) {
    const paths = (e as PipelabError).issues.map((i) => i.path);
    assert.equal(paths, ['--model', '--lambda', '--mu', '--events']);
  }
});

test.run();
