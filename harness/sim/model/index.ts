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
 *
 * Layout: groups.ts builds the replica groups and controllers, state.ts holds the state,
 * stations.ts the stations' behaviour, handlers.ts one handler per kind of event; this file
 * starts the run, drives the event loop and reads the output.
 */
import type { ResolvedConfig } from '../config.ts';
import { G_CONS, G_MODEL } from './groups.ts';
import { ModelEvents } from './handlers.ts';
import * as K from './types.ts';
import type { ModelHooks, ModelOutput } from './types.ts';

export type { ModelOutput } from './types.ts';

export function runModel(cfg: ResolvedConfig, hooks: ModelHooks = {}): ModelOutput {
  const m = new ModelEvents(cfg, hooks);
  start(m);
  let popped = 0,
    peak = 0;
  const q = m.q;
  while (q.pop()) {
    popped++;
    if (q.size > peak) peak = q.size;
    m.now = q.poppedTime;
    const kind = q.poppedKind;
    handle(m, kind, q.poppedData);
    if (m.done || kind === K.END) break;
  }
  m.accrueReplicas(m.end);
  return output(m, popped, peak);
}

/** the state at t = 0: replicas noted, partitions assigned, first arrival, tick and syncs queued */
function start(m: ModelEvents): void {
  const { q, g } = m;
  for (let i = 0; i < 3; i++) m.noteReplicas(i);
  m.activeConsumers = Math.min(g.groups[G_CONS]!.ready(0), m.CM);
  m.assign(m.activeConsumers);
  m.activeModel = Math.min(g.groups[G_MODEL]!.ready(0), m.MM);
  m.setHitRate();
  const first = m.arrivals.next();
  if (first < m.end) q.push(first, K.ARRIVAL, 0);
  q.push(1000, K.TICK, 0);
  // a run of whole seconds ends with its last tick (so the last second is in the series)
  if (m.end % 1000 !== 0) q.push(m.end, K.END, 0);
  g.controllers.forEach((ctl, i) => {
    if (m.cfg.primeControllers !== false) (ctl.hpa ?? ctl.keda!.hpa).prime(0, g.groups[ctl.group]!.replicas);
    const period = ctl.kind === 'keda' ? ctl.keda!.syncPeriodMs : ctl.hpa!.syncPeriodMs;
    q.push(period, K.SYNC, i);
    if (ctl.kind === 'keda') q.push(ctl.keda!.pollingIntervalMs, K.KEDA_POLL, i);
  });
}

function handle(m: ModelEvents, kind: number, d: number): void {
  switch (kind) {
    case K.ARRIVAL:
      m.onArrival();
      break;
    case K.CPU_DONE:
      m.onCpuDone(d);
      break;
    case K.FEAT_DONE:
      m.onFeatDone(d);
      break;
    case K.FLUSH:
      m.onFlush();
      break;
    case K.BATCH_DONE:
      m.onBatchDone(d);
      break;
    case K.SINK_DONE:
      m.onSinkDone(d);
      break;
    case K.TICK:
      m.onTick();
      break;
    case K.REBALANCE_DONE:
      m.onRebalanceDone(d);
      break;
    case K.POD_READY:
      m.onPodReady(d);
      break;
    case K.SYNC:
      m.onSync(d);
      break;
    case K.KEDA_POLL:
      m.onKedaPoll(d);
      break;
    case K.HOST_DONE:
      m.cpuHosts.onDone(m.now, d);
      break;
  }
}

function output(m: ModelEvents, popped: number, peak: number): ModelOutput {
  let backlog = 0;
  for (let p = 0; p < m.P; p++) backlog += m.pTime[p]!.size;
  // counted where records are, not derived from generated − processed − backlog, so the test of
  // generated = processed + inFlight + backlog checks the model's bookkeeping
  let inFlight = 0;
  for (let c = 0; c < m.CM; c++) inFlight += m.inFlight[c]!;
  const closeAt = Math.ceil(m.end / 1000) * 1000;
  const points = m.reg.timeseries(closeAt);
  const metrics = m.reg.snapshot(closeAt);
  const thresholdResults = m.hooks.thresholds?.final(m.reg, closeAt) ?? [];
  m.reg.close();
  const { batches, batchItems, fullBatches } = m;
  return {
    metrics,
    points,
    thresholdResults,
    ...(m.abortedBy ? { abortedBy: m.abortedBy } : {}),
    generated: m.generated,
    processed: m.processed,
    backlog,
    inFlight,
    maxLag: m.maxLag,
    replicaTimeline: m.timeline,
    replicaSeconds: m.replicaSeconds,
    decisions: m.decisions,
    decisionsDropped: m.decisionsDropped,
    rebalances: m.rebalances,
    eventsProcessed: popped,
    peakPendingEvents: peak,
    modelBatches: { count: batches, meanSize: batches ? batchItems / batches : 0, full: fullBatches },
    ...(m.cpuHosts.size ? { hosts: m.cpuHosts.figures(m.end) } : {}),
  };
}
