/**
 * Card transactions for the `transactions` topic, labelled with fraud ground truth.
 *
 * Normal traffic: an active user (Zipf over the population) pays a merchant (Zipf) from one of
 * their usual devices, in their home country (sometimes travelling), an amount drawn from their
 * own lognormal spend profile. So per-user features ("avg amount 24h", "device risk", "count 1h")
 * carry signal.
 *
 * Fraud arrives as episodes whose events take the next arrival slots once due, so the stream's
 * rate stays exactly the arrival process's and `fraudRate` is the labelled fraction:
 * - card-testing: a stolen card (any user, uniform) tried 5–30 times with tiny amounts, seconds
 *   apart, from one attacker device at one online merchant;
 * - account-takeover: an active user's account used from a never-seen device for 1–3 payments
 *   of 5–20× their typical spend;
 * - geo-velocity: a normal payment at home, then a payment with the same card in a country
 *   ≥ 3000 km away minutes later (only the far one is labelled fraud).
 * Every rule lives in the drift-able params, so a drift on `cardTesting.maxAmount` or `fraudRate`
 * is concept drift, and one on `amount.muShift` or `channelWeights` is feature drift.
 */
import { z } from 'zod';
import { Rng, toSeed } from './rng.ts';
import { ArrivalSpecSchema, createArrivals, type Arrivals } from './arrivals.ts';
import { DriftSchedule, DriftSpecSchema, type DriftTruth } from './drift-hooks.ts';
import { COUNTRIES, COUNTRY_CODES, farCountries } from './geo.ts';
import { ActiveDraws, MerchantPopulation, UserPopulation } from './population.ts';
import { arrivalsEnded, mergeParams, SeedSchema, type EventStream } from './stream.ts';
import { parseOrThrow } from './validate.ts';
import { episodeStartProbability } from './fraud-episodes.ts';
import { MinHeap } from './heap.ts';
import { ID_SCOPE, SeqIds, scopedPrefix } from './digits.ts';
import { TransactionPiiDraw } from './pii.ts';
import { JsonPieces, lastBuilt } from './built.ts';

export const FRAUD_PATTERNS = ['none', 'card-testing', 'account-takeover', 'geo-velocity'] as const;
export type FraudPattern = (typeof FRAUD_PATTERNS)[number];
export const CHANNELS = ['online', 'pos', 'mobile', 'atm'] as const;
export type Channel = (typeof CHANNELS)[number];

/** one card payment; field order is the wire order (JSON and Avro) */
export interface Transaction {
  id: string;
  userId: string;
  deviceId: string;
  merchantId: string;
  /** in `currency`, 2 decimals */
  amount: number;
  currency: string;
  /** ISO 3166-1 alpha-2 code of where the payment happened */
  country: string;
  channel: Channel;
  /** ms since the Unix epoch */
  eventTime: number;
  isFraud: boolean;
  fraudPattern: FraudPattern;
  /** with PII generation on (`pii: true`, generators/pii.ts): the card, the user's e-mail, the device's IP */
  cardNumber?: string;
  email?: string;
  ipAddress?: string;
}

/** a fraud event waiting for its due time */
interface Pending {
  due: number;
  order: number;
  userId: string;
  deviceId: string;
  merchantId: string;
  amount: number;
  country: number;
  channel: Channel;
  pattern: FraudPattern;
}

/** min-heap on (due, order): ties keep scheduling order, so output is deterministic */
class PendingHeap extends MinHeap<Pending> {
  constructor() {
    super((a, b) => a.due < b.due || (a.due === b.due && a.order < b.order));
  }
}

/** the sampling parameters drifts may change (paths like `cardTesting.maxAmount`) */
export function defaultTransactionParams() {
  return {
    amount: {
      /** added to every user's log-median spend (0.69 ≈ doubling) */
      muShift: 0,
      /** multiplies every user's log-spread */
      sigmaScale: 1,
    },
    /** chance a normal payment happens abroad */
    travelRate: 0.01,
    /** where travellers pay (weights by country code) */
    travelWeights: Object.fromEntries(COUNTRIES.map((c) => [c.code, c.weight])) as Record<string, number>,
    channelWeights: { online: 40, pos: 40, mobile: 15, atm: 5 } as Record<string, number>,
    /** labelled fraction of events */
    fraudRate: 0.01,
    /** relative share of fraud events per pattern */
    fraudMix: { cardTesting: 1, accountTakeover: 1, geoVelocity: 1 } as Record<string, number>,
    cardTesting: { minAmount: 0.5, maxAmount: 2, burstMin: 5, burstMax: 30, gapMeanMs: 2000 },
    accountTakeover: { multiplierMin: 5, multiplierMax: 20, countMin: 1, countMax: 3, gapMeanMs: 60_000 },
    geoVelocity: { minKm: 3000, gapMinMs: 300_000, gapMaxMs: 3_600_000 },
  };
}
export type TransactionParams = ReturnType<typeof defaultTransactionParams>;

