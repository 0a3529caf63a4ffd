/**
 * Lookups between streams, the mix of streams, state machines, disorder and duplicates: what a
 * spec promises, checked on fixed seeds (counts and shares, never timings).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileSpec } from '../../../generators/spec/compile.ts';
import type { EventSpec, SpecRecord } from '../../../generators/spec/types.ts';
import { chiSquare } from '../../helpers/stats.ts';

type Ev = Record<string, unknown>;
const share = (k: number, n: number, p: number) => Math.abs(k / n - p) < 4 * Math.sqrt((p * (1 - p)) / n);

/** n events with their ground truth */
function run(spec: EventSpec, n: number, seed = 1, clock?: (i: number) => number): { e: Ev; r: SpecRecord }[] {
  const s = compileSpec(spec).create({ seed });
  const out: { e: Ev; r: SpecRecord }[] = [];
  for (let i = 0; i < n; i++) {
    const e = s.next(clock?.(i)) as Ev;
    out.push({ e, r: { ...s.last } });
  }
  return out;
}

const SHOP: EventSpec = {
  streams: {
    users: { weight: 1, fields: { id: { type: 'uuid' }, tier: { type: 'choice', values: ['gold', 'basic'] } } },
    products: {
      weight: 1,
      fields: { sku: { type: 'sequence', prefix: 'p' }, price: { type: 'uniform', min: 1, max: 100, round: 2 } },
    },
    orders: {
      weight: 6,
      fields: {
        userId: { type: 'lookup', from: 'users.id' },
        tier: { type: 'lookup', from: 'users.tier' },
        sku: { type: 'lookup', from: 'products.sku' },
        price: { type: 'lookup', from: 'products.price' },
        other: { type: 'lookup', from: 'products.sku', row: 'second' },
        last: { type: 'lookup', from: 'users.id', pick: 'latest', row: 'newest' },
      },
    },
  },
};

test('orders reference only users and products already emitted, one row per lookup row', () => {
  const users = new Map<string, Ev>();
  const products = new Map<string, Ev>();
  let latestUser = '';
  let orders = 0,
    differ = 0;
  for (const { e, r } of run(SHOP, 30_000)) {
    if (r.stream === 'users') {
      users.set(e.id as string, e);
      latestUser = e.id as string;
    } else if (r.stream === 'products') products.set(e.sku as string, e);
    else {
      orders++;
      const u = users.get(e.userId as string);
      const p = products.get(e.sku as string);
      assert.ok(u && p, `order ${r.index} references an unknown user or product`);
      assert.is(e.tier, u!.tier, 'the tier is the same user’s');
      assert.is(e.price, p!.price, 'the price is the same product’s');
      assert.ok(products.has(e.other as string));
      assert.is(e.last, latestUser);
      if (e.other !== e.sku) differ++;
    }
  }
  assert.ok(orders > 20_000);
  assert.ok(differ > orders / 2, 'a second row picks its own product');
});

test('a stream waits until its lookups have something to read; then streams mix by weight', () => {
  const rs = run(SHOP, 40_000, 3).map((x) => x.r.stream);
  const firstOrder = rs.indexOf('orders');
  assert.ok(rs.slice(0, firstOrder).includes('users') && rs.slice(0, firstOrder).includes('products'));
  const tail = rs.slice(100);
  const c = (s: string) => tail.filter((x) => x === s).length;
  assert.ok(chiSquare([c('users'), c('products'), c('orders')], [1 / 8, 1 / 8, 6 / 8]).p > 0.001);
});

const SESSIONS: EventSpec = {
  entities: { users: { count: 2000, zipf: 1 } },
  streams: {
    sessions: {
      stateMachine: {
        entity: 'users',
        initial: 'login',
        states: {
          login: { next: { browse: 1 }, dwell: { type: 'const', value: 1000 } },
          browse: { next: { browse: 3, cart: 1, logout: 1 }, dwell: { type: 'exponential', mean: 5000 } },
          cart: { next: { checkout: 2, browse: 1, $end: 1 }, dwell: { type: 'const', value: 2000 } },
          checkout: { next: { logout: 1 }, fields: { total: { type: 'uniform', min: 5, max: 500, round: 2 } } },
          logout: {},
        },
      },
      fields: {
        user: { type: 'entity' },
        session: { type: 'session' },
        type: { type: 'state' },
        t: { type: 'timestamp' },
      },
    },
  },
};

