/**
 * A growable FIFO of numbers (a ring buffer over a Float64Array). Queues in the simulator hold
 * only what is waiting (e.g. arrival times), so memory follows the backlog, not the run length.
 */
export class NumberFifo {
  private buf: Float64Array;
  private head = 0;
  private n = 0;

  constructor(capacity = 16) {
    this.buf = new Float64Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  push(x: number): void {
    const buf = this.buf;
    if (this.n === buf.length) {
      const next = new Float64Array(buf.length * 2);
      for (let i = 0; i < this.n; i++) next[i] = buf[(this.head + i) % buf.length]!;
      this.buf = next;
      this.head = 0;
    }
    this.buf[(this.head + this.n) % this.buf.length] = x;
    this.n++;
  }

  /** the oldest element (undefined behaviour when empty: check size) */
  peek(): number {
    return this.buf[this.head]!;
  }

  shift(): number {
    const x = this.buf[this.head]!;
    this.head = this.head + 1 === this.buf.length ? 0 : this.head + 1;
    this.n--;
    return x;
  }
}
