/**
 * The pipeline as a discrete-event model. One event queue (heap.ts), one simulated clock (ms),
 * typed arrays for every record in flight (no object per record), queues that hold only what is
 * waiting: memory follows backlog and in-flight work, never the simulated duration.
 *
 * Path of one record: arrival (producer, key by Zipf, partition by key hash) → partition log →
 * the consumer instance owning the partition fetches it (≤ maxInFlight per instance; during a
 * rebalance nobody fetches) → CPU processing on one of the instance's cores → feature lookup
 * (hit or miss latency) → model-server queue, taken in micro-batches (batchSize, or sooner once
 * the oldest has waited maxWaitMs) by a free replica → sink write → done (offset committed).
 * Autoscaling controllers (HPA / KEDA) sync on their own periods against the model's metrics,
 * and their replicas take work only after the start-up delay.
 */
import { Rng } from '../../generators/rng.ts';
import { Hpa, type HpaSpec } from './autoscale/hpa.ts';
import { KedaKafkaScaler, type KafkaPartitionOffsets } from './autoscale/keda.ts';
import { ReplicaGroup } from './autoscale/replicas.ts';
import type { ScaleDecision } from './autoscale/types.ts';
import { PipelabError } from '../../errors.ts';
import type { TimePoint } from '../../results/types.ts';
import { createZipf } from '../../generators/zipf.ts';
import { toArrivalProcess, type ArrivalProcess } from './arrivals.ts';
import type { ResolvedConfig } from './config.ts';
import { sampler } from './dist.ts';
import { EventQueue } from './heap.ts';
import { createRegistry } from '../metrics/index.ts';
import type { MetricData, ThresholdResult } from '../../results/types.ts';
import type { CompiledThresholds } from '../thresholds/api.ts';
import { partitionOf } from './keys.ts';
import { NumberFifo } from './ring.ts';

const ARRIVAL = 0,
  CPU_DONE = 1,
  FEAT_DONE = 2,
  FLUSH = 3,
  BATCH_DONE = 4,
  SINK_DONE = 5,
  TICK = 6,
  REBALANCE_DONE = 7,
  POD_READY = 8,
  SYNC = 9,
  KEDA_POLL = 10,
  END = 11;
export const GROUPS = ['consumers', 'modelServers', 'featureStore'] as const;
export type GroupName = (typeof GROUPS)[number];
const G_CONS = 0,
  G_MODEL = 1,
  G_FEAT = 2;

export interface ReplicaChange {
  t: number;
  group: GroupName;
  replicas: number;
  ready: number;
}

export interface ModelOutput {
  /** the registry's snapshot: e2e_latency, stage_*, events_processed/generated, gauges */
  metrics: Record<string, MetricData>;
  /** the registry's per-second points */
  points: TimePoint[];
  /** the hooks' thresholds evaluated on the registry at the end (empty without) */
  thresholdResults: ThresholdResult[];
  /** set when an abortOnFail threshold stopped the run (at atMs, a whole second) */
  abortedBy?: { threshold: ThresholdResult; atMs: number };
  generated: number;
  processed: number;
  backlog: number;
  inFlight: number;
  maxLag: number;
  replicaTimeline: ReplicaChange[];
  /** replica-seconds per group over the whole run (for cost) */
  replicaSeconds: Record<GroupName, number>;
  decisions: ScaleDecision[];
  decisionsDropped: number;
  rebalances: number;
  eventsProcessed: number;
  peakPendingEvents: number;
  /** micro-batches run by the model servers */
  modelBatches: { count: number; meanSize: number; full: number };
}

interface Controller {
  kind: 'hpa' | 'keda';
  group: number;
  hpa?: Hpa;
  keda?: KedaKafkaScaler;
  // cumulative counters at the previous sync
  lastT: number;
  lastCpu: number;
  lastModelSum: number;
  lastModelN: number;
  lastLookups: number;
  lastMisses: number;
}

