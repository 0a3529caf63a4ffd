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
import { AliasTable, createZipf, ZIPF_ALIAS_MAX, type ZipfMethod, type ZipfSampler } from './zipf.ts';
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

export interface PopulationOptions {
  size: number;
  /** Zipf exponent of activity; 0 = uniform */
  zipf: number;
  seed: number;
  method?: ZipfMethod | undefined;
}

/** id strings are cached up to this population size (number → string is not free) */
const ID_CACHE_MAX = 1 << 21;

class Population {
  readonly size: number;
  private readonly ids: string[] | undefined;
  private readonly prefix: string;
  readonly zipfExponent: number;
  /** ranks, when the population is too large for a table (rejection-inversion) */
  private readonly ranks: ZipfSampler | undefined;
  /** activity by index, with the rank → index permutation folded in (no modulo per draw) */
  private readonly byIndex: AliasTable | undefined;
  protected readonly seed: number;
  private readonly prime: number;
  constructor(o: PopulationOptions, prefix: string) {
    this.size = o.size;
    this.seed = o.seed;
    this.prefix = prefix;
    this.ids = o.size <= ID_CACHE_MAX ? new Array<string>(o.size) : undefined;
    this.prime = scatterMultiplier(o.size);
    this.zipfExponent = o.zipf;
    const method = o.method ?? (o.size <= ZIPF_ALIAS_MAX ? 'alias' : 'rejection-inversion');
    if (o.zipf === 0) this.ranks = undefined;
    else if (method === 'rejection-inversion') this.ranks = createZipf(o.size, o.zipf, method);
    else {
      const w = new Float64Array(o.size);
      for (let r = 1; r <= o.size; r++) w[this.indexOfRank(r)] = r ** -o.zipf;
      this.byIndex = new AliasTable(w);
    }
  }
  /** index (0..size-1) of an entity drawn by activity */
  sampleActive(rng: Rng): number {
    const t = this.byIndex;
    if (t !== undefined) return t.sample(rng);
    return this.ranks !== undefined ? this.indexOfRank(this.ranks.sample(rng)) : this.sampleUniform(rng);
  }
  /** index drawn uniformly (e.g. a victim whose card was stolen, regardless of activity) */
  sampleUniform(rng: Rng): number {
    return (rng.next() * this.size) | 0;
  }
  /** the id of entity i: prefix + index */
  id(i: number): string {
    const c = this.ids;
    if (c === undefined) return this.prefix + i;
    let id = c[i];
    if (id === undefined) {
      id = this.prefix + i;
      c[i] = id;
    }
    return id;
  }
  indexOfRank(rank: number): number {
    return ((rank - 1) * this.prime) % this.size;
  }
}

/** home country index by the default weights */
const COUNTRY_CDF = (() => {
  let s = 0;
  const c = COUNTRIES.map((x) => (s += x.weight));
  return c.map((x) => x / s);
})();

export class UserPopulation extends Population {
  private readonly filled: Uint8Array;
  private readonly mu: Float32Array;
  private readonly sigma: Float32Array;
  private readonly home: Uint8Array;
  private readonly devices: Uint8Array;
  private readonly primary: string[];
  constructor(o: PopulationOptions) {
    super(o, 'u');
    this.primary = o.size <= ID_CACHE_MAX ? new Array<string>(o.size) : [];
    this.filled = new Uint8Array(o.size);
    this.mu = new Float32Array(o.size);
    this.sigma = new Float32Array(o.size);
    this.home = new Uint8Array(o.size);
    this.devices = new Uint8Array(o.size);
  }
  private fill(i: number): void {
    const s = this.seed;
    const u0 = hashUniform(s, i, 1);
    let c = 0;
    while (c < COUNTRY_CDF.length - 1 && u0 >= (COUNTRY_CDF[c] as number)) c++;
    this.home[i] = c;
    this.devices[i] = 1 + Math.floor(hashUniform(s, i, 2) * 3);
    // typical spend: lognormal per user, its log-median itself normal across users (median ≈ $33)
    const z = Math.sqrt(-2 * Math.log(1 - hashUniform(s, i, 3))) * Math.cos(2 * Math.PI * hashUniform(s, i, 4));
    this.mu[i] = 3.5 + 0.8 * z;
    this.sigma[i] = 0.35 + 0.45 * hashUniform(s, i, 5);
    this.filled[i] = 1;
  }
  homeCountry(i: number): number {
    if (this.filled[i] === 0) this.fill(i);
    return this.home[i] as number;
  }
  /** log of the user's median spend in USD */
  spendMu(i: number): number {
    if (this.filled[i] === 0) this.fill(i);
    return this.mu[i] as number;
  }
  spendSigma(i: number): number {
    if (this.filled[i] === 0) this.fill(i);
    return this.sigma[i] as number;
  }
  deviceCount(i: number): number {
    if (this.filled[i] === 0) this.fill(i);
    return this.devices[i] as number;
  }
  /** one of the user's usual devices; the first is the primary (used ~70 % of the time) */
  usualDevice(i: number, rng: Rng): string {
    const n = this.deviceCount(i);
    const u = rng.next();
    if (n === 1 || u < 0.7) {
      let id = this.primary[i];
      if (id === undefined) {
        id = `d${i}-0`;
        this.primary[i] = id;
      }
      return id;
    }
    return `d${i}-${1 + ((((u - 0.7) / 0.3) * (n - 1)) | 0)}`;
  }
}

export class MerchantPopulation extends Population {
  constructor(o: PopulationOptions, prefix = 'm') {
    super(o, prefix);
  }
}
