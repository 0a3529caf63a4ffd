/**
 * Populations of users and merchants with Zipf-skewed activity (a few hot keys, a long tail).
 *
 * Attributes are a pure function of (seed, index): hashed, not drawn from a stream, so user 42
 * has the same home country, devices and spending habits whatever else the config changes
 * (fraud rate, arrivals, drifts). They are computed on first use and cached in typed arrays.
 *
 * Activity rank r (1 = hottest) maps to an index through a fixed permutation
 * idx = (r − 1)·P mod n (P prime, P ∤ n), so hot keys are spread over the id space and partitions
 * rather than being u0, u1, u2.
 */
import { createZipf, type ZipfMethod, type ZipfSampler } from './zipf.ts';
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

function scatterPrime(n: number): number {
  for (const p of [1_000_003, 1_000_033, 1_000_037]) if (n % p !== 0) return p;
  return 1;
}

export interface PopulationOptions {
  size: number;
  /** Zipf exponent of activity; 0 = uniform */
  zipf: number;
  seed: number;
  method?: ZipfMethod | undefined;
}

class Population {
  readonly size: number;
  readonly zipf: ZipfSampler;
  protected readonly seed: number;
  private readonly prime: number;
  constructor(o: PopulationOptions) {
    this.size = o.size;
    this.seed = o.seed;
    this.zipf = createZipf(o.size, o.zipf, o.method);
    this.prime = scatterPrime(o.size);
  }
  /** index (0..size-1) of an entity drawn by activity */
  sampleActive(rng: Rng): number {
    return this.indexOfRank(this.zipf.sample(rng));
  }
  /** index drawn uniformly (e.g. a victim whose card was stolen, regardless of activity) */
  sampleUniform(rng: Rng): number {
    return (rng.next() * this.size) | 0;
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
  private readonly mu: Float64Array;
  private readonly sigma: Float32Array;
  private readonly home: Uint8Array;
  private readonly devices: Uint8Array;
  constructor(o: PopulationOptions) {
    super(o);
    this.filled = new Uint8Array(o.size);
    this.mu = new Float64Array(o.size);
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
  id(i: number): string {
    return 'u' + i;
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
    const k = n === 1 || u < 0.7 ? 0 : 1 + ((((u - 0.7) / 0.3) * (n - 1)) | 0);
    return 'd' + i + '-' + k;
  }
}

export class MerchantPopulation extends Population {
  id(i: number): string {
    return 'm' + i;
  }
}
