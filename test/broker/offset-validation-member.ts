/**
 * One kafkajs member of OffsetValidationTest's group, in its own process (offset-validation-kafkajs.ts
 * starts it): SIGKILL leaves no commit and no LeaveGroup behind, as a crash does; SIGTERM is the
 * application's clean shutdown, consumer.disconnect() (the batch in hand finishes and is
 * committed, then the member leaves the group). Auto-commit as kafkajs applications run it:
 * resolved offsets committed at the end of every batch and every autoCommitInterval.
 *
 * stdout, one line per event (written synchronously, so a kill loses none already printed):
 *   c <partition> <offset>      a record handed to eachMessage
 *   w <why> <error>             kafkajs rejoins: why = stale (a partition's leader moved),
 *                               coordinator (the coordinator moved), rebalance, unknown (member dropped)
 *   g <generation>              the generation of the assignment received (SyncGroup)
 *   j <p>,<p>,… <member id> leader|follower   GROUP_JOIN, with this assignment
 *   u <records>                 at a rejoin: records consumed past the last commit (kafkajs drops them)
 *   e <api> <error> own|other   a Heartbeat or OffsetCommit answered with an error kafkajs rejoins for
 *                               (REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION, NOT_COORDINATOR): own when
 *                               it was sent while this member's own rejoin was under way (after a w
 *                               line, before the next j), other when sent in a settled generation
 *   r                           REBALANCING: the assignment is about to be revoked
 */
import kafkajs from 'kafkajs';
import { watchStarvation } from './offset-validation-watchdog.ts';

interface MemberConfig {
  brokers: string[];
  group: string;
  topic: string;
  clientId: string;
  sessionTimeoutMs: number;
}

const cfg = JSON.parse(process.env.PIPELAB_OV_MEMBER ?? '{}') as MemberConfig;
const out = (line: string) => process.stdout.write(`${line}\n`);

// why kafkajs rejoins, and each generation it joined (its debug log carries the generation id)
const REJOINS = new Set([
  'Stale cluster metadata, refreshing...',
  'The group is rebalancing, re-joining',
  'The coordinator is not aware of this member, re-joining the group',
]);
/**
 * stale: a partition's leader moved; coordinator: the coordinator moved; rebalance: the group is
 * rebalancing; unknown: the member was dropped
 */
function reason(message: string, error: string): string {
  if (message.startsWith('Stale')) return 'stale';
  if (message.startsWith('The coordinator is not aware')) return 'unknown';
  return /not the correct coordinator/.test(error) ? 'coordinator' : 'rebalance';
}
/**
 * kafkajs's fetchers keep heartbeating and committing while one of them rejoins (a moved partition
 * leader): those requests are tagged at send, so an error they meet can be told apart as the
 * rebalance this member's own rejoin began (own) or one begun by someone else (other)
 */
const REBALANCING = new Map([
  ['The group is rebalancing, so a rejoin is needed', 'REBALANCE_IN_PROGRESS'],
  ['Specified group generation id is not valid', 'ILLEGAL_GENERATION'],
  ['This is not the correct coordinator for this group', 'NOT_COORDINATOR'],
]);
const TAGGED = /^(Request|Response) (Heartbeat|OffsetCommit)\(/;
const sent = new Map<string, 'own' | 'other'>();
let rejoining = false;
interface Log {
  message: string;
  generationId?: number;
  error?: string;
  broker?: string;
  correlationId?: number;
}
function tag(log: Log): void {
  const m = TAGGED.exec(log.message);
  if (!m) return;
  const key = `${log.broker}|${log.correlationId}`;
  if (m[1] === 'Request') return void sent.set(key, rejoining ? 'own' : 'other');
  const when = sent.get(key);
  sent.delete(key); // kafkajs logs an error response twice (error and debug levels)
  const type = REBALANCING.get(log.error ?? '');
  if (when && type) out(`e ${m[2]} ${type} ${when}`);
}
const logCreator = () => (e: { log: Log }) => {
  tag(e.log);
  if (e.log.message === 'Received assignment') out(`g ${e.log.generationId}`);
  else if (REJOINS.has(e.log.message)) {
    rejoining = true;
    out(`w ${reason(e.log.message, e.log.error ?? '')} ${e.log.error}`);
    // a rejoin drops what was consumed and not committed: it is fetched again from the committed offsets
    out(`u ${uncommitted()}`);
  }
};

/** per partition: the next offset to consume, and the last offset committed (or where consuming started) */
const consumedTo = new Map<number, number>();
const committedTo = new Map<number, number>();
function uncommitted(): number {
  let n = 0;
  for (const [p, next] of consumedTo) n += Math.max(0, next - (committedTo.get(p) ?? next));
  return n;
}

const kafka = new kafkajs.Kafka({
  clientId: cfg.clientId,
  brokers: cfg.brokers,
  logLevel: kafkajs.logLevel.DEBUG,
  logCreator,
  retry: { retries: 20, initialRetryTime: 50, maxRetryTime: 300 },
  requestTimeout: 5000,
});
const consumer = kafka.consumer({
  groupId: cfg.group,
  sessionTimeout: cfg.sessionTimeoutMs,
  heartbeatInterval: 200,
  // the fetch long poll holds the heartbeat back: well under the session
  maxWaitTimeInMs: 100,
  retry: { retries: 20, initialRetryTime: 50, maxRetryTime: 300 },
});
consumer.on(consumer.events.GROUP_JOIN, (e) => {
  rejoining = false;
  const p = e.payload;
  out(`j ${(p.memberAssignment[cfg.topic] ?? []).join(',')} ${p.memberId} ${p.isLeader ? 'leader' : 'follower'}`);
});
consumer.on(consumer.events.REBALANCING, () => out('r'));
consumer.on(consumer.events.COMMIT_OFFSETS, (e) => {
  for (const t of e.payload.topics)
    for (const p of t.partitions) committedTo.set(Number(p.partition), Number(p.offset));
});
consumer.on(consumer.events.CRASH, (e) => {
  process.stderr.write(`crash (restart: ${e.payload.restart}): ${e.payload.error.message}\n`);
});

let stopping = false;
// kafkajs can spin forever in disconnect(): the watchdog ends the process then (see its file)
const stopAsked = watchStarvation();
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  stopAsked();
  consumer.disconnect().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`disconnect: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
});

async function main(): Promise<void> {
  await consumer.connect();
  await consumer.subscribe({ topics: [cfg.topic], fromBeginning: true });
  await consumer.run({
    autoCommit: true,
    autoCommitInterval: 200,
    eachMessage: async ({ partition, message }) => {
      const offset = Number(message.offset);
      out(`c ${partition} ${offset}`);
      if (!committedTo.has(partition)) committedTo.set(partition, offset);
      consumedTo.set(partition, offset + 1);
    },
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`member ${cfg.clientId}: ${(e as Error).message}\n`);
  process.exit(2);
});