export interface ModelHooks {
  /** called after each simulated second is closed (t = ms since start); for probes and progress */
  onTick?: (tMs: number) => void;
  /** compiled thresholds: prepared on the model's registry, checked every simulated second, evaluated at the end */
  thresholds?: CompiledThresholds;
}

export function runModel(cfg: ResolvedConfig, hooks: ModelHooks = {}): ModelOutput {
  const root = new Rng(cfg.seed);
  const rArr = root.fork('arrivals'),
    rKeys = root.fork('keys'),
    rProc = root.fork('process'),
    rFeat = root.fork('features'),
    rModel = root.fork('model'),
    rSink = root.fork('sink');
  const arrivals: ArrivalProcess = toArrivalProcess(cfg.arrivals, rArr);
  const zipf = createZipf(cfg.keys.count, cfg.keys.zipfS);
  const keyCount = cfg.keys.count;
  const P = cfg.partitions;
  const C = cfg.consumers,
    F = cfg.featureStore,
    M = cfg.modelServer;
  const sProc = sampler(C.process, '/consumers/process'),
    sHit = sampler(F.hit, '/featureStore/hit'),
    sMiss = sampler(F.miss, '/featureStore/miss');
  const sBatch = sampler(M.batch, '/modelServer/batch'),
    sSink = sampler(cfg.sink.write, '/sink/write');
  const strict = cfg.keyOrdering === 'strict';
  let end = cfg.durationMs;
  const warm = cfg.warmupMs;

  // --- autoscaling setup: groups, controllers -----------------------------------------------
  const groups = [
    new ReplicaGroup('consumers', C.replicas, C.startupDelayMs),
    new ReplicaGroup('modelServers', M.replicas, M.startupDelayMs),
    new ReplicaGroup('featureStore', F.replicas, F.startupDelayMs),
  ];
  const maxRep = [C.maxReplicas, M.maxReplicas, F.maxReplicas];
  const controllers: Controller[] = [];
  const groupIndex = (g: string): number => {
    const i = g === 'processors' ? G_CONS : GROUPS.indexOf(g as GroupName);
    if (i < 0)
      throw new PipelabError('INVALID_SCENARIO', `unknown autoscaling group ${JSON.stringify(g)}`, {
        issues: [
          {
            path: '/autoscaling/policies',
            message: `group must be one of consumers (alias processors), modelServers, featureStore`,
          },
        ],
      });
    return i;
  };
  const byGroup = new Map<number, HpaSpec[]>();
  // start-up delay per triggering metric: a scale-out takes the delay of the rule whose proposal
  // won (the seed table gives each rule its own scale-out time, even where two rules share a group)
  const delayByMetric = new Map<string, number>();
  for (const p of cfg.autoscaling?.policies ?? []) {
    const g = groupIndex(p.group);
    byGroup.set(g, [...(byGroup.get(g) ?? []), p.hpa]);
    for (const m of p.hpa.metrics) delayByMetric.set(`${g}/${m.name}`, p.startupDelayMs);
    if (byGroup.get(g)!.length === 1) groups[g]!.startupDelayMs = p.startupDelayMs;
  }
  const blank = { lastT: 0, lastCpu: 0, lastModelSum: 0, lastModelN: 0, lastLookups: 0, lastMisses: 0 };
  if (cfg.autoscaling?.keda) {
    if (byGroup.has(G_CONS))
      throw new PipelabError('INVALID_SCENARIO', 'both a KEDA scaler and an HPA policy scale the consumers', {
        issues: [
          {
            path: '/autoscaling/keda',
            message: 'KEDA owns the consumers HPA; drop the consumers/processors policy or the keda block',
          },
        ],
      });
    controllers.push({
      kind: 'keda',
      group: G_CONS,
      keda: new KedaKafkaScaler({ maxReplicaCount: C.maxReplicas, target: 'consumers', ...cfg.autoscaling.keda }),
      ...blank,
    });
  }
  for (const [g, specs] of byGroup) {
    const merged: HpaSpec = {
      ...specs[0]!,
      name: specs.map((s) => s.name ?? 'hpa').join(' + '),
      target: GROUPS[g],
      maxReplicas: Math.min(maxRep[g]!, Math.max(...specs.map((s) => s.maxReplicas))),
      metrics: specs.flatMap((s) => s.metrics),
    };
    controllers.push({ kind: 'hpa', group: g, hpa: new Hpa(merged), ...blank });
  }

  // --- state -----------------------------------------------------------------------------------
  const q = new EventQueue(1024);
  const pTime: NumberFifo[] = [],
    pKey: NumberFifo[] = [];
  for (let p = 0; p < P; p++) {
    pTime.push(new NumberFifo(64));
    pKey.push(new NumberFifo(64));
  }
  const logEnd = new Float64Array(P),
    completed = new Float64Array(P);
  const keyBusy = new Uint8Array(strict ? keyCount : 0);

  // in-flight records
  let cap = 1024;
  let sIntended = new Float64Array(cap),
    sStage = new Float64Array(cap);
  let sKey = new Int32Array(cap),
    sPart = new Int32Array(cap),
    sCons = new Int32Array(cap);
  let free = new Int32Array(cap),
    nFree = 0,
    nSlots = 0;
  const alloc = (): number => {
    if (nFree > 0) return free[--nFree]!;
    if (nSlots === cap) {
      cap *= 2;
      const g64 = (a: Float64Array) => {
        const b = new Float64Array(cap);
        b.set(a);
        return b;
      };
      const g32 = (a: Int32Array) => {
        const b = new Int32Array(cap);
        b.set(a);
        return b;
      };
      sIntended = g64(sIntended);
      sStage = g64(sStage);
      sKey = g32(sKey);
      sPart = g32(sPart);
      sCons = g32(sCons);
      free = g32(free);
    }
    return nSlots++;
  };
  const release = (s: number): void => {
    free[nFree++] = s;
  };

  // consumers
  const CM = C.maxReplicas;
  const inFlight = new Int32Array(CM),
    busyCores = new Int32Array(CM),
    rr = new Int32Array(CM);
  const cpuQ: NumberFifo[] = Array.from({ length: CM }, () => new NumberFifo(64));
  let assigned: number[][] = Array.from({ length: CM }, () => []);
  const owner = new Int32Array(P).fill(-1);
  let activeConsumers = 0,
    paused = false,
    generation = 0,
    rebalances = 0;
  let totalBusyCores = 0,
    cpuArea = 0,
    lastCpuT = 0;
  const cpuChange = (t: number, d: number): void => {
    cpuArea += totalBusyCores * (t - lastCpuT);
    lastCpuT = t;
    totalBusyCores += d;
  };

  // feature store
  let hitRate = 0;
  const setHitRate = (): void => {
    hitRate = Math.min(
      F.maxHitRate,
      F.hitRate + F.hitRatePerExtraReplica * Math.max(0, groups[G_FEAT]!.ready(now) - 1),
    );
  };
  let lookups = 0,
    misses = 0;

  // model servers
  const MM = M.maxReplicas,
    B = M.batchSize;
  const modelQ = new NumberFifo(256);
  const mBusy = new Uint8Array(MM),
    batchLen = new Int32Array(MM),
    batchSlots = new Int32Array(MM * B);
  let activeModel = 0,
    flushAt = -1,
    busyModel = 0,
    modelArea = 0,
    lastModelT = 0;
  const modelChange = (t: number, d: number): void => {
    modelArea += busyModel * (t - lastModelT);
    lastModelT = t;
    busyModel += d;
  };
  let modelSum = 0,
    modelN = 0,
    batches = 0,
    batchItems = 0,
    fullBatches = 0;

  // metrics
  // the same registry live runs record into (harness/metrics): HDR trends, per-second points
  const reg = createRegistry({ warmupMs: warm });
  const e2e = reg.trend('e2e_latency');
  const cGen = reg.counter('events_generated'),
    cDone = reg.counter('events_processed');
  const gauges = [
    'consumer_lag',
    'replicas_consumers',
    'ready_consumers',
    'replicas_modelServers',
    'replicas_featureStore',
    'cpu_utilisation',
    'model_utilisation',
    'cache_hit_rate',
    'arrival_rate',
  ].map((n) => reg.gauge(n));
  const stageNames = ['stage_queue', 'stage_process', 'stage_features', 'stage_inference', 'stage_sink'];
  const [hQueue, hProc, hFeat, hInf, hSink] = stageNames.map((n) => (cfg.stageHistograms ? reg.trend(n) : undefined));
  // thresholds read this registry exactly as in a live run (sub-metrics, sliding windows)
  hooks.thresholds?.prepare(reg);
  let generated = 0,
    processed = 0,
    secDone = 0,
    secGen = 0,
    maxLag = 0;
  let lastTickCpu = 0,
    lastTickModel = 0;
  const timeline: ReplicaChange[] = [];
  const decisions: ScaleDecision[] = [];
  let decisionsDropped = 0;
  const replicaSeconds: Record<GroupName, number> = { consumers: 0, modelServers: 0, featureStore: 0 };
  let lastRepT = 0;
  const accrueReplicas = (t: number): void => {
    for (let g = 0; g < 3; g++) replicaSeconds[GROUPS[g]!] += (groups[g]!.replicas * (t - lastRepT)) / 1000;
    lastRepT = t;
  };

  let now = 0;

  // --- behaviour -------------------------------------------------------------------------------
  const assign = (n: number): void => {
    // range assignor: contiguous partition ranges, the first (P mod n) consumers get one more
    assigned = Array.from({ length: CM }, () => []);
    owner.fill(-1);
    if (n === 0) return;
    const per = Math.floor(P / n),
      extra = P % n;
    let p = 0;
    for (let c = 0; c < n; c++) {
      const k = per + (c < extra ? 1 : 0);
      for (let i = 0; i < k; i++) {
        owner[p] = c;
        assigned[c]!.push(p++);
      }
      rr[c] = 0;
    }
  };

  const startCpu = (c: number, s: number): void => {
    busyCores[c]!++;
    cpuChange(now, 1);
    q.push(now + sProc.sample(rProc), CPU_DONE, s);
  };

  const dispatch = (c: number): void => {
    if (paused || c >= activeConsumers) return;
    const parts = assigned[c]!;
    const np = parts.length;
    if (np === 0) return;
    while (inFlight[c]! < C.maxInFlight) {
      let took = false;
      for (let k = 0; k < np; k++) {
        const idx = (rr[c]! + k) % np;
        const p = parts[idx]!;
        const ft = pTime[p]!;
        if (ft.size === 0) continue;
        if (strict && keyBusy[pKey[p]!.peek()]) continue;
        const t0 = ft.shift();
        const key = pKey[p]!.shift();
        const s = alloc();
        sIntended[s] = t0;
        sKey[s] = key;
        sPart[s] = p;
        sCons[s] = c;
        sStage[s] = now;
        if (strict) keyBusy[key] = 1;
        if (hQueue) hQueue.add(now - t0, now);
        inFlight[c]!++;
        if (busyCores[c]! < C.cores) startCpu(c, s);
        else cpuQ[c]!.push(s);
        rr[c] = idx + 1 === np ? 0 : idx + 1;
        took = true;
        break;
      }
      if (!took) return;
    }
  };

  const tryModel = (): void => {
    while (modelQ.size > 0) {
      let r = -1;
      for (let i = 0; i < activeModel; i++)
        if (!mBusy[i]) {
          r = i;
          break;
        }
      if (r < 0) break;
      if (modelQ.size < B && now - sStage[modelQ.peek()]! < M.maxWaitMs - 1e-9) break;
      const n = modelQ.size < B ? modelQ.size : B;
      for (let i = 0; i < n; i++) batchSlots[r * B + i] = modelQ.shift();
      batchLen[r] = n;
      batches++;
      batchItems += n;
      if (n === B) fullBatches++;
      mBusy[r] = 1;
      modelChange(now, 1);
      q.push(now + sBatch.sample(rModel) + M.perItemMs * n, BATCH_DONE, r);
    }
    if (modelQ.size > 0) {
      const due = sStage[modelQ.peek()]! + M.maxWaitMs;
      if (due > now && (flushAt < 0 || flushAt > due)) {
        flushAt = due;
        q.push(due, FLUSH, 0);
      }
    }
  };

  const record = (d: ScaleDecision): void => {
    if (
      d.final === d.current &&
      d.recommendation === d.current &&
      /within tolerance|inactive at min|active: the HPA/.test(d.reason)
    )
      return; // steady state: not logged
    if (decisions.length < cfg.maxDecisions) decisions.push(d);
    else decisionsDropped++;
  };

  const lastNote: (ReplicaChange | undefined)[] = [undefined, undefined, undefined];
  const noteReplicas = (g: number): void => {
    const e: ReplicaChange = { t: now, group: GROUPS[g]!, replicas: groups[g]!.replicas, ready: groups[g]!.ready(now) };
    const last = lastNote[g];
    if (last && last.replicas === e.replicas && last.ready === e.ready) return;
    if (last && last.t === e.t) {
      last.replicas = e.replicas;
      last.ready = e.ready;
      return;
    }
    lastNote[g] = e;
    timeline.push(e);
  };

  const onReady = (g: number): void => {
    const ready = groups[g]!.ready(now);
    if (g === G_CONS) {
      if (Math.min(ready, CM) !== activeConsumers) {
        // membership changed: the group stops fetching for the rebalance, then reassigns
        paused = true;
        rebalances++;
        generation++;
        activeConsumers = Math.min(ready, CM);
        q.push(now + C.rebalancePauseMs, REBALANCE_DONE, generation);
      }
    } else if (g === G_MODEL) {
      activeModel = Math.min(ready, MM);
      tryModel();
    } else setHitRate();
  };

  const scale = (g: number, target: number, metric?: string): void => {
    const delay = metric === undefined ? undefined : delayByMetric.get(`${g}/${metric}`);
    if (delay !== undefined) groups[g]!.startupDelayMs = delay;
    const cur = groups[g]!.replicas;
    const n = Math.max(0, Math.min(target, maxRep[g]!));
    if (n === cur) return;
    accrueReplicas(now);
    const added = groups[g]!.scaleTo(n, now);
    for (const t of added) q.push(t, POD_READY, g);
    noteReplicas(g);
    if (n < cur || added.some((t) => t <= now)) onReady(g);
  };

  const partitionOffsets = (): KafkaPartitionOffsets[] => {
    const out: KafkaPartitionOffsets[] = [];
    for (let p = 0; p < P; p++) out.push({ latest: logEnd[p]!, committed: completed[p]! });
    return out;
  };
  const totalLag = (): number => {
    let l = 0;
    for (let p = 0; p < P; p++) l += logEnd[p]! - completed[p]!;
    return l;
  };

  const syncHpa = (ctl: Controller): void => {
    cpuChange(now, 0);
    const dt = now - ctl.lastT;
    const g = groups[ctl.group]!;
    const cores = activeConsumers * C.cores;
    const cpu = dt > 0 && cores > 0 ? ((cpuArea - ctl.lastCpu) / (dt * cores)) * 100 : undefined;
    const mN = modelN - ctl.lastModelN;
    const modelMs = mN > 0 ? (modelSum - ctl.lastModelSum) / mN : undefined;
    const lk = lookups - ctl.lastLookups;
    const missPct = lk > 0 ? ((misses - ctl.lastMisses) / lk) * 100 : undefined;
    ctl.lastT = now;
    ctl.lastCpu = cpuArea;
    ctl.lastModelN = modelN;
    ctl.lastModelSum = modelSum;
    ctl.lastLookups = lookups;
    ctl.lastMisses = misses;
    const lag = totalLag();
    if (ctl.kind === 'keda') {
      const d = ctl.keda!.sync(now, g.replicas, partitionOffsets());
      ctl.keda!.log.length = 0;
      ctl.keda!.hpa.log.length = 0;
      if (d) {
        record(d);
        scale(ctl.group, d.final);
      }
      return;
    }
    const perPod: Record<string, number | undefined> = { cpu, model_response_ms: modelMs };
    const d = ctl.hpa!.decide({
      nowMs: now,
      currentReplicas: g.replicas,
      pods: g.pods(now, perPod),
      external: { consumer_lag: lag, cache_miss_pct: missPct },
    });
    ctl.hpa!.log.length = 0; // the model keeps its own capped list (memory stays flat)
    record(d);
    scale(ctl.group, d.final, d.metric);
  };

  // --- run -------------------------------------------------------------------------------------
  for (let g = 0; g < 3; g++) noteReplicas(g);
  activeConsumers = Math.min(groups[G_CONS]!.ready(0), CM);
  assign(activeConsumers);
  activeModel = Math.min(groups[G_MODEL]!.ready(0), MM);
  setHitRate();
  const first = arrivals.next();
  if (first < end) q.push(first, ARRIVAL, 0);
  q.push(1000, TICK, 0);
  // a run of whole seconds ends with its last tick (so the last second is in the series)
  if (end % 1000 !== 0) q.push(end, END, 0);
  let done = false;
  let abortedBy: ModelOutput['abortedBy'];
  controllers.forEach((ctl, i) => {
    if (cfg.primeControllers !== false) (ctl.hpa ?? ctl.keda!.hpa).prime(0, groups[ctl.group]!.replicas);
    const period = ctl.kind === 'keda' ? ctl.keda!.syncPeriodMs : ctl.hpa!.syncPeriodMs;
    q.push(period, SYNC, i);
    if (ctl.kind === 'keda') q.push(ctl.keda!.pollingIntervalMs, KEDA_POLL, i);
  });

  let popped = 0,
    peak = 0;
  while (q.pop()) {
    popped++;
    if (q.size > peak) peak = q.size;
    now = q.poppedTime;
    const d = q.poppedData;
    switch (q.poppedKind) {
      case ARRIVAL: {
        const key = zipf.sample(rKeys) - 1; // ranks 1..n → keys 0..n−1 (0 hottest)
        const p = partitionOf(key, P);
        pTime[p]!.push(now);
        pKey[p]!.push(key);
        logEnd[p]!++;
        generated++;
        secGen++;
        const next = arrivals.next();
        if (next < end) q.push(next, ARRIVAL, 0);
        if (!paused && owner[p]! >= 0) dispatch(owner[p]!);
        break;
      }
      case CPU_DONE: {
        const c = sCons[d]!;
        if (hProc) hProc.add(now - sStage[d]!, now);
        busyCores[c]!--;
        cpuChange(now, -1);
        if (cpuQ[c]!.size > 0) startCpu(c, cpuQ[c]!.shift());
        sStage[d] = now;
        lookups++;
        let lat: number;
        if (rFeat.next() < hitRate) lat = sHit.sample(rFeat);
        else {
          misses++;
          lat = sMiss.sample(rFeat);
        }
        q.push(now + lat, FEAT_DONE, d);
        break;
      }
      case FEAT_DONE:
        if (hFeat) hFeat.add(now - sStage[d]!, now);
        sStage[d] = now;
        modelQ.push(d);
        tryModel();
        break;
      case FLUSH:
        if (now === flushAt) flushAt = -1;
        tryModel();
        break;
      case BATCH_DONE: {
        const n = batchLen[d]!;
        for (let i = 0; i < n; i++) {
          const s = batchSlots[d * B + i]!;
          const dt = now - sStage[s]!;
          modelSum += dt;
          modelN++;
          if (hInf) hInf.add(dt, now);
          sStage[s] = now;
          q.push(now + sSink.sample(rSink), SINK_DONE, s);
        }
        mBusy[d] = 0;
        modelChange(now, -1);
        tryModel();
        break;
      }
      case SINK_DONE: {
        if (hSink) hSink.add(now - sStage[d]!, now);
        const lat = now - sIntended[d]!;
        e2e.add(lat, now);
        processed++;
        secDone++;
        completed[sPart[d]!]!++;
        const c = sCons[d]!;
        inFlight[c]!--;
        if (strict) keyBusy[sKey[d]!] = 0;
        release(d);
        if (strict) for (let i = 0; i < activeConsumers; i++) dispatch(i);
        else dispatch(c);
        break;
      }
      case TICK: {
        cpuChange(now, 0);
        modelChange(now, 0);
        const lag = totalLag();
        if (lag > maxLag) maxLag = lag;
        const cores = activeConsumers * C.cores;
        // figures of the second that ends now, recorded just inside it
        const at = now - 1e-6;
        cGen.add(secGen, at);
        cDone.add(secDone, at);
        const values = [
          lag,
          groups[G_CONS]!.replicas,
          activeConsumers,
          groups[G_MODEL]!.replicas,
          groups[G_FEAT]!.replicas,
          cores > 0 ? (cpuArea - lastTickCpu) / (1000 * cores) : 0,
          activeModel > 0 ? (modelArea - lastTickModel) / (1000 * activeModel) : 0,
          hitRate,
          arrivals.rateAt(now - 500),
        ];
        for (let i = 0; i < gauges.length; i++) gauges[i]!.set(values[i]!, at);
        lastTickCpu = cpuArea;
        lastTickModel = modelArea;
        secDone = 0;
        secGen = 0;
        if (now + 1000 <= end) q.push(now + 1000, TICK, 0);
        if (now >= end) done = true;
        hooks.onTick?.(now);
        // once a simulated second, as the live runner does: walks the completed windows
        const failing = hooks.thresholds?.check(reg, now);
        if (failing && !abortedBy) {
          // an abortOnFail threshold failed: the run stops here, as a live run would
          abortedBy = { threshold: failing, atMs: now };
          end = now;
          done = true;
        }
        break;
      }
      case REBALANCE_DONE:
        if (d === generation) {
          paused = false;
          assign(activeConsumers);
          for (let c = 0; c < activeConsumers; c++) dispatch(c);
        }
        break;
      case POD_READY:
        noteReplicas(d);
        onReady(d);
        break;
      case SYNC: {
        const ctl = controllers[d]!;
        syncHpa(ctl);
        q.push(now + (ctl.kind === 'keda' ? ctl.keda!.syncPeriodMs : ctl.hpa!.syncPeriodMs), SYNC, d);
        break;
      }
      case KEDA_POLL: {
        const ctl = controllers[d]!;
        const dec = ctl.keda!.poll(now, groups[ctl.group]!.replicas, partitionOffsets());
        ctl.keda!.log.length = 0;
        record(dec);
        scale(ctl.group, dec.final);
        q.push(now + ctl.keda!.pollingIntervalMs, KEDA_POLL, d);
        break;
      }
      case END:
        break;
    }
    if (done || q.poppedKind === END) break;
  }
  accrueReplicas(end);

  let backlog = 0;
  for (let p = 0; p < P; p++) backlog += pTime[p]!.size;
  const closeAt = Math.ceil(end / 1000) * 1000;
  const points = reg.timeseries(closeAt);
  const metrics = reg.snapshot(closeAt);
  const thresholdResults = hooks.thresholds?.final(reg, closeAt) ?? [];
  reg.close();
  return {
    metrics,
    points,
    thresholdResults,
    ...(abortedBy ? { abortedBy } : {}),
    generated,
    processed,
    backlog,
    inFlight: generated - processed - backlog,
    maxLag,
    replicaTimeline: timeline,
    replicaSeconds,
    decisions,
    decisionsDropped,
    rebalances,
    eventsProcessed: popped,
    peakPendingEvents: peak,
    modelBatches: { count: batches, meanSize: batches ? batchItems / batches : 0, full: fullBatches },
  };
}
