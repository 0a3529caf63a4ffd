/**
 * Kafka for the reference pipeline: external bootstrap list (`--kafka`, PIPELAB_KAFKA) →
 * container (none without an engine: fails fast like every container mode; with one, the
 * official apache/kafka image in KRaft mode) → embedded (pipelab's own Kafka-protocol broker
 * on 127.0.0.1:<free port>). There is no local mode: no Kafka binary exists in npm or Debian.
 * Every mode hands the pipeline the same thing: a bootstrap list for kafkajs.
 */
import type { Broker, BrokerOptions } from '../broker/index.ts';
import { startContainer } from './container.ts';
import { resolveService } from './resolve.ts';
import type { ResolveOptions, ResolvedService, ServiceSpec } from './types.ts';

export interface KafkaConnection {
  brokers: string[];
  /** the embedded broker (embedded mode only): lag(), stats(), fault hooks */
  embedded?: Broker;
}

export const KAFKA_IMAGE = 'apache/kafka:3.9.1';

export function parseBootstrap(list: string): string[] {
  return list.split(',').map((s) => s.trim()).filter(Boolean);
}

export function kafkaSpec(embedded: BrokerOptions = {}): ServiceSpec<KafkaConnection> {
  return {
    name: 'kafka',
    envVar: 'PIPELAB_KAFKA',
    async external(url) {
      const brokers = parseBootstrap(url);
      return { detail: brokers.join(','), connection: { brokers }, close: async () => {} };
    },
    container: {
      available: async () => true,
      async start() {
        // single-node KRaft; KAFKA_ADVERTISED_LISTENERS must name the mapped port, which
        // testcontainers only knows after start, so this uses the image's defaults on 9092
        const c = await startContainer(KAFKA_IMAGE, 9092);
        const brokers = [`${c.host}:${c.port}`];
        return { detail: `${KAFKA_IMAGE} at ${brokers[0]}`, connection: { brokers }, close: c.stop };
      },
    },
    async embedded() {
      const { startBroker } = await import('../broker/index.ts');
      const broker = await startBroker({ host: '127.0.0.1', port: 0, ...embedded });
      const n = broker.bootstrap.length;
      return {
        detail: `embedded broker (${n} node${n === 1 ? '' : 's'}) at ${broker.bootstrap.join(',')}`,
        connection: { brokers: broker.bootstrap, embedded: broker },
        close: () => broker.close(),
      };
    },
  };
}

export function resolveKafka(opts: ResolveOptions & { embedded?: BrokerOptions } = {}): Promise<ResolvedService<KafkaConnection>> {
  return resolveService(kafkaSpec(opts.embedded), opts);
}
