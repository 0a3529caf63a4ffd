/**
 * What the fault timeline (harness/faults) can hit in a pipeline run: the processors (children:
 * real signals; in-process: a crash or a graceful stop, never a freeze), the model server
 * (embedded, on this thread or its own: an outage of its listener, slow and erroring hooks; local: its process), Redis
 * (local redis-server: its process; any: flushed) and the consumer group (bounces). Redis and the
 * model server are reached through the run's fault proxies when a network fault names them.
 */
import type { FeatureStore } from '../../../pipeline/features/store.ts';
import type { StreamProcessor } from '../../../pipeline/processor/index.ts';
import type { ConsumerGroupFaults, FaultHost, ProcessHandle } from '../../faults/host.ts';
import type { ProcessTarget } from '../../faults/schema.ts';
import type { ManagedProcess } from '../../services/managed.ts';
import type { ResolvedServices } from '../../services/index.ts';
import type { TargetContext } from '../api.ts';
import { parseDuration } from '../../../results/duration.ts';
import type { ChildProcessor } from './children.ts';
import type { ChildEndpoints } from './processors.ts';
import { brokerHandles, brokerRole } from './cluster.ts';

/** Redis and model-server URLs as the pipeline should use them: through a fault proxy when one is wanted */
export async function endpointsOf(services: ResolvedServices, tc: TargetContext): Promise<ChildEndpoints> {
  const via = async (service: string, url: string | undefined): Promise<string | undefined> => {
    if (!url || !tc.proxy) return url;
    const u = new URL(url);
    const port = Number(u.port || (u.protocol === 'https:' ? 443 : u.protocol === 'redis:' ? 6379 : 80));
    const a = await tc.proxy(service, { host: u.hostname.replace(/^\[|\]$/g, ''), port });
    u.hostname = a.host;
    u.port = String(a.port);
    return u.toString().replace(/\/$/, '');
  };
  return {
    brokers: services.kafka!.connection.brokers,
    security: services.kafka!.connection.security,
    redisUrl: await via('redis', services.redis!.connection.url),
    modelServerUrl: (await via('model-server', services.modelServer!.connection.url)) as string,
  };
}

export interface PipelineParts {
  handles: { processors: StreamProcessor[]; children: ChildProcessor[] };
  services: ResolvedServices;
  store(): FeatureStore | undefined;
  newProcessor(): StreamProcessor;
  retire(p: StreamProcessor): void;
  newChild(): Promise<ChildProcessor>;
}

export function pipelineFaultHost(p: PipelineParts): FaultHost {
  return {
    processes: (t) => processes(p, t),
    modelServer() {
      const { server, thread } = p.services.modelServer?.connection ?? {};
      if (thread)
        return {
          label: `model server thread ${thread.threadId} :${thread.port}`,
          slow: (d) => thread.slow(d),
          erroring: (share) => thread.erroring(share),
        };
      if (!server)
        return (
          `the model server runs in ${p.services.modelServer?.mode ?? 'no'} mode: slow and erroring need the ` +
          'embedded one (--model-server-mode embedded); a network fault on model-server works in every mode'
        );
      return {
        label: `in-process model server :${server.port}`,
        slow: (d) => {
          server.faults.delay = d;
        },
        erroring: (share) => {
          server.faults.errorShare = share ?? 0;
        },
      };
    },
    redis() {
      const url = p.services.redis?.connection.url;
      if (url)
        return {
          label: `redis ${p.services.redis!.mode} ${url} (FLUSHALL)`,
          flush: async () => {
            const { Redis } = await import('ioredis'); // at the fault, not with the library
            const c = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
            try {
              await c.connect();
              await c.flushall();
            } finally {
              c.disconnect();
            }
          },
        };
      const store = p.store() as (FeatureStore & { flush?: () => Promise<void> }) | undefined;
      if (!store?.flush) return 'no feature store to flush';
      return { label: 'in-memory feature store', flush: () => (store.flush as () => Promise<void>)() };
    },
    consumers: () => consumers(p),
    brokerRole: (role) => brokerRole(p.services, role),
  };
}

function processes(p: PipelineParts, t: ProcessTarget): ProcessHandle[] | string {
  switch (t) {
    case 'broker':
      return brokerHandles(p.services);
    case 'processor':
      if (p.handles.children.length) return p.handles.children.map((_, i) => childHandle(p, i));
      if (p.handles.processors.length) return p.handles.processors.map((_, i) => inProcessHandle(p, i));
      return 'this run starts no processors (processors: 0)';
    case 'model-server': {
      const ms = p.services.modelServer;
      if (ms?.connection.process) return [managedHandle('pipelab serve-model', ms.connection.process)];
      const { server: here, thread } = ms?.connection ?? {};
      const server = here ?? thread;
      if (!server)
        return (
          `the model server is ${ms?.mode ?? 'not started'} here, not started by pipelab: it cannot be signalled; ` +
          'use a network fault on model-server'
        );
      const where = thread ? `model server thread ${thread.threadId}` : 'in-process model server';
      return [
        {
          label: `${where} :${server.port} (closed, not signalled)`,
          kill: () => server.down(),
          stop: () => server.down(),
          start: () => server.up(),
        },
      ];
    }
    case 'redis': {
      const r = p.services.redis;
      if (r?.connection.process) return [managedHandle('redis-server', r.connection.process)];
      return r?.connection.url
        ? `Redis is ${r.mode} here: pipelab did not start it, so it cannot signal it; use a network fault on redis`
        : 'Redis is the in-memory feature store here: process faults need a local redis-server (--redis-mode local)';
    }
  }
}

