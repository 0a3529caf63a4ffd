/**
 * `pipelab broker`: runs the embedded Kafka-protocol broker standalone until Ctrl-C, so any Kafka
 * tool (kcat, kafkajs, librdkafka apps) can point at it. Binds 127.0.0.1 unless --host is given.
 */
import type { Command } from 'commander';
import { startBroker } from '../../../broker/index.ts';
import { PipelabError } from '../../../errors.ts';
import { numberOption } from '../numbers.ts';
import {
  addBrokerSecurityFlags,
  type BrokerSecurityFlags,
  brokerSecurityOptions,
  securityProtocol,
} from '../security-flags.ts';

export function register(program: Command): void {
  const cmd = program
    .command('broker')
    .description('run the embedded Kafka-protocol broker until Ctrl-C (prints the bootstrap address)')
    .option(
      '-p, --port <port>',
      'port of the first broker node (0 = a free port); further nodes take the next ports',
      numberOption('--port', { int: true, min: 0, max: 65535, example: 9092 }),
      9092,
    )
    .option(
      '-b, --brokers <n>',
      'number of broker nodes in the cluster (1 or 3 are typical)',
      numberOption('--brokers', { int: true, min: 1, max: 16 }),
      1,
    )
    .option(
      '--host <address>',
      'address to bind and advertise; anything but loopback must be asked for here',
      '127.0.0.1',
    )
    .option(
      '--advertised-host <address>',
      "address clients are told to connect to (default: --host; for 0.0.0.0, this machine's first " +
        'external IPv4 address)',
    )
    .option(
      '--partitions <n>',
      'partitions of auto-created topics',
      numberOption('--partitions', { int: true, min: 1, max: 10_000 }),
      1,
    )
    .option('--no-auto-create', 'do not create unknown topics on Metadata requests')
    .option(
      '--replication-factor <n>',
      'replication factor of auto-created topics (at most --brokers)',
      numberOption('--replication-factor', { int: true, min: 1, max: 16 }),
      1,
    )
    .option(
      '--min-insync-replicas <n>',
      'with --brokers > 1: acks=all is refused (NOT_ENOUGH_REPLICAS) while fewer replicas are in sync',
      numberOption('--min-insync-replicas', { int: true, min: 1, max: 16 }),
      1,
    )
    .option('--unclean-leader-election', 'with --brokers > 1: elect an out-of-sync replica when no in-sync one lives')
    .option('--in-process', 'with --brokers > 1: all nodes in this process over one shared state (no replication)')
    .option(
      '--schema-registry-port <port>',
      'also serve a minimal Confluent Schema Registry API on this port (0 = a free port; see docs/formats.md)',
      numberOption('--schema-registry-port', { int: true, min: 0, max: 65535, example: 8081 }),
    )
    .option(
      '--stats <seconds>',
      'print stored bytes and request counts every n seconds (0 = never)',
      numberOption('--stats', { int: true, min: 0, max: 3600 }),
      0,
    );
  addBrokerSecurityFlags(cmd)
    .addHelpText(
      'after',
      '\nExamples:\n  pipelab broker                       # 127.0.0.1:9092\n  pipelab broker --brokers 3 ' +
        '--port 0  # three nodes on free ports\n  kcat -b 127.0.0.1:9092 -L            # then point any ' +
        'Kafka tool at it\n' +
        '  pipelab broker --tls-cert s.pem --tls-key s.key --sasl scram-sha-512 --user alice:secret  # SASL_SSL\n' +
        '  pipelab broker --schema-registry-port 8081  # and a schema registry on http://127.0.0.1:8081\n',
    )
    .action(run);
}

interface BrokerFlags extends BrokerSecurityFlags {
  port: number;
  brokers: number;
  host: string;
  advertisedHost?: string;
  partitions: number;
  autoCreate: boolean;
  stats: number;
  schemaRegistryPort?: number;
  replicationFactor: number;
  minInsyncReplicas: number;
  uncleanLeaderElection?: boolean;
  inProcess?: boolean;
}

async function run(opts: BrokerFlags): Promise<void> {
  if (opts.replicationFactor > opts.brokers)
    throw new PipelabError('INVALID_ARGUMENT', `--replication-factor ${opts.replicationFactor} > --brokers`, {
      hint: `pass --replication-factor at most ${opts.brokers}, or more --brokers`,
    });
  const security = brokerSecurityOptions(opts);
  const broker = await startBroker({
    ...security,
    onWarning: (m) => process.stdout.write(`warning: ${m}\n`),
    port: opts.port,
    brokers: opts.brokers,
    host: opts.host,
    advertisedHost: opts.advertisedHost,
    defaultPartitions: opts.partitions,
    autoCreateTopics: opts.autoCreate,
    schemaRegistry: opts.schemaRegistryPort === undefined ? undefined : { port: opts.schemaRegistryPort },
    defaultReplicationFactor: opts.replicationFactor,
    minInsyncReplicas: opts.minInsyncReplicas,
    uncleanLeaderElection: opts.uncleanLeaderElection === true,
    processes: opts.inProcess !== true,
  });
  const protocol = securityProtocol(security);
  process.stdout.write(
    `pipelab broker: ${opts.brokers} node(s), bootstrap ${broker.bootstrap.join(',')}` +
      `${protocol === 'PLAINTEXT' ? '' : ` (${protocol})`}\n`,
  );
  for (const n of broker.nodes ?? []) process.stdout.write(`node ${n.id} ${n.host}:${n.port} pid ${n.pid}\n`);
  if (broker.schemaRegistry) process.stdout.write(`schema registry: ${broker.schemaRegistry.url}\n`);
  process.stdout.write('press Ctrl-C to stop\n');
  const timer =
    opts.stats > 0
      ? setInterval(() => {
          const s = broker.stats();
          process.stdout.write(
            `topics ${s.topics} partitions ${s.partitions} stored ${s.storedBytes} B records ` +
              `${s.recordsProduced} rss ${s.memory.rss} B\n`,
          );
        }, opts.stats * 1000)
      : undefined;
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  if (timer) clearInterval(timer);
  await broker.close();
  process.stdout.write('pipelab broker: stopped\n');
}
