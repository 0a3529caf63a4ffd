/**
 * A kafkajs member of OffsetValidationTest's group: a child process running
 * offset-validation-member.ts (under the tsx loader), so that a hard stop (SIGKILL) leaves no
 * commit and no LeaveGroup, as a crash; a clean stop (SIGTERM) is consumer.disconnect(). It
 * counts kafkajs's GROUP_JOIN events and, as its rebalances, those that joined a new generation
 * (kafkajs also rejoins on its own when a partition's leader or the coordinator moves; a
 * follower then gets its generation back), and reports what it consumed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Broker } from '../../broker/index.ts';
import { type Consumed, follow, GROUP, type GroupMember } from './offset-validation-run.ts';
import { TOPIC } from './replication-run.ts';

const MEMBER = fileURLToPath(new URL('./offset-validation-member.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** one GROUP_JOIN: the generation joined, as whom, and why kafkajs (re)joined */
export interface Join {
  generation: number;
  memberId: string;
  leader: boolean;
  /**
   * why kafkajs (re)joined: 'start' for the process's first join, else every reason it logged
   * since its previous join (offset-validation-member.ts); several fetchers (one per node) and
   * the heartbeat may each find one while a rejoin is under way
   */
  why: Array<'start' | 'stale' | 'coordinator' | 'rebalance' | 'unknown'>;
}

export class KafkajsMember implements GroupMember {
  /** the running process (follow() clears it on an exit nobody asked for) */
  proc: ChildProcess | undefined;
  readonly joins: Join[] = [];
  /** GROUP_JOIN events; `rebalances` counts those that joined a new generation */
  joinEvents = 0;
  dropped = 0;
  private generation = -1;
  private why: Join['why'] = ['start'];
  rebalances = 0;
  assignment: number[] = [];
  starts = 0;
  readonly exits: string[] = [];
  private err = '';
  /** the rejoins kafkajs logged, with their errors */
  readonly notes: string[] = [];
  private closed: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    private readonly broker: Broker,
    private readonly consumed: Consumed,
    private readonly sessionTimeoutMs = 2000,
  ) {}

  get running(): boolean {
    return this.proc !== undefined;
  }

  start(): void {
    const cfg = {
      brokers: this.broker.bootstrap,
      group: GROUP,
      topic: TOPIC,
      clientId: this.name,
      sessionTimeoutMs: this.sessionTimeoutMs,
    };
    const p = spawn(process.execPath, ['--import', TSX, MEMBER], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PIPELAB_OV_MEMBER: JSON.stringify(cfg) },
    });
    this.proc = p;
    this.starts++;
    this.why = ['start'];
    this.closed = follow(p, this, (l) => this.line(l, p));
    p.stderr!.on('data', (d: Buffer) => {
      this.err = (this.err + d.toString()).slice(-4000);
      if (process.env.OV_DEBUG) process.stderr.write(`[${this.name}] ${d.toString()}`);
    });
  }

  private line(l: string, p: ChildProcess): void {
    const [kind, a, b, c] = l.split(' ');
    if (process.env.OV_DEBUG && kind !== 'c') process.stderr.write(`[${this.name}] ${l}\n`);
    if (kind === 'c') this.consumed.add(Number(a), Number(b));
    // a stopped process's last lines count as consumed, but its assignment is no longer held
    else if (this.proc !== p) return;
    else if (kind === 'w') {
      this.why = [...this.why.filter((w) => w !== 'start'), a as Join['why'][number]];
      this.notes.push(l.slice(2));
    } else if (kind === 'u') this.dropped += Number(a);
    else if (kind === 'g') this.generation = Number(a);
    else if (kind === 'j') {
      this.joinEvents++;
      // a rejoin that got its generation back (a follower's, kafkajs's own) is no rebalance
      if (this.generation !== this.joins.at(-1)?.generation || this.joins.length === 0) this.rebalances++;
      this.assignment = a ? a.split(',').map(Number) : [];
      this.joins.push({ generation: this.generation, memberId: b!, leader: c === 'leader', why: this.why });
      this.why = [];
    } else if (kind === 'r') this.assignment = [];
  }

  async stop(how: 'clean' | 'hard'): Promise<void> {
    const p = this.proc;
    if (!p) return;
    this.proc = undefined;
    this.assignment = [];
    p.kill(how === 'clean' ? 'SIGTERM' : 'SIGKILL');
    await this.closed;
  }

  stderr(): string {
    return `${this.err}${this.notes.length ? `rejoins: ${this.notes.slice(-8).join('; ')}` : ''}`;
  }
}

/**
 * The rebalances since `before` (each member's count of joins) that kafkajs's own rejoins do not
 * explain. kafkajs rejoins its group when a fetch finds a partition's leader moved and when the
 * coordinator moved (NOT_COORDINATOR), where the Java consumer only refreshes its metadata or
 * finds the coordinator again: a follower's rejoin gets its generation back, but the leader's
 * starts a new one (Kafka's rule, this broker's too). `dropped`: a member that joined again under
 * a new member id (the coordinator lost it). `generations`: a new generation the leader's own
 * rejoin did not start (the coordinator asked for a rebalance).
 */
export function unexplainedRebalances(
  members: KafkajsMember[],
  before: Map<GroupMember, number>,
): { dropped: string[]; generations: string[] } {
  const dropped: string[] = [];
  const generations: string[] = [];
  const joins = members.flatMap((m) => m.joins.slice(before.get(m) ?? 0).map((j) => ({ m, j })));
  const first = new Map(members.map((m) => [m, m.joins[(before.get(m) ?? 1) - 1]]));
  const known = Math.max(...[...first.values()].map((j) => j?.generation ?? -1));
  const started = new Set<number>();
  for (const { m, j } of joins) {
    if (j.memberId !== first.get(m)?.memberId)
      dropped.push(`${m.name} joined as a new member ${j.memberId} (${j.why.join('+')})`);
    if (j.leader && j.why.some((w) => w === 'stale' || w === 'coordinator')) started.add(j.generation);
  }
  for (const g of new Set(joins.map(({ j }) => j.generation)))
    if (g > known && !started.has(g)) {
      const why = joins.filter(({ j }) => j.generation === g).map(({ m, j }) => `${m.name} ${j.why.join('+')}`);
      generations.push(`generation ${g} not started by the leader's own rejoin (${why.join(', ')})`);
    }
  return { dropped, generations };
}
