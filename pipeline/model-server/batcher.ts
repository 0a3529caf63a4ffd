/**
 * Micro-batching: requests queue up and run as one batch when the batch is full (maxBatch,
 * default 32) or when the oldest queued request has waited maxWaitMs (default 5 ms), whichever
 * comes first. One forward pass per batch is what makes tfjs fast (DESIGN.md ceilings:
 * batch 32 ≈ 30× the rows/s of batch 1). Timers are injectable so tests run on a virtual clock.
 */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface MicroBatcherOptions<I, O> {
  maxBatch?: number;
  maxWaitMs?: number;
  /** runs one batch; must return one output per input, in order */
  run(items: I[]): Promise<O[]> | O[];
  timers?: Timers;
  /** called with each batch's size, and the reason it was flushed */
  onBatch?(size: number, reason: 'full' | 'wait'): void;
}

/** called once per item: with its output, or with ok false and the batch's error */
export type Settle<O> = (ok: boolean, out: O | undefined, err?: unknown) => void;

interface Pending<I, O> {
  item: I;
  settle: Settle<O>;
}

export class MicroBatcher<I, O> {
  readonly maxBatch: number;
  readonly maxWaitMs: number;
  private queue: Pending<I, O>[] = [];
  private timer: unknown = undefined;
  private readonly timers: Timers;

  constructor(private readonly opts: MicroBatcherOptions<I, O>) {
    this.maxBatch = opts.maxBatch ?? 32;
    this.maxWaitMs = opts.maxWaitMs ?? 5;
    this.timers = opts.timers ?? realTimers;
    if (!(this.maxBatch >= 1)) throw new RangeError('maxBatch must be ≥ 1');
  }

  get queued(): number {
    return this.queue.length;
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => this.push(item, (ok, o, e) => (ok ? resolve(o as O) : reject(e))));
  }

  /** queue an item; `settle` is called once with its output (no promise per item, for the server's hot path) */
  push(item: I, settle: Settle<O>): void {
    this.queue.push({ item, settle });
    if (this.queue.length >= this.maxBatch) this.flush('full');
    else if (this.timer === undefined) this.timer = this.timers.setTimeout(() => this.flush('wait'), this.maxWaitMs);
  }

  private flush(reason: 'full' | 'wait'): void {
    if (this.timer !== undefined) {
      this.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = this.queue.splice(0, this.maxBatch);
    // whatever is left (more arrived than one batch) starts its own wait
    if (this.queue.length >= this.maxBatch)
      queueMicrotask(() => this.queue.length >= this.maxBatch && this.flush('full'));
    else if (this.queue.length > 0) this.timer = this.timers.setTimeout(() => this.flush('wait'), this.maxWaitMs);
    if (batch.length === 0) return;
    this.opts.onBatch?.(batch.length, reason);
    void (async () => {
      try {
        const out = await this.opts.run(batch.map((p) => p.item));
        if (out.length !== batch.length)
          throw new Error(`batch returned ${out.length} results for ${batch.length} inputs`);
        for (let i = 0; i < batch.length; i++) batch[i]!.settle(true, out[i] as O);
      } catch (e) {
        for (const p of batch) p.settle(false, undefined, e);
      }
    })();
  }

  /** run what is queued now (shutdown) */
  drain(): void {
    while (this.queue.length) this.flush('wait');
  }
}
