/** What the stream processor's tests share: a stub model and a poll for a condition. */
import type { Scorer } from '../../pipeline/processor/index.ts';

/** every transaction scored 0.1 by model version 'stub'; `onCall` sees each call's number (to stall or fail one) */
export function stubScorer(onCall?: (n: number) => Promise<void> | void): Scorer {
  let calls = 0;
  return {
    async predict(instances) {
      await onCall?.(++calls);
      return instances.map((x) => ({
        id: x.transaction.id,
        score: 0.1,
        fraud: false,
        source: 'model' as const,
        modelVersion: 'stub',
        threshold: 0.5,
      }));
    },
  };
}

/** polls `cond` every 25 ms until it holds or `ms` have passed (the test's own assertions judge) */
export async function until(cond: () => boolean, ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!cond() && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 25));
}
