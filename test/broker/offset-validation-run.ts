/**
 * Kafka's OffsetValidationTest (tests/kafkatest/tests/client/consumer_test.py), scaled to
 * seconds on the replicated cluster: members of one group are librdkafka consumers (Debian's
 * kcat -G, one OS process each, auto-commit), so a clean shutdown is SIGTERM (kcat closes the
 * consumer: final commit, LeaveGroup) and a hard one is SIGKILL (no commit, no leave: the group
 * finds out by session timeout). Each member counts its rebalances (librdkafka's "assigned"
 * callbacks) and the offsets it consumed; the checks compare them with the committed offsets.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import kafkajs from 'kafkajs';
import type { Broker } from '../../broker/index.ts';
import { until } from '../helpers/processor.ts';
import { TOPIC } from './replication-run.ts';

export const PARTITIONS = [0, 1, 2];

/** what every member of a case consumed, per partition: offsets seen (with repeats) */
export class Consumed {
  readonly offsets = new Map<number, number[]>();
  add(partition: number, offset: number): void {
    const list = this.offsets.get(partition) ?? [];
    this.offsets.set(partition, list);
    list.push(offset);
  }
  /** the position a consumer that read all of it would have: highest offset consumed + 1 (0: none) */
  position(partition: number): number {
    const list = this.offsets.get(partition) ?? [];
    return list.length ? Math.max(...list) + 1 : 0;
  }
  /** offsets below `end` never consumed */
  missing(partition: number, end: number): number[] {
    const seen = new Set(this.offsets.get(partition) ?? []);
    const out: number[] = [];
    for (let o = 0; o < end; o++) if (!seen.has(o)) out.push(o);
    return out;
  }
  duplicates(): number {
    let n = 0;
    for (const list of this.offsets.values()) n += list.length - new Set(list).size;
    return n;
  }
  total(): number {
    let n = 0;
    for (const list of this.offsets.values()) n += list.length;
    return n;
  }
}

export const GROUP = 'offset-validation';

/**
 * the topic a case's members consume and their group: each case its own pair, so that the cases
 * can share one cluster (a fresh one per case cost ~2.5 s and ~3 CPU-s to start)
 */
export interface Where {
  topic: string;
  group: string;
}
export const DEFAULT_WHERE: Where = { topic: TOPIC, group: GROUP };

/** one member of the group, in its own OS process, restartable: librdkafka (Member) or kafkajs (KafkajsMember) */
export interface GroupMember {
  readonly name: string;
  readonly running: boolean;
  /** rebalances this member went through (one per assignment it received) */
  readonly rebalances: number;
  /** the partitions it was last assigned ([] while stopped or rebalancing) */
  readonly assignment: number[];
  /** processes started */
  readonly starts: number;
  /** exits nobody asked for, with their code */
  readonly exits: string[];
  /** records it consumed past its last commit and dropped while running (kafkajs rejoining), to be read again */
  readonly dropped: number;
  start(): void;
  /** clean: the client's own close (final commit, LeaveGroup); hard: SIGKILL. Resolves once it exited */
  stop(how: 'clean' | 'hard'): Promise<void>;
  /** the process's last stderr */
  stderr(): string;
}

export type MemberFactory = (
  name: string,
  broker: Broker,
  consumed: Consumed,
  sessionTimeoutMs?: number,
  where?: Where,
) => GroupMember;

/** one group member: a kcat -G process, restartable */
/**
 * A member process's stdout, line by line, and its end: an exit while it is still the member's
 * process (nobody stopped it) is recorded with its code or signal and clears the assignment.
 */
export function follow(
  p: ChildProcess,
  m: { proc: ChildProcess | undefined; exits: string[]; assignment: number[] },
  line: (l: string) => void,
): Promise<void> {
  let rest = '';
  p.stdout!.on('data', (d: Buffer) => {
    const lines = (rest + d.toString()).split('\n');
    rest = lines.pop()!;
    for (const l of lines) line(l);
  });
  return new Promise<void>((resolve) =>
    p.once('close', (code, signal) => {
      if (m.proc === p) {
        m.exits.push(`${code ?? signal}`);
        m.proc = undefined;
        m.assignment = [];
      }
      resolve();
    }),
  );
}

export class Member implements GroupMember {
  /** the running process (follow() clears it on an exit nobody asked for) */
  proc: ChildProcess | undefined;
  /** rebalances this member went through (one per assignment it received) */
  rebalances = 0;
  /** the partitions librdkafka last assigned to it */
  assignment: number[] = [];
  /** processes started */
  starts = 0;
  private err = '';
  /** exits nobody asked for (kcat ending on its own), with their code */
  readonly exits: string[] = [];
  private closed: Promise<void> = Promise.resolve();
  /** librdkafka keeps its position across a rebalance */
  readonly dropped = 0;

  constructor(
    readonly name: string,
    private readonly broker: Broker,
    private readonly consumed: Consumed,
    /** short, so that a hard-killed member is found out within the case; long enough to ride out a coordinator move */
    private readonly sessionTimeoutMs = 2000,
    private readonly where: Where = DEFAULT_WHERE,
  ) {}

