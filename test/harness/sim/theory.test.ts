import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { erlangC, mm1, mmc, md1, mmcWaitTail } from '../../../harness/sim/theory.ts';

const close = (a: number, b: number, eps = 1e-12) =>
  assert.ok(Math.abs(a - b) <= eps * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

test('M/M/c with one server reduces to M/M/1', () => {
  const a = mm1(7, 10),
    b = mmc(7, 10, 1);
  close(a.meanWait, b.meanWait);
  close(a.pWait, b.pWait);
});

test('Erlang C matches the factorial form for λ=40, μ=10, c=5', () => {
  const a = 4,
    c = 5,
    rho = a / c;
  let sum = 0,
    f = 1;
  for (let k = 0; k < c; k++) {
    if (k > 0) f *= k;
    sum += a ** k / f;
  }
  const top = a ** c / (120 * (1 - rho));
  close(erlangC(c, a), top / (sum + top));
  close(mmc(40, 10, 5).meanWait, erlangC(c, a) / (50 - 40));
});

test('M/D/1 waits half as long as M/M/1 at the same load (Pollaczek–Khinchine)', () => {
  close(md1(6, 10).meanWait, mm1(6, 10).meanWait / 2);
});

test('the M/M/c wait tail starts at Erlang C and decays at rate cμ − λ', () => {
  close(mmcWaitTail(40, 10, 5, 0), erlangC(5, 4));
  close(mmcWaitTail(40, 10, 5, 0.1) / mmcWaitTail(40, 10, 5, 0), Math.exp(-1));
});

test.run();
