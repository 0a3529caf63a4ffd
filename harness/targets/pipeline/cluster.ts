/**
 * The reference pipeline on the replicated embedded cluster (`target.brokers` ≥ 2): one OS process
 * per broker node, replication factor min(3, brokers), min.insync.replicas 2 by default, and each
 * node advertising the fault proxy in front of it when a network fault names kafka (so that the
 * clients and the other nodes' replica fetchers all reach it through the proxy). Broker process
 * faults (kill, stop, pause, restart) hit the node processes; `role` picks the node leading the
 * input topic's partition 0, or the controller, when the fault starts.
 */
import type { Broker, BrokerOptions } from '../../../broker/index.ts';
import { PipelabError } from '../../../errors.ts';
import { TOPICS } from '../../../pipeline/topics.ts';
import type { ProcessHandle } from '../../faults/host.ts';
import type { BrokerRole } from '../../faults/schema.ts';
import type { ResolvedServices } from '../../services/index.ts';
import type { TargetContext } from '../api.ts';

/** the embedded broker's options for `brokers` nodes (none for one: the fast in-process node) */
export function clusterOptions(
  o: { brokers?: number | undefined; minInsyncReplicas?: number | undefined },
  tc: TargetContext,
): BrokerOptions {
  const n = o.brokers ?? 1;
  if (n < 2) return {};
  const proxy = tc.proxy;
  return {
    brokers: n,
    defaultReplicationFactor: Math.min(3, n),
    minInsyncReplicas: o.minInsyncReplicas ?? Math.min(2, n),
    ...(proxy ? { advertise: (id, bound) => proxy('kafka', bound, id) } : {}),
  };
}

/** target.brokers asks pipelab for a cluster: with an external one (--kafka) or a container it cannot */
export function checkClusterMode(brokers: number | undefined, services: ResolvedServices): void {
  const kafka = services.kafka;
  if ((brokers ?? 1) < 2 || !kafka || kafka.connection.broker) return;
  throw new PipelabError(
    'INVALID_SCENARIO',
    `target.brokers: ${brokers} starts the embedded replicated cluster, ` +
      `but kafka resolved to ${kafka.mode} (${kafka.detail})`,
    { hint: 'drop --kafka / PIPELAB_KAFKA (and --kafka-mode) for this scenario, or remove target.brokers' },
  );
}

/** the embedded broker when it is the replicated cluster (node processes), else undefined */
function replicated(services: ResolvedServices | undefined): Broker | undefined {
  const b = services?.kafka?.connection.broker;
  return b?.nodes && b.replication ? b : undefined;
}

/** one handle per broker node process, by node id */
export function brokerHandles(services: ResolvedServices): ProcessHandle[] | string {
  const b = replicated(services);
  if (!b)
    return (
      'broker process faults need the replicated embedded cluster (target.brokers ≥ 2): the single in-process node ' +
      'and an external cluster cannot be signalled'
    );
  return (b.nodes ?? []).map((n) => ({
    get label() {
      return `broker node ${n.id} pid ${n.pid}`;
    },
    kill: () => n.kill(),
    stop: () => n.stop(),
    pause: async () => n.pause(),
    resume: async () => n.resume(),
    start: () => n.restart(),
  }));
}

/** the node in `role` now: the leader of the input topic's partition 0, or the controller */
export function brokerRole(services: ResolvedServices, role: BrokerRole): { node: number; what: string } | string {
  const b = replicated(services);
  const v = b?.replication?.view();
  if (!v) return 'broker roles need the replicated embedded cluster (target.brokers ≥ 2)';
  if (role === 'controller')
    return v.controller >= 0 ? { node: v.controller, what: `controller: node ${v.controller}` } : 'no controller now';
  const leader = v.leaders[TOPICS.transactions]?.[0] ?? -1;
  if (leader < 0) return `${TOPICS.transactions}[0] has no leader now`;
  return { node: leader, what: `leader of ${TOPICS.transactions}[0]: node ${leader}` };
}
