/**
 * Everything the model holds while it runs: the stations' queues and counters, the records in
 * flight, the replica groups and the metrics registry. Behaviour lives in stations.ts and the
 * event loop in index.ts; this class only builds the initial state from the resolved config.
 */
import { Rng } from '../../../generators/rng.ts';
import { createZipf } from '../../../generators/zipf.ts';
import type { MetricsRegistry } from '../../metrics/api.ts';
import { createRegistry, type Registry } from '../../metrics/index.ts';
import type { ScaleDecision } from '../autoscale/types.ts';
import { toArrivalProcess, type ArrivalProcess } from '../arrivals.ts';
import type { ResolvedConfig } from '../config.ts';
import { sampler } from '../dist.ts';
import { EventQueue } from '../heap.ts';
import { NumberFifo } from '../ring.ts';
import { buildGroups, type Groups, type GroupName, type ReplicaChange } from './groups.ts';
import type { ModelHooks, ModelOutput } from './types.ts';
import { RecordSlots } from './slots.ts';
import { CpuHosts } from './cpu.ts';
import { HOST_DONE } from './types.ts';

type Trend = ReturnType<MetricsRegistry['trend']>;

const GAUGES = [
  'consumer_lag',
  'replicas_consumers',
  'ready_consumers',
  'replicas_modelServers',
  'replicas_featureStore',
  'cpu_utilisation',
  'model_utilisation',
  'cache_hit_rate',
  'arrival_rate',
];
const STAGES = ['stage_queue', 'stage_process', 'stage_features', 'stage_inference', 'stage_sink'];

export class ModelState {
  // --- configuration and random streams (one fork per station, so stations never shift each other)
  readonly root: Rng;
  readonly rArr: Rng;
  readonly rKeys: Rng;
  readonly rProc: Rng;
  readonly rFeat: Rng;
  readonly rModel: Rng;
  readonly rSink: Rng;
  readonly arrivals: ArrivalProcess;
  readonly zipf: ReturnType<typeof createZipf>;
  readonly P: number;
  readonly C: ResolvedConfig['consumers'];
  readonly F: ResolvedConfig['featureStore'];
  readonly M: ResolvedConfig['modelServer'];
  readonly sProc: ReturnType<typeof sampler>;
  readonly sHit: ReturnType<typeof sampler>;
  readonly sMiss: ReturnType<typeof sampler>;
  readonly sBatch: ReturnType<typeof sampler>;
  readonly sSink: ReturnType<typeof sampler>;
  readonly strict: boolean;
  end: number;
  readonly g: Groups;

  // --- partitions: each a FIFO of (arrival time, key); log end and committed offsets
  readonly q = new EventQueue(1024);
  readonly pTime: NumberFifo[] = [];
  readonly pKey: NumberFifo[] = [];
  readonly logEnd: Float64Array;
  readonly completed: Float64Array;
  readonly keyBusy: Uint8Array;
  readonly slots = new RecordSlots();

  // --- CPU hosts (cpu.ts): the host index of each component (−1: takes no host CPU) and its costs
  readonly cpuHosts: CpuHosts;
  readonly hCons: number;
  readonly hModel: number;
  readonly hostSink: number;
  readonly cpuCons: number;
  readonly cpuModelBatch: number;
  readonly cpuModelRecord: number;
  readonly cpuSink: number;

  // --- consumers
  readonly CM: number;
  readonly inFlight: Int32Array;
  readonly busyCores: Int32Array;
  readonly rr: Int32Array;
  readonly cpuQ: NumberFifo[];
  assigned: number[][];
  readonly owner: Int32Array;
  activeConsumers = 0;
  paused = false;
  generation = 0;
  rebalances = 0;
  totalBusyCores = 0;
  cpuArea = 0;
  lastCpuT = 0;

  // --- feature store
  hitRate = 0;
  lookups = 0;
  misses = 0;

  // --- model servers
  readonly MM: number;
  readonly B: number;
  readonly modelQ = new NumberFifo(256);
  readonly mBusy: Uint8Array;
  readonly batchLen: Int32Array;
  readonly batchSlots: Int32Array;
  activeModel = 0;
  flushAt = -1;
  busyModel = 0;
  modelArea = 0;
  lastModelT = 0;
  modelSum = 0;
  modelN = 0;
  batches = 0;
  batchItems = 0;
  fullBatches = 0;

