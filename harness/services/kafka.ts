/**
 * Kafka for the reference pipeline: external bootstrap list (`--kafka`, PIPELAB_KAFKA) →
 * container (with a Docker engine: the official apache/kafka image, one KRaft node; without one
 * it is skipped, and fails in milliseconds when forced) → embedded (pipelab's own Kafka-protocol broker
 * on 127.0.0.1:<free port>). There is no local mode: no Kafka binary exists in npm or Debian.
 * Every mode hands the pipeline the same thing: a bootstrap list for kafkajs.
 */
import type { Broker, BrokerOptions } from '../../broker/index.ts';
import { type KafkaClientSecurity, securityProtocolOf } from '../../pipeline/kafka-security.ts';
import { importOptional, PipelabError } from '../../errors.ts';
import { freePort } from './ports.ts';
import { checkKafkaTls } from './kafka-security.ts';
import { resolveService } from './resolve.ts';
import type { ResolveOptions, ResolvedService, ServiceSpec } from './types.ts';

export interface KafkaConnection {
  brokers: string[];
  /** the embedded broker, when that is what runs (undefined otherwise): lag(), stats(), fault hooks, stopBroker */
  broker?: Broker;
  /**
   * TLS/SASL of an external cluster (--kafka-sasl, --kafka-tls, ...); the embedded broker and the
   * container are PLAINTEXT
   */
  security?: KafkaClientSecurity;
}

export const KAFKA_IMAGE = 'apache/kafka:3.9.1';

/** parses `host:port[,host:port...]` (a `kafka://` prefix is accepted); throws naming the flag */
export function parseBootstrap(url: string): string[] {
  const list = url
    .replace(/^kafka:\/\//, '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = list.filter((b) => !/^[^\s:]+:\d{1,5}$/.test(b) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(b));
  if (list.length === 0 || bad.length > 0) {
    throw new PipelabError('INVALID_ARGUMENT', `kafka: bad bootstrap address ${JSON.stringify(bad[0] ?? url)}`, {
      hint: 'pass --kafka host:port[,host:port] (or PIPELAB_KAFKA)',
    });
  }
  return list;
}

export function kafkaSpec(embedded: BrokerOptions = {}, security?: KafkaClientSecurity): ServiceSpec<KafkaConnection> {
  return {
    name: 'kafka',
    envVar: 'PIPELAB_KAFKA',
    async external(url) {
      const brokers = parseBootstrap(url);
      await checkKafkaTls(brokers, security);
      const detail = security ? `${brokers.join(',')} (${securityProtocolOf(security)})` : brokers.join(',');
      return { detail, connection: { brokers, security }, close: async () => {} };
    },
    container: {
      available: async () => true,
      async start() {
        const c = await startKafkaContainer();
        return {
          detail: `${KAFKA_IMAGE} (KRaft, 1 node) at ${c.bootstrap}`,
          connection: { brokers: [c.bootstrap] },
          close: c.stop,
        };
      },
    },
    async embedded() {
      const { startBroker } = await import('../../broker/index.ts');
      const broker = await startBroker({ host: '127.0.0.1', port: 0, ...embedded });
      const n = broker.bootstrap.length;
      return {
        detail: `embedded broker (${n} node${n === 1 ? '' : 's'}) at ${broker.bootstrap.join(',')}`,
        connection: { brokers: broker.bootstrap, broker },
        close: () => broker.close(),
      };
    },
  };
}

/**
 * One KRaft node (broker + controller) of the official image. A Kafka client connects to the
 * address the broker *advertises*, so the host port is chosen first and bound explicitly
 * (not a random mapping found after start) and advertised as localhost:<port>.
 */
async function startKafkaContainer(): Promise<{ bootstrap: string; stop(): Promise<void> }> {
  const { GenericContainer, Wait } = await importOptional(
    'testcontainers',
    'Kafka in a container (--kafka-mode container)',
    () => import('testcontainers'),
  );
  const hostPort = await freePort();
  const c = await new GenericContainer(KAFKA_IMAGE)
    .withExposedPorts({ container: 9092, host: hostPort })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://localhost:${hostPort}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(120_000)
    .start();
  return { bootstrap: `localhost:${hostPort}`, stop: async () => void (await c.stop()) };
}

export function resolveKafka(
  opts: ResolveOptions & { embedded?: BrokerOptions; security?: KafkaClientSecurity } = {},
): Promise<ResolvedService<KafkaConnection>> {
  return resolveService(kafkaSpec(opts.embedded, opts.security), opts);
}
