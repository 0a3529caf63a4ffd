/**
 * Turning two samples into two vectors of bin shares, the way PSI and Jensen–Shannon need them.
 *
 * - `evidentlyShares`: Evidently's get_binned_data. Numeric columns with > 20 distinct reference
 *   values get numpy's equal-width "sturges" edges over reference+current combined
 *   (np.histogram_bin_edges, np.histogram: half-open bins, the last one closed); anything else
 *   gets one bin per distinct value. With `fillZeroes` an empty bin's share becomes 0.0001, or
 *   (min non-zero share)/10⁶ when that minimum is itself ≤ 0.0001 — Evidently's rule for PSI.
 * - `quantileShares`: bins at the reference's deciles (or any count), the textbook PSI binning;
 *   numpy's default (linear) quantile rule; outer bins open to ±∞; empty bins get 0.0001.
 */

export interface Shares {
  reference: number[];
  current: number[];
  /** bin edges (numeric bins) or the category labels (one bin per value) */
  bins: number[] | string[];
  binning: 'sturges' | 'categories' | 'quantile';
}

function minMax(a: ArrayLike<number>, b: ArrayLike<number>): [number, number] {
  let lo = Infinity,
    hi = -Infinity;
  for (const arr of [a, b]) {
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i] as number;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return [lo, hi];
}

/** numpy.histogram_bin_edges(concat(a, b), bins='sturges') */
function sturgesEdges(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  let [first, last] = minMax(a, b);
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const size = a.length + b.length;
  const [lo, hi] = minMax(a, b);
  const width = (hi - lo) / (Math.log2(size) + 1);
  const nBins = width ? Math.ceil((last - first) / width) : 1;
  // numpy.linspace(first, last, nBins + 1): start + i·step, the last edge set to `last`
  const step = (last - first) / nBins;
  const edges: number[] = [];
  for (let i = 0; i <= nBins; i++) edges.push(first + i * step);
  edges[nBins] = last;
  return edges;
}

/** numpy.histogram counts for uniform edges (same index arithmetic and edge corrections) */
function histogramCounts(x: ArrayLike<number>, edges: number[]): number[] {
  const n = edges.length - 1;
  const first = edges[0] as number,
    last = edges[n] as number;
  const norm = n / (last - first);
  const counts = new Array<number>(n).fill(0);
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (v < first || v > last) continue;
    let k = Math.trunc((v - first) * norm);
    if (k === n) k--;
    if (v < (edges[k] as number)) k--;
    else if (k !== n - 1 && v >= (edges[k + 1] as number)) k++;
    counts[k] = (counts[k] as number) + 1;
  }
  return counts;
}

/** more than `limit` distinct values? (stops counting as soon as it knows) */
function hasMoreDistinctThan(x: ArrayLike<number | string>, limit: number): boolean {
  const s = new Set<number | string>();
  for (let i = 0; i < x.length; i++) {
    s.add(x[i] as number | string);
    if (s.size > limit) return true;
  }
  return false;
}

/** Evidently's empty-bin rule: 0.0001, or min(non-zero)/1e6 when that minimum is ≤ 0.0001 */
function fillZeroShares(p: number[]): number[] {
  let min = Infinity;
  for (const v of p) if (v !== 0 && v < min) min = v;
  const fill = min <= 0.0001 ? min / 1e6 : 0.0001;
  return p.map((v) => (v === 0 ? fill : v));
}

export function evidentlyShares(
  reference: ArrayLike<number | string>,
  current: ArrayLike<number | string>,
  opts: { numeric: boolean; fillZeroes: boolean },
): Shares {
  let ref: number[], cur: number[], bins: number[] | string[], binning: Shares['binning'];
  if (opts.numeric && hasMoreDistinctThan(reference, 20)) {
    const r = reference as ArrayLike<number>,
      c = current as ArrayLike<number>;
    const edges = sturgesEdges(r, c);
    ref = histogramCounts(r, edges).map((k) => k / r.length);
    cur = histogramCounts(c, edges).map((k) => k / c.length);
    bins = edges;
    binning = 'sturges';
  } else {
    const keys = new Map<string, number>();
    const key = (v: number | string): string => (typeof v === 'number' ? `n:${v}` : `s:${v}`);
    const labels: string[] = [];
    const rc: number[] = [],
      cc: number[] = [];
    const add = (arr: ArrayLike<number | string>, counts: number[]): void => {
      for (let i = 0; i < arr.length; i++) {
        const v = arr[i] as number | string;
        const k = key(v);
        let idx = keys.get(k);
        if (idx === undefined) {
          idx = labels.length;
          keys.set(k, idx);
          labels.push(String(v));
          rc.push(0);
          cc.push(0);
        }
        counts[idx] = (counts[idx] as number) + 1;
      }
    };
    add(reference, rc);
    add(current, cc);
    ref = rc.map((k) => k / reference.length);
    cur = cc.map((k) => k / current.length);
    bins = labels;
    binning = 'categories';
  }
  if (opts.fillZeroes) {
    ref = fillZeroShares(ref);
    cur = fillZeroShares(cur);
  }
  return { reference: ref, current: cur, bins, binning };
}

/** numpy.quantile(sorted, q) with the default 'linear' method */
function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const frac = pos - lo;
  const a = sorted[lo] as number,
    b = sorted[hi] as number;
  // numpy's _lerp: a + (b − a)·t, computed from the other end when t ≥ ½
  const diff = b - a;
  return frac >= 0.5 ? b - diff * (1 - frac) : a + diff * frac;
}

export function quantileShares(reference: ArrayLike<number>, current: ArrayLike<number>, nBins = 10): Shares {
  const sorted = Float64Array.from(reference as ArrayLike<number>).sort();
  const inner: number[] = [];
  for (let i = 1; i < nBins; i++) inner.push(quantileSorted(sorted, i / nBins));
  const uniq = [...new Set(inner)].sort((x, y) => x - y);
  const edges = [-Infinity, ...uniq, Infinity];
  const count = (x: ArrayLike<number>): number[] => {
    const c = new Array<number>(edges.length - 1).fill(0);
    for (let i = 0; i < x.length; i++) {
      const v = x[i] as number;
      // bin k = [edges[k], edges[k+1]): binary search for the last edge ≤ v
      let lo = 0,
        hi = edges.length - 1;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if ((edges[mid] as number) <= v) lo = mid;
        else hi = mid;
      }
      c[lo] = (c[lo] as number) + 1;
    }
    return c;
  };
  const fill = (p: number[]): number[] => p.map((v) => (v === 0 ? 0.0001 : v));
  return {
    reference: fill(count(reference).map((k) => k / reference.length)),
    current: fill(count(current).map((k) => k / current.length)),
    bins: edges,
    binning: 'quantile',
  };
}
