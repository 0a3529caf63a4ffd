import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../../generators/rng.ts';
import { IdSlots, InFlight, OffsetBits } from '../../../harness/checkers/compact.ts';
import { EventLedger } from '../../../harness/targets/pipeline/accounting.ts';
import { MapEventLedger } from '../../helpers/books-reference.ts';

type Books = Pick<EventLedger, 'produced' | 'produceFailed' | 'acked' | 'decided' | 'deadLettered'>;

/**
 * A random life of `n` events driven through both books alike: sends (generator ids in rising
 * order, with some user ids and far-ahead numbers mixed in), acks, refusals, decisions and dead
 * letters observed out of order, redelivered, with offset gaps, and foreign ids.
 */
function drive(seed: number, n: number, books: Books[], mixed: boolean): void {
  const r = new Rng(seed);
  const sent: string[] = [];
  const offsets = [0, 0, 0, 0];
  let next = 0;
  const all = (f: (b: Books) => void) => {
    for (const b of books) f(b);
  };
  for (let i = 0; i < n; i++) {
    let id = `t1a-${next}`;
    next += r.bernoulli(0.05) ? 2 + r.int(3) : 1; // some numbers never used
    if (mixed && r.bernoulli(0.1)) id = r.bernoulli(0.5) ? `user-${r.int(1e6)}` : `t1a-${next + 100 + r.int(1000)}`;
    const key = `u${r.int(20)}`;
    const malformed = r.bernoulli(0.1);
    all((b) => b.produced(id, malformed, key));
    sent.push(id);
    const roll = r.next();
    if (roll < 0.03) all((b) => b.produceFailed(id));
    else if (roll < 0.9) all((b) => b.acked(id));
    // observe some recent event (out of order), sometimes again, sometimes one never sent
    for (let k = r.int(3); k > 0; k--) {
      const seen = r.bernoulli(0.02) ? `t1a-${next + 5000}` : sent[Math.max(0, sent.length - 1 - r.int(30))]!;
      const p = r.int(4);
      offsets[p]! += r.bernoulli(0.02) ? 2 + r.int(4) : r.bernoulli(0.02) ? -3 : 1;
      const at = r.bernoulli(0.9) ? { partition: p, offset: offsets[p]!, via: `d/${r.int(2)}` } : undefined;
      if (r.bernoulli(0.1)) all((b) => b.deadLettered(seen, 'schema', at));
      else all((b) => b.decided(seen, 'model', 'v1', at));
    }
  }
}

for (const mixed of [false, true])
  test(`the compact books close as the map books did (${mixed ? 'user ids mixed in' : 'generator ids'})`, () => {
    for (const seed of [1, 2, 3]) {
      const compact = new EventLedger();
      const reference = new MapEventLedger();
      drive(seed, 20_000, [compact, reference], mixed);
      assert.equal(compact.finish(0), reference.finish(0), `accounting, seed ${seed}`);
      const report = compact.report!;
      assert.equal(report, reference.report, `delivery report, seed ${seed}`);
      // the run found something of every kind, or the comparison proves little
      for (const k of ['lost', 'duplicated', 'unseen', 'orderViolations', 'offsetGaps', 'nonMonotonicOffsets'] as const)
        assert.ok(report[k] > 0, `${k} found`);
      assert.ok(report.recovered + report.unexpected > 0);
    }
  });

test('ids: numbered ones by arithmetic, in order of arrival with the mapped ones', () => {
  const s = new IdSlots();
  const ids = ['a', 't7-0', 't7-1', 'b', 't7-2', 't7-900', 't7-007', 't7-3', 't8-4', 'x1'];
  const slots = ids.map((id) => s.add(id));
  assert.equal(slots.slice(1, 3), [0, 1], 'numbered from the first numbered id');
  assert.ok(slots[5]! < 0 && slots[6]! < 0 && slots[8]! < 0, 'far ahead, leading zero, other prefix: mapped');
  assert.equal(
    [...s.slots()].map((x) => s.idOf(x)),
    ids,
  );
  assert.is(s.find('t7-4'), undefined);
  assert.is(s.find('t7-900'), slots[5]);
  assert.is(s.add('t7-900'), slots[5], 'a mapped id keeps its slot');
});

test('in flight: a chunk goes once its events were all released, one still waiting keeps it', () => {
  const f = new InFlight();
  const chunk = 1 << 16;
  for (let s = 0; s < 3 * chunk; s++) f.set(s, s % 7, s);
  f.set(~0, 1, 2);
  assert.equal(f.get(chunk + 5), [(chunk + 5) % 7, chunk + 5]);
  assert.equal(f.get(~0), [1, 2]);
  for (let s = 0; s < 3 * chunk; s++) if (s !== 10) f.release(s);
  assert.is(f.bytes, 3 * 8 * chunk, 'chunk 0 waits for slot 10; the newest chunks stay for the next sends');
  f.release(10);
  assert.is(f.bytes, 2 * 8 * chunk);
  f.set(3 * chunk, 0, 0); // a send in a new chunk: the emptied one before it goes
  assert.is(f.bytes, 2 * 8 * chunk);
});

test('offsets: distinct and ascending, one bit each; garbled ones sorted in', () => {
  const o = new OffsetBits();
  for (const x of [5, 70_000, 3, 5, 65_536, 2 ** 40]) o.add(x);
  assert.equal([...o.distinct()], [3, 5, 65_536, 70_000, 2 ** 40]);
  assert.is(o.bytes, 3 * 8192);
  o.add(-1);
  o.add(4.5);
  assert.equal([...o.distinct()], [-1, 3, 4.5, 5, 65_536, 70_000, 2 ** 40]);
});

test.run();
