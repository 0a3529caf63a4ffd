/**
 * Populations of users and merchants with Zipf-skewed activity (a few hot keys, a long tail).
 *
 * Attributes are a pure function of (seed, index): hashed, not drawn from a stream, so user 42
 * has the same home country, devices and spending habits whatever else the config changes
 * (fraud rate, arrivals, drifts). They are computed on first use and cached in typed arrays.
 *
 * Activity rank r (1 = hottest) maps to an index through a fixed permutation
 * idx = (r − 1)·m mod n (m ≈ n/φ, coprime with n), so hot keys are spread over the id space and
 * partitions rather than being u0, u1, u2.
 */
import { aliasColumns, createZipf, ZIPF_ALIAS_MAX, type ZipfMethod, type ZipfSampler } from './zipf.ts';
import type { Rng } from './rng.ts';
import { COUNTRIES } from './geo.ts';

/** 32-bit finaliser (lowbias32 by C. Wellons): a good avalanche for hashing (seed, index, field) */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** uniform [0, 1) from (seed, index, field) */
export function hashUniform(seed: number, index: number, field: number): number {
  return mix32(seed ^ mix32((Math.imul(index, 0x9e3779b1) + field * 0x85ebca77) | 0)) / 4294967296;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** a multiplier near n/φ and coprime with n: consecutive ranks land far apart (golden-ratio hashing) */
function scatterMultiplier(n: number): number {
  let m = Math.max(1, Math.round(n * 0.6180339887498949));
  while (gcd(m, n) !== 1) m++;
  return m;
}

/** m⁻¹ mod n (m coprime with n), by the extended Euclidean algorithm */
function inverseMod(m: number, n: number): number {
  let [r0, r1, t0, t1] = [n, m % n, 0, 1];
  while (r1 !== 0) {
    const q = Math.floor(r0 / r1);
    [r0, r1, t0, t1] = [r1, r0 - q * r1, t1, t0 - q * t1];
  }
  return ((t0 % n) + n) % n;
}

/** a·b mod n for a, b < n ≤ 2^26 (the product is exact in a double; the quotient is fixed up by one) */
function mulMod(a: number, b: number, n: number): number {
  const p = a * b;
  const r = p - Math.floor(p / n) * n;
  return r < 0 ? r + n : r >= n ? r - n : r;
}

export interface PopulationOptions {
  size: number;
  /** Zipf exponent of activity; 0 = uniform */
  zipf: number;
  seed: number;
  method?: ZipfMethod | undefined;
}

/** id strings are cached up to this population size (number → string is not free) */
const ID_CACHE_MAX = 1 << 21;

/**
 * Activity by index through an alias table whose columns are 4 bytes (half the cache lines of
 * AliasTable's 8: a draw reads one uniformly random column, so at 100k entities it is a cache miss
 * either way, and the smaller table leaves room for the rest). A column holds its threshold to
 * 12 bits and its alias as a slot (rank − 1, see Population) in 20 bits: a draw whose fraction is
 * in another 1/4096 than the threshold's is decided by the 12 bits, the rare one in the same reads
 * the float64 threshold kept apart. The draws are AliasTable's over the same weights, bit for bit.
 */
class SlotAliasTable {
  private readonly cols: Int32Array;
  private readonly exact: Float64Array;
  constructor(
    weights: Float64Array,
    slotOf: (index: number) => number,
    private readonly n: number,
  ) {
    const { prob, alias } = aliasColumns(weights);
    this.cols = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const q = Math.min(Math.floor((prob[i] as number) * 4096), 4095);
      this.cols[i] = (q << 20) | slotOf(alias[i] as number);
    }
    this.exact = prob;
  }
  /** the drawn column's own index as -1 - index, or its alias's slot (≥ 0) */
  sample(rng: Rng): number {
    return this.at(rng.next() * this.n);
  }
  /** out.length draws, as sample(rng) each: the uniforms first, then the columns, so their cache misses overlap */
  sampleMany(rng: Rng, xs: Float64Array, out: Int32Array): void {
    const n = this.n;
    for (let j = 0; j < xs.length; j++) xs[j] = rng.next() * n;
    for (let j = 0; j < xs.length; j++) out[j] = this.at(xs[j] as number);
  }
  /** the draw at x (a uniform times n): column x | 0 decides by its fraction */
  private at(x: number): number {
    const i = x | 0;
    const c = this.cols[i] as number;
    const k = ((x - i) * 4096) | 0;
    const q = c >>> 20;
    return k > q || (k === q && x - i >= (this.exact[i] as number)) ? c & 0xfffff : -1 - i;
  }
}

/** how many activity draws an ActiveDraws makes at a time */
const AHEAD = 64;

