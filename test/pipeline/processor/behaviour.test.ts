/**
 * The user-behaviour step without a broker: user events through a partition's windows — counted,
 * late past the allowed lateness (dead-lettered 'late'), invalid (dead-lettered with the reason),
 * already written (skipped) — every input in exactly one place; and the aggregates' shape.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { KafkaMessage } from 'kafkajs';
import { behaviourChunk, validateUserEvent } from '../../../pipeline/processor/behaviour.ts';
import { RecentIds } from '../../../pipeline/processor/dedup.ts';
import { H } from '../../../pipeline/processor/headers.ts';
import { TumblingWindows } from '../../../pipeline/processor/windows.ts';

let offset = 0;
const msg = (value: string, id?: string): KafkaMessage =>
  ({
    key: null,
    value: Buffer.from(value),
    offset: String(offset++),
    timestamp: '0',
    attributes: 0,
    headers: id ? { [H.eventId]: id } : {},
  }) as KafkaMessage;
const ev = (id: string, userId: string, eventTime: number, type = 'view') =>
  msg(JSON.stringify({ id, userId, sessionId: 's', type, page: '/', eventTime, device: 'mobile' }), id);
const at = { topic: 'user-events', partition: 0, received: 0 };
const reasons = (c: ReturnType<typeof behaviourChunk>) =>
  c.dead.map((d) => (d.headers as Record<string, string>)[H.reason]);

test('validation names what is wrong with a user event', () => {
  assert.equal(validateUserEvent(Buffer.from('{"userId":"u","eventTime":1,"type":"view"}')).ok, true);
  for (const [v, reason, detail] of [
    ['', 'empty', /no value/],
    ['{nope', 'malformed-json', /JSON/],
    ['[1]', 'schema', /JSON object/],
    ['{"eventTime":1,"type":"view"}', 'schema', /userId/],
    ['{"userId":"u","eventTime":"soon","type":"view"}', 'schema', /eventTime/],
    ['{"userId":"u","eventTime":1,"type":"dance"}', 'schema', /type: expected one of login/],
  ] as const) {
    const r = validateUserEvent(Buffer.from(v));
    assert.is(r.ok, false, v);
    if (!r.ok) {
      assert.is(r.reason, reason, v);
      assert.match(r.detail, detail);
    }
  }
});

test('a chunk: counted in windows, late past the lateness, invalid, duplicates; each input once', () => {
  const w = new TumblingWindows({ sizeMs: 10_000, allowedLatenessMs: 1_000 });
  const dedup = new RecentIds();
  const first = behaviourChunk(
    'p1',
    w,
    at,
    [ev('a', 'u1', 1_000), ev('b', 'u1', 2_000, 'purchase'), ev('c', 'u2', 9_500), msg('{bad', 'd')],
    (_offset, id) => dedup.has(id),
  );
  assert.equal([first.accepted, first.late, first.dead.length, first.dups, first.closed.length], [3, 0, 1, 0, 0]);
  assert.equal(reasons(first), ['malformed-json']);
  for (const id of first.ids) dedup.add(id);
  // 12.5 s moves the watermark to 11.5 s: the [0, 10 s) windows close; 5 s is then late
  const second = behaviourChunk(
    'p1',
    w,
    at,
    [ev('a', 'u1', 1_000), ev('e', 'u1', 12_500), ev('f', 'u3', 5_000)],
    (_offset, id) => dedup.has(id),
  );
  assert.equal([second.accepted, second.late, second.dups], [1, 1, 1]);
  assert.equal(reasons(second), ['late']);
  const aggs = second.closed.map((m) => JSON.parse(String(m.value)));
  assert.equal(
    aggs.sort((x, y) => x.userId.localeCompare(y.userId)),
    [
      { kind: 'user-behaviour', userId: 'u1', windowStart: 0, windowEnd: 10_000, events: 2, purchases: 1 },
      { kind: 'user-behaviour', userId: 'u2', windowStart: 0, windowEnd: 10_000, events: 1, purchases: 0 },
    ],
  );
  // every input of the two chunks is in a window aggregate, a dead letter, or skipped as already written
  const inWindows = aggs.reduce((n, a) => n + a.events, 0) + w.flush().reduce((n, a) => n + a.count, 0);
  assert.is(inWindows + first.dead.length + second.dead.length + second.dups, 7);
});

test.run();
