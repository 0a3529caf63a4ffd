/**
 * The stations' behaviour: the consumer group (range assignment, fetch, CPU cores), the model
 * servers' micro-batching, and the replica groups with their autoscaling controllers. Methods act
 * on the state at `now`; they push the events that follow onto the queue.
 */
import type { KafkaPartitionOffsets } from '../autoscale/keda.ts';
import type { ScaleDecision } from '../autoscale/types.ts';
import { type Controller, G_CONS, G_FEAT, G_MODEL, GROUPS, type ReplicaChange } from './groups.ts';
import { ModelState } from './state.ts';
import { BATCH_DONE, CPU_DONE, FLUSH, POD_READY, REBALANCE_DONE } from './types.ts';

export class ModelStations extends ModelState {
  // --- consumers ---------------------------------------------------------------------------------

  /** range assignor: contiguous partition ranges, the first (P mod n) consumers get one more */
  assign(n: number): void {
    this.assigned = Array.from({ length: this.CM }, () => []);
    this.owner.fill(-1);
    if (n === 0) return;
    const per = Math.floor(this.P / n),
      extra = this.P % n;
    let p = 0;
    for (let c = 0; c < n; c++) {
      const k = per + (c < extra ? 1 : 0);
      for (let i = 0; i < k; i++) {
        this.owner[p] = c;
        this.assigned[c]!.push(p++);
      }
      this.rr[c] = 0;
    }
  }

  startCpu(c: number, s: number): void {
    this.busyCores[c]!++;
    this.cpuChange(this.now, 1);
    const delay = this.sProc.sample(this.rProc);
    this.cpuHosts.run(this.hCons, this.now, this.cpuCons, delay, CPU_DONE, s);
  }

  /** consumer c fetches from its partitions, round-robin, while it has room in flight */
  dispatch(c: number): void {
    if (this.paused || c >= this.activeConsumers) return;
    const parts = this.assigned[c]!;
    const np = parts.length;
    if (np === 0) return;
    while (this.inFlight[c]! < this.C.maxInFlight) {
      let took = false;
      for (let k = 0; k < np; k++) {
        const idx = (this.rr[c]! + k) % np;
        const p = parts[idx]!;
        const ft = this.pTime[p]!;
        if (ft.size === 0) continue;
        if (this.strict && this.keyBusy[this.pKey[p]!.peek()]) continue;
        this.take(c, p, ft.shift(), this.pKey[p]!.shift());
        this.rr[c] = idx + 1 === np ? 0 : idx + 1;
        took = true;
        break;
      }
      if (!took) return;
    }
  }

  /** one record fetched by consumer c from partition p: onto a free core, or the CPU queue */
  private take(c: number, p: number, t0: number, key: number): void {
    const now = this.now;
    const slots = this.slots;
    const s = slots.alloc();
    slots.intended[s] = t0;
    slots.key[s] = key;
    slots.part[s] = p;
    slots.cons[s] = c;
    slots.stage[s] = now;
    if (this.strict) this.keyBusy[key] = 1;
    if (this.hQueue) this.hQueue.add(now - t0, now);
    this.inFlight[c]!++;
    if (this.busyCores[c]! < this.C.cores) this.startCpu(c, s);
    else this.cpuQ[c]!.push(s);
  }

  cpuChange(t: number, d: number): void {
    this.cpuArea += this.totalBusyCores * (t - this.lastCpuT);
    this.lastCpuT = t;
    this.totalBusyCores += d;
  }

  // --- feature store and model servers -----------------------------------------------------------

  setHitRate(): void {
    const F = this.F;
    this.hitRate = Math.min(
      F.maxHitRate,
      F.hitRate + F.hitRatePerExtraReplica * Math.max(0, this.g.groups[G_FEAT]!.ready(this.now) - 1),
    );
  }

  /** free replicas take micro-batches: full ones at once, a partial one once its oldest waited maxWaitMs */
  tryModel(): void {
    const { modelQ, B, M } = this;
    const stage = this.slots.stage;
    while (modelQ.size > 0) {
      let r = -1;
      for (let i = 0; i < this.activeModel; i++)
        if (!this.mBusy[i]) {
          r = i;
          break;
        }
      if (r < 0) break;
      if (modelQ.size < B && this.now - stage[modelQ.peek()]! < M.maxWaitMs - 1e-9) break;
      const n = Math.min(modelQ.size, B);
      for (let i = 0; i < n; i++) this.batchSlots[r * B + i] = modelQ.shift();
      this.batchLen[r] = n;
      this.batches++;
      this.batchItems += n;
      if (n === B) this.fullBatches++;
      this.mBusy[r] = 1;
      this.modelChange(this.now, 1);
      if (this.hModel < 0) this.q.push(this.now + this.sBatch.sample(this.rModel) + M.perItemMs * n, BATCH_DONE, r);
      else {
        const delay = this.sBatch.sample(this.rModel) + M.perItemMs * n;
        const work = this.cpuModelBatch + this.cpuModelRecord * n;
        this.cpuHosts.run(this.hModel, this.now, work, delay, BATCH_DONE, r);
      }
    }
    if (modelQ.size > 0) {
      const due = stage[modelQ.peek()]! + M.maxWaitMs;
      if (due > this.now && (this.flushAt < 0 || this.flushAt > due)) {
        this.flushAt = due;
        this.q.push(due, FLUSH, 0);
      }
    }
  }

