/**
 * `pipelab process`: the stream processor as its own process (docker-compose runs two replicas
 * of it; a scenario can start several on several cores). Services resolve as everywhere else:
 * --kafka / --redis / --model-server (or PIPELAB_*) for real ones; without --kafka an embedded
 * broker is started and its address printed. Prints `processor ... consuming` once in the group;
 * stops gracefully (windows flushed, offsets committed) on SIGINT/SIGTERM.
 */
import { Option, type Command } from 'commander';
import { PipelabError } from '../../../errors.ts';
import { TRANSACTION_PII } from '../../../generators/schemas/pii.ts';
import { PROCESSOR_DEFAULTS } from '../../../pipeline/processor/options.ts';
import { parseDuration } from '../../../results/duration.ts';
import { parseNumberFlag, parseOptionalNumberFlag } from '../numbers.ts';
import { addKafkaClientFlags, type KafkaClientFlags, kafkaClientOverrides } from '../security-flags.ts';

const COMPRESSIONS = ['lz4', 'snappy', 'gzip', 'none'] as const;
const GUARANTEES = ['at-least-once', 'exactly-once'] as const;

interface Flags extends KafkaClientFlags {
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
  guarantee: (typeof GUARANTEES)[number];
  stats: string;
  partitions?: string;
  userEvents?: boolean;
  window?: string;
  allowedLateness?: string;
  checkpointInterval?: string;
  piiKeyFile?: string;
  audit?: boolean;
  fetchMinBytes?: string;
  fetchMaxWait?: string;
  maxInFlight?: string;
}

interface Settings {
  instances: number;
  statsEvery: number;
  sessionTimeoutMs: number;
  partitions: number | undefined;
  windows: { sizeMs?: number; allowedLatenessMs?: number };
  checkpointIntervalMs: number | undefined;
  /** fetch min bytes, max wait and records in flight: unset keeps the processor's defaults (PROCESSOR_DEFAULTS) */
  fetch: { fetchMinBytes?: number; fetchMaxWaitMs?: number; maxInFlight?: number };
}

/** whole numbers ≥ 1, as the pipeline target's schema takes them */
const COUNT = { int: true, min: 1 };

function parseSettings(o: Flags): Settings {
  return {
    instances: parseNumberFlag('--instances', o.instances, { int: true, min: 1, max: 64 }),
    statsEvery: parseNumberFlag('--stats', o.stats, { int: true, min: 0, max: 86_400 }),
    sessionTimeoutMs: parseNumberFlag('--session-timeout', o.sessionTimeout, { int: true, min: 100, max: 3_600_000 }),
    partitions: parseOptionalNumberFlag('--partitions', o.partitions, { int: true, min: 1, max: 10_000 }),
    windows: {
      ...(o.window === undefined ? {} : { sizeMs: durationFlag('--window', o.window, false) }),
      ...(o.allowedLateness === undefined
        ? {}
        : { allowedLatenessMs: durationFlag('--allowed-lateness', o.allowedLateness, true) }),
    },
    checkpointIntervalMs:
      o.checkpointInterval === undefined
        ? undefined
        : durationFlag('--checkpoint-interval', o.checkpointInterval, true),
    fetch: {
      fetchMinBytes: parseOptionalNumberFlag('--fetch-min-bytes', o.fetchMinBytes, COUNT),
      fetchMaxWaitMs: parseOptionalNumberFlag('--fetch-max-wait', o.fetchMaxWait, COUNT),
      maxInFlight: parseOptionalNumberFlag('--max-in-flight', o.maxInFlight, COUNT),
    },
  };
}

function durationFlag(flag: string, v: string, zeroOk: boolean): number {
  let ms = Number.NaN;
  try {
    ms = parseDuration(v);
  } catch {
    /* reported below */
  }
  if (!(ms > 0 || (zeroOk && ms === 0)))
    throw new PipelabError('INVALID_ARGUMENT', `${flag} ${v}: expected a duration such as 5m, 90s or 500ms`, {
      hint: `give ${flag} a duration${zeroOk ? ' (0 allowed)' : ' above 0'}`,
    });
  return ms;
}

