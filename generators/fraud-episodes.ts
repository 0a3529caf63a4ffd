/**
 * Bookkeeping for fraud episodes in the transactions stream: the events an episode scheduled for
 * later (a min-heap on due time), and the chance that a fresh arrival slot starts an episode so
 * that the labelled fraction comes out at `fraudRate`.
 */
import type { Channel, FraudPattern } from './transactions.ts';

/** a fraud event waiting for its due time */
export interface Pending {
  due: number;
  order: number;
  userId: string;
  deviceId: string;
  merchantId: string;
  amount: number;
  country: number;
  channel: Channel;
  pattern: FraudPattern;
}

/** min-heap on (due, order): ties keep scheduling order, so output is deterministic */
export class PendingHeap {
  readonly items: Pending[] = [];
  private less(a: Pending, b: Pending): boolean {
    return a.due < b.due || (a.due === b.due && a.order < b.order);
  }
  push(x: Pending): void {
    const h = this.items;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }
  pop(): Pending {
    const h = this.items;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

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
  let Fm = 0, Tm = 0;
  for (let i = 0; i < 3; i++) {
    Fm += (mix[i]! / (mixSum || 1)) * F[i]!;
    Tm += (mix[i]! / (mixSum || 1)) * T[i]!;
  }
  const f = fraudRate;
  const denom = Fm - f * (Tm - 1);
  return f <= 0 || mixSum <= 0 ? 0 : denom <= 0 ? 1 : Math.min(1, f / denom);
}
