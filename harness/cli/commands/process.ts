/**
 * `pipelab process`: the stream processor as its own process (docker-compose runs two replicas
 * of it; a scenario can start several on several cores). Services resolve as everywhere else:
 * --kafka / --redis / --model-server (or PIPELAB_*) for real ones; without --kafka an embedded
 * broker is started and its address printed. Prints `processor ... consuming` once in the group;
 * stops gracefully (windows flushed, offsets committed) on SIGINT/SIGTERM.
 */
import { Option, type Command } from 'commander';
import { PipelabError } from '../../../errors.ts';

const COMPRESSIONS = ['lz4', 'snappy', 'gzip', 'none'] as const;

function int(flag: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new PipelabError('INVALID_ARGUMENT', `invalid ${flag}: expected an integer in [${min}, ${max}], got '${v}'`, {
      issues: [{ path: flag, message: `got '${v}'` }],
    });
  return n;
}

interface Flags {
  kafka?: string;
  kafkaMode?: string;
  redis?: string;
  redisMode?: string;
  modelServer?: string;
  modelServerMode?: string;
  group: string;
  instances: string;
  sessionTimeout: string;
  compression: (typeof COMPRESSIONS)[number];
  stats: string;
  partitions?: string;
}

export function register(program: Command): void {
  program
    .command('process')
    .description(
      'run the stream processor (consumer group on transactions → features → model → fraud-decisions, windows → processed-events, invalid → dead-letter)',
    )
    .addOption(
      new Option(
        '--kafka <bootstrap>',
        'Kafka bootstrap servers host:port[,host:port] (default: start an embedded broker)',
      ).env('PIPELAB_KAFKA'),
    )
    .addOption(new Option('--kafka-mode <mode>', 'force a mode: external|container|embedded').env('PIPELAB_KAFKA_MODE'))
    .addOption(
      new Option(
        '--redis <url>',
        'feature store Redis URL (default: local redis-server if installed, else in memory)',
      ).env('PIPELAB_REDIS'),
    )
    .addOption(
      new Option('--redis-mode <mode>', 'force a mode: external|container|local|embedded').env('PIPELAB_REDIS_MODE'),
    )
    .addOption(
      new Option('--model-server <url>', 'model server base URL (default: start one in this process)').env(
        'PIPELAB_MODEL_SERVER',
      ),
    )
    .addOption(
      new Option('--model-server-mode <mode>', 'force a mode: external|local|embedded').env(
        'PIPELAB_MODEL_SERVER_MODE',
      ),
    )
    .option('--group <id>', 'consumer group id', 'pipelab-processor')
    .option('--instances <n>', 'processor instances in this process (one group)', '1')
    .option(
      '--session-timeout <ms>',
      'consumer group session timeout: how long a crashed instance holds its partitions',
      '10000',
    )
    .addOption(
      new Option('--compression <codec>', 'compression of the records it writes').choices(COMPRESSIONS).default('lz4'),
    )
    .option('--partitions <n>', 'partitions of the topics if this process creates them (default: the declared 12)')
    .option('--stats <seconds>', 'print throughput, lag and counts every N seconds (0 = never)', '10')
    .addHelpText(
      'after',
      '\nExamples:\n  pipelab process --kafka localhost:9092 --redis redis://localhost:6379 --model-server http://localhost:8500\n  pipelab process --kafka kafka-1:29092,kafka-2:29092,kafka-3:29092 --instances 2',
    )
    .action(async (o: Flags) => {
      const instances = int('--instances', o.instances, 1, 64);
      const statsEvery = int('--stats', o.stats, 0, 86_400);
      const sessionTimeoutMs = int('--session-timeout', o.sessionTimeout, 100, 3_600_000);
      const partitions = o.partitions !== undefined ? int('--partitions', o.partitions, 1, 10_000) : undefined;
      const [
        { resolveServices, serviceOptionsFrom, openFeatureStore },
        { registerKafkajsCodecs },
        kafkajs,
        { ensureTopics },
        { StreamProcessor, RecentIds },
        { ModelClient },
      ] = await Promise.all([
        import('../../services/index.ts'),
        import('../../../broker/codecs.ts'),
        import('kafkajs'),
        import('../../../pipeline/topics.ts'),
        import('../../../pipeline/processor/index.ts'),
        import('../../../pipeline/model-server/client.ts'),
      ]);
      registerKafkajsCodecs();
      const req = serviceOptionsFrom(o);
      const services = await resolveServices({ kafka: req.kafka, redis: req.redis, modelServer: req.modelServer });
      const stop = new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      try {
        const brokers = services.kafka!.connection.brokers;
        const embedded = services.kafka!.connection.broker;
        const kafka = new kafkajs.default.Kafka({
          clientId: 'pipelab-process',
          brokers,
          logLevel: kafkajs.default.logLevel.ERROR,
        });
        await ensureTopics(kafka, partitions ? { partitions } : {});
        const store = await openFeatureStore(services.redis!.connection);
        const model = new ModelClient({ urls: [services.modelServer!.connection.url] });
        const dedup = new RecentIds();
        const procs = Array.from(
          { length: instances },
          (_, i) =>
            new StreamProcessor({
              brokers,
              store,
              model,
              dedup,
              groupId: o.group,
              compression: o.compression,
              id: `processor-${process.pid}-${i + 1}`,
              lag: embedded ? () => embedded.lag(o.group).total : undefined,
              lagEveryMs: i === 0 ? 1000 : 0,
              sessionTimeoutMs,
              heartbeatIntervalMs: Math.max(50, Math.min(1000, Math.floor(sessionTimeoutMs / 10))),
              rebalanceTimeoutMs: Math.max(sessionTimeoutMs, 3000),
            }),
        );
        await Promise.all(procs.map((p) => p.start()));
        for (const [name, info] of Object.entries(services.info()))
          process.stdout.write(`${name}: ${info.mode} (${info.detail ?? ''})\n`);
        process.stdout.write(
          `processor ${procs.map((p) => p.id).join(', ')} consuming transactions from ${brokers.join(',')} (group ${o.group})\n`,
        );
        let last = 0;
        const timer =
          statsEvery > 0
            ? setInterval(() => {
                const s = procs.map((p) => p.stats());
                const records = s.reduce((a, x) => a + x.records, 0);
                process.stdout.write(
                  `records=${records} (+${((records - last) / statsEvery).toFixed(0)}/s) decisions=${s.reduce((a, x) => a + x.decisions, 0)} dead-letters=${s.reduce((a, x) => a + x.deadLetters, 0)} late=${s.reduce((a, x) => a + x.late, 0)} duplicates=${s.reduce((a, x) => a + x.duplicates, 0)} lag=${s[0]?.lag ?? 0}\n`,
                );
                last = records;
              }, statsEvery * 1000)
            : undefined;
        await stop;
        clearInterval(timer);
        await Promise.all(procs.map((p) => p.stop()));
        await model.close();
        await store.close();
      } finally {
        await services.close();
      }
    });
}
