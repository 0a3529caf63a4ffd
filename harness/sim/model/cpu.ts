/**
 * CPU as a resource: hosts (a machine, or one process's event loop) with N cores, shared by the
 * components placed on them. A component's CPU work (per record, per batch) is a job on its host;
 * the host serves its jobs by **processor sharing** over its cores: with n jobs on c cores each
 * progresses at min(1, c / n) ms of work per ms. Why processor sharing and not per-core FIFO: the
 * components of a process interleave their work in small slices (an event loop runs callbacks of
 * every component in turn; an OS scheduler time-slices threads and processes over the cores),
 * so a long chunk does not hold a core until it is done while a short fetch waits behind it. PS is
 * also a symmetric queue, hence insensitive: its mean sojourn depends on the work's mean only
 * (M/G/c-PS has the mean of M/M/c, and a job of work x on one core takes x / (1 − ρ) on average),
 * which is what test/harness/sim/cpu.test.ts checks the engine against.
 *
 * One Node.js event loop is different: its callbacks run to completion, so a host can be `fifo`
 * (non-preemptive, first free core, arrival order), checked against M/D/1 (Pollaczek–Khinchine).
 *
 * Implementation of PS: virtual time. V grows at the per-job rate r(n) = min(1, c / n); a job submitted
 * at V₀ with work w finishes when V reaches V₀ + w, so jobs finish in the order of their tags and
 * only the smallest tag needs an event. Each change of n reschedules that one event (a version
 * number tells a stale event from the current one).
 */
import { PipelabError } from '../../../errors.ts';
import type { EventQueue } from '../heap.ts';

/** the event kind of a host's next completion (types.ts) is passed in, so this file stays standalone */
const MAX_HOSTS = 128;
const VERSION_MOD = 1 << 23;

/** where a component runs and the CPU it takes */
export interface CpuDemand {
  /** a host named in the config's `hosts` */
  host: string;
  /** CPU ms per record */
  perRecordMs?: number;
  /** CPU ms per batch (model-server micro-batch, processing chunk); the consumers and the sink have none */
  perBatchMs?: number;
}

export interface HostSpec {
  /** cores the host's jobs share (1 for one Node.js event loop) */
  cores: number;
  /**
   * `ps` (default): processor sharing, for a machine or process whose scheduler time-slices the
   * work; `fifo`: each job runs to completion on the first free core, in arrival order — one
   * Node.js event loop, whose callbacks are never preempted (a chunk's work makes every callback
   * queued behind it wait)
   */
  discipline?: 'ps' | 'fifo';
}

export interface HostFigures {
  cores: number;
  /** mean busy cores / cores over the run (warm-up included) */
  utilisation: number;
  /** CPU jobs served */
  jobs: number;
}

class Host {
  v = 0;
  lastT = 0;
  n = 0;
  busyArea = 0;
  jobs = 0;
  version = 0;
  nextAt = -1;
  // jobs: a binary min-heap of job ids by tag, and per-job continuation (kind, data, delay)
  heap: number[] = [];
  tag: number[] = [];
  kind: number[] = [];
  data: number[] = [];
  delay: number[] = [];
  free: number[] = [];

  /** fifo: when each core is free next */
  readonly freeAt: Float64Array;

  constructor(
    readonly name: string,
    readonly cores: number,
    readonly fifo: boolean,
  ) {
    this.freeAt = new Float64Array(fifo ? cores : 0);
  }

  /** fifo: the job starts on the core free first (arrival order, known work: exactly M/G/c FIFO), returns its end */
  fifoEnd(now: number, work: number): number {
    let k = 0;
    for (let i = 1; i < this.cores; i++) if (this.freeAt[i]! < this.freeAt[k]!) k = i;
    const end = Math.max(now, this.freeAt[k]!) + work;
    this.freeAt[k] = end;
    this.busyArea += work;
    this.jobs++;
    return end;
  }

  rate(): number {
    return this.n <= this.cores ? 1 : this.cores / this.n;
  }