function managedHandle(name: string, proc: ManagedProcess): ProcessHandle {
  return {
    label: `${name} pid ${proc.pid}`,
    kill: () => proc.end('SIGKILL'),
    stop: () => proc.end('SIGTERM'),
    pause: async () => proc.signal('SIGSTOP'),
    resume: async () => proc.signal('SIGCONT'),
    start: () => proc.restart(),
  };
}

/**
 * The processor slots a fault took down, per run (keyed by its handles): a start brings an instance
 * back only when it is down, once. Faults overlap (a stop whose duration outlasts the start of a
 * rolling bounce): each handle acts on the slot's current instance, and the second start of the
 * same outage does nothing, so no instance is started twice and left running past the teardown.
 */
const downSlots = new WeakMap<PipelineParts['handles'], Set<number>>();

function slotHandle<P>(
  p: PipelineParts,
  list: P[],
  i: number,
  o: { label: (x: P) => string; kill(x: P): Promise<void>; stop(x: P): Promise<void>; restart(old: P): Promise<void> },
): ProcessHandle & { cur: () => P } {
  const down = downSlots.get(p.handles) ?? downSlots.set(p.handles, new Set()).get(p.handles)!;
  const cur = () => list[i] as P;
  return {
    cur,
    label: o.label(cur()),
    kill: () => {
      down.add(i);
      return o.kill(cur());
    },
    stop: () => {
      down.add(i);
      return o.stop(cur());
    },
    start: async () => {
      if (!down.delete(i)) return; // running: never taken down, or already brought back
      await o.restart(cur());
    },
  };
}

function childHandle(p: PipelineParts, i: number): ProcessHandle {
  const h = slotHandle(p, p.handles.children, i, {
    label: (c) => `child processor pid ${c.pid}`,
    kill: (c) => c.kill(),
    stop: (c) => c.stop(),
    restart: async () => {
      p.handles.children[i] = await p.newChild();
    },
  });
  return { ...h, pause: async () => h.cur().signal('SIGSTOP'), resume: async () => h.cur().signal('SIGCONT') };
}

function inProcessHandle(p: PipelineParts, i: number): ProcessHandle {
  return slotHandle(p, p.handles.processors, i, {
    label: (x) => `in-process ${x.id}`,
    kill: (x) => x.kill(),
    stop: (x) => x.stop(),
    restart: async (old) => {
      p.retire(old);
      const n = p.newProcessor();
      p.handles.processors[i] = n;
      await n.start();
    },
  });
}

function consumers(p: PipelineParts): ConsumerGroupFaults | string {
  const list = (): ProcessHandle[] | string => processes(p, 'processor');
  const first = list();
  if (typeof first === 'string') return first;
  const out = async (h: ProcessHandle, mode: 'clean' | 'hard') => (mode === 'clean' ? h.stop() : h.kill());
  return {
    label: `${first.length} processor(s) of the group`,
    size: () => (list() as ProcessHandle[]).length,
    async bounce(i, mode) {
      const h = (list() as ProcessHandle[])[i] as ProcessHandle;
      await out(h, mode);
      await h.start();
      return `${mode} bounce of ${h.label}`;
    },
    async bounceAll(mode) {
      const hs = list() as ProcessHandle[];
      await Promise.all(hs.map((h) => out(h, mode)));
      await Promise.all(hs.map((h) => h.start()));
      return `${mode} bounce of ${hs.map((h) => h.label).join(', ')}`;
    },
  };
}

/**
 * The target's own faults (`faults.stopModelServerAt`, `faults.killProcessorAt`), each run at its time on the run's
 * clock (`tc.sleep`, or a timer); an abort of `signal` (teardown) cancels those not yet due
 */
export function armTimedFaults(
  tc: TargetContext,
  signal: AbortSignal,
  at: { stopModelServer?: string | undefined; killProcessor?: string | undefined },
  run: { stopModelServer(): Promise<void>; killProcessor(index: number): Promise<void> },
): Promise<void>[] {
  const timers: Promise<void>[] = [];
  const arm = (d: string | undefined, fn: () => Promise<void>): void => {
    if (d === undefined) return;
    const sleep = tc.sleep ?? abortableSleep;
    timers.push(
      sleep(Math.max(0, parseDuration(d) - tc.now()), signal)
        .then(() => (signal.aborted ? undefined : fn()))
        .catch(() => {}),
    );
  };
  arm(at.stopModelServer, () => run.stopModelServer());
  arm(at.killProcessor, () => run.killProcessor(0));
  return timers;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((r) => {
    const h = setTimeout(r, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(h);
        r();
      },
      { once: true },
    );
  });
}
