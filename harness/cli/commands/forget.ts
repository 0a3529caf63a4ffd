/**
 * `pipelab forget <userId>`: the right to be forgotten against a running pipeline — tombstones for
 * the user's key on the compacted topics of the Kafka at --kafka, the user's features deleted
 * from the Redis at --redis, an audit record, and a check of what about the user is still
 * readable (pipeline/pii/forget.ts). Prints one line per topic and the verdict; exit 0 when
 * nothing readable remains, 99 when something does (like a failed threshold: the command worked,
 * the check did not pass), 104/106 as everywhere.
 */
import type { Command } from 'commander';
import { PipelabError } from '../../../errors.ts';
import type { ForgetReport, TopicForget } from '../../../pipeline/pii/forget.ts';
import { formatDuration, tryParseDuration } from '../../../results/duration.ts';
import { addKafkaClientFlags, type KafkaClientFlags, kafkaClientOverrides } from '../security-flags.ts';

interface Flags extends KafkaClientFlags {
  kafka?: string;
  redis?: string;
  wait: string;
  principal: string;
  json?: boolean;
}

function topicLine(r: TopicForget): string {
  const head = `  ${r.topic.padEnd(18)} ${r.compacted ? 'compacted    ' : 'not compacted'}`;
  const what = [`${r.before} record(s) keyed by the user`];
  if (r.tombstones) what.push(`${r.tombstones} tombstone(s) written`);
  let after: string;
  if (r.topic === 'pipelab-audit') after = `${r.remaining} kept: the audit trail`;
  else if (r.topic === 'pipelab-pii-keys')
    after = r.remaining
      ? `the user's data key still readable (${r.remaining} record(s)): not compacted yet (--wait)`
      : "the user's data key destroyed: their encrypted PII is unreadable everywhere";
  else if (r.remaining === 0) after = 'nothing readable left';
  else if (!r.compacted)
    after =
      `${r.remaining} still readable: not compacted, a tombstone erases nothing here` +
      (r.retentionMs !== undefined ? ` (expire with retention.ms, ${formatDuration(r.retentionMs)})` : '');
  else
    after =
      `${r.remaining} still readable` +
      (r.mentions ? ` (${r.mentions} keyed by others that mention the user)` : '') +
      (r.remaining > r.mentions ? ': not compacted yet (--wait), or in batches the broker keeps whole' : '');
  const rest: string[] = [];
  if (r.shredded) rest.push(`${r.shredded} shredded (PII under the destroyed key)`);
  if (r.pseudonymous) rest.push(`${r.pseudonymous} without PII (pseudonymous)`);
  return `${head}  ${what.join(', ')} → ${after}${rest.length ? `; ${rest.join(', ')}` : ''}`;
}

export function formatForget(rep: ForgetReport): string {
  const lines = [`forget ${rep.userId}:`];
  for (const t of rep.topics) lines.push(topicLine(t));
  const fs = rep.featureStore;
  lines.push(
    fs
      ? `  feature store (${fs.kind})  ${fs.deleted ? 'features deleted' : 'no features held'}` +
          (fs.remaining ? ' → STILL THERE' : ' → nothing left')
      : '  feature store      not checked: pass --redis (an embedded store lives in its processor and ends with it)',
  );
  const tomb = rep.topics.reduce((a, t) => a + (t.topic === 'pipelab-audit' ? 0 : t.tombstonesLeft), 0);
  lines.push(
    rep.forgotten
      ? `forgotten: nothing readable about ${rep.userId} remains` +
          (tomb ? ` (${tomb} tombstone(s) hold the key, no data, until delete.retention.ms)` : '')
      : `NOT forgotten: data about ${rep.userId} is still readable (above)`,
  );
  return lines.join('\n');
}

export function register(program: Command): void {
  const cmd = program
    .command('forget')
    .description(
      "the right to be forgotten: the user's data key destroyed (crypto-shredding), tombstones for the " +
        "user's key on compacted topics, the user's features deleted, an audit record, and a check of " +
        'what is still readable',
    )
    .argument('<userId>', 'the user id (the key of the pipeline topics)')
    .option('--kafka <bootstrap>', 'the Kafka holding the data, host:port[,host:port] (env PIPELAB_KAFKA)')
    .option('--redis <url>', 'the feature store Redis (env PIPELAB_REDIS)')
    .option('--wait <duration>', 'how long to wait for compaction to remove the records', '0s')
    .option('--principal <name>', 'who asks (the audit record names them)', 'pipelab-forget')
    .option('--json', 'print the report as JSON');
  // a secured cluster: --kafka-sasl, --kafka-password-file, --kafka-tls, --kafka-ca, … as for run
  addKafkaClientFlags(cmd).action(async (userId: string, o: Flags) => {
    process.exitCode = await forget(userId, o);
  });
}

async function forget(userId: string, o: Flags): Promise<number> {
  const bootstrap = o.kafka ?? process.env.PIPELAB_KAFKA;
  if (!bootstrap)
    throw new PipelabError('INVALID_ARGUMENT', 'forget needs the Kafka that holds the data', {
      hint: 'pass --kafka host:port (or set PIPELAB_KAFKA)',
    });
  const waitMs = tryParseDuration(o.wait);
  if (waitMs === undefined)
    throw new PipelabError('INVALID_ARGUMENT', `--wait ${JSON.stringify(o.wait)}: expected a duration`, {
      hint: 'e.g. --wait 30s',
    });
  const [{ default: kafkajs }, { forgetUser }, { openFeatureStore }, { registerKafkajsCodecs }, sec, client] =
    await Promise.all([
      import('kafkajs'),
      import('../../../pipeline/pii/forget.ts'),
      import('../../services/redis.ts'),
      import('../../../broker/codecs.ts'),
      import('../../services/kafka-security.ts'),
      import('../../../pipeline/kafka-security.ts'),
    ]);
  const security = sec.kafkaSecurityFrom(kafkaClientOverrides(o));
  registerKafkajsCodecs();
  const redis = o.redis ?? process.env.PIPELAB_REDIS;
  const store = redis ? await openFeatureStore({ url: redis }) : undefined;
  const kafka = new kafkajs.Kafka({
    clientId: 'pipelab-forget',
    brokers: bootstrap.split(','),
    logLevel: kafkajs.logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 200 },
    ...client.kafkajsSecurity(security),
  });
  try {
    const rep = await forgetUser({ kafka, userId, waitMs, principal: o.principal, ...(store ? { store } : {}) }).catch(
      (e: Error) => {
        if (e instanceof PipelabError) throw e;
        throw new PipelabError('SERVICE_UNAVAILABLE', `forget failed against Kafka at ${bootstrap}: ${e.message}`, {
          hint: 'check --kafka / PIPELAB_KAFKA (host:port of a broker)',
          cause: e,
        });
      },
    );
    process.stdout.write(`${o.json ? JSON.stringify(rep, null, 2) : formatForget(rep)}\n`);
    return rep.forgotten ? 0 : 99;
  } finally {
    await store?.close();
  }
}
