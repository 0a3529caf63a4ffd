/**
 * Records in flight, as parallel typed arrays indexed by a slot number (no object per record):
 * intended send time, the time the current stage started, key, partition and consumer. Slots are
 * reused through a free list; the arrays double when full.
 */
export class RecordSlots {
  private cap = 1024;
  intended = new Float64Array(this.cap);
  stage = new Float64Array(this.cap);
  key = new Int32Array(this.cap);
  part = new Int32Array(this.cap);
  cons = new Int32Array(this.cap);
  private free = new Int32Array(this.cap);
  private nFree = 0;
  private nSlots = 0;

  alloc(): number {
    if (this.nFree > 0) return this.free[--this.nFree]!;
    if (this.nSlots === this.cap) this.grow();
    return this.nSlots++;
  }

  release(s: number): void {
    this.free[this.nFree++] = s;
  }

  private grow(): void {
    this.cap *= 2;
    const g64 = (a: Float64Array) => {
      const b = new Float64Array(this.cap);
      b.set(a);
      return b;
    };
    const g32 = (a: Int32Array) => {
      const b = new Int32Array(this.cap);
      b.set(a);
      return b;
    };
    this.intended = g64(this.intended);
    this.stage = g64(this.stage);
    this.key = g32(this.key);
    this.part = g32(this.part);
    this.cons = g32(this.cons);
    this.free = g32(this.free);
  }
}
