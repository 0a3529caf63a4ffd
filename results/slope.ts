/**
 * The least-squares slope of y over x: how fast a figure grows over a run (memory growth,
 * harness/metrics/memory.ts; a backlog that keeps growing, harness/capacity/judge.ts).
 */

/** least-squares slope of y over x (per unit of x); 0 with fewer than 3 points or no spread in x */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (n < 3) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  return sxx === 0 ? 0 : sxy / sxx;
}
