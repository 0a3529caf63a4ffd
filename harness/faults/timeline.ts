/**
 * The fault timeline of a run: each fault starts at its `at` (from the start of the load), lasts
 * its `duration` (or to the end of the run, or is an instant action), and is lifted when it ends
 * or when the run ends. Every fault is checked against what the run actually has (the target's
 * FaultHost, the proxies the target routed through the hub) before any load starts, and recorded
 * as it happens: when it started and ended and what it hit (summary.faults).
 */
import { PipelabError, type Issue } from '../../errors.ts';
import type { Rng } from '../../generators/rng.ts';
import { parseDuration } from '../../results/duration.ts';
import type { FaultRecord } from '../../results/types.ts';
import type { MetricsRegistry } from '../metrics/api.ts';
import { isToxic } from './fit.ts';
import type { FaultHost, ProcessHandle } from './host.ts';
import type { ProxyHub } from './hub.ts';
import { faultLabel } from './label.ts';
import type { FaultSpec, ProcessKind, ToxicSpec } from './schema.ts';

type Lift = () => Promise<void>;

/** the part of the run's clock the timeline uses (harness/executors' Clock fits) */
export interface FaultClock {
  now(): number;
  sleepUntil(t: number, signal?: AbortSignal): Promise<void>;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** why a network fault on this service cannot be applied when the target never proxied it */
const NOT_PROXIED: Record<string, string> = {
  kafka:
    'network faults on kafka need each broker node to advertise its fault proxy address: the replicated embedded ' +
    'cluster does (target.brokers ≥ 2 on the pipeline target); the single in-process node and an external ' +
    'cluster do not',
};

export class FaultTimeline {
  private readonly records: FaultRecord[];
  private readonly lifts = new Map<number, Lift>();
  private readonly running: Promise<void>[] = [];
  private readonly stopped = new AbortController();
  private host: FaultHost | undefined;
  private t0 = 0;

  constructor(
    private readonly faults: readonly FaultSpec[],
    private readonly d: { clock: FaultClock; metrics: MetricsRegistry; hub: ProxyHub; rng: Rng },
  ) {
    this.records = faults.map((f, index) => ({
      index,
      kind: f.kind,
      target: f.target,
      label: f.label ?? faultLabel(f),
      atMs: parseDuration(f.at),
      ...(f.duration ? { durationMs: parseDuration(f.duration) } : {}),
      hit: [],
    }));
  }

  /** refuse, before any load, every fault this run cannot apply (exit 104, with the fault's path) */
  check(host: FaultHost | undefined, targetType: string): void {
    const issues: Issue[] = [];
    this.faults.forEach((f, i) => {
      const why = this.cannot(f, host, targetType);
      if (why) issues.push({ path: `/faults/${i}/${why.field}`, message: why.message });
    });
    if (issues.length)
      throw new PipelabError('INVALID_SCENARIO', `${issues.length} fault(s) cannot be applied to this run`, {
        issues,
        hint: 'change or remove the faults listed above (docs/faults.md says what each kind needs)',
      });
    this.host = host;
  }

  private cannot(
    f: FaultSpec,
    host: FaultHost | undefined,
    type: string,
  ): { field: string; message: string } | undefined {
    if (isToxic(f) && f.instance !== undefined && this.d.hub.proxiesOf(f.target).length > 0)
      return this.d.hub.proxiesOf(f.target, f.instance).length
        ? undefined
        : { field: 'instance', message: `no ${f.target} node ${f.instance} behind a fault proxy in this run` };
    if (isToxic(f))
      return this.d.hub.proxiesOf(f.target).length
        ? undefined
        : {
            field: 'target',
            message: NOT_PROXIED[f.target] ?? `the ${type} target did not route ${f.target} through a fault proxy`,
          };
    if (!host) return { field: 'kind', message: `the ${type} target has no parts a ${f.kind} fault can act on` };
    const got = this.handlesFor(f, host);
    if (typeof got === 'string') return { field: 'target', message: got };
    if (f.kind === 'pause' && Array.isArray(got) && !got[0]?.pause)
      return {
        field: 'kind',
        message:
          `${got[0]?.label ?? f.target} runs in this process and cannot be frozen; ` +
          'use processorMode "child" or a local service',
      };
    return undefined;
  }

  private handlesFor(f: FaultSpec, host: FaultHost): unknown[] | object | string {
    switch (f.kind) {
      case 'kill':
      case 'stop':
      case 'pause':
      case 'restart': {
        const all = host.processes(f.target);
        if (typeof all === 'string') return all;
        if (f.role) {
          const who = host.brokerRole ? host.brokerRole(f.role) : `this run's ${f.target} has no ${f.role}`;
          return typeof who === 'string' ? who : [all[who.node]];
        }
        const i = f.instance ?? 0;
        return all[i] ? [all[i]] : `instance ${i} does not exist (${f.target}: ${all.length} instance(s), from 0)`;
      }
      case 'slow':
      case 'erroring':
        return host.modelServer();
      case 'flush':
        return host.redis();
      case 'bounce':
        return host.consumers();
      default:
        return 'not a host fault';
    }
  }

  /** schedule every fault from now (the start of the load) */
  start(): void {
    this.t0 = this.d.clock.now();
    this.faults.forEach((f, i) => {
      this.running.push(this.run(f, i).catch((e) => this.failed(i, e)));
    });
  }

  private failed(i: number, e: unknown): void {
    const r = this.records[i]!;
    r.error = (e as Error)?.message ?? String(e);
    if (r.startedMs !== undefined && r.endedMs === undefined) r.endedMs = this.d.clock.now();
  }

