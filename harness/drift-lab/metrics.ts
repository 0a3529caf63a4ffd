/**
 * Ground-truth metrics for drift detectors, as river/drift/evaluate.py defines them (after the
 * CD-MOA evaluation: Bifet et al., "CD-MOA: change detection framework for massive online
 * analysis", IDA 2013). A drift is an index or a [start, end] span; its acceptable window is
 * [start − deltaPre, end + deltaMax], both inclusive. Each alarm goes to the earliest window it
 * falls in; alarms in no window are false alarms.
 */
export type Drift = number | readonly [number, number];

export interface Matching {
  /** drift index → the alarms inside its window */
  hits: Map<number, number[]>;
  falseAlarms: number[];
}

export interface WindowOptions {
  deltaMax: number;
  deltaPre?: number;
}

function windows(drifts: readonly Drift[], { deltaMax, deltaPre = 0 }: WindowOptions): Array<[number, number, number]> {
  if (!(deltaMax > 0)) throw new RangeError('deltaMax must be strictly positive');
  if (deltaPre < 0) throw new RangeError('deltaPre must be positive');
  return drifts.map((d) => {
    const [start, end] = typeof d === 'number' ? [d, d] : d;
    if (end < start) throw new RangeError(`drift ${JSON.stringify(d)} ends before it starts`);
    return [start, start - deltaPre, end + deltaMax];
  });
}

export function match(alarms: readonly number[], drifts: readonly Drift[], opts: WindowOptions): Matching {
  const w = windows(drifts, opts);
  const hits = new Map<number, number[]>();
  const falseAlarms: number[] = [];
  for (const a of alarms) {
    const i = w.findIndex(([, lo, hi]) => lo <= a && a <= hi);
    if (i < 0) falseAlarms.push(a);
    else {
      const list = hits.get(i);
      if (list) list.push(a);
      else hits.set(i, [a]);
    }
  }
  return { hits, falseAlarms };
}

const nHits = (m: Matching): number => [...m.hits.values()].reduce((s, h) => s + h.length, 0);

/** share of alarms inside a window (NaN without alarms) */
export function precision(alarms: readonly number[], drifts: readonly Drift[], opts: WindowOptions): number {
  if (alarms.length === 0) return NaN;
  return nHits(match(alarms, drifts, opts)) / alarms.length;
}

/** every alarm in a window counts (a chatty detector is rewarded; see episodeRecall) */
export function recall(alarms: readonly number[], drifts: readonly Drift[], opts: WindowOptions): number {
  const m = match(alarms, drifts, opts);
  const hits = nHits(m);
  const missed = drifts.length - m.hits.size;
  return hits + missed === 0 ? NaN : hits / (hits + missed);
}

/** share of drifts with at least one alarm */
export function episodeRecall(alarms: readonly number[], drifts: readonly Drift[], opts: WindowOptions): number {
  if (drifts.length === 0) return NaN;
  return match(alarms, drifts, opts).hits.size / drifts.length;
}

export function missedDetectionRate(alarms: readonly number[], drifts: readonly Drift[], opts: WindowOptions): number {
  const r = episodeRecall(alarms, drifts, opts);
  return Number.isNaN(r) ? NaN : 1 - r;
}

export function f1(alarms: readonly number[], drifts: readonly Drift[], opts: WindowOptions): number {
  const p = precision(alarms, drifts, opts);
  const r = episodeRecall(alarms, drifts, opts);
  if (Number.isNaN(p) || Number.isNaN(r)) return NaN;
  return p + r === 0 ? 0 : (2 * p * r) / (p + r);
}

/** the first alarm's delay after each caught drift's start, one entry per caught drift */
export function detectionDelays(alarms: readonly number[], drifts: readonly Drift[], opts: WindowOptions): number[] {
  const w = windows(drifts, opts);
  const m = match(alarms, drifts, opts);
  return [...m.hits.entries()].map(([i, h]) => Math.min(...h) - (w[i] as [number, number, number])[0]);
}

/** mean delay over caught drifts (MTD); NaN when nothing was caught */
export function detectionDelay(alarms: readonly number[], drifts: readonly Drift[], opts: WindowOptions): number {
  const d = detectionDelays(alarms, drifts, opts);
  return d.length ? d.reduce((a, b) => a + b, 0) / d.length : NaN;
}

export function normalizedDetectionTime(
  alarms: readonly number[],
  drifts: readonly Drift[],
  opts: WindowOptions,
): number {
  return detectionDelay(alarms, drifts, opts) / opts.deltaMax;
}

/** false alarms per `unit` samples */
export function falseAlarmRate(
  alarms: readonly number[],
  drifts: readonly Drift[],
  opts: WindowOptions & { nSamples: number; unit?: number },
): number {
  if (!(opts.nSamples > 0)) throw new RangeError('nSamples must be strictly positive');
  return (match(alarms, drifts, opts).falseAlarms.length / opts.nSamples) * (opts.unit ?? 1);
}

/** MTFA: mean gap between consecutive false alarms; NaN below two */
export function meanTimeBetweenFalseAlarms(
  alarms: readonly number[],
  drifts: readonly Drift[],
  opts: WindowOptions,
): number {
  const fa = match(alarms, drifts, opts).falseAlarms;
  if (fa.length < 2) return NaN;
  let s = 0;
  for (let i = 1; i < fa.length; i++) s += (fa[i] as number) - (fa[i - 1] as number);
  return s / (fa.length - 1);
}

/** MTR = MTFA / MTD · (1 − MDR); NaN when either part is undefined, ∞ when MTD = 0 */
export function meanTimeRatio(alarms: readonly number[], drifts: readonly Drift[], opts: WindowOptions): number {
  const mtfa = meanTimeBetweenFalseAlarms(alarms, drifts, opts);
  if (Number.isNaN(mtfa)) return NaN;
  const mtd = detectionDelay(alarms, drifts, opts);
  if (Number.isNaN(mtd)) return NaN;
  if (mtd === 0) return Infinity;
  return (mtfa / mtd) * (1 - missedDetectionRate(alarms, drifts, opts));
}

export interface RiverReport {
  nSamples: number;
  nDrifts: number;
  nAlarms: number;
  precision: number;
  recall: number;
  episodeRecall: number;
  f1: number;
  missedDetectionRate: number;
  detectionDelay: number;
  normalizedDetectionTime: number;
  falseAlarmRate: number;
  meanTimeBetweenFalseAlarms: number;
  meanTimeRatio: number;
}

/** every metric for one detector on one stream (river.drift.evaluate.report) */
export function report(
  alarms: readonly number[],
  drifts: readonly Drift[],
  opts: WindowOptions & { nSamples: number; unit?: number },
): RiverReport {
  return {
    nSamples: opts.nSamples,
    nDrifts: drifts.length,
    nAlarms: alarms.length,
    precision: precision(alarms, drifts, opts),
    recall: recall(alarms, drifts, opts),
    episodeRecall: episodeRecall(alarms, drifts, opts),
    f1: f1(alarms, drifts, opts),
    missedDetectionRate: missedDetectionRate(alarms, drifts, opts),
    detectionDelay: detectionDelay(alarms, drifts, opts),
    normalizedDetectionTime: normalizedDetectionTime(alarms, drifts, opts),
    falseAlarmRate: falseAlarmRate(alarms, drifts, opts),
    meanTimeBetweenFalseAlarms: meanTimeBetweenFalseAlarms(alarms, drifts, opts),
    meanTimeRatio: meanTimeRatio(alarms, drifts, opts),
  };
}
