/**
 * The pipeline target's drift-loop hook (`target.driftLoop`): builds a DriftLoop on the embedded
 * model server, taps the processors' scorer (every scored chunk goes to the loop), marks the
 * generator's drift onsets (ground truth, by event index) on the loop's timeline as they are
 * produced, and counts `drift_alerts` / `model_rollouts` / `model_promotions` / `model_rollbacks`
 * in the run's metrics so thresholds can check the loop.
 */
import type { MetricsRegistry } from '../../metrics/api.ts';
import { PipelabError } from '../../../errors.ts';
import type { DriftTruth } from '../../../generators/drift-hooks.ts';
import { DriftLoop, type DriftLoopReport } from '../../../pipeline/drift/loop.ts';
import { fraudRetrainer } from '../../../pipeline/drift/retrain.ts';
import type { ModelServer } from '../../../pipeline/model-server/server.ts';
import type { FraudModel } from '../../../pipeline/model/inference.ts';
import type { Scorer } from '../../../pipeline/processor/index.ts';

export interface DriftLoopConfig {
  detector?: 'adwin' | 'page-hinkley';
  signals?: ('amount' | 'score')[];
  referenceSize?: number;
  recentSize?: number;
  pvalue?: number;
  baselineRows?: number;
  trainRows?: number;
  evalRows?: number;
  epochs?: number;
  candidateWeight?: number;
  minAucGain?: number;
}

export interface DriftLoopHandle {
  loop: DriftLoop;
  /** the scorer the processors use: the model client, with every scored chunk fed to the loop */
  tap(scorer: Scorer): Scorer;
  /** call once per generated transaction (marks drift onsets when their index is reached) */
  generated(nowMs: number): void;
  idle(): Promise<void>;
  report(): DriftLoopReport;
}

const COUNTERS: Record<string, string> = {
  detection: 'drift_alerts',
  'candidate-rollout': 'model_rollouts',
  promotion: 'model_promotions',
  rollback: 'model_rollbacks',
};

export function startDriftLoop(
  c: DriftLoopConfig,
  o: { server?: ModelServer; metrics: MetricsRegistry; now: () => number; drifts: readonly DriftTruth[] },
): DriftLoopHandle {
  const server = o.server;
  if (!server) {
    throw new PipelabError(
      'INVALID_SCENARIO',
      'target.driftLoop needs the embedded model server (it adds candidate versions and changes routes at run time)',
      {
        hint: 'leave --model-server / PIPELAB_MODEL_SERVER unset, or use --model-server-mode embedded',
      },
    );
  }
  const routes = server.routes();
  const top = [...routes].sort((a, b) => b.weight - a.weight)[0]!;
  const incumbent = server.model(top.version)!;
  const loop = new DriftLoop({
    incumbent,
    host: { addVersion: (v, m) => server.addVersion(v, m as FraudModel), setRoutes: (r) => server.setRoutes(r) },
    train: fraudRetrainer({ epochs: c.epochs }),
    now: o.now,
    monitor: {
      detector: c.detector,
      signals: c.signals,
      referenceSize: c.referenceSize,
      recentSize: c.recentSize,
      pvalue: c.pvalue,
    },
    baselineRows: c.baselineRows,
    trainRows: c.trainRows,
    evalRows: c.evalRows,
    candidateWeight: c.candidateWeight,
    minAucGain: c.minAucGain,
    onEvent: (e) => {
      const name = COUNTERS[e.kind];
      if (name) o.metrics.counter(name).add(1, e.t);
    },
  });
  // drift onsets by event index (unit 'time' refers to the generator's own clock, which the target overrides)
  const onsets = new Map<number, DriftTruth[]>();
  for (const d of o.drifts) if (d.unit !== 'time') onsets.set(d.onset, [...(onsets.get(d.onset) ?? []), d]);
  let produced = 0;
  return {
    loop,
    tap: (scorer) => ({
      async predict(instances) {
        const preds = await scorer.predict(instances);
        loop.observe(
          instances,
          preds.map((p) => p.score),
        );
        return preds;
      },
    }),
    generated(nowMs) {
      const ds = onsets.get(produced++);
      if (ds)
        loop.mark(
          'drift-onset',
          `generator drift at event ${produced - 1}: ` +
            `${ds.map((d) => `${d.param} ${d.op ?? 'set'} ${JSON.stringify(d.value)}`).join('; ')}`,
          nowMs,
        );
    },
    idle: () => loop.idle(),
    report: () => loop.report(),
  };
}
