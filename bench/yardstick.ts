/**
 * The rules of bench/http.ts's 85 % row and ceiling rows, fixed before they run (a module of that bench; nothing to
 * run here).
 *
 * The row runs at 85 % of autocannon's closed-loop rate (the yardstick: the better of -c 50 and -c 200) measured
 * right before it, and autocannon runs again right after it. This VM runs the same work at one of two speeds about
 * 1.6x apart and flips within seconds (bench/machine.ts), so a yardstick read in one mode and a row run in the other
 * ask more, or less, than the server had. When the two yardsticks differ by more than AGREE (the host changed
 * speed, either way) the attempt is void and the row runs again at 85 % of the later yardstick, at most ATTEMPTS in
 * all. The first valid attempt's verdict is final, met or not; with none valid the row is not met. Whether an
 * attempt is valid depends on the two yardsticks alone, never on what the row did: a miss between yardsticks that
 * agree stays a miss, and a row runs again only because its yardsticks disagreed.
 *
 * AGREE = 1.12: five yardsticks back to back in the host's fast mode (2026-12-07 04:35-04:37 UTC, under the
 * machine lock) read 68.9k, 62.9k, 69.7k, 70.0k and 69.5k/s, neighbours up to 1.108x apart; a flip is ~1.6x.
 *
 * The ceiling rows (the open model offered 90, 100 and 110 % of the yardstick; the ceiling is the most any achieved)
 * follow the same rule with their own pair (CEILING_RULE: autocannon right before and right after the three rows),
 * agreed 2026-12-07 07:09 UTC before any sitting under it. Until then they kept the opening yardstick, read a minute
 * or more before them, and at 06:05 UTC read 0.88x against one at the top of its spread (69.1k; the two after it
 * 60.6k and 65.8k). A valid attempt is judged against the HIGHER of its two yardsticks, so a pair that agrees
 * within 12 % never flatters the ratio.
 */
import './help.ts';

export const RULE = { share: 0.85, agree: 1.12, attempts: 3 } as const;
/** the ceiling rows' rule: offered from the yardstick right before them (share 1: the rows scale it themselves) */
export const CEILING_RULE = { share: 1, agree: 1.12, attempts: 3 } as const;
/** the ceiling's target: at least this share of autocannon's closed-loop rate */
export const CEILING_TARGET = 0.9;
type Rule = { readonly share: number; readonly agree: number; readonly attempts: number };
const pct = (x: number) => `${Math.round(x * 100)} %`;

/** one attempt: the yardsticks (req/s) right before and right after the row, and whether the row met its target */
export interface Attempt {
  before: number;
  after: number;
  met: boolean;
}

/** the yardsticks agree: the larger at most `agree` times the smaller (and both measured something) */
export function agrees(before: number, after: number, agree: number = RULE.agree): boolean {
  return before > 0 && after > 0 && Math.max(before, after) <= agree * Math.min(before, after);
}

/**
 * What follows the attempts done so far, the first one's yardstick `opening`: another attempt (its yardstick
 * before, the latest one measured, and the row's rate), or the verdict: the first valid attempt's (`valid` its
 * index), or not met when `attempts` were all void (`valid` undefined)
 */
export function nextStep(
  opening: number,
  done: readonly Attempt[],
  rule: Rule = RULE,
): { run: { before: number; rate: number } } | { verdict: { met: boolean; valid: number | undefined } } {
  const valid = done.findIndex((a) => agrees(a.before, a.after, rule.agree));
  if (valid >= 0) return { verdict: { met: done[valid]!.met, valid } };
  if (done.length >= rule.attempts) return { verdict: { met: false, valid: undefined } };
  const before = done.at(-1)?.after ?? opening;
  return { run: { before, rate: before * rule.share } };
}

/** the rule in one line, printed before the row */
export function ruleLine(rule: Rule = RULE): string {
  return (
    `rule: the row runs at ${pct(rule.share)} of autocannon's closed-loop rate measured right before it, and ` +
    `autocannon runs again right after it; yardsticks more than ${pct(rule.agree - 1)} apart (the host changed ` +
    `speed) void the attempt and the row runs again at ${pct(rule.share)} of the later one, at most ` +
    `${rule.attempts} attempts; the first valid attempt's verdict is final, met or not; none valid: NOT met`
  );
}

/** the ceiling rows' verdict: the most they achieved against the higher of the attempt's yardsticks */
export function ceilingOf(achieved: readonly number[], before: number, after: number): { ratio: number; met: boolean } {
  const ratio = Math.max(0, ...achieved) / Math.max(before, after);
  return { ratio, met: ratio >= CEILING_TARGET };
}

/** the ceiling rows' rule in one line, printed before them */
export function ceilingRuleLine(
  offers: readonly number[],
  connections: readonly number[],
  rule: Rule = CEILING_RULE,
): string {
  return (
    `rule: the rows run at ${offers.map(pct).join(', ')} of autocannon's closed-loop rate measured right before ` +
    `them, each on ${connections.join(' and ')} connections, and autocannon runs again right after them; ` +
    `yardsticks more than ${pct(rule.agree - 1)} apart void the attempt and the rows run again from the later ` +
    `one, at most ${rule.attempts} attempts; the first valid ` +
    `attempt's verdict is final: the most achieved against the higher of its two yardsticks, ` +
    `≥ ${CEILING_TARGET.toFixed(2)}x; none valid: NOT met`
  );
}

/**
 * The attempt that decided (the first valid one, else the last) and which it was, in words: the 85 % row's and the
 * ceiling's verdict lines say it the same way
 */
export function deciding<A>(r: { attempts: readonly A[]; verdict: { valid: number | undefined } }): {
  attempt: A;
  which: string;
} {
  const { valid } = r.verdict;
  const n = r.attempts.length;
  return {
    attempt: r.attempts[valid ?? n - 1]!,
    which:
      valid === undefined
        ? `no valid attempt in ${n} (the host changed speed in each), the last`
        : `attempt ${valid + 1} of ${n}, its yardsticks agreeing`,
  };
}

/**
 * Runs the rule: `attempt(before, rate)` runs the row at `rate` and the yardstick after it, until nextStep gives the
 * verdict; every attempt (with what `attempt` returned) and the verdict
 */
export async function bracket<R extends { met: boolean; after: number }>(
  opening: number,
  attempt: (before: number, rate: number) => Promise<R>,
  rule: Rule = RULE,
): Promise<{ attempts: (R & Attempt & { rate: number })[]; verdict: { met: boolean; valid: number | undefined } }> {
  const attempts: (R & Attempt & { rate: number })[] = [];
  for (;;) {
    const step = nextStep(opening, attempts, rule);
    if ('verdict' in step) return { attempts, verdict: step.verdict };
    const { before, rate } = step.run;
    attempts.push({ ...(await attempt(before, rate)), before, rate });
  }
}
