/** Classifier metrics: ROC AUC (Mann–Whitney U with tie correction) and precision/recall at a threshold. */

export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>): number {
  const n = scores.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let pos = 0, rankSumPos = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    const avgRank = (i + j) / 2 + 1; // ties share the mean rank
    for (let k = i; k <= j; k++) if (labels[idx[k]!]) (pos++, (rankSumPos += avgRank));
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

export interface AtThreshold {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
  /** share of rows flagged */
  flaggedRate: number;
}

export function atThreshold(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>, threshold: number): AtThreshold {
  let tp = 0, fp = 0, fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const p = scores[i]! >= threshold, y = !!labels[i];
    if (p && y) tp++;
    else if (p) fp++;
    else if (y) fn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { threshold, precision, recall, f1, flaggedRate: scores.length ? (tp + fp) / scores.length : 0 };
}

/** the threshold (on a 0.01 grid) with the best F1 */
export function bestF1Threshold(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>): AtThreshold {
  let best = atThreshold(scores, labels, 0.5);
  for (let t = 0.01; t < 1; t += 0.01) {
    const r = atThreshold(scores, labels, Math.round(t * 100) / 100);
    if (r.f1 > best.f1) best = r;
  }
  return best;
}