/**
 * The activity draws of one population from one Rng, made AHEAD at a time: the same slots in the same
 * order as activeSlot(rng) call by call (the Rng is this queue's alone), but a batch reads its table
 * columns in one loop, where their cache misses overlap instead of stalling one event each.
 */
export class ActiveDraws {
  private readonly slots = new Int32Array(AHEAD);
  private readonly xs = new Float64Array(AHEAD);
  private pos = AHEAD;
  constructor(
    private readonly pop: Population,
    private readonly rng: Rng,
  ) {}
  next(): number {
    if (this.pos === AHEAD) {
      this.pop.drawAhead(this.rng, this.xs, this.slots);
      this.pos = 0;
    }
    return this.slots[this.pos++] as number;
  }
}

/**
 * Entities are kept by slot, slot = activity rank − 1, so the hot ones a stream draws over and over
 * sit side by side in memory (their attributes and id strings in few cache lines) rather than at
 * their scattered indices. index = slot·m mod n, slot = index·m⁻¹ mod n.
 */
class Population {
  readonly size: number;
  /**
   * by slot, `stride` strings each: the id, then `notes` strings a user of the population keeps beside
   * it (UserPopulation: the primary device; a stream: its JSON pieces), so one line holds them all
   */
  private readonly names: string[] | undefined;
  private readonly stride: number;
  private readonly prefix: string;
  readonly zipfExponent: number;
  /** ranks, when the population is too large for a table (rejection-inversion) */
  private readonly ranks: ZipfSampler | undefined;
  private readonly table: SlotAliasTable | undefined;
  protected readonly seed: number;
  private readonly prime: number;
  private readonly inverse: number;
  constructor(o: PopulationOptions, prefix: string, notes = 0) {
    this.size = o.size;
    this.seed = o.seed;
    this.prefix = prefix;
    this.stride = 1 + notes;
    this.names = o.size <= ID_CACHE_MAX ? new Array<string>(this.stride * o.size) : undefined;
    this.prime = scatterMultiplier(o.size);
    this.inverse = inverseMod(this.prime, o.size);
    this.zipfExponent = o.zipf;
    const method = o.method ?? (o.size <= ZIPF_ALIAS_MAX ? 'alias' : 'rejection-inversion');
    if (o.zipf === 0) this.ranks = undefined;
    else if (method === 'rejection-inversion') this.ranks = createZipf(o.size, o.zipf, method);
    else {
      const w = new Float64Array(o.size);
      for (let r = 1; r <= o.size; r++) w[this.indexOfRank(r)] = r ** -o.zipf;
      this.table = new SlotAliasTable(w, (i) => this.slotOf(i), o.size);
    }
  }
  /** slot (0..size-1) of an entity drawn by activity */
  activeSlot(rng: Rng): number {
    const t = this.table;
    if (t !== undefined) {
      const v = t.sample(rng);
      return v >= 0 ? v : this.slotOf(-1 - v);
    }
    return this.ranks !== undefined ? this.ranks.sample(rng) - 1 : this.uniformSlot(rng);
  }
  /** the id of an entity drawn by activity: id(sampleActive(rng)) without the slot → index → slot round trip */
  activeId(rng: Rng): string {
    return this.idAt(this.activeSlot(rng));
  }
  /** whether ids are cached by slot (populations up to 2^21) */
  get cached(): boolean {
    return this.names !== undefined;
  }
  /** slots.length activity draws into slots, as activeSlot(rng) each (ActiveDraws) */
  drawAhead(rng: Rng, xs: Float64Array, slots: Int32Array): void {
    const t = this.table;
    if (t === undefined) {
      for (let j = 0; j < slots.length; j++) slots[j] = this.activeSlot(rng);
      return;
    }
    t.sampleMany(rng, xs, slots);
    for (let j = 0; j < slots.length; j++) {
      const v = slots[j] as number;
      if (v < 0) slots[j] = this.slotOf(-1 - v);
    }
  }
  /** slot of an entity drawn uniformly (e.g. a victim whose card was stolen, regardless of activity) */
  uniformSlot(rng: Rng): number {
    return this.slotOf((rng.next() * this.size) | 0);
  }
  /** index (0..size-1) of an entity drawn by activity */
  sampleActive(rng: Rng): number {
    const t = this.table;
    if (t !== undefined) {
      const v = t.sample(rng);
      return v >= 0 ? this.indexOf(v) : -1 - v;
    }
    return this.ranks !== undefined ? this.indexOfRank(this.ranks.sample(rng)) : this.sampleUniform(rng);
  }
  /** index drawn uniformly */
  sampleUniform(rng: Rng): number {
    return (rng.next() * this.size) | 0;
  }
  /** the id of entity i: prefix + index */
  id(i: number): string {
    return this.names === undefined ? this.prefix + i : this.idAt(this.slotOf(i));
  }
  /** the id of the entity in slot s */
  idAt(s: number): string {
    const c = this.names;
    if (c === undefined) return this.prefix + this.indexOf(s);
    let id = c[this.stride * s];
    if (id === undefined) {
      id = this.prefix + this.indexOf(s);
      c[this.stride * s] = id;
    }
    return id;
  }
  /** note j (1..notes) of slot s, undefined until set (or when ids are not cached) */
  noteAt(s: number, j: number): string | undefined {
    return this.names?.[this.stride * s + j];
  }
  setNote(s: number, j: number, v: string): void {
    if (this.names !== undefined) this.names[this.stride * s + j] = v;
  }
  indexOfRank(rank: number): number {
    return this.indexOf(rank - 1);
  }
  indexOf(slot: number): number {
    return mulMod(slot, this.prime, this.size);
  }
  slotOf(index: number): number {
    return mulMod(index, this.inverse, this.size);
  }
}