const population = (count: number, zipf: number) =>
  z
    .strictObject({
      count: z.number().int().min(1).max(10_000_000).default(count),
      zipf: z.number().finite().min(0).max(10).default(zipf),
    })
    .default({ count, zipf });

export const TransactionConfigSchema = z.strictObject({
  seed: SeedSchema.default(1),
  users: population(100_000, 1.1),
  merchants: population(10_000, 1.0),
  /** shorthand for params.fraudRate */
  fraudRate: z.number().min(0).max(0.5).optional(),
  /** absolute ms of the first arrival slot (the arrival spec's own startMs is replaced by this) */
  startMs: z
    .number()
    .int()
    .nonnegative()
    .default(Date.UTC(2026, 0, 1)),
  arrivals: ArrivalSpecSchema.default({ kind: 'poisson', rate: 1000, startMs: 0 }),
  /** overrides of defaultTransactionParams() (deep, partial) */
  params: z.record(z.string(), z.unknown()).optional(),
  drifts: z.array(DriftSpecSchema).default([]),
  /** add cardNumber, email and ipAddress to every transaction (generators/pii.ts); off by default */
  pii: z.boolean().optional(),
  /** a run's mark in every id (`t<seed>.<idScope>-<n>`, else `t<seed>-<n>`): see generators/digits.ts ID_SCOPE */
  idScope: ID_SCOPE.optional(),
});
export type TransactionConfigInput = z.input<typeof TransactionConfigSchema>;
export type TransactionConfig = z.output<typeof TransactionConfigSchema>;

const CONCEPT = /^(fraudRate|fraudMix|cardTesting|accountTakeover|geoVelocity)(\.|$)/;

function cdf(weights: readonly number[]): Float64Array {
  let s = 0;
  const c = Float64Array.from(weights, (w) => (s += w));
  for (let i = 0; i < c.length; i++) c[i] = s > 0 ? (c[i] as number) / s : (i + 1) / c.length;
  return c;
}
function pick(c: Float64Array, u: number): number {
  let i = 0;
  const last = c.length - 1;
  while (i < last && u >= (c[i] as number)) i++;
  return i;
}
const round2 = (x: number): number => Math.round(x * 100) / 100;

interface Compiled {
  p: TransactionParams;
  channelCdf: Float64Array;
  travelCdf: Float64Array;
  mixCdf: Float64Array;
  /** chance that a fresh slot starts an episode */
  q: number;
  far: number[][];
}

function compile(p: TransactionParams): Compiled {
  const mix = [p.fraudMix.cardTesting ?? 0, p.fraudMix.accountTakeover ?? 0, p.fraudMix.geoVelocity ?? 0];
  const q = episodeStartProbability(p.fraudRate, mix, p.cardTesting, p.accountTakeover);
  return {
    p,
    channelCdf: cdf(CHANNELS.map((c) => p.channelWeights[c] ?? 0)),
    travelCdf: cdf(COUNTRY_CODES.map((c) => p.travelWeights[c] ?? 0)),
    mixCdf: cdf(mix),
    q,
    far: COUNTRIES.map((_, i) => farCountries(i, p.geoVelocity.minKm)),
  };
}

export class TransactionStream implements EventStream<Transaction> {
  readonly name = 'transactions';
  readonly seed: number;
  readonly config: TransactionConfig;
  readonly users: UserPopulation;
  readonly merchants: MerchantPopulation;
  private readonly arrivals: Arrivals;
  private readonly drift: DriftSchedule<TransactionParams, Compiled>;
  /** activity draws of users and merchants (root.fork('users'), fork('merchants')), made ahead */
  private readonly userDraws: ActiveDraws;
  private readonly merchantDraws: ActiveDraws;
  private readonly rAmount: Rng;
  private readonly rPick: Rng;
  private readonly rFraud: Rng;
  private readonly pending = new PendingHeap();
  private readonly ids: SeqIds;
  private readonly pii: TransactionPiiDraw | undefined;
  /** the JSON pieces of users and merchants (built.ts), and where those of the event being built are */
  private readonly pieces: JsonPieces;
  private user = -1;
  private merchant = -1;
  private middle = -1;
  private seq = 0;
  private episodes = 0;
  private scheduled = 0;

