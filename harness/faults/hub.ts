/**
 * The fault proxies of a run. A target hands each service address it resolves to `proxy()`; when
 * a network fault names that service, the address that comes back is a FaultProxy's in front of
 * it (one per upstream address), otherwise the address itself. Faults on a `host:port` get a
 * proxy of their own, listening where the fault says (`listen`) for the system under test to use.
 */
import { FaultProxy, type Address } from './proxy.ts';
import { isToxic } from './fit.ts';
import { HOST_PORT, type FaultSpec } from './schema.ts';

function parseHostPort(s: string): Address {
  const i = s.lastIndexOf(':');
  return { host: s.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(s.slice(i + 1)) };
}

export class ProxyHub {
  private readonly byService = new Map<string, FaultProxy[]>();
  /** which instance of its service each proxy stands in front of (a broker node's id) */
  private readonly instances = new Map<FaultProxy, number>();
  private readonly wanted = new Set<string>();
  private seq = 0;

  constructor(
    private readonly faults: readonly FaultSpec[],
    private readonly seed = 1,
  ) {
    for (const f of faults) if (isToxic(f)) this.wanted.add(f.target);
  }

  /** the address a target should use for `service` (its node `instance`, when it has several) at `upstream` */
  async proxy(service: string, upstream: Address, instance?: number): Promise<Address> {
    if (!this.wanted.has(service)) return upstream;
    const list = this.byService.get(service) ?? [];
    const same = list.find((p) => p.upstream.host === upstream.host && p.upstream.port === upstream.port);
    if (same) return same.listening;
    const name = instance === undefined ? service : `${service}#${instance}`;
    const p = new FaultProxy({ upstream, name, seed: this.seed + ++this.seq });
    const a = await p.start();
    list.push(p);
    if (instance !== undefined) this.instances.set(p, instance);
    this.byService.set(service, list);
    return a;
  }

  /** proxies of `host:port` targets, listening where their fault says (or on a free port) */
  async startStandalone(): Promise<void> {
    for (const f of this.faults) {
      if (!isToxic(f) || !HOST_PORT.test(f.target) || this.byService.has(f.target)) continue;
      const listen = f.listen ? parseHostPort(f.listen) : undefined;
      const p = new FaultProxy({
        upstream: parseHostPort(f.target),
        name: f.target,
        seed: this.seed + ++this.seq,
        ...(listen ? { listen } : {}),
      });
      await p.start();
      this.byService.set(f.target, [p]);
    }
  }

  /** the proxies in front of a service, or of one instance of it (empty: the target never routed it through one) */
  proxiesOf(service: string, instance?: number): FaultProxy[] {
    const all = this.byService.get(service) ?? [];
    return instance === undefined ? all : all.filter((p) => this.instances.get(p) === instance);
  }

  async close(): Promise<void> {
    await Promise.all([...this.byService.values()].flat().map((p) => p.close()));
    this.byService.clear();
  }
}
