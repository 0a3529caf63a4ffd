/**
 * The 85 % row's rule (bench/yardstick.ts): when an attempt is valid, what follows a void one, the verdict; the
 * ceiling's rounds: each against the higher neighbour, void ones left out, the median, when to stop.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  agrees,
  anotherRound,
  bracket,
  ceilingOfRounds,
  deciding,
  nextStep,
  ROUNDS_RULE,
  RULE,
  roundOf,
  roundsRuleLine,
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

test('ceilingOfRounds: each round against the HIGHER of its neighbouring yardsticks; the median of the rounds', () => {
  const c = ceilingOfRounds([60_000, 66_000, 60_000, 63_000], [63_000, 59_400, 66_150]);
  assert.equal(
    c.rounds.map((r) => r.ratio),
    [63_000 / 66_000, 59_400 / 66_000, 66_150 / 63_000],
  );
  assert.ok(c.rounds.every((r) => r.valid));
  assert.is(c.ratio, 63_000 / 66_000, 'the middle of 0.90, 0.95, 1.05');
  assert.is(c.rate, 63_000);
  assert.equal([c.valid, c.met], [3, true]);
  // one round far below cannot decide it, and neither can one far above: the median of five
  const low = ceilingOfRounds(
    [60_000, 60_000, 60_000, 60_000, 60_000, 60_000],
    [30_000, 53_000, 53_400, 66_000, 66_000],
  );
  assert.is(low.ratio, 0.89);
  assert.is(low.met, false, 'two rounds above 1.0x do not lift a median of 0.89x');
  const ratios = [0.95, 0.96, 0.4, 1.05, 1.06].map((r) => r * 60_000);
  assert.is(ceilingOfRounds(Array(6).fill(60_000), ratios).ratio, 0.96);
});

test('ceilingOfRounds: a round whose yardsticks are more than 12 % apart is void and left out', () => {
  // the host flips slow for the third yardstick: rounds 2 and 3 are void; rounds 1, 4 and 5 decide
  const y = [66_000, 65_000, 41_000, 64_000, 66_000, 65_000];
  const c = ceilingOfRounds(y, [60_000, 39_000, 41_000, 60_000, 62_000]);
  assert.equal(
    c.rounds.map((r) => r.valid),
    [true, false, false, true, true],
  );
  assert.is(c.valid, 3);
  assert.is(c.ratio, 60_000 / 66_000, 'the middle of 60/66, 60/66 and 62/66');
  assert.is(c.rate, 60_000);
  assert.is(c.met, true);
  // with only two valid rounds it is NOT met, however high they read
  const two = ceilingOfRounds([66_000, 65_000, 41_000, 64_000, 62_000], [70_000, 45_000, 45_000, 70_000]);
  assert.equal([two.valid, two.met], [2, false]);
  assert.ok(two.ratio > 1);
  assert.equal(ceilingOfRounds([60_000], []), {
    rounds: [],
    ratio: Number.NaN,
    rate: Number.NaN,
    valid: 0,
    met: false,
  });
});

test('roundOf: against the higher yardstick either way round, how far apart, valid within 12 %', () => {
  assert.equal(roundOf(60_000, 66_000, 59_400), { higher: 66_000, apart: 1.1, ratio: 0.9, valid: true });
  assert.equal(roundOf(66_000, 60_000, 59_400), { higher: 66_000, apart: 1.1, ratio: 0.9, valid: true });
  const flip = roundOf(64_000, 40_000, 44_000);
  assert.equal([flip.higher, flip.apart, flip.valid], [64_000, 1.6, false], 'a flip: void, however it read');
  assert.is(flip.ratio, 44_000 / 64_000);
});

test('ceilingOfRounds: the yardsticks are one more than the rounds', () => {
  assert.throws(() => ceilingOfRounds([60_000, 60_000], [55_000, 55_000]), /2 rounds need 3 yardsticks/);
});

test('roundsRuleLine: the rounds, the offer, the agreement, the strict yardstick and the median in one line', () => {
  const line = roundsRuleLine([50, 200]);
  assert.not.match(line, /\n/);
  assert.match(line, /rounds until 5 are valid or 9 have run, each autocannon's closed-loop rate/);
  assert.match(line, /then the open model offered 110 % of it/);
  assert.match(line, /on 50 and 200 connections \(the better counts\), the server idle 5 s after each/);
  assert.match(line, /higher of its two neighbouring yardsticks/);
  assert.match(line, /more than 12 % apart/);
  assert.match(line, /median of the valid rounds, ≥ 0\.90x; fewer than 3 valid: NOT met/);
  assert.match(roundsRuleLine([50], { ...ROUNDS_RULE, offer: 1.2, minValid: 2 }), /120 % .*fewer than 2 valid/);
});

test('anotherRound: until 5 rounds are valid or 9 have run, from the yardsticks alone', () => {
  assert.is(anotherRound([60_000]), true, 'the first round');
  // five agreeing neighbours: five valid rounds, enough
  assert.is(anotherRound([60_000, 61_000, 62_000, 61_000, 60_000]), true, 'four valid');
  assert.is(anotherRound([60_000, 61_000, 62_000, 61_000, 60_000, 60_500]), false, 'five valid');
  // the yardsticks swing 59k / 68k: every round void, so it runs on, to 9
  const swing = [59_000, 68_000, 59_000, 68_000, 59_000, 68_000];
  assert.is(anotherRound(swing), true, '5 rounds, none valid');
  assert.is(anotherRound([...swing, 59_000, 68_000, 59_000]), true, '8 rounds');
  assert.is(anotherRound([...swing, 59_000, 68_000, 59_000, 68_000]), false, '9 rounds: the most');
  // three void then five valid: 8 rounds
  const late = [59_000, 68_000, 59_000, 68_000, 67_000, 66_000, 67_000, 68_000];
  assert.is(anotherRound(late), true, '3 void, 4 valid');
  assert.is(anotherRound([...late, 67_500]), false, '3 void, 5 valid');
  assert.is(anotherRound([60_000], { ...ROUNDS_RULE, maxRounds: 0 }), false);
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