  constructor(input: TransactionConfigInput = {}) {
    const cfg = parseOrThrow(TransactionConfigSchema, input, 'transactions config');
    this.config = cfg;
    this.seed = toSeed(cfg.seed);
    const root = new Rng(this.seed);
    let params = mergeParams(defaultTransactionParams(), cfg.params);
    if (cfg.fraudRate !== undefined) params = { ...params, fraudRate: cfg.fraudRate };
    // one note each beside the ids for the JSON pieces (built.ts)
    this.users = new UserPopulation(
      { size: cfg.users.count, zipf: cfg.users.zipf, seed: root.fork('user-attrs').seed },
      1,
    );
    this.merchants = new MerchantPopulation(
      { size: cfg.merchants.count, zipf: cfg.merchants.zipf, seed: root.fork('merchant-attrs').seed },
      'm',
      1,
    );
    this.arrivals = createArrivals({ ...cfg.arrivals, startMs: cfg.startMs }, root.fork('arrivals'));
    this.drift = new DriftSchedule({
      base: params,
      compile,
      drifts: cfg.drifts,
      rng: root.fork('drift'),
      startMs: cfg.startMs,
      isConcept: (p) => CONCEPT.test(p),
    });
    this.userDraws = new ActiveDraws(this.users, root.fork('users'));
    this.merchantDraws = new ActiveDraws(this.merchants, root.fork('merchants'));
    this.rAmount = root.fork('amounts');
    this.rPick = root.fork('picks');
    this.rFraud = root.fork('fraud');
    this.ids = new SeqIds(scopedPrefix(`t${this.seed.toString(36)}`, cfg.idScope));
    this.pii = cfg.pii ? new TransactionPiiDraw(this.seed) : undefined;
    this.pieces = new JsonPieces(this.users, this.merchants);
  }

  get drifts(): readonly DriftTruth[] {
    return this.drift.truth;
  }
  get count(): number {
    return this.seq;
  }
  /** the intended arrival rate (events/s) at absolute time t */
  rateAt(tMs: number): number {
    return this.arrivals.rateAt(tMs);
  }

  next(): Transaction {
    this.middle = -1;
    const tx = this.draw();
    const b = lastBuilt;
    b.tx = tx;
    b.id = tx.id;
    b.userId = tx.userId;
    b.deviceId = tx.deviceId;
    b.merchantId = tx.merchantId;
    b.pieces = this.pieces;
    b.user = this.user;
    b.merchant = this.merchant;
    b.middle = this.middle;
    return this.pii ? this.pii.decorate(tx) : tx;
  }

  private draw(): Transaction {
    const seq = this.seq++;
    const t = Math.floor(this.arrivals.next());
    if (t === Infinity) throw arrivalsEnded(seq);
    const c = this.drift.at(seq, t);
    const id = this.ids.id(seq);
    const h = this.pending.items;
    if (h.length > 0 && h[0]!.due <= t) return this.emitPending(this.pending.pop()!, id, t);
    if (c.q > 0 && this.rFraud.next() < c.q) return this.startEpisode(c, id, t);
    return this.normal(c, id, t, this.userDraws.next());
  }

  take(n: number): Transaction[] {
    const out = new Array<Transaction>(n);
    for (let i = 0; i < n; i++) out[i] = this.next();
    return out;
  }

  private normal(c: Compiled, id: string, t: number, u: number, atHome = false): Transaction {
    const users = this.users,
      r = this.rPick;
    let ci = users.homeAt(u);
    if (!atHome && c.p.travelRate > 0 && r.next() < c.p.travelRate) ci = pick(c.travelCdf, r.next());
    const country = COUNTRIES[ci]!;
    const usd = Math.exp(
      users.muAt(u) + c.p.amount.muShift + users.sigmaAt(u) * c.p.amount.sigmaScale * this.rAmount.normal(),
    );
    const deviceId = users.deviceAt(u, r);
    const m = this.merchantDraws.next();
    const ch = pick(c.channelCdf, r.next());
    if (this.pieces.usable) {
      this.user = deviceId === users.primaryAt(u) ? u : -1;
      this.merchant = m;
      this.middle = ci * CHANNELS.length + ch;
    }
    return {
      id,
      userId: users.idAt(u),
      deviceId,
      merchantId: this.merchants.idAt(m),
      amount: round2(usd * country.fxPerUsd),
      currency: country.currency,
      country: country.code,
      channel: CHANNELS[ch]!,
      eventTime: t,
      isFraud: false,
      fraudPattern: 'none',
    };
  }