  modelChange(t: number, d: number): void {
    this.modelArea += this.busyModel * (t - this.lastModelT);
    this.lastModelT = t;
    this.busyModel += d;
  }

  // --- replica groups and autoscaling ------------------------------------------------------------

  record(d: ScaleDecision): void {
    if (
      d.final === d.current &&
      d.recommendation === d.current &&
      /within tolerance|inactive at min|active: the HPA/.test(d.reason)
    )
      return; // steady state: not logged
    if (this.decisions.length < this.cfg.maxDecisions) this.decisions.push(d);
    else this.decisionsDropped++;
  }

  noteReplicas(g: number): void {
    const grp = this.g.groups[g]!;
    const e: ReplicaChange = { t: this.now, group: GROUPS[g]!, replicas: grp.replicas, ready: grp.ready(this.now) };
    const last = this.lastNote[g];
    if (last && last.replicas === e.replicas && last.ready === e.ready) return;
    if (last && last.t === e.t) {
      last.replicas = e.replicas;
      last.ready = e.ready;
      return;
    }
    this.lastNote[g] = e;
    this.timeline.push(e);
  }

  onReady(g: number): void {
    const ready = this.g.groups[g]!.ready(this.now);
    if (g === G_CONS) {
      if (Math.min(ready, this.CM) !== this.activeConsumers) {
        // membership changed: the group stops fetching for the rebalance, then reassigns
        this.paused = true;
        this.rebalances++;
        this.generation++;
        this.activeConsumers = Math.min(ready, this.CM);
        this.q.push(this.now + this.C.rebalancePauseMs, REBALANCE_DONE, this.generation);
      }
    } else if (g === G_MODEL) {
      this.activeModel = Math.min(ready, this.MM);
      this.tryModel();
    } else this.setHitRate();
  }

  scale(g: number, target: number, metric?: string): void {
    const grp = this.g.groups[g]!;
    const delay = metric === undefined ? undefined : this.g.delayByMetric.get(`${g}/${metric}`);
    if (delay !== undefined) grp.startupDelayMs = delay;
    const cur = grp.replicas;
    const n = Math.max(0, Math.min(target, this.g.maxRep[g]!));
    if (n === cur) return;
    this.accrueReplicas(this.now);
    const added = grp.scaleTo(n, this.now);
    for (const t of added) this.q.push(t, POD_READY, g);
    this.noteReplicas(g);
    if (n < cur || added.some((t) => t <= this.now)) this.onReady(g);
  }

  accrueReplicas(t: number): void {
    for (let g = 0; g < 3; g++)
      this.replicaSeconds[GROUPS[g]!] += (this.g.groups[g]!.replicas * (t - this.lastRepT)) / 1000;
    this.lastRepT = t;
  }

  partitionOffsets(): KafkaPartitionOffsets[] {
    const out: KafkaPartitionOffsets[] = [];
    for (let p = 0; p < this.P; p++) out.push({ latest: this.logEnd[p]!, committed: this.completed[p]! });
    return out;
  }

  totalLag(): number {
    let l = 0;
    for (let p = 0; p < this.P; p++) l += this.logEnd[p]! - this.completed[p]!;
    return l;
  }

  /** one controller's sync: metrics since its previous sync → a decision → scale */
  syncController(ctl: Controller): void {
    const now = this.now;
    this.cpuChange(now, 0);
    const dt = now - ctl.lastT;
    const g = this.g.groups[ctl.group]!;
    const cores = this.activeConsumers * this.C.cores;
    const cpu = dt > 0 && cores > 0 ? ((this.cpuArea - ctl.lastCpu) / (dt * cores)) * 100 : undefined;
    const mN = this.modelN - ctl.lastModelN;
    const modelMs = mN > 0 ? (this.modelSum - ctl.lastModelSum) / mN : undefined;
    const lk = this.lookups - ctl.lastLookups;
    const missPct = lk > 0 ? ((this.misses - ctl.lastMisses) / lk) * 100 : undefined;
    ctl.lastT = now;
    ctl.lastCpu = this.cpuArea;
    ctl.lastModelN = this.modelN;
    ctl.lastModelSum = this.modelSum;
    ctl.lastLookups = this.lookups;
    ctl.lastMisses = this.misses;
    const lag = this.totalLag();
    if (ctl.kind === 'keda') {
      const d = ctl.keda!.sync(now, g.replicas, this.partitionOffsets());
      ctl.keda!.log.length = 0;
      ctl.keda!.hpa.log.length = 0;
      if (d) {
        this.record(d);
        this.scale(ctl.group, d.final);
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
    this.record(d);
    this.scale(ctl.group, d.final, d.metric);
  }
}
