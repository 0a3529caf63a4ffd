/**
 * Seeded pseudo-random numbers for every generator in pipelab.
 *
 * sfc32 (Chris Doty-Humphrey's "small fast counting" generator, PractRand-clean) seeded via
 * splitmix32, so any 32-bit integer seed gives a well-mixed state. Pure: no Math.random, no
 * clock. `fork(label)` derives an independent stream, so adding a consumer of randomness in one
 * place does not shift every other stream (same seed → same bytes stays true as code grows).
 *
 * The state is four int32 words in an Int32Array: as object fields, words outside the Smi range
 * (31 bits under pointer compression) are boxed doubles, and a draw costs ~2.8x as much (10.6 ns
 * against 3.8 ns a next() in a tight loop, 2026-12-07 04:40 UTC). Same words, same draws.
 */
export class Rng {
  private readonly st = new Int32Array(4);
  /** the seed this stream was built from (forks carry their derived seed) */
  readonly seed: number;
  private spareNormal = NaN;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new TypeError(`seed must be a finite number, got ${seed}`);
    this.seed = seed >>> 0;
    let s = this.seed;
    const sm = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.st[0] = sm();
    this.st[1] = sm();
    this.st[2] = sm();
    this.st[3] = sm();
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  /** uniform 32-bit unsigned integer */
  nextU32(): number {
    const st = this.st;
    const a = st[0]!,
      b = st[1]!,
      c = st[2]!,
      d = st[3]!;
    const t = (((a + b) | 0) + d) | 0;
    st[3] = (d + 1) | 0;
    st[0] = b ^ (b >>> 9);
    st[1] = (c + (c << 3)) | 0;
    st[2] = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** uniform in [0, 1) with 53 bits of precision */
  next(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** uniform in (0, 1]: safe for log() */
  nextOpen(): number {
    return 1 - this.next();
  }

  /** uniform integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** uniform float in [lo, hi) */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** true with probability p */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** exponential with the given rate (mean 1/rate) */
  exponential(rate: number): number {
    return -Math.log(this.nextOpen()) / rate;
  }

  /** normal via Marsaglia's polar method (caches the second variate) */
  normal(mean = 0, sd = 1): number {
    if (!Number.isNaN(this.spareNormal)) {
      const z = this.spareNormal;
      this.spareNormal = NaN;
      return mean + sd * z;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return mean + sd * u * f;
  }

  /** lognormal with the given parameters of the underlying normal */
  lognormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  /** one element of a non-empty array */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** index drawn with probability proportional to weights[i] */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i] as number;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** an independent stream derived from this stream's seed and a label (not its position) */
  fork(label: string): Rng {
    let h = 0x811c9dc5 ^ this.seed;
    for (let i = 0; i < label.length; i++) {
      h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
    }
    return new Rng(h >>> 0);
  }
}

/** Seeds may be given as numbers or strings (CLI `--seed`); strings hash to 32 bits. */
export function toSeed(seed: number | string): number {
  if (typeof seed === 'number') return seed >>> 0;
  if (/^\d+$/.test(seed)) return Number(seed) >>> 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
