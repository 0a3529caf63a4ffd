/**
 * The drift → retrain → A/B → promote loop of the reference pipeline.
 *
 * Fed with what the stream processor scored (`observe(rows, scores)`), it:
 *   1. watches the amount and the score with a DriftMonitor (streaming alarm + KS confirmation);
 *   2. on an alert, collects the next `trainRows` labelled transactions and trains a new version
 *      on them (`train`, by default trainFraudModel: small, few epochs, seeded);
 *   3. rolls it out as an A/B candidate (`host.addVersion`, then `host.setRoutes` with
 *      incumbent 100 − `candidateWeight` / candidate `candidateWeight`);
 *   4. scores the next `evalRows` labelled transactions with both versions and compares ROC AUC;
 *   5. promotes the candidate (100 %) when its AUC beats the incumbent's by more than
 *      `minAucGain`, else rolls it back (incumbent 100 %); then the monitor starts over with a
 *      fresh reference.
 *
 * Labels: the generated transactions carry `isFraud`. The loop uses it as delayed ground truth
 * (in production, chargebacks arrive days later; here they are "known" as soon as the row has
 * been scored). Rows without a label are watched but not used for training or evaluation.
 *
 * Every step is an event on one timeline (`timeline()`), in the caller's time (`now()`, the
 * run's ms). The pipeline does not import the harness: the host (the model server) and the
 * trainer are handed in.
 */
import type { RouteWeight } from '../model-server/router.ts';
import { rocAuc } from '../model/evaluate.ts';
import type { ScoringInput, TransactionInput } from '../types.ts';
import { DriftMonitor, type DriftAlert, type DriftMonitorOptions, type MonitorStats } from './monitor.ts';
import { withDefaults } from '../../results/defaults.ts';

/** what the loop needs of a model: FraudModel fits */
export interface LoopModel {
  readonly version: string;
  readonly threshold: number;
  predict(rows: readonly ScoringInput[]): ArrayLike<number>;
}

/** where candidates go: the running model server (ModelServer fits) */
export interface LoopModelHost {
  addVersion(version: string, model: LoopModel): void;
  setRoutes(routes: RouteWeight[]): void;
}

export type LoopEventKind =
  | 'baseline'
  | 'drift-onset'
  | 'detection'
  | 'retrain-start'
  | 'retrain-end'
  | 'retrain-failed'
  | 'candidate-rollout'
  | 'evaluation'
  | 'promotion'
  | 'rollback';

export interface LoopEvent {
  /** caller's time (ms since run start) */
  t: number;
  kind: LoopEventKind;
  detail: string;
  version?: string;
  /** ROC AUC on the evaluation window (evaluation, promotion, rollback) */
  auc?: { incumbent: number; candidate: number };
}

export interface DriftLoopOptions {
  /** the version serving 100 % when the loop starts */
  incumbent: LoopModel;
  host: LoopModelHost;
  /** trains a candidate on labelled transactions (time order) */
  train: (transactions: TransactionInput[], version: string) => Promise<LoopModel>;
  /** caller's clock for the timeline (ms) */
  now: () => number;
  monitor?: DriftMonitorOptions;
  /** labelled rows collected after an alert to train on (default 2000) */
  trainRows?: number;
  /** labelled rows scored by both versions to decide (default 1500) */
  evalRows?: number;
  /** candidate's share while evaluated, in % (default 10) */
  candidateWeight?: number;
  /**
   * train the incumbent on the first N labelled rows of this traffic and route 100 % to it
   * before watching (default 0: the incumbent given). For a baseline trained on the same
   * population, hours and clock as the traffic the loop then watches.
   */
  baselineRows?: number;
  /** AUC margin the candidate must beat the incumbent by (default 0.01) */
  minAucGain?: number;
  /** name of the n-th trained version (default `drift-<n>`) */
  versionName?: (n: number) => string;
  onEvent?: (e: LoopEvent) => void;
}

export const DRIFT_LOOP_DEFAULTS = { trainRows: 2000, evalRows: 1500, candidateWeight: 10, minAucGain: 0.01 };

export type LoopState = 'baseline' | 'watching' | 'collecting' | 'training' | 'evaluating';

export interface DriftLoopReport {
  state: LoopState;
  incumbent: string;
  timeline: LoopEvent[];
  alerts: DriftAlert[];
  monitor: MonitorStats & {
    detector: string;
    signals: string[];
    referenceSize: number;
    recentSize: number;
    pvalue: number;
  };
  /**
   * incumbent's AUC on the monitor's first reference window (before the drift), scored in process as the evaluation is
   */
  aucReference: number | null;
  /** the last evaluation: incumbent vs candidate on the same rows */
  lastEvaluation: { incumbent: number; candidate: number; candidateVersion: string; promoted: boolean } | null;
  settings: { trainRows: number; evalRows: number; candidateWeight: number; minAucGain: number };
  labels: string;
}