/** home country index by the default weights */
const COUNTRY_CDF = (() => {
  let s = 0;
  const c = COUNTRIES.map((x) => (s += x.weight));
  return c.map((x) => x / s);
})();

/**
 * A user's attributes in 16 bytes by slot, one cache line for four users: [mu, sigma] as float32,
 * then their index and (home | devices << 8 | FILLED) as int32. Hot users share a few lines, where
 * one array per attribute cost a line each.
 */
const FILLED = 1 << 16;

export class UserPopulation extends Population {
  private readonly f32: Float32Array;
  private readonly i32: Int32Array;
  /** notes: strings a stream keeps per user beside the id and the primary device (notes 2..) */
  constructor(o: PopulationOptions, notes = 0) {
    super(o, 'u', 1 + notes);
    const buf = new ArrayBuffer(16 * o.size);
    this.f32 = new Float32Array(buf);
    this.i32 = new Int32Array(buf);
  }
  /** the record of slot s, filled on first use: its offset in f32 / i32 */
  private rec(s: number): number {
    const k = 4 * s;
    if (this.i32[k + 3] === 0) this.fill(s, k);
    return k;
  }
  private fill(slot: number, k: number): void {
    const s = this.seed,
      i = this.indexOf(slot);
    const u0 = hashUniform(s, i, 1);
    let c = 0;
    while (c < COUNTRY_CDF.length - 1 && u0 >= (COUNTRY_CDF[c] as number)) c++;
    const devices = 1 + Math.floor(hashUniform(s, i, 2) * 3);
    // typical spend: lognormal per user, its log-median itself normal across users (median ≈ $33)
    const z = Math.sqrt(-2 * Math.log(1 - hashUniform(s, i, 3))) * Math.cos(2 * Math.PI * hashUniform(s, i, 4));
    this.f32[k] = 3.5 + 0.8 * z;
    this.f32[k + 1] = 0.35 + 0.45 * hashUniform(s, i, 5);
    this.i32[k + 2] = i;
    this.i32[k + 3] = c | (devices << 8) | FILLED;
  }
  /** home country (index into COUNTRIES) of the user in slot s */
  homeAt(s: number): number {
    return (this.i32[this.rec(s) + 3] as number) & 0xff;
  }
  /** log of the median spend in USD of the user in slot s */
  muAt(s: number): number {
    return this.f32[this.rec(s)] as number;
  }
  sigmaAt(s: number): number {
    return this.f32[this.rec(s) + 1] as number;
  }
  /** one of the usual devices of the user in slot s; the first is the primary (used ~70 % of the time) */
  deviceAt(s: number, rng: Rng): string {
    const k = this.rec(s);
    const n = ((this.i32[k + 3] as number) >> 8) & 0xff;
    const u = rng.next();
    if (n === 1 || u < 0.7) return this.primaryAt(s);
    return `d${this.i32[k + 2]}-${1 + ((((u - 0.7) / 0.3) * (n - 1)) | 0)}`;
  }
  /** the id of the primary device of the user in slot s */
  primaryAt(s: number): string {
    let id = this.noteAt(s, 1);
    if (id === undefined) {
      id = `d${this.indexOf(s)}-0`;
      this.setNote(s, 1, id);
    }
    return id;
  }
  homeCountry(i: number): number {
    return this.homeAt(this.slotOf(i));
  }
  /** log of the user's median spend in USD */
  spendMu(i: number): number {
    return this.muAt(this.slotOf(i));
  }
  spendSigma(i: number): number {
    return this.sigmaAt(this.slotOf(i));
  }
  deviceCount(i: number): number {
    return ((this.i32[this.rec(this.slotOf(i)) + 3] as number) >> 8) & 0xff;
  }
}

export class MerchantPopulation extends Population {
  constructor(o: PopulationOptions, prefix = 'm', notes = 0) {
    super(o, prefix, notes);
  }
}