  get running(): boolean {
    return this.proc !== undefined;
  }

  start(): void {
    const args = [
      '-b',
      this.broker.bootstrap.join(','),
      '-G',
      this.where.group,
      '-u',
      '-f',
      '%p %o\\n',
      '-X',
      'auto.offset.reset=earliest',
      '-X',
      `session.timeout.ms=${this.sessionTimeoutMs}`,
      '-X',
      'heartbeat.interval.ms=200',
      '-X',
      'auto.commit.interval.ms=200',
      '-X',
      `client.id=${this.name}`,
      // kcat ends when librdkafka reports every broker down: keep a connection to each node and
      // reconnect to a restarted one soon, so a rolling broker bounce never leaves it with none
      '-X',
      'enable.sparse.connections=false',
      '-X',
      'reconnect.backoff.max.ms=300',
      ...(process.env.OV_DEBUG ? ['-d', 'cgrp'] : []),
      this.where.topic,
    ];
    const p = spawn('kcat', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = p;
    this.starts++;
    this.closed = follow(p, this, (l) => {
      const [part, off] = l.split(' ').map(Number);
      if (Number.isInteger(part) && Number.isInteger(off)) this.consumed.add(part!, off!);
    });
    // whole lines only: kcat prints a rebalance's partition list with one write per partition, so
    // a read can end inside the line ("assigned: " here, "topic [1]" in the next read). Parsed a
    // read at a time, that line counted a rebalance with no partitions, stable() never saw the
    // group hold them all and waited out its 30 s (a case took 30 s more in some runs, not others)
    let rest = '';
    p.stderr!.on('data', (d: Buffer) => {
      const s = d.toString();
      this.err = (this.err + s).slice(-4000);
      if (process.env.OV_DEBUG) process.stderr.write(`[${this.name}] ${s}`);
      const lines = (rest + s).split('\n');
      rest = lines.pop()!;
      for (const l of lines) {
        if (/rebalanced .*revoked:/.test(l)) this.assignment = [];
        if (!/rebalanced .*assigned:/.test(l)) continue;
        this.rebalances++;
        this.assignment = [...l.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
      }
    });
  }

  /** stops the member: SIGTERM (clean: final commit and LeaveGroup) or SIGKILL (hard); resolves once it exited */
  async stop(how: 'clean' | 'hard'): Promise<void> {
    const p = this.proc;
    if (!p) return;
    this.proc = undefined;
    this.assignment = [];
    p.kill(how === 'clean' ? 'SIGTERM' : 'SIGKILL');
    await this.closed;
  }

  stderr(): string {
    return this.err;
  }
}

function client(broker: Broker) {
  return new kafkajs.Kafka({
    brokers: broker.bootstrap,
    logLevel: kafkajs.logLevel.NOTHING,
    retry: { retries: 20, initialRetryTime: 50, maxRetryTime: 300 },
  });
}

/** the group's committed offset per partition (-1: none), as its coordinator answers OffsetFetch */
export async function committed(broker: Broker, where = DEFAULT_WHERE): Promise<Map<number, number>> {
  const admin = client(broker).admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId: where.group, topics: [where.topic] });
    return new Map(t!.partitions.map((p) => [p.partition, Number(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

/** each partition's log end offset */
export async function ends(broker: Broker, topic = TOPIC): Promise<Map<number, number>> {
  const admin = client(broker).admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  } finally {
    await admin.disconnect();
  }
}

/** waits until the members consumed up to each partition's end */
export async function drained(broker: Broker, consumed: Consumed, topic = TOPIC): Promise<Map<number, number>> {
  const end = await ends(broker, topic);
  await until(() => PARTITIONS.every((p) => consumed.position(p) >= end.get(p)!), 30_000);
  return end;
}

/**
 * waits until `members` each rebalanced since `since` and the running members of the group
 * (`all`) hold every partition, each exactly once, each member some
 */
export async function stable(members: GroupMember[], since: Map<GroupMember, number>, all = members): Promise<void> {
  const settled = () => {
    if (!members.every((m) => m.rebalances > (since.get(m) ?? 0))) return false;
    const running = all.filter((m) => m.running);
    const held = running.flatMap((m) => m.assignment).sort();
    return running.every((m) => m.assignment.length > 0) && held.join() === PARTITIONS.join();
  };
  await until(settled, 30_000);
  // the case goes on (its checks judge what happened), but a wait that ran out says so
  if (!settled()) {
    const state = all.map((m) => `${m.name} rebalances ${m.rebalances} holds [${m.assignment}]`);
    console.log(`  not stable after 30 s: ${state.join(', ')}`);
  }
}

/**
 * waits for all of `work` (a production and the faults running beside it) to end, then throws the
 * first failure: each has a handler from the start, so one failing while another is still
 * awaited fails the case instead of ending the test process on an unhandled rejection, and none
 * is left running into the next case
 */
export async function together(...work: Array<Promise<unknown>>): Promise<void> {
  const ended = await Promise.allSettled(work);
  const failed = ended.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
