import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { UserEventStream, USER_EVENT_TYPES, type UserEvent } from '../../generators/user-events.ts';
import { userEventToJson } from '../../generators/serialize.ts';
import { driftProbability } from '../../generators/drift-hooks.ts';

function digest(seed: number): string {
  const s = new UserEventStream({ seed });
  const h = createHash('sha256');
  for (let i = 0; i < 10_000; i++) h.update(`${userEventToJson(s.next())}\n`);
  return h.digest('hex');
}

test('the same seed gives byte-identical clickstreams; another seed another', () => {
  assert.is(digest(1), digest(1));
  assert.is.not(digest(1), digest(2));
});

test('sessions follow the chain: start with login or view, purchase only after checkout, nothing after logout', () => {
  const ev = new UserEventStream({ seed: 6, concurrentSessions: 50 }).take(50_000);
  const sessions = new Map<string, UserEvent[]>();
  for (const e of ev) {
    let s = sessions.get(e.sessionId);
    if (!s) {
      s = [];
      sessions.set(e.sessionId, s);
    }
    s.push(e);
  }
  let purchases = 0;
  for (const s of sessions.values()) {
    assert.ok(s[0]!.type === 'login' || s[0]!.type === 'view', s[0]!.type);
    assert.is(new Set(s.map((e) => e.userId)).size, 1);
    assert.is(new Set(s.map((e) => e.device)).size, 1);
    for (let i = 1; i < s.length; i++) {
      if (s[i]!.type === 'purchase') {
        assert.is(s[i - 1]!.type, 'checkout');
        purchases++;
      }
      assert.is.not(s[i - 1]!.type, 'logout');
    }
  }
  assert.ok(purchases > 100);
  // every type occurs; sessions interleave; mean length is a handful of events
  for (const t of USER_EVENT_TYPES)
    assert.ok(
      ev.some((e) => e.type === t),
      t,
    );
  const mean = ev.length / sessions.size;
  assert.ok(mean > 3 && mean < 30, `mean session length ${mean}`);
  assert.ok(ev.slice(0, 100).some((e, i, a) => i > 0 && e.sessionId !== a[i - 1]!.sessionId));
});

test('a drift in the device mix shows after onset', () => {
  const onset = 20_000,
    width = 0;
  const ev = new UserEventStream({
    seed: 7,
    drifts: [{ param: 'deviceWeights', value: { desktop: 0, mobile: 1, tablet: 0 }, onset, width }],
  }).take(40_000);
  const mobileShare = (xs: UserEvent[]) => xs.filter((e) => e.device === 'mobile').length / xs.length;
  assert.ok(mobileShare(ev.slice(0, onset)) < 0.6);
  // new sessions after onset are all mobile; old sessions linger a while
  assert.ok(mobileShare(ev.slice(onset + 5000)) > 0.99, `${mobileShare(ev.slice(onset + 5000))}`);
  assert.is(driftProbability(onset, onset, width), 1);
});

test.run();