  advance(now: number): void {
    const dt = now - this.lastT;
    if (dt > 0 && this.n > 0) {
      this.v += dt * this.rate();
      this.busyArea += dt * Math.min(this.n, this.cores);
    }
    this.lastT = now;
  }

  push(id: number): void {
    const h = this.heap,
      t = this.tag;
    let i = h.length;
    h.push(id);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (t[h[p]!]! <= t[id]!) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = id;
  }

  pop(): number {
    const h = this.heap,
      t = this.tag;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      const n = h.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const c = l + 1 < n && t[h[l + 1]!]! < t[h[l]!]! ? l + 1 : l;
        if (t[h[c]!]! >= t[last]!) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

/** the hosts of one run: submit CPU work, and on completion the continuation event is pushed */
export class CpuHosts {
  private readonly hosts: Host[] = [];
  private readonly byName = new Map<string, number>();

  constructor(
    specs: Record<string, HostSpec> | undefined,
    private readonly q: EventQueue,
    private readonly doneKind: number,
  ) {
    for (const [name, s] of Object.entries(specs ?? {})) {
      this.byName.set(name, this.hosts.length);
      this.hosts.push(new Host(name, s.cores, s.discipline === 'fifo'));
    }
    if (this.hosts.length > MAX_HOSTS)
      throw new PipelabError('INVALID_SCENARIO', `at most ${MAX_HOSTS} hosts, got ${this.hosts.length}`, {
        hint: 'group components onto fewer hosts (/hosts)',
      });
  }

  /** the index of a host by name (validated in config.ts) */
  index(name: string): number {
    return this.byName.get(name) ?? -1;
  }

  /**
   * `work` ms of CPU on host h, then `delay` ms of waiting, then the event (kind, data). No work
   * (or no host) → the event straight after the delay, exactly as without CPU modelling.
   */
  run(h: number, now: number, work: number, delay: number, kind: number, data: number): void {
    if (h < 0 || !(work > 0)) {
      this.q.push(now + delay, kind, data);
      return;
    }
    const host = this.hosts[h]!;
    if (host.fifo) {
      this.q.push(host.fifoEnd(now, work) + delay, kind, data);
      return;
    }
    host.advance(now);
    const id = host.free.length ? host.free.pop()! : host.tag.length;
    host.tag[id] = host.v + work;
    host.kind[id] = kind;
    host.data[id] = data;
    host.delay[id] = delay;
    host.push(id);
    host.n++;
    host.jobs++;
    this.reschedule(h, now);
  }

  private reschedule(h: number, now: number): void {
    const host = this.hosts[h]!;
    host.version = (host.version + 1) % VERSION_MOD;
    if (host.n === 0) {
      host.nextAt = -1;
      host.v = 0; // no job holds a tag: restart the virtual clock (keeps tags small over long runs)
      return;
    }
    const left = host.tag[host.heap[0]!]! - host.v;
    host.nextAt = now + Math.max(0, left) / host.rate();
    this.q.push(host.nextAt, this.doneKind, host.version * MAX_HOSTS + h);
  }

  /** the host's completion event: every job whose work is done leaves; stale events are ignored */
  onDone(now: number, data: number): void {
    const h = data % MAX_HOSTS;
    const host = this.hosts[h]!;
    if (Math.floor(data / MAX_HOSTS) !== host.version || now !== host.nextAt) return;
    host.advance(now);
    const eps = 1e-9 * Math.max(1, host.v);
    while (host.n > 0 && host.tag[host.heap[0]!]! <= host.v + eps) {
      const id = host.pop();
      host.n--;
      host.free.push(id);
      this.q.push(now + host.delay[id]!, host.kind[id]!, host.data[id]!);
    }
    this.reschedule(h, now);
  }

  get size(): number {
    return this.hosts.length;
  }

  figures(end: number): Record<string, HostFigures> {
    const out: Record<string, HostFigures> = {};
    for (const host of this.hosts) {
      if (!host.fifo) host.advance(end);
      out[host.name] = {
        cores: host.cores,
        utilisation: end > 0 ? host.busyArea / (end * host.cores) : 0,
        jobs: host.jobs,
      };
    }
    return out;
  }
}
