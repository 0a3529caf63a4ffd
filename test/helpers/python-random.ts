/**
 * Just enough of CPython's `random.Random` to reproduce River's KSWIN docstring: the Mersenne
 * Twister MT19937 (Matsumoto & Nishimura 1998) seeded as CPython seeds it from a small int
 * (init_by_array with key [seed]), and `_randbelow(n)` by rejection on getrandbits(bit_length(n)).
 * Test-only; make-fixtures.py records `random.Random(42).sample(range(70), 30)` to check it.
 */
export class PythonRandom {
  private mt = new Uint32Array(624);
  private mti = 625;

  constructor(seed: number) {
    this.initByArray([seed >>> 0]);
  }

  private initGenrand(s: number): void {
    this.mt[0] = s >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = this.mt[i - 1] as number;
      const x = prev ^ (prev >>> 30);
      this.mt[i] = (Math.imul(1812433253, x) + i) >>> 0;
    }
    this.mti = 624;
  }

  private initByArray(key: number[]): void {
    this.initGenrand(19650218);
    let i = 1,
      j = 0;
    for (let k = Math.max(624, key.length); k > 0; k--) {
      const prev = this.mt[i - 1] as number;
      const x = prev ^ (prev >>> 30);
      this.mt[i] = (((this.mt[i] as number) ^ Math.imul(x, 1664525)) + (key[j] as number) + j) >>> 0;
      i++;
      j++;
      if (i >= 624) {
        this.mt[0] = this.mt[623] as number;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = 623; k > 0; k--) {
      const prev = this.mt[i - 1] as number;
      const x = prev ^ (prev >>> 30);
      this.mt[i] = (((this.mt[i] as number) ^ Math.imul(x, 1566083941)) - i) >>> 0;
      i++;
      if (i >= 624) {
        this.mt[0] = this.mt[623] as number;
        i = 1;
      }
    }
    this.mt[0] = 0x80000000;
  }

  uint32(): number {
    if (this.mti >= 624) {
      for (let k = 0; k < 624; k++) {
        const y = ((this.mt[k] as number) & 0x80000000) | ((this.mt[(k + 1) % 624] as number) & 0x7fffffff);
        this.mt[k] = ((this.mt[(k + 397) % 624] as number) ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)) >>> 0;
      }
      this.mti = 0;
    }
    let y = this.mt[this.mti++] as number;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** random._randbelow(n) for n < 2^32 */
  int(n: number): number {
    const k = 32 - Math.clz32(n);
    let r = this.uint32() >>> (32 - k);
    while (r >= n) r = this.uint32() >>> (32 - k);
    return r;
  }
}
