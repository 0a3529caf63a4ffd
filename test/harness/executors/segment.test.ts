/** k6 execution segments: parsing, the striped split of iterations and VUs, and plans cut by segment. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PipelabError } from '../../../errors.ts';
import { ExecutionSegment } from '../../../harness/executors/segment.ts';
import { segmentArrivals, segmentVus } from '../../../harness/executors/index.ts';
import { plan as arrivalPlan } from '../../../harness/executors/constant-arrival-rate.ts';
import { plan as vuPlan } from '../../../harness/executors/ramping-vus.ts';

const quarters = ['0:1/4', '1/4:1/2', '1/2:3/4', '3/4:1'].map((s) => new ExecutionSegment(s, '0,1/4,1/2,3/4,1'));

test('segments are parsed in k6 forms and printed reduced', () => {
  assert.is(new ExecutionSegment('1/4').segment, '0:1/4');
  assert.is(new ExecutionSegment('25%:0.5').segment, '1/4:1/2');
  assert.is(new ExecutionSegment('2/4:4/4').sequence, '0,1/2,1');
  assert.is(new ExecutionSegment('1/3:2/3', '0,1/3,2/3,1').share, 1 / 3);
});

test('bad segments and sequences are refused with the flag named (exit 104)', () => {
  for (const [seg, seq, re] of [
    ['1/2:1/4', undefined, /start must be below its end/],
    ['a:b', undefined, /not a segment/],
    ['0:3/2', undefined, /not a segment/],
    ['0:1/3', '0,1/4,1', /not one step of the sequence/],
    ['0:1/4', '0,1/2,1/4,1', /strictly ascending/],
    ['0:1/4', '0,x,1', /not a list of fractions/],
  ] as const) {
    try {
      new ExecutionSegment(seg, seq);
      assert.unreachable(`${seg} ${seq}`);
    } catch (e) {
      assert.instance(e, PipelabError);
      assert.is((e as PipelabError).code, 'INVALID_ARGUMENT');
      assert.match((e as Error).message, re);
      assert.match((e as Error).message, /--execution-segment/);
    }
  }
});

test('every number belongs to exactly one segment, and the shares add up to the whole', () => {
  for (const seq of ['0,1/4,1/2,3/4,1', '0,1/3,1', '0,0.1,0.35,1']) {
    const fr = seq.split(',');
    const segs = fr.slice(1).map((to, i) => new ExecutionSegment(`${fr[i]}:${to}`, seq));
    const owner = new Map<number, number>();
    segs.forEach((s, j) => {
      for (let k = 0; k < s.count(1000); k++) {
        const n = s.nth(k);
        assert.not.ok(owner.has(n), `${n} owned twice (${seq})`);
        owner.set(n, j);
      }
    });
    assert.is(owner.size, 1000, seq);
    for (const n of [0, 1, 7, 99, 1001])
      assert.is(
        segs.reduce((a, s) => a + s.count(n), 0),
        n,
      );
    // spread, not blocks: every segment gets its share of each stretch of 100
    for (const s of segs)
      assert.ok(Math.abs(s.count(100) - 100 * s.share) <= 1, `${s.segment} of 100: ${s.count(100)}`);
  }
});

test('an open-model plan: each segment runs its iterations at their global times, none twice', () => {
  const whole = arrivalPlan({ executor: 'constant-arrival-rate', rate: 10, duration: '1s', maxVUs: 8 });
  const parts = quarters.map((q) => segmentArrivals(whole, q));
  assert.equal(
    parts.map((p) => p.expectedIterations),
    [3, 3, 2, 2],
  );
  const times = parts.flatMap((p) => Array.from({ length: p.expectedIterations }, (_, k) => p.timeOf(k)));
  assert.equal(
    times.sort((a, b) => a - b),
    Array.from({ length: 10 }, (_, i) => whole.timeOf(i)),
  );
  assert.equal(
    parts.map((p) => p.maxVUs),
    [2, 2, 2, 2],
  );
});

test('a closed-model plan: each step of the VU curve split so the VUs add up', () => {
  const whole = vuPlan({
    executor: 'ramping-vus',
    startVUs: 0,
    stages: [
      { duration: '1s', target: 7 },
      { duration: '1s', target: 1 },
    ],
  });
  const parts = quarters.map((q) => segmentVus(whole, q));
  whole.curve.forEach((step, i) => {
    assert.is(
      parts.reduce((a, p) => a + p.curve[i]!.vus, 0),
      step.vus,
    );
  });
});

test.run();
