import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DeliveryChecker } from '../../../harness/checkers/delivery.ts';

test('lost, unseen, recovered, duplicated and unexpected from sends, acks and observations', () => {
  const c = new DeliveryChecker();
  for (const id of ['a', 'b', 'c', 'd', 'e']) c.send(id, 'k');
  c.acked('a');
  c.acked('b');
  c.acked('c');
  c.failed('d'); // refused, and never seen: unseen
  // e: outcome unknown, but observed: recovered
  c.observed('a');
  c.observed('a');
  c.observed('c');
  c.observed('e');
  c.observed('zzz');
  const r = c.finish();
  assert.equal([r.acked, r.lost, r.duplicated, r.unseen, r.recovered, r.unexpected], [3, 1, 1, 1, 1, 1]);
  assert.equal(r.samples.lost, ['b']);
  assert.equal(r.samples.unseen, ['d']);
  assert.equal(r.samples.duplicated, ['a']);
});

test('per-key order: a later send observed before an earlier one of the same key is a violation', () => {
  const c = new DeliveryChecker();
  c.send('u1-1', 'u1');
  c.send('u2-1', 'u2');
  c.send('u1-2', 'u1');
  c.send('u1-3', 'u1');
  c.observed('u1-2');
  c.observed('u2-1');
  c.observed('u1-1'); // before u1-2 in send order: violation
  c.observed('u1-3');
  c.observed('u1-2'); // a duplicate is not judged for order
  const r = c.finish();
  assert.is(r.orderViolations, 1);
  assert.is(r.duplicated, 1);
  assert.match(r.samples.orderViolations[0]!, /u1-1 \(key u1: #1 after #2\)/);
});

test('per-key order holds within each result topic: a dead letter read after a later decision is no violation', () => {
  const c = new DeliveryChecker();
  for (const id of ['u1-1', 'u1-2', 'u1-3', 'u1-4']) c.send(id, 'u1');
  // u1-1 is malformed: its dead letter is read after u1-2's decision, from another topic
  c.observed('u1-2', { partition: 0, offset: 1, via: 'fraud-decisions/3' });
  c.observed('u1-1', { partition: 0, offset: 0, via: 'dead-letter/0' });
  assert.is(c.finish().orderViolations, 0);
  // within one topic the order is judged as before: u1-3 read after u1-4
  c.observed('u1-4', { partition: 0, offset: 3, via: 'fraud-decisions/3' });
  c.observed('u1-3', { partition: 0, offset: 2, via: 'fraud-decisions/3' });
  const r = c.finish();
  assert.is(r.orderViolations, 1);
  assert.match(r.samples.orderViolations[0]!, /u1-3 \(key u1: #3 after #4\)/);
});

test('offset gaps and non-monotonic offsets per source partition', () => {
  const c = new DeliveryChecker();
  const at = (partition: number, offset: number) => ({ partition, offset });
  for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) c.send(id, id);
  c.observed('a', at(0, 10));
  c.observed('b', at(0, 11));
  c.observed('c', at(0, 15)); // 12..14 never seen: 3 gaps
  c.observed('d', at(0, 13)); // after 15: non-monotonic, and fills one gap
  c.observed('e', at(1, 0));
  c.observed('f', at(1, 1));
  const r = c.finish();
  assert.is(r.offsetGaps, 2);
  assert.is(r.nonMonotonicOffsets, 1);
  assert.equal(r.samples.offsetGaps, ['partition 0: 12..12', 'partition 0: 14..14']);
});

test('results of one source partition read from two result partitions: interleaving is not a redelivery', () => {
  const c = new DeliveryChecker();
  const at = (offset: number, via: string) => ({ partition: 0, offset, via });
  for (const id of ['a', 'b', 'c', 'd', 'e']) c.send(id, id);
  // the source partition's events were spread over decisions/0 and decisions/1, read concurrently
  c.observed('b', at(1, 'decisions/1'));
  c.observed('a', at(0, 'decisions/0'));
  c.observed('d', at(3, 'decisions/1'));
  c.observed('c', at(2, 'decisions/0'));
  // a real redelivery: decisions/0 goes back to an offset below what it already carried
  c.observed('e', at(1, 'decisions/0'));
  const r = c.finish();
  assert.is(r.nonMonotonicOffsets, 1);
  assert.equal(r.samples.nonMonotonicOffsets, ['e: partition 0 offset 1 after 2 (read from decisions/0)']);
  assert.is(r.offsetGaps, 0, 'gaps are judged over every stream of the partition together');
});

test.run();
