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
import { type Consumed, DEFAULT_WHERE, follow, type GroupMember, type Where } from './offset-validation-run.ts';
import { STARVED_LINE } from './offset-validation-watchdog.ts';

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
  /**
   * the rebalancing errors (REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION, NOT_COORDINATOR) its
   * heartbeats and commits met from the previous join's first reason to this join's: own when
   * the request was sent while that previous rejoin was under way, other when sent in a settled
   * generation (offset-validation-member.ts tags them)
   */
  heard: Array<'own' | 'other'>;
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
  /** errors heard since the current rejoin's first reason, and in the window before it */
  private heard: Join['heard'] = [];
  private heardBefore: Join['heard'] = [];
  private rejoining = false;
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
    private readonly where: Where = DEFAULT_WHERE,
  ) {}

  get running(): boolean {
    return this.proc !== undefined;
  }

  start(): void {
    const cfg = {
      brokers: this.broker.bootstrap,
      group: this.where.group,
      topic: this.where.topic,
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
    this.heard = [];
    this.heardBefore = [];
    this.rejoining = false;
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
    else if (kind === 'e') this.heard.push(c as 'own' | 'other');
    else if (kind === 'w') {
      if (!this.rejoining) {
        this.rejoining = true;
        this.heardBefore = this.heard;
        this.heard = [];
      }
      this.why = [...this.why.filter((w) => w !== 'start'), a as Join['why'][number]];
      this.notes.push(l.slice(2));
    } else if (kind === 'u') this.dropped += Number(a);
    else if (kind === 'g') this.generation = Number(a);
    else if (kind === 'j') {
      this.joinEvents++;
      // a rejoin that got its generation back (a follower's, kafkajs's own) is no rebalance
      if (this.generation !== this.joins.at(-1)?.generation || this.joins.length === 0) this.rebalances++;
      this.assignment = a ? a.split(',').map(Number) : [];
      const heard = this.heardBefore;
      this.joins.push({ generation: this.generation, memberId: b!, leader: c === 'leader', why: this.why, heard });
      this.why = [];
      this.rejoining = false;
    } else if (kind === 'r') this.assignment = [];
  }

  async stop(how: 'clean' | 'hard'): Promise<void> {
    const p = this.proc;
    if (!p) return;
    this.proc = undefined;
    this.assignment = [];
    p.kill(how === 'clean' ? 'SIGTERM' : 'SIGKILL');
    await this.closed;
    // kafkajs's disconnect() spun and the member's watchdog ended it: say so, the checks go on
    if (this.err.includes(STARVED_LINE)) {
      console.log(`  ${this.name}: ${this.err.slice(this.err.indexOf(STARVED_LINE)).split('\n')[0]}`);
      this.err = this.err.replaceAll(STARVED_LINE, 'kafkajs starved (reported)');
    }
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
 * starts a new one (Kafka's rule, this broker's too). And it echoes its own rejoin: a fetcher
 * rejoins from inside its fetch while the others keep heartbeating and committing with the old
 * generation; one of those meets the rebalance the rejoin began (REBALANCE_IN_PROGRESS, or
 * ILLEGAL_GENERATION once it completed), which stops the fetch manager, and the runner rejoins
 * for it once the first rejoin completed (runner.js, consumerGroup.js) — the leader's second
 * rejoin in a Stable group starts one more generation. `dropped`: a member that joined again
 * under a new member id (the coordinator lost it). `generations`: a new generation neither the
 * leader's own rejoin nor its echo started (the coordinator asked for a rebalance).
 */
export function unexplainedRebalances(
  members: KafkajsMember[],
  before: Map<GroupMember, number>,
): { dropped: string[]; generations: string[]; echoes: number } {
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
  const echoed = new Set<number>();
  for (const m of members)
    m.joins.forEach((j, i) => {
      const prev = m.joins[i - 1];
      if (i >= (before.get(m) ?? 0) && prev && echo(prev, j, started)) echoed.add(j.generation);
    });
  for (const g of new Set(joins.map(({ j }) => j.generation)))
    if (g > known && !started.has(g) && !echoed.has(g)) {
      const why = joins
        .filter(({ j }) => j.generation === g)
        .map(({ m, j }) => `${m.name} ${j.why.join('+')} heard ${j.heard.join('+') || 'nothing'}`);
      generations.push(`generation ${g} not started by the leader's own rejoin nor its echo (${why.join(', ')})`);
    }
  return { dropped, generations, echoes: echoed.size };
}

/**
 * `next` is the echo of `prev`, the leader's own rejoin for a moved partition leader (a fetcher's,
 * the only rejoin run beside other fetchers; the runner's stop them first): the generation after
 * the one `prev` started, joined for a rebalancing error alone ('rebalance'), which only requests
 * sent while `prev` was under way met (none sent in the settled generation: someone else's)
 */
function echo(prev: Join, next: Join, started: Set<number>): boolean {
  return (
    prev.leader &&
    prev.why.includes('stale') &&
    started.has(prev.generation) &&
    next.generation === prev.generation + 1 &&
    next.why.length > 0 &&
    next.why.every((w) => w === 'rebalance') &&
    next.heard.length > 0 &&
    next.heard.every((h) => h === 'own')
  );
}
