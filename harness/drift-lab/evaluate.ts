/**
 * The drift lab's evaluation: run detectors over many seeded streams with known drifts and
 * summarise how fast they notice and how often they cry wolf.
 *
 * Inputs per stream type: numeric streams feed their values; classification streams (SEA,
 * STAGGER, Agrawal, hyperplane) feed the error bits (1 = wrong) of a fixed model that knows
 * concept 0 perfectly, so concept drift shows as a rise in error rate; label-drift streams feed
 * y. Binary detectors (DDM, EDDM, HDDM_A) only run on 0/1 inputs; elsewhere they are "n/a".
 *
 * Per detector × stream, over all runs: detection delays (first alarm in a drift's window −
 * its onset: mean/median/p95), missed drifts, false alarms before the first onset per 10⁵
 * observations, total false alarms per 10⁵, and River's metrics on the pooled alarms (MDR, MTD,
 * MTFA, MTR, precision, F1).
 */
import { conceptDriftStream, errorStream } from '../../generators/drift/concept-drift-stream.ts';
import { seaConcept } from '../../generators/drift/sea.ts';
import { staggerConcept } from '../../generators/drift/stagger.ts';
import { agrawalConcept } from '../../generators/drift/agrawal.ts';
import { hyperplaneConcept, hyperplaneStream } from '../../generators/drift/hyperplane.ts';
import { numericDriftStream } from '../../generators/drift/univariate.ts';
import { labelDriftStream } from '../../generators/drift/label.ts';
import { Rng } from '../../generators/rng.ts';
import { TransactionStream } from '../../generators/transactions.ts';
import { sigmoidTruth } from '../../generators/drift/sigmoid.ts';
import type { Concept, DriftGroundTruth } from '../../generators/drift/types.ts';
import { DETECTORS, type DetectorName } from '../../pipeline/drift/streaming/index.ts';
import { match, type Drift } from './metrics.ts';
import { parseEvaluateConfig, type DetectorConfig, type EvaluateConfigInput, type StreamConfig } from './config.ts';

export interface DetectorStreamResult {
  detector: string;
  stream: string;
  /** false when the detector can't take this stream's input (binary detector, numeric data) */
  applicable: boolean;
  runs: number;
  observations: number;
  drifts: number;
  detected: number;
  missed: number;
  delayMean: number | null;
  delayMedian: number | null;
  delayP95: number | null;
  /** alarms before the first drift's window, per 10⁵ pre-onset observations */
  falseAlarmsPer1e5BeforeOnset: number;
  falseAlarmsBeforeOnset: number;
  /** every alarm outside all windows, per 10⁵ observations */
  falseAlarmsPer1e5: number;
  falseAlarms: number;
  alarms: number;
  /** River/CD-MOA metrics on pooled runs */
  missedDetectionRate: number | null;
  meanTimeToDetection: number | null;
  meanTimeBetweenFalseAlarms: number | null;
  meanTimeRatio: number | null;
  precision: number | null;
}

export interface EvaluationResult {
  config: ReturnType<typeof parseEvaluateConfig>;
  results: DetectorStreamResult[];
}

interface Realised {
  values: Float64Array;
  drifts: DriftGroundTruth[];
  binary: boolean;
}

function transitionsOf(
  n: number,
  concepts: Concept[],
  positions: number[],
  width: number,
): Array<{ position: number; width: number }> {
  const k = concepts.length - 1;
  if (positions.length === k) return positions.map((p) => ({ position: p, width }));
  // evenly spaced when not given
  return Array.from({ length: k }, (_, i) => ({ position: Math.round(((i + 1) * n) / (k + 1)), width }));
}

function streamName(s: StreamConfig, i: number): string {
  return s.name ?? `${s.type}-${i}`;
}

/** build one run of a configured stream: the values a detector sees and the truth */
function realiseStream(s: StreamConfig, seed: number): Realised {
  switch (s.type) {
    case 'numeric': {
      const r = numericDriftStream({
        seed,
        n: s.n,
        ...(s.base ? { base: s.base } : {}),
        drifts: s.drifts.map((d) => ({ ...d })),
      });
      return { values: r.values, drifts: r.drifts, binary: false };
    }
    case 'sea':
    case 'stagger':
    case 'agrawal': {
      const concepts =
        s.type === 'sea'
          ? s.variants.map((v) => seaConcept(v, s.noise))
          : s.type === 'stagger'
            ? s.concepts.map((c) => staggerConcept(c, s.noise))
            : s.functions.map((f) => agrawalConcept(f, s.perturbation));
      const st = conceptDriftStream({
        seed,
        n: s.n,
        concepts,
        drifts: transitionsOf(s.n, concepts, s.positions, s.width),
      });
      return { values: errorStream(st, concepts[0] as Concept), drifts: st.drifts, binary: true };
    }
    case 'hyperplane': {
      const opts = {
        seed,
        n: s.n,
        onset: s.onset,
        magChange: s.magChange,
        noise: s.noise,
        features: s.features,
        driftFeatures: s.driftFeatures,
      };
      const st = hyperplaneStream(opts);
      return { values: errorStream(st, hyperplaneConcept(new Rng(seed), opts)), drifts: st.drifts, binary: true };
    }
    case 'transactions': {
      const st = new TransactionStream({
        seed,
        users: { count: s.users, zipf: 1.1 },
        fraudRate: s.fraudRate,
        drifts: s.drifts,
      });
      const events = st.take(s.n);
      const values = Float64Array.from(events, (e) => (s.feature === 'amount' ? e.amount : Math.log(e.amount)));
      // gen's truth: onset = where P(new) = ½, width = the sigmoid's width (0 = sudden)
      const drifts = st.drifts
        .filter((d) => d.unit === 'index' && d.onset < s.n)
        .map((d) =>
          sigmoidTruth(
            d.onset,
            d.width,
            d.type === 'concept' ? 'concept' : 'covariate',
            `${d.param} ${d.op} ${JSON.stringify(d.value)}`,
          ),
        );
      return { values, drifts, binary: false };
    }
    case 'label': {
      const st = labelDriftStream({ seed, n: s.n, prior: s.prior, drifts: s.drifts });
      return { values: Float64Array.from(st.samples, (x) => x.y), drifts: st.drifts, binary: true };
    }
  }
}

