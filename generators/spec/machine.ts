/**
 * A state machine per entity: sessions (login → browse → cart → checkout → logout) with
 * transition weights and dwell times.
 *
 * Each event of the stream is one step of one session. Open sessions wait in a heap by the send
 * time from which their next event may go (their last event's time plus the state's dwell). At
 * each of the stream's slots the earliest session that is due moves on; if none is due, a new
 * session starts for an entity drawn by activity (Zipf) that has none open. So the number of open
 * sessions settles where the stream's rate and the dwell times meet (Little's law), sessions of
 * different entities interleave, and a session never moves faster than its dwell times.
 * `maxSessions` bounds memory: when that many are open, the earliest moves on even if not due.
 */
import { MinHeap } from '../heap.ts';
import type { MerchantPopulation } from '../population.ts';
import type { Rng } from '../rng.ts';
import { AliasTable } from '../zipf.ts';
import type { Session } from './context.ts';
import { type Sampler, sampler } from './numbers.ts';
import type { StateMachineSpec } from './types.ts';

/** draws by activity before a new session takes the next free entity */
const ENTITY_TRIES = 16;

interface Transitions {
  /** the next state's index, or -1 to end the session */
  targets: number[];
  table: AliasTable;
}

export class Machine {
  readonly states: string[];
  private readonly initial: Transitions;
  private readonly next: (Transitions | undefined)[];
  private readonly dwell: (Sampler | undefined)[];
  private readonly heap = new MinHeap<Session>((a, b) => a.due < b.due || (a.due === b.due && a.order < b.order));
  private readonly open: Uint8Array;
  private readonly max: number;
  private sessions = 0;
  private order = 0;

  constructor(
    spec: StateMachineSpec,
    private readonly entities: MerchantPopulation,
    private readonly rEntity: Rng,
    private readonly rStep: Rng,
    rDwell: Rng,
    private readonly idPrefix: string,
  ) {
    this.states = Object.keys(spec.states);
    const index = (s: string) => (s === '$end' ? -1 : this.states.indexOf(s));
    const table = (w: Record<string, number>): Transitions => ({
      targets: Object.keys(w).map(index),
      table: new AliasTable(Object.values(w)),
    });
    this.initial = table(typeof spec.initial === 'string' ? { [spec.initial]: 1 } : spec.initial);
    this.next = this.states.map((s) => {
      const n = spec.states[s]!.next;
      return n && Object.keys(n).length > 0 ? table(n) : undefined;
    });
    this.dwell = this.states.map((s) => {
      const d = spec.states[s]!.dwell;
      return d ? sampler(d, rDwell) : undefined;
    });
    this.open = new Uint8Array(entities.size);
    this.max = spec.maxSessions ?? 10_000;
  }

  /** sessions open now */
  get openSessions(): number {
    return this.heap.size;
  }

  /** the session whose event goes at this send time (its `state` is the event's state) */
  take(sendTime: number): Session {
    const top = this.heap.peek();
    if (top !== undefined && (top.due <= sendTime || this.heap.size >= this.max)) return this.heap.pop()!;
    // every entity has a session open: the earliest moves on before it is due
    if (this.heap.size >= this.open.length) return this.heap.pop()!;
    const e = this.freeEntity();
    this.open[e] = 1;
    const n = this.sessions++;
    const state = this.draw(this.initial);
    return { n, id: this.idPrefix + n, entity: e, entityId: this.entities.id(e), state, due: sendTime, order: 0 };
  }

  /** an entity with no open session: drawn by activity, else the next free one after a draw */
  private freeEntity(): number {
    let e = 0;
    for (let i = 0; i < ENTITY_TRIES; i++) {
      e = this.entities.sampleActive(this.rEntity);
      if (this.open[e] === 0) return e;
    }
    const n = this.open.length;
    while (this.open[e] === 1) e = e + 1 === n ? 0 : e + 1;
    return e;
  }

  /** after the session's event: its next state and when it is due, or the session ends */
  after(s: Session, sendTime: number): void {
    const t = this.next[s.state];
    const to = t === undefined ? -1 : this.draw(t);
    if (to < 0) {
      this.open[s.entity] = 0;
      return;
    }
    const dwell = this.dwell[s.state];
    s.due = sendTime + (dwell === undefined ? 0 : Math.max(0, dwell()));
    s.state = to;
    s.order = this.order++;
    this.heap.push(s);
  }

  private draw(t: Transitions): number {
    return t.targets[t.table.sample(this.rStep)]!;
  }
}