  private emitPending(p: Pending, id: string, t: number): Transaction {
    const country = COUNTRIES[p.country]!;
    return {
      id,
      userId: p.userId,
      deviceId: p.deviceId,
      merchantId: p.merchantId,
      amount: p.amount,
      currency: country.currency,
      country: country.code,
      channel: p.channel,
      eventTime: t,
      isFraud: true,
      fraudPattern: p.pattern,
    };
  }

  private schedule(p: Omit<Pending, 'order'>): void {
    // one shape for every pending event (spreads of differently built objects would make the
    // heap's reads of `due` megamorphic)
    this.pending.push({
      due: p.due,
      order: this.scheduled++,
      userId: p.userId,
      deviceId: p.deviceId,
      merchantId: p.merchantId,
      amount: p.amount,
      country: p.country,
      channel: p.channel,
      pattern: p.pattern,
    });
  }

  private intBetween(lo: number, hi: number): number {
    const a = Math.ceil(Math.min(lo, hi)),
      b = Math.floor(Math.max(lo, hi));
    return a + this.rFraud.int(b - a + 1);
  }

  /** the first event of an episode is emitted now; the rest are scheduled */
  private startEpisode(c: Compiled, id: string, t: number): Transaction {
    const r = this.rFraud,
      users = this.users,
      p = c.p;
    const ep = this.episodes++;
    const kind = pick(c.mixCdf, r.next());
    if (kind === 0) {
      // card-testing: a stolen card, any holder; tiny amounts from one attacker device
      const ct = p.cardTesting;
      const u = users.uniformSlot(r);
      const home = users.homeAt(u);
      const fx = COUNTRIES[home]!.fxPerUsd;
      const base = {
        userId: users.idAt(u),
        deviceId: `x${ep}`,
        merchantId: this.merchants.idAt(this.merchants.uniformSlot(r)),
        country: home,
        channel: 'online' as const,
        pattern: 'card-testing' as const,
      };
      const n = this.intBetween(ct.burstMin, ct.burstMax);
      const amount = () => round2(r.uniform(ct.minAmount, ct.maxAmount) * fx);
      let due = t;
      for (let k = 1; k < n; k++) {
        // draw order matters for the seeded stream: the amount, then the gap
        const a = amount();
        due += r.exponential(1 / ct.gapMeanMs);
        this.schedule({ ...base, amount: a, due });
      }
      return this.emitPending({ ...base, amount: amount(), due: t, order: -1 }, id, t);
    }
    if (kind === 1) {
      // account takeover: an active account, a never-seen device, unusually large payments
      const a = p.accountTakeover;
      const u = this.userDraws.next();
      const home = users.homeAt(u);
      const fx = COUNTRIES[home]!.fxPerUsd;
      const median = Math.exp(users.muAt(u) + p.amount.muShift);
      const base = {
        userId: users.idAt(u),
        deviceId: `x${ep}`,
        country: home,
        channel: (r.next() < 0.5 ? 'online' : 'mobile') as Channel,
        pattern: 'account-takeover' as const,
      };
      const n = this.intBetween(a.countMin, a.countMax);
      const one = (due: number): Omit<Pending, 'order'> => ({
        ...base,
        merchantId: this.merchants.idAt(this.merchantDraws.next()),
        amount: round2(median * r.uniform(a.multiplierMin, a.multiplierMax) * fx),
        due,
      });
      let due = t;
      const first = one(t);
      for (let k = 1; k < n; k++) {
        due += r.exponential(1 / a.gapMeanMs);
        this.schedule(one(due));
      }
      return this.emitPending({ ...first, order: -1 }, id, t);
    }
    // geo-velocity: a normal payment at home now, the same card far away soon after
    const g = p.geoVelocity;
    const u = this.userDraws.next();
    const home = users.homeAt(u);
    const now = this.normal(c, id, t, u, true);
    const far = c.far[home]!;
    if (far.length > 0) {
      const ci = far[r.int(far.length)]!;
      const usd = Math.exp(users.muAt(u) + p.amount.muShift + users.sigmaAt(u) * this.rAmount.normal());
      this.schedule({
        userId: now.userId,
        deviceId: users.deviceAt(u, r),
        merchantId: this.merchants.idAt(this.merchantDraws.next()),
        amount: round2(usd * COUNTRIES[ci]!.fxPerUsd),
        country: ci,
        channel: 'pos',
        pattern: 'geo-velocity',
        due: t + r.uniform(g.gapMinMs, g.gapMaxMs),
      });
    }
    return now;
  }
}

export function createTransactionStream(config: TransactionConfigInput = {}): TransactionStream {
  return new TransactionStream(config);
}
