/**
 * The 85 % row's and the ceiling rows' rules (bench/yardstick.ts): when an attempt is valid, what follows a void
 * one, the verdict.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  agrees,
  bracket,
  CEILING_RULE,
  ceilingOf,
  ceilingRuleLine,
  deciding,
  nextStep,
  RULE,
  ruleLine,
} from '../../bench/yardstick.ts';

test('agrees: within 12 % either way; a yardstick of 0 never agrees', () => {
  assert.ok(agrees(60_000, 60_000 * 1.12));
  assert.ok(agrees(60_000 * 1.12, 60_000), 'faster before');
  assert.not.ok(agrees(60_000, 60_000 * 1.121), 'the host sped up: the row was asked less than 85 %');
  assert.not.ok(agrees(61_700, 38_500), 'a flip (~1.6x)');
  assert.not.ok(agrees(0, 0));
  assert.not.ok(agrees(50_000, Number.NaN));
});

test('nextStep: the first attempt runs at 85 % of the opening yardstick', () => {
  assert.equal(nextStep(60_000, []), { run: { before: 60_000, rate: 51_000 } });
});

test('nextStep: a miss between yardsticks that agree is final (no further attempt)', () => {
  assert.equal(nextStep(60_000, [{ before: 60_000, after: 56_000, met: false }]), {
    verdict: { met: false, valid: 0 },
  });
  assert.equal(nextStep(60_000, [{ before: 60_000, after: 64_000, met: true }]), { verdict: { met: true, valid: 0 } });
});

test('nextStep: a void pair leads to an attempt at 85 % of the later yardstick, whatever the row did', () => {
  for (const met of [false, true])
    assert.equal(nextStep(61_700, [{ before: 61_700, after: 40_000, met }]), { run: { before: 40_000, rate: 34_000 } });
  const two = [
    { before: 61_700, after: 40_000, met: false },
    { before: 40_000, after: 60_000, met: true },
  ];
  assert.equal(nextStep(61_700, two), { run: { before: 60_000, rate: 51_000 } });
  assert.equal(nextStep(61_700, [...two, { before: 60_000, after: 58_000, met: false }]), {
    verdict: { met: false, valid: 2 },
  });
});

test('nextStep: three void attempts are NOT met, even when a row met its target', () => {
  const voids = [
    { before: 61_700, after: 40_000, met: true },
    { before: 40_000, after: 60_000, met: true },
    { before: 60_000, after: 39_000, met: true },
  ];
  assert.equal(nextStep(61_700, voids), { verdict: { met: false, valid: undefined } });
  assert.equal(nextStep(61_700, voids.slice(0, 1), { ...RULE, attempts: 1 }), {
    verdict: { met: false, valid: undefined },
  });
});

test('ruleLine: the share, the agreement and the attempts in one line', () => {
  const line = ruleLine();
  assert.not.match(line, /\n/);
  assert.match(line, /85 % of autocannon's closed-loop rate/);
  assert.match(line, /more than 12 % apart/);
  assert.match(line, /at most 3 attempts/);
  assert.match(ruleLine({ share: 0.5, agree: 1.2, attempts: 5 }), /at 50 % .*more than 20 % apart.*at most 5/);
});

test('bracket: runs until a pair agrees; a miss between agreeing yardsticks is not run again', async () => {
  // the host: fast (60k), then slow (40k) from the second yardstick on
  const yardsticks = [40_000, 41_000, 40_500];
  const runs: { before: number; rate: number }[] = [];
  const r = await bracket(60_000, async (before, rate) => {
    runs.push({ before, rate });
    // a driver that misses whatever the rate: attempt 1 is void, attempt 2 valid, and its miss is final
    return { met: false, after: yardsticks[runs.length - 1]! };
  });
  assert.equal(runs, [
    { before: 60_000, rate: 51_000 },
    { before: 40_000, rate: 34_000 },
  ]);
  assert.equal(r.verdict, { met: false, valid: 1 });
  assert.equal(
    r.attempts.map((a) => [a.before, a.after, a.rate, a.met]),
    [
      [60_000, 40_000, 51_000, false],
      [40_000, 41_000, 34_000, false],
    ],
  );
});

test('bracket: three void attempts end it, NOT met, whatever the rows did', async () => {
  const after = [40_000, 60_000, 40_000, 60_000];
  let n = 0;
  const r = await bracket(60_000, async () => ({ met: true, after: after[n++]! }));
  assert.is(n, 3);
  assert.equal(r.verdict, { met: false, valid: undefined });
});

test('ceilingOf: the most achieved against the HIGHER of the two yardsticks', () => {
  // 0.88x of the higher (69.1k) but 0.94x of the lower: not met
  assert.equal(ceilingOf([52_000, 60_800, 58_000], 69_100, 64_700).met, false);
  assert.ok(Math.abs(ceilingOf([52_000, 60_800, 58_000], 64_700, 69_100).ratio - 60_800 / 69_100) < 1e-12);
  assert.equal(ceilingOf([58_000, 63_000, 61_000], 68_000, 70_000), { ratio: 0.9, met: true });
  assert.equal(ceilingOf([], 60_000, 60_000), { ratio: 0, met: false });
});

test('the ceiling rows: offered from the yardstick right before them, a void pair runs them again', async () => {
  assert.equal(nextStep(66_000, [], CEILING_RULE), { run: { before: 66_000, rate: 66_000 } });
  // fast, then a flip to slow (void), then two slow yardsticks that agree: attempt 2 decides, from the later one
  const after = [40_000, 41_000];
  const befores: number[] = [];
  const r = await bracket(
    66_000,
    async (before) => {
      befores.push(before);
      const a = after[befores.length - 1]!;
      return { after: a, ...ceilingOf([0.95 * before], before, a) };
    },
    CEILING_RULE,
  );
  assert.equal(befores, [66_000, 40_000]);
  assert.equal(r.verdict, { met: true, valid: 1 }, '38k of the higher 41k: 0.93x');
});

test('ceilingRuleLine: the offers, the agreement, the attempts and the strict yardstick in one line', () => {
  const line = ceilingRuleLine([0.9, 1, 1.1], [50, 200]);
  assert.not.match(line, /\n/);
  assert.match(line, /at 90 %, 100 %, 110 % of autocannon's closed-loop rate/);
  assert.match(line, /each on 50 and 200 connections/);
  assert.match(line, /more than 12 % apart/);
  assert.match(line, /at most 3 attempts/);
  assert.match(line, /higher of its two yardsticks, ≥ 0\.90x/);
});

test('deciding: the first valid attempt, else the last, and which in words', () => {
  const attempts = ['a', 'b', 'c'];
  assert.equal(deciding({ attempts, verdict: { valid: 1 } }), {
    attempt: 'b',
    which: 'attempt 2 of 3, its yardsticks agreeing',
  });
  assert.equal(deciding({ attempts, verdict: { valid: undefined } }), {
    attempt: 'c',
    which: 'no valid attempt in 3 (the host changed speed in each), the last',
  });
});

test.run();