/** the service flags (each also read from its PIPELAB_* environment variable) */
function addServiceOptions(cmd: Command): Command {
  return cmd
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
    );
}

export function register(program: Command): void {
  const cmd = program
    .command('process')
    .description(
      'run the stream processor (consumer group on transactions → features → model → fraud-decisions, ' +
        'windows → processed-events, invalid → dead-letter)',
    );
  addKafkaClientFlags(addServiceOptions(cmd))
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
    .addOption(
      new Option(
        '--guarantee <g>',
        "exactly-once: each chunk's results and offsets in one Kafka transaction (downstream reads committed)",
      )
        .choices(GUARANTEES)
        .default('at-least-once'),
    )
    .option(
      '--checkpoint-interval <duration>',
      'how often window and dedup state goes to the changelog topic (default 5s; exactly-once: windows every chunk)',
    )
    .option('--partitions <n>', 'partitions of the topics if this process creates them (default: the declared 12)')
    .addOption(
      new Option(
        '--pii-key-file <file>',
        'encrypt the PII fields of decisions and dead letters (AES-256-GCM) with the last key of this file ' +
          '(or the keys in PIPELAB_PII_KEY); implies --audit',
      ).env('PIPELAB_PII_KEY_FILE'),
    )
    .option('--audit', 'write an audit record per data access to the pipelab-audit topic (default: with PII keys)')
    .option('--no-audit', 'no audit records, even with PII keys')
    .option('--stats <seconds>', 'print throughput, lag and counts every N seconds (0 = never)', '10')
    .option('--user-events', 'also window user-events per user into processed-events (late ones → dead-letter)')
    .option('--window <duration>', 'tumbling window size (default 5m)')
    .option('--allowed-lateness <duration>', 'how late an event may arrive and still count in its window (default 1m)')
    .option(
      '--fetch-min-bytes <bytes>',
      `bytes a fetch waits for before the broker answers (default ${PROCESSOR_DEFAULTS.fetchMinBytes})`,
    )
    .option(
      '--fetch-max-wait <ms>',
      `how long a fetch waits at most for those bytes (default ${PROCESSOR_DEFAULTS.fetchMaxWaitMs})`,
    )
    .option(
      '--max-in-flight <n>',
      `records fetched and not yet acknowledged before partitions pause (default ${PROCESSOR_DEFAULTS.maxInFlight})`,
    )
    .addHelpText(
      'after',
      '\nExamples:\n  pipelab process --kafka localhost:9092 --redis redis://localhost:6379 ' +
        '--model-server http://localhost:8500\n  pipelab process --kafka ' +
        'kafka-1:29092,kafka-2:29092,kafka-3:29092 --instances 2',
    )
    .action(async (o: Flags) => runProcessors(o, parseSettings(o)));
}

async function loadModules() {
  const [services, codecs, kafkajs, topics, processor, client, security, sec, pii] = await Promise.all([
    import('../../services/index.ts'),
    import('../../../broker/codecs.ts'),
    import('kafkajs'),
    import('../../../pipeline/topics.ts'),
    import('../../../pipeline/processor/index.ts'),
    import('../../../pipeline/model-server/client.ts'),
    import('../../../pipeline/kafka-security.ts'),
    import('../../services/kafka-security.ts'),
    import('../../../pipeline/pii/keys.ts'),
  ]);
  const connectError = sec.kafkaConnectError;
  return { services, codecs, kafkajs: kafkajs.default, topics, processor, client, security, connectError, pii };
}
type Modules = Awaited<ReturnType<typeof loadModules>>;
type Processor = InstanceType<Modules['processor']['StreamProcessor']>;