  private async run(f: FaultSpec, i: number): Promise<void> {
    const { clock } = this.d;
    const signal = this.stopped.signal;
    const r = this.records[i]!;
    await clock.sleepUntil(this.t0 + r.atMs, signal);
    if (signal.aborted) return;
    r.startedMs = clock.now();
    this.d.metrics.counter('faults').add(1, r.startedMs, { fault: f.kind, target: f.target });
    const lift = await this.apply(f, r);
    if (!lift) {
      r.endedMs = clock.now();
      return;
    }
    this.lifts.set(i, lift);
    if (r.durationMs === undefined) return; // lasts to the end of the run
    await clock.sleepUntil(r.startedMs + r.durationMs, signal);
    if (signal.aborted) return;
    await this.lift(i);
  }

  private async lift(i: number): Promise<void> {
    const lift = this.lifts.get(i);
    if (!lift) return;
    this.lifts.delete(i);
    await lift();
    this.records[i]!.endedMs = this.d.clock.now();
  }

  /** apply a fault; returns how to lift it, or undefined for an instant action (it ended when it returned) */
  private async apply(f: FaultSpec, r: FaultRecord): Promise<Lift | undefined> {
    if (isToxic(f)) return this.toxic(f, r);
    const host = this.host as FaultHost;
    switch (f.kind) {
      case 'kill':
      case 'stop':
      case 'pause':
      case 'restart':
        return this.process(f, this.processHandle(f, host, r), r);
      case 'slow': {
        const ms = host.modelServer() as Exclude<ReturnType<FaultHost['modelServer']>, string>;
        ms.slow(this.delaySampler(f));
        r.hit.push(ms.label);
        return async () => ms.slow(undefined);
      }
      case 'erroring': {
        const ms = host.modelServer() as Exclude<ReturnType<FaultHost['modelServer']>, string>;
        ms.erroring(f.share);
        r.hit.push(ms.label);
        return async () => ms.erroring(undefined);
      }
      case 'flush': {
        const redis = host.redis() as Exclude<ReturnType<FaultHost['redis']>, string>;
        await redis.flush();
        r.hit.push(redis.label);
        return undefined;
      }
      case 'bounce': {
        const g = host.consumers() as Exclude<ReturnType<FaultHost['consumers']>, string>;
        const mode = f.mode ?? 'clean';
        if ((f.scope ?? 'all') === 'all') r.hit.push(await g.bounceAll(mode));
        else for (let k = 0; k < g.size(); k++) r.hit.push(await g.bounce(k, mode));
        return undefined;
      }
    }
  }

  /** the process a process fault hits: by instance, or whichever broker node has the role now */
  private processHandle(f: FaultSpec & { kind: ProcessKind }, host: FaultHost, r: FaultRecord): ProcessHandle {
    const all = host.processes(f.target) as ProcessHandle[];
    if (!f.role) return all[f.instance ?? 0]!;
    const who = host.brokerRole?.(f.role);
    if (!who || typeof who === 'string') throw new Error(who ?? `no broker ${f.role}`);
    r.hit.push(who.what);
    return all[who.node]!;
  }

  private async process(
    f: FaultSpec & { kind: 'kill' | 'stop' | 'pause' | 'restart' },
    h: ProcessHandle,
    r: FaultRecord,
  ) {
    r.hit.push(h.label);
    if (f.kind === 'pause') {
      await h.pause!();
      return async () => h.resume!();
    }
    if (f.kind === 'restart') {
      await h.stop();
      if (r.durationMs) await this.d.clock.sleep(r.durationMs, this.stopped.signal);
      await h.start();
      return undefined;
    }
    await (f.kind === 'kill' ? h.kill() : h.stop());
    // with a duration it comes back when the duration ends (down, then up); without, it stays down
    return r.durationMs === undefined ? undefined : async () => h.start();
  }

  private toxic(f: ToxicSpec, r: FaultRecord): Lift {
    const proxies = this.d.hub.proxiesOf(f.target, f.instance);
    const undo: Array<() => void> = [];
    for (const p of proxies) {
      r.hit.push(
        `proxy ${p.listening.host}:${p.listening.port} → ${p.upstream.host}:${p.upstream.port} (${p.stats.open} open)`,
      );
      if (f.kind === 'down') {
        p.setEnabled(false);
        undo.push(() => p.setEnabled(true));
        continue;
      }
      const {
        kind,
        at: _a,
        duration: _d,
        label: _l,
        target: _t,
        stream,
        toxicity,
        listen: _li,
        instance: _i,
        ...attrs
      } = f;
      const id = p.addToxic({
        kind,
        stream: stream ?? 'downstream',
        toxicity: toxicity ?? 1,
        attrs: attrs as Record<string, number>,
      });
      undo.push(() => p.removeToxic(id));
    }
    return async () => {
      for (const u of undo) u();
    };
  }

  /** the model server's added delay per request: latency ± jitter by the fault's distribution */
  private delaySampler(f: FaultSpec & { kind: 'slow' }): () => number {
    const rng = this.d.rng;
    const mean = f.latency;
    const j = f.jitter ?? 0;
    switch (f.distribution ?? 'uniform') {
      case 'normal':
        return () => Math.max(0, rng.normal(mean, j));
      case 'exponential':
        return () => (mean > 0 ? rng.exponential(1 / mean) : 0);
      default:
        return () => Math.max(0, mean + (j ? rng.uniform(-j, j) : 0));
    }
  }

  /** the run ended: lift what is still active, wait for the rest; the records as they happened */
  async stop(): Promise<FaultRecord[]> {
    this.stopped.abort();
    await Promise.all(this.running);
    for (const i of [...this.lifts.keys()]) await this.lift(i).catch((e) => this.failed(i, e));
    return this.records.map((r) => ({ ...r, hit: [...r.hit] }));
  }
}
