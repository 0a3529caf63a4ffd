/** Classifier metrics: ROC AUC (Mann–Whitney U with tie correction) and precision/recall at a threshold. */

export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>): number {
  const n = scores.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let pos = 0,
    rankSumPos = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    const avgRank = (i + j) / 2 + 1; // ties share the mean rank
    for (let k = i; k <= j; k++) {
      if (!labels[idx[k]!]) continue;
      pos++;
      rankSumPos += avgRank;
    }
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

export function atThreshold(
  scores: ArrayLike<number>,
  labels: ArrayLike<boolean | number>,
  threshold: number,
): AtThreshold {
  let tp = 0,
    fp = 0,
    fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const p = scores[i]! >= threshold,
      y = !!labels[i];
    if (p && y) tp++;
    else if (p) fp++;
    else if (y) fn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { threshold, precision, recall, f1, flaggedRate: scores.length ? (tp + fp) / scores.length : 0 };
}

/**
 * The threshold with the best F1, searched over every distinct score (one sorted sweep), so a
 * well-separated but badly calibrated model still gets a useful cut. Rounded down to 4 decimals.
 */
export function bestF1Threshold(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>): AtThreshold {
  const n = scores.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let pos = 0;
  for (let i = 0; i < n; i++) if (labels[i]) pos++;
  let tp = 0,
    fp = 0,
    bestF1 = -1,
    bestT = 0.5;
  for (let k = 0; k < n; k++) {
    if (labels[idx[k]!]) tp++;
    else fp++;
    // only cut between distinct scores
    if (k + 1 < n && scores[idx[k + 1]!] === scores[idx[k]!]) continue;
    const f1 = (2 * tp) / (tp + fp + pos);
    if (f1 > bestF1) {
      bestF1 = f1;
      bestT = scores[idx[k]!]!;
    }
  }
  return atThreshold(scores, labels, Math.floor(bestT * 1e4) / 1e4);
}
