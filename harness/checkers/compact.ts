/**
 * Compact books for exact per-event accounting over long runs (a soak keeps every event's fate for
 * 30 minutes). Event ids of a seeded generator are a prefix and a sequence number ("t1a-1234"), so
 * an id is its own index: IdSlots turns it into a slot of a few bytes in chunked typed arrays
 * (Column) without a map entry, a string or an object per event. Any other id (a user's, a test's)
 * gets a slot through a map, as before. OffsetBits keeps the offsets observed on a partition as
 * one bit each. Chunks are fixed-size, so the books grow linearly: no doubling copies, no steps.
 */

const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;
/** ids whose number has more digits go through the map (a slot is below 2^32) */
const MAX_DIGITS = 9;
/** how far ahead of the highest numbered id a new one may be and still be numbered */
const STRIDE = 16;

type Typed = Uint8Array | Uint32Array;

/**
 * One number per slot in fixed-size chunks allocated on first write (0 until set). Slots ≥ 0 are
 * numbered ids; slots < 0 are the mapped ones (~slot is their index).
 */
export class Column {
  private readonly pos: (Typed | undefined)[] = [];
  private readonly neg: (Typed | undefined)[] = [];
  constructor(private readonly make: (n: number) => Typed) {}

  get(slot: number): number {
    const i = slot < 0 ? ~slot : slot;
    const c = (slot < 0 ? this.neg : this.pos)[i >>> CHUNK_BITS];
    return c ? c[i & MASK]! : 0;
  }

  set(slot: number, v: number): void {
    const i = slot < 0 ? ~slot : slot;
    const chunks = slot < 0 ? this.neg : this.pos;
    const k = i >>> CHUNK_BITS;
    let c = chunks[k];
    if (!c) {
      c = this.make(CHUNK);
      chunks[k] = c;
    }
    c[i & MASK] = v;
  }

  /** bytes held by the chunks */
  get bytes(): number {
    let n = 0;
    for (const c of [...this.pos, ...this.neg]) if (c) n += c.byteLength;
    return n;
  }
}

/**
 * Two numbers per slot for events still in flight (sent, not yet observed), in chunks freed once
 * every slot in them was released: a chunk behind the newest one whose events were all observed
 * costs nothing more, so what a long run keeps per event is its flags alone.
 */
export class InFlight {
  private readonly chunks = new Map<number, { v: Uint32Array; live: number }>();
  /** the chunks new slots go to (numbered and mapped): kept when empty, as the next send would make them again */
  private newest = -1;
  private newestMapped = 0;

  /** a slot's two numbers; the slot is live until released */
  set(slot: number, a: number, b: number): void {
    const k = chunkOf(slot);
    let c = this.chunks.get(k);
    if (!c) {
      c = { v: new Uint32Array(2 * CHUNK), live: 0 };
      this.chunks.set(k, c);
    }
    if (k > this.newest) this.newest = this.moveOn(this.newest, k);
    if (k < this.newestMapped) this.newestMapped = this.moveOn(this.newestMapped, k);
    const i = 2 * (slot & MASK);
    c.v[i] = a;
    c.v[i + 1] = b;
    c.live++;
  }

  /** [a, b] of a live slot */
  get(slot: number): [number, number] {
    const c = this.chunks.get(chunkOf(slot))!;
    const i = 2 * (slot & MASK);
    return [c.v[i]!, c.v[i + 1]!];
  }

  /** the slot's numbers are not needed any more (release each live slot once) */
  release(slot: number): void {
    const k = chunkOf(slot);
    const c = this.chunks.get(k)!;
    if (--c.live === 0 && k !== this.newest && k !== this.newestMapped) this.chunks.delete(k);
  }

  get bytes(): number {
    return this.chunks.size * 8 * CHUNK;
  }

  /** new slots go to chunk `to` from now: `from`, kept while newest, goes if it emptied meanwhile */
  private moveOn(from: number, to: number): number {
    if (this.chunks.get(from)?.live === 0) this.chunks.delete(from);
    return to;
  }
}

/** numbered slots' chunks are 0, 1, ...; mapped slots' (< 0) are -1, -2, ... */
function chunkOf(slot: number): number {
  return slot < 0 ? -1 - (~slot >>> CHUNK_BITS) : slot >>> CHUNK_BITS;
}

/**
 * event id ↔ slot: numbered ids of the first prefix seen by arithmetic, the rest by a map. A
 * numbered id far ahead of the ones so far (more than STRIDE) is mapped too, so sparse numbers
 * never cost a chunk each; it keeps its mapped slot for good.
 */
export class IdSlots {
  private prefix: string | undefined;
  private base = 0;
  private readonly mapped = new Map<string, number>();
  private readonly names: string[] = [];
  /** per mapped slot: how many numbered slots there were when it came, to list slots in order of arrival */
  private readonly after: number[] = [];
  /** one past the highest numbered slot handed out */
  private numbered = 0;

