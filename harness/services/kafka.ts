/**
 * Kafka for the pipeline: an external bootstrap list (`--kafka`, PIPELAB_KAFKA, comma-separated
 * host:port) → embedded (the in-process Kafka-protocol broker on 127.0.0.1). No container or
 * local mode: a Kafka container needs its advertised listener set to the mapped port, and no
 * Kafka binary is installable here; both are skipped with that reason.
 * Embedded mode also hands over the broker handle (lag, stats, fault hooks, stopBroker).
 */
import { PipelabError } from '../errors.ts';
import { startBroker, type Broker, type BrokerOptions } from '../broker/index.ts';
import { resolveService } from './resolve.ts';
import type { ResolveOptions, ResolvedService, ServiceSpec } from './types.ts';

export interface KafkaConnection {
  /** bootstrap servers for a client's `brokers` option */
  brokers: string[];
  /** the embedded broker, when that is what runs (undefined for an external cluster) */
  broker?: Broker;
}

/** parses `host:port[,host:port...]` (a `kafka://` prefix is accepted); throws naming the flag */
export function parseBootstrap(url: string): string[] {
  const list = url.replace(/^kafka:\/\//, '').split(',').map((s) => s.trim()).filter(Boolean);
  const bad = list.filter((b) => !/^[^\s:]+:\d{1,5}$/.test(b) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(b));
  if (list.length === 0 || bad.length > 0) {
    throw new PipelabError('INVALID_ARGUMENT', `kafka: bad bootstrap address ${JSON.stringify(bad[0] ?? url)}`, { hint: 'pass --kafka host:port[,host:port] (or PIPELAB_KAFKA)' });
  }
  return list;
}

export function kafkaSpec(embedded: BrokerOptions = {}): ServiceSpec<KafkaConnection> {
  return {
    name: 'kafka',
    envVar: 'PIPELAB_KAFKA',
    async external(url) {
      const brokers = parseBootstrap(url);
      return { detail: brokers.join(','), connection: { brokers }, close: async () => {} };
    },
    async embedded() {
      const broker = await startBroker(embedded);
      return { detail: `embedded broker (${broker.bootstrap.length} node(s)) at ${broker.bootstrap.join(',')}`, connection: { brokers: broker.bootstrap, broker }, close: () => broker.close() };
    },
  };
}

export function resolveKafka(opts: ResolveOptions & { embedded?: BrokerOptions } = {}): Promise<ResolvedService<KafkaConnection>> {
  return resolveService(kafkaSpec(opts.embedded), opts);
}
