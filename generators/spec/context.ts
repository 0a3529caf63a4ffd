/**
 * What a field's maker reads while an event is built: one context per stream, reused from event
 * to event (no allocation per event), and the store of emitted events lookups draw from.
 */
import type { Rng } from '../rng.ts';

/** an open state-machine session */
export interface Session {
  /** the session's number in its stream, and its id with the default prefix */
  n: number;
  id: string;
  /** entity index and id */
  entity: number;
  entityId: string;
  /** index of the state its next event is in */
  state: number;
  /** send time from which its next event may go */
  due: number;
  order: number;
}

export interface Ctx {
  /** position of the event in the output */
  index: number;
  /** events this stream emitted before this one */
  seq: number;
  sendTime: number;
  eventTime: number;
  /** top-level values of the event so far (templates read earlier fields) */
  vals: unknown[];
  /** the source events this event's lookups picked, by row (one pick per row per event) */
  rows: unknown[];
  session: Session | undefined;
  stateName: string;
}

export function newCtx(): Ctx {
  return {
    index: 0,
    seq: 0,
    sendTime: 0,
    eventTime: 0,
    vals: [],
    rows: [],
    session: undefined,
    stateName: '',
  };
}

/** the latest `keep` events of a stream (a ring), for lookups */
export class EventStore {
  private readonly buf: unknown[] = [];
  private added = 0;
  constructor(readonly keep: number) {}
  get size(): number {
    return this.buf.length;
  }
  add(e: unknown): void {
    if (this.buf.length < this.keep) this.buf.push(e);
    else this.buf[this.added % this.keep] = e;
    this.added++;
  }
  /** uniform over what is kept (undefined when empty) */
  any(r: Rng): unknown {
    const n = this.buf.length;
    return n === 0 ? undefined : this.buf[(r.next() * n) | 0];
  }
  latest(): unknown {
    return this.added === 0 ? undefined : this.buf[(this.added - 1) % this.keep];
  }
}

/** a dotted path into an event; null where a step is missing (JSON has no undefined) */
export function readPath(v: unknown, path: readonly string[]): unknown {
  let cur = v;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return null;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur === undefined ? null : cur;
}
