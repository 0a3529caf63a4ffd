/**
 * What each of toxiproxy's toxics does to the bytes of one direction of one connection. A link
 * (client → service is upstream, service → client downstream) passes its chunks through every
 * active toxic of its direction in turn, one chunk at a time, so order is kept and a held chunk
 * holds the ones behind it, as in toxiproxy.
 */
import type { Rng } from '../../generators/rng.ts';
import type { ToxicKind } from './schema.ts';

/** a toxic as the proxy holds it: toxiproxy's attribute names and units */
export interface Toxic {
  id: string;
  kind: Exclude<ToxicKind, 'down'>;
  stream: 'upstream' | 'downstream';
  /** share of connections it applies to */
  toxicity: number;
  /** latency, jitter, rate (KB/s), delay (ms; slicer: µs), timeout (ms), average_size, size_variation, bytes */
  attrs: Record<string, number>;
  /** resolves when the toxic is removed (a held chunk goes on) */
  removed: Promise<void>;
}

export const sleep = (ms: number): Promise<void> =>
  ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();

/** what a toxic needs from the link it acts on */
export interface LinkState {
  rng: Rng;
  /** bytes this link passed since each limit_data toxic came into effect on it */
  passed: Map<string, number>;
  /** set when a limit_data toxic ran out: the link closes the connection once what passed is written */
  limitReached: boolean;
}

/**
 * Pass `pieces` (already through the toxics before this one) through one toxic; returns what
 * goes on. `arrived` is when the chunk reached the proxy (performance.now()).
 */
export async function applyToxic(t: Toxic, pieces: Buffer[], arrived: number, link: LinkState): Promise<Buffer[]> {
  const a = t.attrs;
  switch (t.kind) {
    case 'latency': {
      const jitter = a.jitter ?? 0;
      const delay = (a.latency ?? 0) + (jitter ? link.rng.uniform(-jitter, jitter) : 0);
      // like toxiproxy: the delay counts from the chunk's arrival, so a queue of chunks is not delayed twice
      await sleep(arrived + delay - performance.now());
      return pieces;
    }
    case 'bandwidth':
      return pieces; // paced by the writer (pace()), which knows when each piece leaves
    case 'slow_close':
      return pieces; // acts on the close (Link.end)
    case 'timeout':
      // nothing gets through while the toxic is there; the connection's timer closes it after `timeout`
      await t.removed;
      return pieces;
    case 'reset_peer':
      return pieces; // acts on the connection (a timer resets it)
    case 'slicer':
      return slice(pieces, a, link.rng);
    case 'limit_data': {
      const limit = a.bytes ?? 0;
      const out: Buffer[] = [];
      let passed = link.passed.get(t.id) ?? 0;
      for (const p of pieces) {
        const room = limit - passed;
        if (room <= 0) break;
        const take = p.length <= room ? p : p.subarray(0, room);
        out.push(take);
        passed += take.length;
      }
      link.passed.set(t.id, passed);
      if (passed >= limit) link.limitReached = true;
      return out;
    }
  }
}

/** toxiproxy's slicer: pieces of average_size ± size_variation bytes (the delay is paced by the writer) */
function slice(pieces: Buffer[], a: Record<string, number>, rng: Rng): Buffer[] {
  const avg = Math.max(1, a.average_size ?? 1);
  const variation = Math.min(a.size_variation ?? 0, avg - 1);
  const out: Buffer[] = [];
  for (const p of pieces) {
    for (let i = 0; i < p.length; ) {
      const size = Math.max(1, Math.round(avg + (variation ? rng.uniform(-variation, variation) : 0)));
      out.push(p.subarray(i, i + size));
      i += size;
    }
  }
  return out;
}

/**
 * How long to wait after writing a piece: bandwidth (rate KB/s: the piece's bytes at that rate)
 * and slicer (`delay` µs between pieces), summed over the active toxics of the link.
 */
export function pace(toxics: readonly Toxic[], bytes: number): number {
  let ms = 0;
  for (const t of toxics) {
    if (t.kind === 'bandwidth' && (t.attrs.rate ?? 0) > 0) ms += bytes / (t.attrs.rate as number);
    else if (t.kind === 'slicer') ms += (t.attrs.delay ?? 0) / 1000;
  }
  return ms;
}