  /** the id's slot, or undefined for an id never added */
  find(id: string): number | undefined {
    if (this.names.length) {
      const m = this.mapped.get(id);
      if (m !== undefined) return m;
    }
    const n = this.number(id);
    return n !== undefined && n < this.numbered ? n : undefined;
  }

  /** the id's slot, added if new (the caller's columns say whether the slot was in use) */
  add(id: string): number {
    if (this.prefix === undefined) this.adopt(id);
    let s = this.names.length ? this.mapped.get(id) : undefined;
    if (s !== undefined) return s;
    const n = this.number(id);
    if (n !== undefined && n < this.numbered + STRIDE) {
      if (n >= this.numbered) this.numbered = n + 1;
      return n;
    }
    s = ~this.names.length;
    this.names.push(id);
    this.after.push(this.numbered);
    this.mapped.set(id, s);
    return s;
  }

  idOf(slot: number): string {
    return slot < 0 ? this.names[~slot]! : `${this.prefix}${slot + this.base}`;
  }

  /**
   * every slot handed out in order of arrival (a Map's order), numbered ones by their number: the
   * same order as long as they came in rising order, as a generator's do
   */
  *slots(): Generator<number> {
    let i = 0;
    for (let s = 0; s < this.numbered; s++) {
      for (; i < this.names.length && this.after[i]! <= s; i++) yield ~i;
      yield s;
    }
    for (; i < this.names.length; i++) yield ~i;
  }

  /** the first numbered id fixes the prefix and the base number */
  private adopt(id: string): void {
    const split = digitsFrom(id);
    if (split < 0) return;
    this.prefix = id.slice(0, split);
    this.base = Number(id.slice(split));
  }

  /** the slot of a numbered id of this prefix, else undefined */
  private number(id: string): number | undefined {
    const p = this.prefix;
    if (p === undefined || !id.startsWith(p)) return undefined;
    const len = id.length - p.length;
    if (len < 1 || len > MAX_DIGITS || (len > 1 && id.charCodeAt(p.length) === 48)) return undefined;
    let n = 0;
    for (let i = p.length; i < id.length; i++) {
      const d = id.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return undefined;
      n = n * 10 + d;
    }
    return n >= this.base ? n - this.base : undefined;
  }
}

/** where the canonical decimal number ending the id starts (no leading zero, ≤ 9 digits), or -1 */
function digitsFrom(id: string): number {
  let i = id.length;
  while (i > 0 && id.charCodeAt(i - 1) >= 48 && id.charCodeAt(i - 1) <= 57) i--;
  const len = id.length - i;
  if (len < 1 || len > MAX_DIGITS) return -1;
  while (len > 1 && id.charCodeAt(i) === 48 && i < id.length - 1) i++; // "x007": prefix "x00", number 7
  return i;
}

const WORDS = CHUNK >>> 5;

/**
 * The offsets observed on one partition, one bit each, in chunks allocated where offsets fall;
 * offsets that are not non-negative safe integers (a garbled header) are kept aside as numbers.
 */
export class OffsetBits {
  private readonly chunks = new Map<number, Uint32Array>();
  private readonly odd: number[] = [];

  add(offset: number): void {
    if (!Number.isSafeInteger(offset) || offset < 0) {
      this.odd.push(offset);
      return;
    }
    const k = Math.floor(offset / CHUNK);
    let c = this.chunks.get(k);
    if (!c) {
      c = new Uint32Array(WORDS);
      this.chunks.set(k, c);
    }
    const i = offset - k * CHUNK;
    c[i >>> 5]! |= 1 << (i & 31);
  }

  /** the distinct offsets observed, ascending */
  *distinct(): Generator<number> {
    if (this.odd.length) {
      yield* this.sortedWithOdd();
      return;
    }
    for (const k of [...this.chunks.keys()].sort((a, b) => a - b)) {
      const c = this.chunks.get(k)!;
      for (let w = 0; w < WORDS; w++) {
        let bits = c[w]!;
        while (bits !== 0) {
          const low = bits & -bits;
          yield k * CHUNK + w * 32 + (31 - Math.clz32(low));
          bits ^= low;
        }
      }
    }
  }

  get bytes(): number {
    return this.chunks.size * WORDS * 4 + this.odd.length * 8;
  }

  /** the rare case: every offset as a number, sorted as the plain list was */
  private *sortedWithOdd(): Generator<number> {
    const odd = this.odd.splice(0);
    const all = Float64Array.from([...this.distinct(), ...odd]).sort();
    this.odd.push(...odd);
    for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) yield all[i]!;
  }
}