  // --- metrics: the same registry live runs record into (HDR trends, per-second points)
  readonly reg: Registry;
  readonly e2e: Trend;
  readonly cGen: ReturnType<MetricsRegistry['counter']>;
  readonly cDone: ReturnType<MetricsRegistry['counter']>;
  readonly gauges: ReturnType<MetricsRegistry['gauge']>[];
  readonly hQueue: Trend | undefined;
  readonly hProc: Trend | undefined;
  readonly hFeat: Trend | undefined;
  readonly hInf: Trend | undefined;
  readonly hSink: Trend | undefined;
  generated = 0;
  processed = 0;
  secDone = 0;
  secGen = 0;
  maxLag = 0;
  lastTickCpu = 0;
  lastTickModel = 0;
  readonly timeline: ReplicaChange[] = [];
  readonly decisions: ScaleDecision[] = [];
  decisionsDropped = 0;
  readonly replicaSeconds: Record<GroupName, number> = { consumers: 0, modelServers: 0, featureStore: 0 };
  lastRepT = 0;
  readonly lastNote: (ReplicaChange | undefined)[] = [undefined, undefined, undefined];

  // --- the clock and the end of the run
  now = 0;
  done = false;
  abortedBy: ModelOutput['abortedBy'];

  constructor(
    readonly cfg: ResolvedConfig,
    readonly hooks: ModelHooks,
  ) {
    this.root = new Rng(cfg.seed);
    this.rArr = this.root.fork('arrivals');
    this.rKeys = this.root.fork('keys');
    this.rProc = this.root.fork('process');
    this.rFeat = this.root.fork('features');
    this.rModel = this.root.fork('model');
    this.rSink = this.root.fork('sink');
    this.arrivals = toArrivalProcess(cfg.arrivals, this.rArr);
    this.zipf = createZipf(cfg.keys.count, cfg.keys.zipfS);
    this.P = cfg.partitions;
    this.C = cfg.consumers;
    this.F = cfg.featureStore;
    this.M = cfg.modelServer;
    this.sProc = sampler(this.C.process, '/consumers/process');
    this.sHit = sampler(this.F.hit, '/featureStore/hit');
    this.sMiss = sampler(this.F.miss, '/featureStore/miss');
    this.sBatch = sampler(this.M.batch, '/modelServer/batch');
    this.sSink = sampler(cfg.sink.write, '/sink/write');
    this.strict = cfg.keyOrdering === 'strict';
    this.end = cfg.durationMs;
    this.g = buildGroups(cfg);
    this.cpuHosts = new CpuHosts(cfg.hosts, this.q, HOST_DONE);
    const cpu = cfg.cpu ?? {};
    const at = (d: { host: string } | undefined) => (d ? this.cpuHosts.index(d.host) : -1);
    this.hCons = at(cpu.consumers);
    this.hModel = at(cpu.modelServer);
    this.hostSink = at(cpu.sink);
    this.cpuCons = cpu.consumers?.perRecordMs ?? 0;
    this.cpuModelBatch = cpu.modelServer?.perBatchMs ?? 0;
    this.cpuModelRecord = cpu.modelServer?.perRecordMs ?? 0;
    this.cpuSink = cpu.sink?.perRecordMs ?? 0;

    for (let p = 0; p < this.P; p++) {
      this.pTime.push(new NumberFifo(64));
      this.pKey.push(new NumberFifo(64));
    }
    this.logEnd = new Float64Array(this.P);
    this.completed = new Float64Array(this.P);
    this.keyBusy = new Uint8Array(this.strict ? cfg.keys.count : 0);

    this.CM = this.C.maxReplicas;
    this.inFlight = new Int32Array(this.CM);
    this.busyCores = new Int32Array(this.CM);
    this.rr = new Int32Array(this.CM);
    this.cpuQ = Array.from({ length: this.CM }, () => new NumberFifo(64));
    this.assigned = Array.from({ length: this.CM }, () => []);
    this.owner = new Int32Array(this.P).fill(-1);

    this.MM = this.M.maxReplicas;
    this.B = this.M.batchSize;
    this.mBusy = new Uint8Array(this.MM);
    this.batchLen = new Int32Array(this.MM);
    this.batchSlots = new Int32Array(this.MM * this.B);

    this.reg = createRegistry({ warmupMs: cfg.warmupMs });
    this.e2e = this.reg.trend('e2e_latency');
    this.cGen = this.reg.counter('events_generated');
    this.cDone = this.reg.counter('events_processed');
    this.gauges = GAUGES.map((n) => this.reg.gauge(n));
    [this.hQueue, this.hProc, this.hFeat, this.hInf, this.hSink] = STAGES.map((n) =>
      cfg.stageHistograms ? this.reg.trend(n) : undefined,
    );
    // thresholds read this registry exactly as in a live run (sub-metrics, sliding windows)
    hooks.thresholds?.prepare(this.reg);
  }
}
