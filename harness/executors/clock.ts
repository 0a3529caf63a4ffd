/**
 * Run time for executors, targets and the runner: milliseconds since run start.
 *
 * Two clocks behind one interface so time-based logic is tested without wall-clock timings:
 * - RealClock: performance.now()-based. `sleepUntil` sleeps on a timer (libuv's resolution: about
 *   1 ms), never spinning: a scheduler that starts every iteration already due at each wake-up
 *   (one batch per tick, no timer per iteration) keeps up with tens of thousands of arrivals per
 *   second, and the cores stay free for the system under test. Spinning with setImmediate for the
 *   last 1.5 ms (as this clock once did) started iterations ~1 ms closer to plan but kept the
 *   event loop 100 % busy at any rate above ~700/s, which burned a core the server under test
 *   shares on a laptop and hid real saturation from the event-loop figures. `hold` blocks the thread
 *   instead (Atomics.wait: the kernel wakes it once, at the end), for the open model's short ticks.
 * - VirtualClock: time jumps to the next sleeper once everything runnable has run (checked with
 *   setImmediate, after the microtask queue has drained). Deterministic; work that must take
 *   virtual time has to sleep on the clock (a target that never sleeps takes zero time).
 */
import { performance } from 'node:perf_hooks';
import { MinHeap } from '../../generators/heap.ts';

export interface Clock {
  /** ms since run start */
  now(): number;
  /** resolves at run time `t` (or right away when `signal` aborts); never early otherwise */
  sleepUntil(t: number, signal?: AbortSignal): Promise<void>;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** let other work (completions, I/O, timers) run; takes no planned time */
  yield(): Promise<void>;
  /** wait `ms` with timer precision (~1 ms, no spinning): for simulated work inside targets */
  delay(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Real clocks: blocks this thread until run time `t` (a futex wait with a timeout: no spinning, no
   * timer). Meanwhile the event loop handles nothing: what arrives on sockets waits in the kernel and
   * the next loop turn reads all of it at once, where a loop sleeping on a timer is woken for each
   * arrival. Counted as idle in the runner's event-loop utilisation (heldMs). Virtual clocks have none.
   */
  hold?(t: number): void;
}

/** what hold() waits on: never notified, so only its timeout ends the wait */
const holdCell = new Int32Array(new SharedArrayBuffer(4));
let held = 0;

/** ms this thread has spent in Clock.hold() so far */
export function heldMs(): number {
  return held;
}

function holdFor(ms: number): void {
  if (!(ms > 0)) return;
  const a = performance.now();
  Atomics.wait(holdCell, 0, 0, ms);
  held += performance.now() - a;
}

const immediate = (): Promise<void> => new Promise((r) => setImmediate(r));

export class RealClock implements Clock {
  private readonly origin: number;
  constructor(origin = performance.now()) {
    this.origin = origin;
  }
  now(): number {
    return performance.now() - this.origin;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.sleepUntil(this.now() + ms, signal);
  }
  yield(): Promise<void> {
    return immediate();
  }
  delay(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return ms <= 0 ? immediate() : timer(ms, signal);
  }
  hold(t: number): void {
    holdFor(t - this.now());
  }
  async sleepUntil(t: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) return;
      const d = t - this.now();
      if (d <= 0) return;
      await timer(d, signal);
    }
  }
}

/**
 * The run's real clock, which starts when the load can: it reads 0 while the target sets up
 * (starting a broker, processors, a model server can take seconds) and runs from 0 after
 * start(). Executors schedule from 0, so setup time is never taken out of the load window nor
 * counted as late iterations; samples taken during setup fall in the first second (the
 * warm-up, when there is one). Timer waits (delay, sleep) work before start.
 */
export class RunClock implements Clock {
  private real: RealClock | undefined;
  private readonly timers = new RealClock();
  start(): void {
    this.real ??= new RealClock();
  }
  now(): number {
    return this.real ? this.real.now() : 0;
  }
  sleepUntil(t: number, signal?: AbortSignal): Promise<void> {
    // before start the run's time stands at 0: a wait for t > 0 lasts t from now
    return this.real ? this.real.sleepUntil(t, signal) : this.timers.delay(t, signal);
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.real ? this.real.sleep(ms, signal) : this.timers.delay(ms, signal);
  }
  yield(): Promise<void> {
    return immediate();
  }
  delay(ms: number, signal?: AbortSignal): Promise<void> {
    return this.timers.delay(ms, signal);
  }
  hold(t: number): void {
    this.real?.hold(t);
  }
}

/**
 * the timers sleeping on each signal: one abort listener per signal, not one added and removed per
 * sleep (an open-model scheduler sleeps about a thousand times a second on the run's one signal)
 */
const sleepers = new WeakMap<AbortSignal, Set<() => void>>();

function sleepersOf(signal: AbortSignal): Set<() => void> {
  let set = sleepers.get(signal);
  if (!set) {
    const s = new Set<() => void>();
    signal.addEventListener(
      'abort',
      () => {
        for (const wake of [...s]) wake();
      },
      { once: true },
    );
    sleepers.set(signal, s);
    set = s;
  }
  return set;
}

function timer(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) {
      setTimeout(resolve, ms);
      return;
    }
    const set = sleepersOf(signal);
    const done = (): void => {
      clearTimeout(h);
      set.delete(done);
      resolve();
    };
    const h = setTimeout(done, ms);
    set.add(done);
  });
}

interface Sleeper {
  t: number;
  seq: number;
  resolve: () => void;
  done: boolean;
}

export class VirtualClock implements Clock {
  private t = 0;
  private seq = 0;
  // sleepers by wake time; ties in registration order
  private readonly heap = new MinHeap<Sleeper>((a, b) => a.t < b.t || (a.t === b.t && a.seq < b.seq));
  private pumping = false;
  private pendingYields = 0;

  now(): number {
    return this.t;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.sleepUntil(this.t + ms, signal);
  }
  delay(ms: number, signal?: AbortSignal): Promise<void> {
    return this.sleepUntil(this.t + ms, signal);
  }
  yield(): Promise<void> {
    this.pendingYields++;
    return new Promise((r) =>
      setImmediate(() => {
        this.pendingYields--;
        r();
      }),
    );
  }
  sleepUntil(t: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    if (t <= this.t) return this.yield();
    return new Promise((resolve) => {
      const s: Sleeper = { t, seq: this.seq++, resolve, done: false };
      if (signal) {
        const onAbort = (): void => {
          if (s.done) return;
          s.done = true;
          resolve();
        };
        signal.addEventListener('abort', onAbort, { once: true });
        s.resolve = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
      }
      this.heap.push(s);
      this.schedulePump();
    });
  }

  private schedulePump(): void {
    if (this.pumping) return;
    this.pumping = true;
    setImmediate(this.pump);
  }

  private readonly pump = (): void => {
    if (this.pendingYields > 0) {
      setImmediate(this.pump);
      return;
    }
    let s = this.heap.pop();
    while (s?.done) s = this.heap.pop();
    if (!s) {
      this.pumping = false;
      return;
    }
    if (s.t > this.t) this.t = s.t;
    s.done = true;
    s.resolve();
    // one sleeper per turn: what it sets off (its microtasks) runs to completion before the next
    // sleeper due at the same instant wakes, so same-time events keep their registration order
    setImmediate(this.pump);
  };
}
