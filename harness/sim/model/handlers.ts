/**
 * One handler per kind of event: what happens to a record when it arrives, leaves a CPU core, gets
 * its features, leaves the model server and the sink; the per-second tick that closes the metrics;
 * the group's rebalance, a pod becoming ready, a controller's sync and KEDA's poll.
 */
import { partitionOf } from '../keys.ts';
import { G_CONS, G_FEAT, G_MODEL } from './groups.ts';
import { ModelStations } from './stations.ts';
import { ARRIVAL, FEAT_DONE, KEDA_POLL, SINK_DONE, SYNC, TICK } from './types.ts';

export class ModelEvents extends ModelStations {
  onArrival(): void {
    const now = this.now;
    const key = this.zipf.sample(this.rKeys) - 1; // ranks 1..n → keys 0..n−1 (0 hottest)
    const p = partitionOf(key, this.P);
    this.pTime[p]!.push(now);
    this.pKey[p]!.push(key);
    this.logEnd[p]!++;
    this.generated++;
    this.secGen++;
    const next = this.arrivals.next();
    if (next < this.end) this.q.push(next, ARRIVAL, 0);
    if (!this.paused && this.owner[p]! >= 0) this.dispatch(this.owner[p]!);
  }

  /** processing done: the core takes the next queued record; this one looks up its features */
  onCpuDone(s: number): void {
    const now = this.now;
    const stage = this.slots.stage;
    const c = this.slots.cons[s]!;
    if (this.hProc) this.hProc.add(now - stage[s]!, now);
    this.busyCores[c]!--;
    this.cpuChange(now, -1);
    if (this.cpuQ[c]!.size > 0) this.startCpu(c, this.cpuQ[c]!.shift());
    stage[s] = now;
    this.lookups++;
    let lat: number;
    if (this.rFeat.next() < this.hitRate) lat = this.sHit.sample(this.rFeat);
    else {
      this.misses++;
      lat = this.sMiss.sample(this.rFeat);
    }
    this.q.push(now + lat, FEAT_DONE, s);
  }

  onFeatDone(s: number): void {
    if (this.hFeat) this.hFeat.add(this.now - this.slots.stage[s]!, this.now);
    this.slots.stage[s] = this.now;
    this.modelQ.push(s);
    this.tryModel();
  }

  onFlush(): void {
    if (this.now === this.flushAt) this.flushAt = -1;
    this.tryModel();
  }

  /** replica r finished its micro-batch: each record goes on to the sink */
  onBatchDone(r: number): void {
    const now = this.now;
    const stage = this.slots.stage;
    const n = this.batchLen[r]!;
    for (let i = 0; i < n; i++) {
      const s = this.batchSlots[r * this.B + i]!;
      const dt = now - stage[s]!;
      this.modelSum += dt;
      this.modelN++;
      if (this.hInf) this.hInf.add(dt, now);
      stage[s] = now;
      this.cpuHosts.run(this.hostSink, now, this.cpuSink, this.sSink.sample(this.rSink), SINK_DONE, s);
    }
    this.mBusy[r] = 0;
    this.modelChange(now, -1);
    this.tryModel();
  }

  /** the record is written: end-to-end latency from its intended send time, offset committed */
  onSinkDone(s: number): void {
    const now = this.now;
    const slots = this.slots;
    if (this.hSink) this.hSink.add(now - slots.stage[s]!, now);
    this.e2e.add(now - slots.intended[s]!, now);
    this.processed++;
    this.secDone++;
    this.completed[slots.part[s]!]!++;
    const c = slots.cons[s]!;
    this.inFlight[c]!--;
    if (this.strict) this.keyBusy[slots.key[s]!] = 0;
    slots.release(s);
    if (this.strict) for (let i = 0; i < this.activeConsumers; i++) this.dispatch(i);
    else this.dispatch(c);
  }

  /** closes the simulated second that ends now: counters, gauges, hooks, thresholds */
  onTick(): void {
    const now = this.now;
    this.cpuChange(now, 0);
    this.modelChange(now, 0);
    const lag = this.totalLag();
    if (lag > this.maxLag) this.maxLag = lag;
    const cores = this.activeConsumers * this.C.cores;
    const groups = this.g.groups;
    // figures of the second that ends now, recorded just inside it
    const at = now - 1e-6;
    this.cGen.add(this.secGen, at);
    this.cDone.add(this.secDone, at);
    const values = [
      lag,
      groups[G_CONS]!.replicas,
      this.activeConsumers,
      groups[G_MODEL]!.replicas,
      groups[G_FEAT]!.replicas,
      cores > 0 ? (this.cpuArea - this.lastTickCpu) / (1000 * cores) : 0,
      this.activeModel > 0 ? (this.modelArea - this.lastTickModel) / (1000 * this.activeModel) : 0,
      this.hitRate,
      this.arrivals.rateAt(now - 500),
    ];
    for (let i = 0; i < this.gauges.length; i++) this.gauges[i]!.set(values[i]!, at);
    this.lastTickCpu = this.cpuArea;
    this.lastTickModel = this.modelArea;
    this.secDone = 0;
    this.secGen = 0;
    if (now + 1000 <= this.end) this.q.push(now + 1000, TICK, 0);
    if (now >= this.end) this.done = true;
    this.hooks.onTick?.(now);
    // once a simulated second, as the live runner does: walks the completed windows
    const failing = this.hooks.thresholds?.check(this.reg, now);
    if (failing && !this.abortedBy) {
      // an abortOnFail threshold failed: the run stops here, as a live run would
      this.abortedBy = { threshold: failing, atMs: now };
      this.end = now;
      this.done = true;
    }
  }

  onRebalanceDone(generation: number): void {
    if (generation !== this.generation) return;
    this.paused = false;
    this.assign(this.activeConsumers);
    for (let c = 0; c < this.activeConsumers; c++) this.dispatch(c);
  }

  onPodReady(g: number): void {
    this.noteReplicas(g);
    this.onReady(g);
  }

  onSync(i: number): void {
    const ctl = this.g.controllers[i]!;
    this.syncController(ctl);
    this.q.push(this.now + (ctl.kind === 'keda' ? ctl.keda!.syncPeriodMs : ctl.hpa!.syncPeriodMs), SYNC, i);
  }

  onKedaPoll(i: number): void {
    const ctl = this.g.controllers[i]!;
    const dec = ctl.keda!.poll(this.now, this.g.groups[ctl.group]!.replicas, this.partitionOffsets());
    ctl.keda!.log.length = 0;
    this.record(dec);
    this.scale(ctl.group, dec.final);
    this.q.push(this.now + ctl.keda!.pollingIntervalMs, KEDA_POLL, i);
  }
}
