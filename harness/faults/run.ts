/**
 * The fault timeline's part in a run (harness/runner): the proxy hub the target resolves its
 * services through, the check after setup (a fault this run cannot apply stops it before any
 * load), the start with the load, and the records at the end. A scenario without faults gets a
 * no-op.
 */
import { Rng } from '../../generators/rng.ts';
import type { FaultRecord } from '../../results/types.ts';
import type { MetricsRegistry } from '../metrics/api.ts';
import type { FaultHost } from './host.ts';
import { ProxyHub } from './hub.ts';
import type { Address } from './proxy.ts';
import type { FaultSpec } from './schema.ts';
import { FaultTimeline, type FaultClock } from './timeline.ts';

export interface RunFaults {
  /** TargetContext.proxy: the address to use for a service (a fault proxy's when a fault names it) */
  proxy(service: string, upstream: Address, instance?: number): Promise<Address>;
  /** after the target's setup: standalone proxies up, every fault checked (throws PipelabError) */
  ready(target: object, targetType: string): Promise<void>;
  /** with the load */
  start(): void;
  /** the load ended: lift what is active; the records (undefined: the scenario has no faults) */
  stop(): Promise<FaultRecord[] | undefined>;
  close(): Promise<void>;
}

export function runFaults(
  faults: readonly FaultSpec[],
  d: { clock: FaultClock; metrics: MetricsRegistry; seed: number },
): RunFaults {
  const hub = new ProxyHub(faults, d.seed);
  const timeline = faults.length
    ? new FaultTimeline(faults, { clock: d.clock, metrics: d.metrics, hub, rng: new Rng(d.seed).fork('faults') })
    : undefined;
  return {
    proxy: (service, upstream, instance) => hub.proxy(service, upstream, instance),
    async ready(target, targetType) {
      if (!timeline) return;
      await hub.startStandalone();
      const host = (target as { faultHost?: () => FaultHost }).faultHost?.();
      timeline.check(host, targetType);
    },
    start: () => timeline?.start(),
    stop: async () => timeline?.stop(),
    close: () => hub.close(),
  };
}
