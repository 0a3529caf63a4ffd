/** startBroker's options for a replicated cluster (brokers > 1), their defaults and their checks */
import { z } from 'zod';

export interface ReplicatedOptions {
  /**
   * with brokers > 1: run each node as its own OS process with its own log, replicating over the
   * Kafka protocol (default true); false keeps every node in this process over one shared state
   */
  processes?: boolean;
  /** replicated clusters: cluster default of `min.insync.replicas` (default 1, as Kafka) */
  minInsyncReplicas?: number;
  /** replicated clusters: elect a leader outside the ISR when no ISR member is alive (default false) */
  uncleanLeaderElection?: boolean;
  /** replicated clusters: a follower not caught up for this long leaves the ISR (default 5000) */
  replicaLagMs?: number;
  /** replicated clusters: node heartbeat interval (default 200) */
  nodeHeartbeatMs?: number;
  /** replicated clusters: the silence after which a node is dead (default 2000) */
  nodeSessionMs?: number;
  /**
   * replicated clusters: the address node `id` advertises (Metadata, replica fetches) given the
   * one it listens on, e.g. a fault proxy's in front of it; called once per node, before peers meet
   */
  advertise?: (id: number, bound: NodeAddress) => Promise<NodeAddress>;
}

export interface NodeAddress {
  host: string;
  port: number;
}

export const REPLICATED_DEFAULTS = {
  processes: true,
  minInsyncReplicas: 1,
  uncleanLeaderElection: false,
  replicaLagMs: 5000,
  nodeHeartbeatMs: 200,
  nodeSessionMs: 2000,
};

const int = (min: number, max: number) => z.number().int().min(min).max(max).optional();

export const replicatedSchema = {
  processes: z.boolean().optional(),
  minInsyncReplicas: int(1, 16),
  uncleanLeaderElection: z.boolean().optional(),
  replicaLagMs: int(10, 2 ** 31 - 1),
  nodeHeartbeatMs: int(10, 60_000),
  nodeSessionMs: int(50, 2 ** 31 - 1),
  advertise: z.custom<ReplicatedOptions['advertise']>((v) => typeof v === 'function').optional(),
};
