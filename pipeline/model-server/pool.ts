/**
 * The model server's scoring core, without HTTP: the loaded versions, the A/B router, and per
 * version a micro-batcher feeding the model and a circuit breaker that answers with the rules
 * when the model fails or is too slow. `predict` is the path /predict takes.
 */
import type { FraudModel } from '../model/inference.ts';
import type { Prediction, ScoringInput } from '../types.ts';
import { PipelabError } from '../../errors.ts';
import { MicroBatcher, type Timers } from './batcher.ts';
import { BREAKER_STATE_VALUE, CircuitBreaker, type BreakerOptions } from './breaker.ts';
import type { ServerMetrics } from './metrics.ts';
import { AbRouter, type RouteWeight } from './router.ts';
import { rulesPrediction } from './rules.ts';

export interface ModelFaults {
  /** extra latency added to every inference batch (ms) */
  delayMs: number;
  /** every inference batch throws */
  fail: boolean;
  /** extra latency per /predict request, drawn per request (ms); a slow server, not a slow model */
  delay?: () => number;
  /** share of /predict requests answered 503 (every 1/share-th, evenly spread) */
  errorShare: number;
}

export interface PoolOptions {
  batchSize: number;
  maxWaitMs: number;
  breaker?: BreakerOptions;
  timers?: Timers;
}

/** a transaction scored once per model before it serves: the first call pays for wasm kernel set-up */
const WARMUP_ROW: ScoringInput = {
  transaction: {
    id: 'warmup',
    userId: 'warmup',
    deviceId: 'd',
    merchantId: 'm',
    amount: 10,
    currency: 'EUR',
    country: 'DE',
    channel: 'online',
    eventTime: 0,
  },
  features: { user_transaction_count_1h: 1, user_avg_transaction_amount_24h: 10, user_device_risk_score: 0 },
};

export class ModelPool {
  /** sorted; the same array grows as versions are added */
  readonly versions: string[];
  readonly faults: ModelFaults = { delayMs: 0, fail: false, errorShare: 0 };
  readonly breakers = new Map<string, CircuitBreaker>();
  readonly batchers = new Map<string, MicroBatcher<ScoringInput, number>>();
  private router: AbRouter;
  private current: RouteWeight[];

  constructor(
    private readonly models: Map<string, FraudModel>,
    routes: RouteWeight[] | undefined,
    private readonly o: PoolOptions,
    private readonly metrics: ServerMetrics,
  ) {
    this.versions = [...models.keys()].sort();
    if (this.versions.length === 0) throw new RangeError('startModelServer needs at least one model version');
    // one forward pass per model before listening: it should not land on a user's request (or
    // trip the breaker's timeout)
    for (const m of models.values()) this.warmUp(m);
    this.current = routes ?? [{ version: this.versions[this.versions.length - 1]!, weight: 1 }];
    this.checkRoutes(this.current);
    this.router = new AbRouter(this.current);
    for (const [v, model] of models) this.register(v, model);
  }

  get routes(): RouteWeight[] {
    return this.current;
  }

  model(version: string): FraudModel | undefined {
    return this.models.get(version);
  }

  async predict(xs: ScoringInput[]): Promise<Prediction[]> {
    // rows grouped by routed version (one group unless A/B routes split the request)
    const groups = new Map<string, number[]>();
    for (let i = 0; i < xs.length; i++) {
      const v = this.router.route(xs[i]!.transaction.userId);
      const g = groups.get(v);
      if (g) g.push(i);
      else groups.set(v, [i]);
    }
    if (groups.size === 1) {
      const [v] = groups.keys();
      return this.predictGroup(v as string, xs);
    }
    const out = new Array<Prediction>(xs.length);
    await Promise.all(
      [...groups].map(async ([v, idx]) => {
        const ps = await this.predictGroup(
          v,
          idx.map((i) => xs[i]!),
        );
        for (let k = 0; k < idx.length; k++) out[idx[k]!] = ps[k]!;
      }),
    );
    return out;
  }

  addVersion(v: string, model: FraudModel): void {
    if (this.models.has(v)) throw new RangeError(`model version "${v}" is already loaded`);
    this.warmUp(model);
    this.models.set(v, model);
    this.versions.push(v);
    this.versions.sort();
    this.register(v, model);
  }

  setRoutes(rs: RouteWeight[]): void {
    this.checkRoutes(rs);
    this.router = new AbRouter(rs);
    this.current = rs.map((r) => ({ ...r }));
  }

  private warmUp(m: FraudModel): void {
    m.predict(Array.from({ length: this.o.batchSize }, () => WARMUP_ROW));
  }

  private checkRoutes(rs: RouteWeight[]): void {
    const have = this.versions.join(', ');
    for (const r of rs)
      if (!this.models.has(r.version))
        throw new PipelabError(
          'INVALID_ARGUMENT',
          `model route names version "${r.version}", which is not loaded (have ${have})`,
          {
            hint: `route to loaded versions only (${have}): target.routes in a scenario, --routes for serve-model`,
          },
        );
  }

  /** a version's breaker and batcher; the batcher runs the model with the injected faults */
  private register(v: string, model: FraudModel): void {
    const { o, metrics, faults } = this;
    const b = new CircuitBreaker({
      ...o.breaker,
      timers: o.breaker?.timers ?? o.timers,
      onStateChange: (_f, to) => metrics.breakerState.set({ version: v }, BREAKER_STATE_VALUE[to]),
    });
    metrics.breakerState.set({ version: v }, 0);
    this.breakers.set(v, b);
    this.batchers.set(
      v,
      new MicroBatcher<ScoringInput, number>({
        maxBatch: o.batchSize,
        maxWaitMs: o.maxWaitMs,
        timers: o.timers,
        onBatch: (n) => metrics.batchSize.observe({ version: v }, n),
        run: async (items) => {
          if (faults.delayMs > 0) await new Promise((r) => setTimeout(r, faults.delayMs));
          if (faults.fail) throw new Error('model unavailable (fault injected)');
          const end = metrics.inferenceSeconds.startTimer({ version: v });
          const scores = model.predict(items);
          end();
          return Array.from(scores);
        },
      }),
    );
  }

  /**
   * one version's share of a request: its rows into the version's batcher, through its breaker as
   * one group (one timer for the group, each row still its own call); counters once per label
   */
  private async predictGroup(v: string, xs: ScoringInput[]): Promise<Prediction[]> {
    const model = this.models.get(v)!;
    const batcher = this.batchers.get(v)!;
    const why = { open: 0, error: 0, timeout: 0 };
    const out = await this.breakers.get(v)!.execMany<Prediction>(
      xs.length,
      (i, settle) => {
        const x = xs[i]!;
        batcher.push(x, (ok, score) => {
          if (!ok) return settle(false);
          const s = score as number;
          settle(true, {
            id: x.transaction.id,
            score: s,
            fraud: s >= model.threshold,
            source: 'model',
            modelVersion: v,
            threshold: model.threshold,
          });
        });
      },
      (i, reason) => {
        why[reason]++;
        return rulesPrediction(xs[i]!, v);
      },
    );
    let rules = 0;
    for (const reason of ['open', 'error', 'timeout'] as const) {
      if (why[reason]) this.metrics.fallbacks.inc({ version: v, reason }, why[reason]);
      rules += why[reason];
    }
    if (rules) this.metrics.predictions.inc({ source: 'rules', version: v }, rules);
    if (out.length > rules) this.metrics.predictions.inc({ source: 'model', version: v }, out.length - rules);
    return out;
  }
}
