/**
 * The pipeline target's window books: the same check as the map-based books they replaced
 * (test/helpers/window-books-reference.ts) on random runs, and the heap they keep for a soak's
 * windows bounded per (user, window).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Rng } from '../../../generators/rng.ts';
import { WindowBooks } from '../../../harness/targets/pipeline/window-books.ts';
import { MapWindowBooks } from '../../helpers/window-books-reference.ts';

const SIZE = 300_000;
const T0 = Date.UTC(2026, 0, 1);

/** a random run: decisions, aggregates that count them (some short, some twice, some in two parts), strays */
function drive(seed: number, books: Array<Pick<WindowBooks, 'decided' | 'observed'>>): void {
  const r = new Rng(seed);
  const truth = new Map<string, { user: string; start: number; n: number }>();
  for (let i = 0; i < 3000; i++) {
    const user = `u${r.int(r.bernoulli(0.5) ? 5 : 200)}`;
    const t = T0 + r.int(6 * SIZE);
    for (const b of books) b.decided(user, t);
    const start = Math.floor(t / SIZE) * SIZE;
    const k = `${user}/${start}`;
    const w = truth.get(k) ?? { user, start, n: 0 };
    w.n++;
    truth.set(k, w);
  }
  for (const { user, start, n } of truth.values()) {
    const roll = r.next();
    if (roll < 0.02) continue; // never aggregated
    const count = roll < 0.04 ? n - 1 : roll < 0.05 ? n + 2 : n;
    const first = r.bernoulli(0.2) ? r.int(count + 1) : count; // a window closed in two parts
    for (const b of books) b.observed(user, start, first);
    if (first < count) for (const b of books) b.observed(user, start, count - first);
  }
  // an aggregate of a window nothing was decided in, and an empty one
  for (const b of books) b.observed('u9999', T0 + 7 * SIZE, 3);
  for (const b of books) b.observed('u1', T0 + 9 * SIZE, 0);
}

test('the check equals the map-based books on random runs (mismatches, windows in two parts, strays)', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const compact = new WindowBooks(SIZE);
    const maps = new MapWindowBooks(SIZE);
    drive(seed, [compact, maps]);
    assert.is(compact.short, maps.short, `short, seed ${seed}`);
    const a = compact.finish();
    const b = maps.finish();
    assert.ok(a.mismatched > 0 && a.windows > 500, `seed ${seed} exercises mismatches`);
    const { sample: sa, ...ra } = a;
    const { sample: sb, ...rb } = b;
    assert.equal(ra, rb, `seed ${seed}`);
    assert.is(sa.length, sb.length);
    const all = new Set(mismatchedWindows(seed));
    for (const s of sa) assert.ok(all.has(s), `sample ${s} is a mismatched window`);
  }
});

test('short: the aggregates count fewer events than the decisions until they catch up', () => {
  const b = new WindowBooks(SIZE);
  assert.not.ok(b.short);
  b.decided('u1', T0 + 5);
  b.decided('u1', T0 + 6);
  assert.ok(b.short);
  b.observed('u1', T0, 2);
  assert.not.ok(b.short);
  assert.equal(b.finish().sample, []);
  assert.ok(b.finish().exact);
});

test('a soak of (user, window) pairs keeps under 100 B of heap each (the string-keyed maps took ~160)', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const users = Array.from({ length: 10_000 }, (_, u) => `u${u}`);
  gc();
  const before = process.memoryUsage().heapUsed;
  const b = new WindowBooks(SIZE);
  // 30 minutes at 1,400/s: six 5-minute windows of every user, decided and aggregated
  for (let w = 0; w < 6; w++)
    for (const u of users) {
      b.decided(u, T0 + w * SIZE + 1);
      b.decided(u, T0 + w * SIZE + 2);
      b.observed(u, T0 + w * SIZE, 2);
    }
  gc();
  const perWindow = (process.memoryUsage().heapUsed - before) / 60_000;
  assert.ok(perWindow < 100, `${perWindow.toFixed(1)} B per (user, window)`);
  assert.is(b.finish().windows, 60_000);
});

/** every mismatched window of a seed's run, as the samples spell them (from the map-based books) */
function mismatchedWindows(seed: number): string[] {
  const maps = new MapWindowBooks(SIZE);
  const out: string[] = [];
  const spy = { decided: maps.decided.bind(maps), observed: maps.observed.bind(maps) };
  drive(seed, [spy]);
  const truth = (maps as unknown as { truth: Map<string, number> }).truth;
  const counted = (maps as unknown as { counted: Map<string, number> }).counted;
  for (const k of new Set([...truth.keys(), ...counted.keys()])) {
    const t = truth.get(k) ?? 0;
    const c = counted.get(k) ?? 0;
    if (t !== c) out.push(`${k}: ${c}/${t}`);
  }
  return out;
}

test.run();
