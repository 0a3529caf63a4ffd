/** Statistics the benches share (a module of theirs; nothing to run here). */
import './help.ts';

/** the median of a list, the mean of the middle two when its length is even; NaN when it is empty */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