type Labelled = ScoringInput & { transaction: TransactionInput & { isFraud: boolean } };
const labelled = (r: ScoringInput): r is Labelled => typeof r.transaction.isFraud === 'boolean';

export class DriftLoop {
  readonly monitor: DriftMonitor;
  private readonly o: DriftLoopOptions & typeof DRIFT_LOOP_DEFAULTS;
  private incumbent: LoopModel;
  private candidate: LoopModel | undefined;
  private st: LoopState = 'watching';
  private buf: Labelled[] = [];
  private refRows: Labelled[] = [];
  private aucReference: number | null = null;
  private trained = 0;
  private readonly events: LoopEvent[] = [];
  private readonly alerts: DriftAlert[] = [];
  private last: DriftLoopReport['lastEvaluation'] = null;
  private pending: Promise<void> = Promise.resolve();

  constructor(opts: DriftLoopOptions) {
    this.o = withDefaults(DRIFT_LOOP_DEFAULTS, opts);
    if (!(this.o.candidateWeight > 0 && this.o.candidateWeight < 100))
      throw new RangeError('candidateWeight must be in (0, 100)');
    this.incumbent = opts.incumbent;
    this.monitor = new DriftMonitor(opts.monitor);
    if ((opts.baselineRows ?? 0) > 0) this.st = 'baseline';
  }

  get state(): LoopState {
    return this.st;
  }

  /** record an event that happened outside the loop (e.g. the generator's drift onset, ground truth) */
  mark(kind: LoopEventKind, detail: string, t = this.o.now()): void {
    this.emit({ t, kind, detail });
  }

  timeline(): LoopEvent[] {
    return [...this.events].sort((a, b) => a.t - b.t);
  }

  /** resolves when no retraining is in flight (teardown awaits it) */
  idle(): Promise<void> {
    return this.pending;
  }