function detectorLabel(d: DetectorConfig): string {
  return typeof d === 'string' ? d : (d.label ?? d.name);
}

function quantile(sorted: number[], q: number): number {
  // linear interpolation between closest ranks (numpy's default)
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return (sorted[lo] as number) + (pos - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

const orNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** run every detector over every stream, `runs` seeds each */
export function evaluateDetectors(input: EvaluateConfigInput | unknown): EvaluationResult {
  const config = parseEvaluateConfig(input);
  const window = { deltaMax: config.deltaMax, deltaPre: config.deltaPre };
  const results: DetectorStreamResult[] = [];
  config.streams.forEach((s, si) => {
    const name = streamName(s, si);
    const runs = Array.from({ length: config.runs }, (_, r) =>
      realiseStream(s, new Rng(config.seed).fork(`${name}#${r}`).seed),
    );
    for (const d of config.detectors) {
      const dname: DetectorName = typeof d === 'string' ? d : d.name;
      const options = typeof d === 'string' ? {} : d.options;
      const entry = DETECTORS[dname];
      const applicable = !entry.binary || (runs[0]?.binary ?? false);
      const delays: number[] = [];
      let observations = 0,
        nDrifts = 0,
        missed = 0,
        faBefore = 0,
        preOnsetObs = 0,
        falseAlarms = 0,
        alarmsTotal = 0,
        hitsTotal = 0;
      let mtfaSum = 0,
        mtfaN = 0;
      if (applicable) {
        for (const run of runs) {
          const det = entry.make({ ...options });
          const alarms: number[] = [];
          const v = run.values;
          for (let i = 0; i < v.length; i++) {
            det.update(v[i] as number);
            if (det.driftDetected) alarms.push(i);
          }
          const truth: Drift[] = run.drifts.map((t) => [t.onset, t.end] as const);
          const m = match(alarms, truth, window);
          observations += v.length;
          nDrifts += truth.length;
          missed += truth.length - m.hits.size;
          for (const [i, h] of m.hits) delays.push(Math.min(...h) - (run.drifts[i] as DriftGroundTruth).onset);
          for (const h of m.hits.values()) hitsTotal += h.length;
          const firstWindow = run.drifts.length
            ? (run.drifts[0] as DriftGroundTruth).onset - config.deltaPre
            : v.length;
          preOnsetObs += Math.max(0, Math.min(firstWindow, v.length));
          faBefore += m.falseAlarms.filter((a) => a < firstWindow).length;
          falseAlarms += m.falseAlarms.length;
          alarmsTotal += alarms.length;
          for (let i = 1; i < m.falseAlarms.length; i++) {
            mtfaSum += (m.falseAlarms[i] as number) - (m.falseAlarms[i - 1] as number);
            mtfaN++;
          }
        }
      }
      const sorted = [...delays].sort((a, b) => a - b);
      const mtd = delays.length ? delays.reduce((a, b) => a + b, 0) / delays.length : NaN;
      const mdr = nDrifts ? missed / nDrifts : NaN;
      const mtfa = mtfaN ? mtfaSum / mtfaN : NaN;
      results.push({
        detector: detectorLabel(d),
        stream: name,
        applicable,
        runs: config.runs,
        observations,
        drifts: nDrifts,
        detected: nDrifts - missed,
        missed,
        delayMean: orNull(mtd),
        delayMedian: sorted.length ? quantile(sorted, 0.5) : null,
        delayP95: sorted.length ? quantile(sorted, 0.95) : null,
        falseAlarmsPer1e5BeforeOnset: preOnsetObs ? (faBefore / preOnsetObs) * 1e5 : 0,
        falseAlarmsBeforeOnset: faBefore,
        falseAlarmsPer1e5: observations ? (falseAlarms / observations) * 1e5 : 0,
        falseAlarms,
        alarms: alarmsTotal,
        missedDetectionRate: orNull(mdr),
        meanTimeToDetection: orNull(mtd),
        meanTimeBetweenFalseAlarms: orNull(mtfa),
        meanTimeRatio: Number.isNaN(mtfa) || Number.isNaN(mtd) ? null : mtd === 0 ? null : (mtfa / mtd) * (1 - mdr),
        precision: alarmsTotal ? hitsTotal / alarmsTotal : null,
      });
    }
  });
  return { config, results };
}