async function runProcessors(o: Flags, cfg: Settings): Promise<void> {
  const m = await loadModules();
  m.codecs.registerKafkajsCodecs();
  // before any service starts: a bad key file is bad input (104) with nothing run
  const keys = m.pii.loadPiiKeys({ file: o.piiKeyFile });
  const req = m.services.serviceOptionsFrom({ ...o, kafkaSecurity: kafkaClientOverrides(o) });
  const services = await m.services.resolveServices({
    kafka: req.kafka,
    redis: req.redis,
    modelServer: req.modelServer,
  });
  const stop = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  try {
    const { brokers, security, broker: embedded } = services.kafka!.connection;
    const kafka = new m.kafkajs.Kafka({
      clientId: 'pipelab-process',
      brokers,
      logLevel: m.kafkajs.logLevel.ERROR,
      ...m.security.kafkajsSecurity(security),
    });
    await m.topics.ensureTopics(kafka, cfg.partitions ? { partitions: cfg.partitions } : {}).catch((e: unknown) => {
      throw m.connectError(e, brokers, security);
    });
    const store = await m.services.openFeatureStore(services.redis!.connection);
    const { url, token } = services.modelServer!.connection;
    const model = new m.client.ModelClient({ urls: [url], token });
    const { sessionTimeoutMs } = cfg;
    const procs = Array.from(
      { length: cfg.instances },
      (_, i) =>
        new m.processor.StreamProcessor({
          brokers,
          security,
          store,
          model,
          groupId: o.group,
          compression: o.compression,
          windows: cfg.windows,
          checkpointIntervalMs: cfg.checkpointIntervalMs,
          ...(o.userEvents ? { userEvents: true } : {}),
          guarantee: o.guarantee,
          id: `processor-${process.pid}-${i + 1}`,
          lag: embedded ? () => embedded.lag(o.group).total : undefined,
          lagEveryMs: i === 0 ? 1000 : 0,
          ...cfg.fetch,
          sessionTimeoutMs,
          heartbeatIntervalMs: Math.max(50, Math.min(1000, Math.floor(sessionTimeoutMs / 10))),
          rebalanceTimeoutMs: Math.max(sessionTimeoutMs, 3000),
          ...(keys ? { pii: { keys } } : {}),
          ...((o.audit ?? !!keys) ? { audit: true } : {}),
        }),
    );
    await Promise.all(procs.map((p) => p.start()));
    for (const [name, info] of Object.entries(services.info()))
      process.stdout.write(`${name}: ${info.mode} (${info.detail ?? ''})\n`);
    if (keys)
      process.stdout.write(
        `pii: encrypting ${Object.keys(TRANSACTION_PII).join(', ')} under per-user data keys ` +
          `(pipelab-pii-keys, wrapped by ${keys.active.id})\n`,
      );
    if (o.audit ?? !!keys) process.stdout.write('audit: one record per data access to pipelab-audit\n');
    process.stdout.write(
      `processor ${procs.map((p) => p.id).join(', ')} consuming transactions from ${brokers.join(',')} ` +
        `(group ${o.group}${o.guarantee === 'exactly-once' ? ', exactly-once' : ''})\n`,
    );
    const timer = printStats(procs, cfg.statsEvery);
    await stop;
    clearInterval(timer);
    await Promise.all(procs.map((p) => p.stop()));
    await model.close();
    await store.close();
  } finally {
    await services.close();
  }
}

/** every `every` seconds: records (and their rate), decisions, dead letters, late, duplicates, lag */
function printStats(procs: Processor[], every: number): NodeJS.Timeout | undefined {
  if (every <= 0) return undefined;
  let last = 0;
  const sum = (
    k: 'records' | 'decisions' | 'deadLetters' | 'late' | 'duplicates',
    s: ReturnType<Processor['stats']>[],
  ) => s.reduce((a, x) => a + x[k], 0);
  return setInterval(() => {
    const s = procs.map((p) => p.stats());
    const records = sum('records', s);
    process.stdout.write(
      `records=${records} (+${((records - last) / every).toFixed(0)}/s) decisions=${sum('decisions', s)} ` +
        `dead-letters=${sum('deadLetters', s)} late=${sum('late', s)} duplicates=${sum('duplicates', s)} ` +
        `lag=${s[0]?.lag ?? 0}\n`,
    );
    last = records;
  }, every * 1000);
}
