/**
 * Fraud episodes in the transactions stream: the chance that a fresh arrival slot starts an
 * episode so that the labelled fraction comes out at `fraudRate`. (The events an episode schedules
 * for later wait in transactions.ts's PendingHeap, typed by the transaction's own fields.)
 */
/**
 * Per pattern i (card-testing, account-takeover, geo-velocity) an episode yields F_i fraud events
 * in T_i slots (geo-velocity adds its normal payment at home). With a share x of fresh slots each
 * starting an episode with probability q, the labelled fraction is f = q·F / (1 + q·(T − 1))
 * (F, T averaged over the mix), hence q = f / (F − f·(T − 1)).
 */
export function episodeStartProbability(
  fraudRate: number,
  mix: readonly number[],
  ct: { burstMin: number; burstMax: number },
  ato: { countMin: number; countMax: number },
): number {
  const mixSum = mix[0]! + mix[1]! + mix[2]!;
  const F = [(ct.burstMin + ct.burstMax) / 2, (ato.countMin + ato.countMax) / 2, 1];
  const T = [F[0]!, F[1]!, 2];
  let Fm = 0,
    Tm = 0;
  for (let i = 0; i < 3; i++) {
    Fm += (mix[i]! / (mixSum || 1)) * F[i]!;
    Tm += (mix[i]! / (mixSum || 1)) * T[i]!;
  }
  const f = fraudRate;
  const denom = Fm - f * (Tm - 1);
  return f <= 0 || mixSum <= 0 ? 0 : denom <= 0 ? 1 : Math.min(1, f / denom);
}
