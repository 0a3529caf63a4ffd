/**
 * The simulator's event queue: a 4-ary min-heap over parallel typed arrays (time, sequence,
 * kind, payload). No object per event, so a run of a billion events allocates nothing after the
 * arrays have grown to the peak number of pending events. Ties on time pop in push order (the
 * sequence number), which makes runs reproducible regardless of heap layout.
 *
 * Why 4-ary: half the depth of a binary heap, and the four children of a node sit next to each
 * other in memory; bench/sim.ts measures push/pop against this as the baseline.
 */
export class EventQueue {
  private time: Float64Array;
  private seq: Float64Array;
  private kind: Int32Array;
  private data: Int32Array;
  private n = 0;
  private nextSeq = 0;

  constructor(capacity = 1024) {
    this.time = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
    this.kind = new Int32Array(capacity);
    this.data = new Int32Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  /** capacity the arrays have grown to (peak pending events, rounded up to a power of two) */
  get capacity(): number {
    return this.time.length;
  }

  private grow(): void {
    const cap = this.time.length * 2;
    const t = new Float64Array(cap);
    t.set(this.time);
    this.time = t;
    const s = new Float64Array(cap);
    s.set(this.seq);
    this.seq = s;
    const k = new Int32Array(cap);
    k.set(this.kind);
    this.kind = k;
    const d = new Int32Array(cap);
    d.set(this.data);
    this.data = d;
  }

  push(t: number, kind: number, data: number): void {
    if (this.n === this.time.length) this.grow();
    const time = this.time,
      seq = this.seq,
      kinds = this.kind,
      datas = this.data;
    const sq = this.nextSeq++;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 2;
      const pt = time[p]!;
      if (pt < t || (pt === t && seq[p]! < sq)) break;
      time[i] = pt;
      seq[i] = seq[p]!;
      kinds[i] = kinds[p]!;
      datas[i] = datas[p]!;
      i = p;
    }
    time[i] = t;
    seq[i] = sq;
    kinds[i] = kind;
    datas[i] = data;
  }

  /** time of the earliest event (Infinity when empty) */
  peekTime(): number {
    return this.n > 0 ? this.time[0]! : Infinity;
  }

  // The popped event is read from these fields (no tuple allocation).
  poppedTime = 0;
  poppedKind = 0;
  poppedData = 0;

  /** removes the earliest event into poppedTime/poppedKind/poppedData; false when empty */
  pop(): boolean {
    if (this.n === 0) return false;
    const time = this.time,
      seq = this.seq,
      kinds = this.kind,
      datas = this.data;
    this.poppedTime = time[0]!;
    this.poppedKind = kinds[0]!;
    this.poppedData = datas[0]!;
    const n = --this.n;
    if (n === 0) return true;
    const t = time[n]!,
      sq = seq[n]!,
      k = kinds[n]!,
      d = datas[n]!;
    let i = 0;
    for (;;) {
      const c0 = 4 * i + 1;
      if (c0 >= n) break;
      let m = c0;
      let mt = time[c0]!,
        ms = seq[c0]!;
      const end = Math.min(c0 + 4, n);
      for (let c = c0 + 1; c < end; c++) {
        const ct = time[c]!;
        if (ct < mt || (ct === mt && seq[c]! < ms)) {
          m = c;
          mt = ct;
          ms = seq[c]!;
        }
      }
      if (t < mt || (t === mt && sq < ms)) break;
      time[i] = mt;
      seq[i] = ms;
      kinds[i] = kinds[m]!;
      datas[i] = datas[m]!;
      i = m;
    }
    time[i] = t;
    seq[i] = sq;
    kinds[i] = k;
    datas[i] = d;
    return true;
  }
}
