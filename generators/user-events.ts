/**
 * Clickstream for the `user-events` topic: sessions of active users (Zipf) walking a Markov
 * chain over event types (login → view/search/click → add_to_cart → checkout → purchase …).
 *
 * A pool of `concurrentSessions` open sessions: each arrival slot advances one open session
 * (chosen uniformly) by one transition; a session that ends frees its place, which the next slot
 * fills with a new session. So events of a session interleave with others, as on a real site,
 * and session length follows from the transition weights (geometric-like, mean ≈ 6–10 events).
 * The transition weights and the device mix are drift-able params.
 */
import { z } from 'zod';
import { Rng, toSeed } from './rng.ts';
import { ArrivalSpecSchema, createArrivals, type Arrivals } from './arrivals.ts';
import { DriftSchedule, DriftSpecSchema, type DriftTruth } from './drift-hooks.ts';
import { hashUniform, MerchantPopulation, UserPopulation } from './population.ts';
import { arrivalsEnded, mergeParams, SeedSchema, type EventStream } from './stream.ts';
import { parseOrThrow } from './validate.ts';
import { ID_SCOPE, SeqIds, scopedPrefix } from './digits.ts';

export const USER_EVENT_TYPES = [
  'login',
  'view',
  'search',
  'click',
  'add_to_cart',
  'remove_from_cart',
  'checkout',
  'purchase',
  'logout',
] as const;
export type UserEventType = (typeof USER_EVENT_TYPES)[number];
export const DEVICE_TYPES = ['desktop', 'mobile', 'tablet'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

/** one clickstream event; field order is the wire order */
export interface UserEvent {
  id: string;
  userId: string;
  sessionId: string;
  type: UserEventType;
  page: string;
  /** ms since the Unix epoch */
  eventTime: number;
  device: DeviceType;
}

/** states of the chain: the event types plus a silent `end` */
const STATES = [...USER_EVENT_TYPES, 'end'] as const;
const END = STATES.length - 1;

export function defaultUserEventParams() {
  // from-state → weights of the next state (missing = 0)
  const transitions: Record<string, Record<string, number>> = {
    start: { login: 6, view: 4 },
    login: { view: 6, search: 3, end: 1 },
    view: { view: 4, click: 3, search: 1.5, add_to_cart: 1, logout: 0.3, end: 1.5 },
    search: { view: 5, click: 2, search: 1, end: 1 },
    click: { view: 6, click: 1, add_to_cart: 1.5, end: 1 },
    add_to_cart: { view: 3, checkout: 3, remove_from_cart: 0.5, end: 1 },
    remove_from_cart: { view: 3, end: 1 },
    checkout: { purchase: 6, view: 1, end: 2 },
    purchase: { view: 2, logout: 2, end: 4 },
    logout: { end: 1 },
  };
  // every map lists every state, so drifts may change any weight
  for (const from of Object.keys(transitions)) {
    const row = transitions[from]!;
    for (const s of STATES) row[s] ??= 0;
  }
  return {
    transitions,
    deviceWeights: { desktop: 45, mobile: 45, tablet: 10 } as Record<string, number>,
  };
}
export type UserEventParams = ReturnType<typeof defaultUserEventParams>;

export const UserEventConfigSchema = z.strictObject({
  seed: SeedSchema.default(1),
  users: z
    .strictObject({
      count: z.number().int().min(1).max(10_000_000).default(100_000),
      zipf: z.number().min(0).max(10).default(1.1),
    })
    .default({ count: 100_000, zipf: 1.1 }),
  products: z
    .strictObject({
      count: z.number().int().min(1).max(10_000_000).default(5_000),
      zipf: z.number().min(0).max(10).default(1.0),
    })
    .default({ count: 5_000, zipf: 1.0 }),
  concurrentSessions: z.number().int().min(1).max(1_000_000).default(200),
  startMs: z
    .number()
    .int()
    .nonnegative()
    .default(Date.UTC(2026, 0, 1)),
  arrivals: ArrivalSpecSchema.default({ kind: 'poisson', rate: 1000, startMs: 0 }),
  params: z.record(z.string(), z.unknown()).optional(),
  drifts: z.array(DriftSpecSchema).default([]),
  /** a run's mark in every event and session id (`e<seed>.<idScope>-<n>`): generators/digits.ts ID_SCOPE */
  idScope: ID_SCOPE.optional(),
});
export type UserEventConfigInput = z.input<typeof UserEventConfigSchema>;

interface Compiled {
  /** next-state CDF per state index (STATES order), and for the session start */
  rows: Float64Array[];
  start: Float64Array;
  device: Float64Array;
}

function cdf(weights: readonly number[]): Float64Array {
  let s = 0;
  const c = Float64Array.from(weights, (w) => (s += w));
  for (let i = 0; i < c.length; i++) c[i] = s > 0 ? (c[i] as number) / s : i === c.length - 1 ? 1 : 0;
  return c;
}
function pick(c: Float64Array, u: number): number {
  let i = 0;
  const last = c.length - 1;
  while (i < last && u >= (c[i] as number)) i++;
  return i;
}
function compile(p: UserEventParams): Compiled {
  const row = (from: string) => cdf(STATES.map((s) => p.transitions[from]?.[s] ?? 0));
  return {
    rows: STATES.map((s) => (s === 'end' ? cdf(STATES.map((x) => (x === 'end' ? 1 : 0))) : row(s))),
    start: row('start'),
    device: cdf(DEVICE_TYPES.map((d) => p.deviceWeights[d] ?? 0)),
  };
}

interface Session {
  id: string;
  user: number;
  state: number;
  device: DeviceType;
}

export class UserEventStream implements EventStream<UserEvent> {
  readonly name = 'user-events';
  readonly seed: number;
  readonly users: UserPopulation;
  readonly products: MerchantPopulation;
  private readonly arrivals: Arrivals;
  private readonly drift: DriftSchedule<UserEventParams, Compiled>;
  private readonly rUser: Rng;
  private readonly rStep: Rng;
  private readonly rProduct: Rng;
  private readonly open: Session[] = [];
  private readonly target: number;
  private readonly ids: SeqIds;
  private readonly sessionIds: SeqIds;
  private readonly deviceSeed: number;
  private seq = 0;
  private sessions = 0;

  constructor(input: UserEventConfigInput = {}) {
    const cfg = parseOrThrow(UserEventConfigSchema, input, 'user-events config');
    this.seed = toSeed(cfg.seed);
    const root = new Rng(this.seed);
    this.users = new UserPopulation({
      size: cfg.users.count,
      zipf: cfg.users.zipf,
      seed: root.fork('user-attrs').seed,
    });
    this.products = new MerchantPopulation(
      { size: cfg.products.count, zipf: cfg.products.zipf, seed: root.fork('product-attrs').seed },
      '/product/p',
    );
    this.arrivals = createArrivals({ ...cfg.arrivals, startMs: cfg.startMs }, root.fork('arrivals'));
    this.drift = new DriftSchedule({
      base: mergeParams(defaultUserEventParams(), cfg.params),
      compile,
      drifts: cfg.drifts,
      rng: root.fork('drift'),
      startMs: cfg.startMs,
    });
    this.rUser = root.fork('users');
    this.rStep = root.fork('steps');
    this.rProduct = root.fork('products');
    this.target = cfg.concurrentSessions;
    this.ids = new SeqIds(scopedPrefix(`e${this.seed.toString(36)}`, cfg.idScope));
    this.sessionIds = new SeqIds(scopedPrefix(`s${this.seed.toString(36)}`, cfg.idScope));
    this.deviceSeed = root.fork('devices').seed;
  }

  get drifts(): readonly DriftTruth[] {
    return this.drift.truth;
  }
  get count(): number {
    return this.seq;
  }
  /** sessions currently open */
  get openSessions(): number {
    return this.open.length;
  }
  rateAt(tMs: number): number {
    return this.arrivals.rateAt(tMs);
  }

  next(): UserEvent {
    const seq = this.seq++;
    const t = Math.floor(this.arrivals.next());
    if (t === Infinity) throw arrivalsEnded(seq);
    const c = this.drift.at(seq, t);
    const r = this.rStep;
    for (;;) {
      if (this.open.length < this.target) {
        // a new session: the user's device type is theirs (hashed), drawn from the current mix
        const user = this.users.sampleActive(this.rUser);
        const s: Session = {
          id: this.sessionIds.id(this.sessions++),
          user,
          state: pick(c.start, r.next()),
          device: DEVICE_TYPES[pick(c.device, hashUniform(this.deviceSeed, user, 1))]!,
        };
        this.open.push(s);
        return this.event(s, seq, t);
      }
      const k = r.int(this.open.length);
      const s = this.open[k]!;
      const nextState = pick(c.rows[s.state]!, r.next());
      if (nextState === END) {
        // swap-remove; the freed place is refilled by a new session in this same slot
        this.open[k] = this.open[this.open.length - 1]!;
        this.open.pop();
        continue;
      }
      s.state = nextState;
      return this.event(s, seq, t);
    }
  }

  take(n: number): UserEvent[] {
    const out = new Array<UserEvent>(n);
    for (let i = 0; i < n; i++) out[i] = this.next();
    return out;
  }

  private page(type: UserEventType): string {
    switch (type) {
      case 'login':
        return '/login';
      case 'view':
      case 'click':
        return this.products.activeId(this.rProduct);
      case 'search':
        return '/search';
      case 'add_to_cart':
      case 'remove_from_cart':
        return '/cart';
      case 'checkout':
        return '/checkout';
      case 'purchase':
        return '/checkout/confirmation';
      case 'logout':
        return '/logout';
    }
  }

  private event(s: Session, seq: number, t: number): UserEvent {
    const type = STATES[s.state] as UserEventType;
    return {
      id: this.ids.id(seq),
      userId: this.users.id(s.user),
      sessionId: s.id,
      type,
      page: this.page(type),
      eventTime: t,
      device: s.device,
    };
  }
}

export function createUserEventStream(config: UserEventConfigInput = {}): UserEventStream {
  return new UserEventStream(config);
}