test('state machines: every session starts at login, moves by the weights, ends at logout or $end', () => {
  const clock = (i: number) => 1_000_000 + i * 10; // 100 events/s
  const events = run(SESSIONS, 60_000, 5, clock).map((x) => x.e);
  const bySession = new Map<string, Ev[]>();
  for (const e of events) {
    const l = bySession.get(e.session as string) ?? [];
    l.push(e);
    bySession.set(e.session as string, l);
  }
  const allowed: Record<string, string[]> = {
    login: ['browse'],
    browse: ['browse', 'cart', 'logout'],
    cart: ['checkout', 'browse'],
    checkout: ['logout'],
  };
  const fromBrowse = { browse: 0, cart: 0, logout: 0 };
  const fromCart = { checkout: 0, browse: 0, end: 0 };
  let ended = 0;
  for (const [, evs] of bySession) {
    assert.is(evs[0]!.type, 'login');
    const user = evs[0]!.user;
    for (let i = 1; i < evs.length; i++) {
      const a = evs[i - 1]!,
        b = evs[i]!;
      assert.is(b.user, user);
      assert.ok(allowed[a.type as string]?.includes(b.type as string), `${a.type} → ${b.type}`);
      const gap = (b.t as number) - (a.t as number);
      if (a.type === 'login') assert.ok(gap >= 1000, `login dwell ${gap}`);
      if (a.type === 'cart') assert.ok(gap >= 2000, `cart dwell ${gap}`);
      if (a.type === 'browse') fromBrowse[b.type as keyof typeof fromBrowse]++;
      if (a.type === 'cart') fromCart[b.type as keyof typeof fromCart]++;
      assert.ok(b.type !== 'checkout' || typeof b.total === 'number');
    }
    const last = evs[evs.length - 1]!.type;
    if (last === 'logout') ended++;
  }
  assert.ok(ended > 1000, `${ended} sessions reached logout`);
  const fb = [fromBrowse.browse, fromBrowse.cart, fromBrowse.logout];
  assert.ok(chiSquare(fb, [0.6, 0.2, 0.2]).p > 0.001, `from browse: ${fb}`);
  // cart → $end ends silently, so a session's last event may be cart
  const fc = [fromCart.checkout, fromCart.browse];
  assert.ok(chiSquare(fc, [2 / 3, 1 / 3]).p > 0.001, `from cart: ${fc}`);
});

test('state machines: one open session per entity, and dwell times set how many are open', () => {
  const clock = (i: number) => 1_000_000 + i * 10;
  const states = SESSIONS.streams!.sessions!.stateMachine!.states;
  const noSilentEnd: EventSpec = structuredClone({ ...SESSIONS });
  noSilentEnd.streams!.sessions!.stateMachine!.states = { ...states, cart: { ...states.cart, next: { checkout: 1 } } };
  const s = compileSpec(noSilentEnd).create({ seed: 7 });
  const open = new Map<unknown, unknown>(); // user → open session
  for (let i = 0; i < 30_000; i++) {
    const e = s.next(clock(i)) as Ev;
    const cur = open.get(e.user);
    if (e.type === 'login') {
      assert.is(cur, undefined, `user ${e.user} got a second session`);
      open.set(e.user, e.session);
    } else assert.is(cur, e.session);
    if (e.type === 'logout') open.delete(e.user);
  }
  // sessions last ~ 1 s + 4 browse dwell(5 s) + …: at 100 events/s, many are open at once
  assert.ok(open.size > 50, `${open.size} open`);
});

const LATE: EventSpec = {
  fields: { id: { type: 'sequence' }, t: { type: 'timestamp' } },
  disorder: { share: 0.1, lag: { type: 'exponential', mean: 2000 } },
};

test('disorder: a share of events carries an event time lagging its send time, with the truth kept', () => {
  const clock = (i: number) => 5_000_000 + i * 5;
  const rs = run(LATE, 50_000, 2, clock);
  const late = rs.filter(({ r }) => r.lagMs > 0);
  assert.ok(share(late.length, rs.length, 0.1), `late share ${late.length / rs.length}`);
  let maxT = -Infinity,
    ooo = 0;
  for (const { e, r } of rs) {
    assert.is(e.t, r.eventTime);
    assert.is(r.sendTime - r.eventTime, r.lagMs);
    assert.is(r.outOfOrder, r.eventTime < maxT);
    if (r.outOfOrder) ooo++;
    maxT = Math.max(maxT, r.eventTime);
  }
  const mean = late.reduce((a, x) => a + x.r.lagMs, 0) / late.length;
  assert.ok(Math.abs(mean - 2000) < 4 * (2000 / Math.sqrt(late.length)), `mean lag ${mean}`);
  const s = compileSpec(LATE).create({ seed: 2 });
  for (let i = 0; i < rs.length; i++) s.next(clock(i));
  const t = s.truth();
  assert.is(t.events, rs.length);
  assert.is(t.late, late.length);
  assert.is(t.outOfOrder, ooo);
  assert.is(t.maxLagMs, Math.max(...late.map((x) => x.r.lagMs)));
  assert.is(t.streams.events!.late, late.length);
  assert.ok(ooo > late.length * 0.9, 'lagging events land behind ones already sent');
});

test('duplicates: a share is sent again, the same bytes, at least `delay` later', () => {
  const spec: EventSpec = {
    fields: { id: { type: 'uuid' }, t: { type: 'timestamp' } },
    duplicates: { share: 0.05, delay: { type: 'uniform', min: 100, max: 300 } },
  };
  const s = compileSpec(spec).create({ seed: 4 });
  const first = new Map<string, { json: string; sent: number }>();
  let dups = 0,
    fresh = 0;
  for (let i = 0; i < 40_000; i++) {
    const e = s.next(1_000_000 + i * 2) as Ev;
    const json = s.toJson(e);
    const seen = first.get(e.id as string);
    if (s.last.duplicate) {
      dups++;
      assert.ok(seen, 'a duplicate follows its original');
      assert.is(json, seen!.json);
      const d = s.last.sendTime - seen!.sent;
      assert.ok(d >= 100 && d <= 302, `re-sent after ${d} ms`);
    } else {
      fresh++;
      assert.is(seen, undefined);
      first.set(e.id as string, { json, sent: s.last.sendTime });
    }
  }
  assert.ok(share(dups, fresh, 0.05), `duplicate share ${dups / fresh}`);
  assert.is(s.truth().duplicates, dups);
});

test('ground truth is a pure function of the seed and the clock', () => {
  const a = run(LATE, 2000, 9, (i) => i * 3).map((x) => x.r);
  const b = run(LATE, 2000, 9, (i) => i * 3).map((x) => x.r);
  assert.equal(a, b);
});

test.run();