  /** rows the processor scored, and their scores (same order) */
  observe(rows: readonly ScoringInput[], scores: ArrayLike<number>): void {
    const t = this.o.now();
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      const score = scores[i]!;
      if (this.st === 'baseline') {
        if (labelled(r)) this.buf.push(r);
        if (this.buf.length >= this.o.baselineRows!) this.trainBaseline();
      } else if (this.st === 'watching') {
        if (this.aucReference === null && labelled(r)) this.refRows.push(r);
        const alert = this.monitor.observe({ amount: r.transaction.amount, score }, t);
        if (this.aucReference === null && this.monitor.stats().observations >= this.monitor.options.referenceSize)
          this.closeReference();
        if (alert) {
          this.alerts.push(alert);
          this.emit({
            t,
            kind: 'detection',
            detail:
              `${alert.detector} alarm on ${alert.signal}, confirmed by KS (D ` +
              `${alert.statistic.toFixed(3)}, p ${alert.pvalue.toExponential(2)})`,
          });
          this.st = 'collecting';
          this.buf = [];
        }
      } else if (this.st === 'collecting' || this.st === 'evaluating') {
        if (labelled(r)) this.buf.push(r);
        if (this.st === 'collecting' && this.buf.length >= this.o.trainRows) this.startTraining();
        else if (this.st === 'evaluating' && this.buf.length >= this.o.evalRows) this.evaluate();
      }
      // 'training' (and the baseline's training): rows pass by; the candidate is evaluated on rows that arrive after
      // its rollout
    }
  }

  report(): DriftLoopReport {
    const m = this.monitor.options;
    return {
      state: this.st,
      incumbent: this.incumbent.version,
      timeline: this.timeline(),
      alerts: [...this.alerts],
      monitor: {
        ...this.monitor.stats(),
        detector: m.detector,
        signals: [...m.signals],
        referenceSize: m.referenceSize,
        recentSize: m.recentSize,
        pvalue: m.pvalue,
      },
      aucReference: this.aucReference,
      lastEvaluation: this.last,
      settings: {
        trainRows: this.o.trainRows,
        evalRows: this.o.evalRows,
        candidateWeight: this.o.candidateWeight,
        minAucGain: this.o.minAucGain,
      },
      labels: "the generator's isFraud, used as delayed ground truth",
    };
  }

  private emit(e: LoopEvent): void {
    this.events.push(e);
    this.o.onEvent?.(e);
  }

  private closeReference(): void {
    const auc = rocAuc(
      this.incumbent.predict(this.refRows),
      this.refRows.map((r) => r.transaction.isFraud),
    );
    this.aucReference = Number.isFinite(auc) ? auc : null;
    this.refRows = [];
  }

  private trainBaseline(): void {
    this.st = 'training';
    const rows = this.buf.map((r) => r.transaction);
    this.buf = [];
    const version = 'baseline';
    this.pending = this.o
      .train(rows, version)
      .then((model) => {
        this.o.host.addVersion(model.version, model);
        this.o.host.setRoutes([{ version: model.version, weight: 100 }]);
        this.emit({
          t: this.o.now(),
          kind: 'baseline',
          detail:
            `${model.version} trained on the first ${rows.length} labelled transactions ` +
            `(${rows.filter((t) => t.isFraud).length} fraud) takes 100 % from ${this.incumbent.version}`,
          version: model.version,
        });
        this.incumbent = model;
        this.restart();
      })
      .catch((e: unknown) => {
        this.emit({
          t: this.o.now(),
          kind: 'retrain-failed',
          detail: `baseline: ${(e as Error).message}; ${this.incumbent.version} stays`,
          version,
        });
        this.restart();
      });
  }

  private startTraining(): void {
    this.st = 'training';
    const rows = this.buf.map((r) => r.transaction);
    this.buf = [];
    const version = (this.o.versionName ?? ((n: number) => `drift-${n}`))(++this.trained);
    const fraud = rows.filter((t) => t.isFraud).length;
    this.emit({
      t: this.o.now(),
      kind: 'retrain-start',
      detail: `${rows.length} labelled transactions after the alert (${fraud} fraud)`,
      version,
    });
    this.pending = this.o
      .train(rows, version)
      .then((model) => {
        this.emit({ t: this.o.now(), kind: 'retrain-end', detail: `trained ${model.version}`, version: model.version });
        this.o.host.addVersion(model.version, model);
        const w = this.o.candidateWeight;
        this.o.host.setRoutes([
          { version: this.incumbent.version, weight: 100 - w },
          { version: model.version, weight: w },
        ]);
        this.candidate = model;
        this.emit({
          t: this.o.now(),
          kind: 'candidate-rollout',
          detail: `${this.incumbent.version} ${100 - w} % / ${model.version} ${w} %`,
          version: model.version,
        });
        this.st = 'evaluating';
      })
      .catch((e: unknown) => {
        this.emit({ t: this.o.now(), kind: 'retrain-failed', detail: (e as Error).message, version });
        this.restart();
      });
  }

  private evaluate(): void {
    const cand = this.candidate!;
    const rows = this.buf;
    this.buf = [];
    const labels = rows.map((r) => r.transaction.isFraud);
    const aucInc = rocAuc(this.incumbent.predict(rows), labels);
    const aucCand = rocAuc(cand.predict(rows), labels);
    const auc = { incumbent: aucInc, candidate: aucCand };
    const fraud = labels.filter(Boolean).length;
    this.emit({
      t: this.o.now(),
      kind: 'evaluation',
      detail:
        `${rows.length} labelled transactions after the rollout (${fraud} fraud): AUC ` +
        `${this.incumbent.version} ${fmt(aucInc)}, ${cand.version} ${fmt(aucCand)}`,
      version: cand.version,
      auc,
    });
    const promote = Number.isFinite(aucCand) && (!Number.isFinite(aucInc) || aucCand > aucInc + this.o.minAucGain);
    this.last = { incumbent: aucInc, candidate: aucCand, candidateVersion: cand.version, promoted: promote };
    if (promote) {
      this.o.host.setRoutes([{ version: cand.version, weight: 100 }]);
      this.emit({
        t: this.o.now(),
        kind: 'promotion',
        detail: `${cand.version} takes 100 % (AUC ${fmt(aucCand)} > ${fmt(aucInc)} + ${this.o.minAucGain})`,
        version: cand.version,
        auc,
      });
      this.incumbent = cand;
    } else {
      this.o.host.setRoutes([{ version: this.incumbent.version, weight: 100 }]);
      this.emit({
        t: this.o.now(),
        kind: 'rollback',
        detail:
          `${this.incumbent.version} keeps 100 % (${cand.version} AUC ${fmt(aucCand)} does not beat ` +
          `${fmt(aucInc)} + ${this.o.minAucGain})`,
        version: cand.version,
        auc,
      });
    }
    this.restart();
  }

  private restart(): void {
    this.candidate = undefined;
    this.buf = [];
    this.st = 'watching';
    this.monitor.reset();
  }
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(3) : 'n/a';
}
