import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { TransactionStream, type Transaction, type TransactionConfigInput } from '../../generators/transactions.ts';
import { transactionToJson } from '../../generators/serialize.ts';
import { COUNTRIES, distanceKm } from '../../generators/geo.ts';
import { PipelabError } from '../../errors.ts';

const fx = (currency: string) => COUNTRIES.find((c) => c.currency === currency)!.fxPerUsd;
const byCode = (code: string) => COUNTRIES.find((c) => c.code === code)!;

function digest(cfg: TransactionConfigInput, n: number): string {
  const s = new TransactionStream(cfg);
  const h = createHash('sha256');
  for (let i = 0; i < n; i++) h.update(`${transactionToJson(s.next())}\n`);
  return h.digest('hex');
}

test('the same seed and config give byte-identical output (10k events)', () => {
  const cfg = { seed: 99, fraudRate: 0.05, drifts: [{ param: 'amount.muShift', value: 1, onset: 5000, width: 1000 }] };
  assert.is(digest(cfg, 10_000), digest(cfg, 10_000));
});

test('another seed gives other output', () => {
  assert.is.not(digest({ seed: 99 }, 10_000), digest({ seed: 100 }, 10_000));
});

test('event ids are unique and derived from seed and sequence', () => {
  const ev = new TransactionStream({ seed: 'abc', fraudRate: 0.2 }).take(20_000);
  assert.is(new Set(ev.map((e) => e.id)).size, ev.length);
  assert.ok(ev[5]!.id.endsWith('-5'));
});

test('event times are non-decreasing and start at startMs', () => {
  const ev = new TransactionStream({ seed: 1, startMs: 1_000_000, arrivals: { kind: 'poisson', rate: 500 } }).take(
    5000,
  );
  assert.ok(ev[0]!.eventTime >= 1_000_000);
  for (let i = 1; i < ev.length; i++) assert.ok(ev[i]!.eventTime >= ev[i - 1]!.eventTime);
});

// short geo-velocity gaps so every pattern completes within a test-sized stream
const FRAUDY: TransactionConfigInput = {
  seed: 5,
  fraudRate: 0.05,
  arrivals: { kind: 'poisson', rate: 200 },
  params: { geoVelocity: { gapMinMs: 1000, gapMaxMs: 20_000 } },
};

test('the labelled fraud fraction matches fraudRate', () => {
  const ev = new TransactionStream(FRAUDY).take(200_000);
  const f = ev.filter((e) => e.isFraud).length / ev.length;
  assert.ok(Math.abs(f - 0.05) < 0.005, `fraud fraction ${f}`);
  for (const p of ['card-testing', 'account-takeover', 'geo-velocity'])
    assert.ok(
      ev.some((e) => e.fraudPattern === p),
      `no ${p}`,
    );
  assert.ok(ev.every((e) => e.isFraud === (e.fraudPattern !== 'none')));
});

test('fraudRate 0 gives no fraud at all', () => {
  assert.ok(new TransactionStream({ seed: 2, fraudRate: 0 }).take(20_000).every((e) => !e.isFraud));
});

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    let a = m.get(k);
    if (!a) {
      a = [];
      m.set(k, a);
    }
    a.push(x);
  }
  return m;
}

test('card-testing events are tiny, bursty per card and come from one attacker device', () => {
  const ev = new TransactionStream(FRAUDY).take(200_000);
  const ct = ev.filter((e) => e.fraudPattern === 'card-testing');
  assert.ok(ct.length > 1000);
  for (const e of ct) assert.ok(e.amount / fx(e.currency) <= 2.01 && e.channel === 'online', JSON.stringify(e));
  const bursts = groupBy(ct, (e) => `${e.userId}/${e.deviceId}`);
  let bursty = 0;
  for (const b of bursts.values()) {
    // ≥ 5 tries within a couple of minutes, always the same merchant
    if (b.length >= 5 && b[b.length - 1]!.eventTime - b[0]!.eventTime < 180_000) bursty++;
    assert.is(new Set(b.map((e) => e.merchantId)).size, 1);
  }
  assert.ok(bursty / bursts.size > 0.9, `${bursty}/${bursts.size} bursts`);
  // normal payments are rarely that small
  const normal = ev.filter((e) => !e.isFraud);
  assert.ok(normal.filter((e) => e.amount / fx(e.currency) <= 2).length / normal.length < 0.01);
});

test('account takeover uses a device the user never used and an unusually large amount', () => {
  const ev = new TransactionStream(FRAUDY).take(200_000);
  const seen = new Map<string, Set<string>>();
  const amounts = new Map<string, number[]>();
  let checked = 0;
  for (const e of ev) {
    const usd = e.amount / fx(e.currency);
    if (e.fraudPattern === 'account-takeover') {
      const prior = amounts.get(e.userId) ?? [];
      if (prior.length >= 5) {
        const median = [...prior].sort((a, b) => a - b)[prior.length >> 1]!;
        assert.ok(usd > 2 * median, `ATO ${usd} vs user median ${median}`);
        checked++;
      }
      assert.not.ok(seen.get(e.userId)?.has(e.deviceId) && !e.deviceId.startsWith('x'), 'a known device');
      assert.ok(e.deviceId.startsWith('x'));
    } else if (!e.isFraud) {
      let s = seen.get(e.userId);
      if (!s) {
        s = new Set();
        seen.set(e.userId, s);
      }
      s.add(e.deviceId);
      let a = amounts.get(e.userId);
      if (!a) {
        a = [];
        amounts.set(e.userId, a);
      }
      a.push(usd);
    }
  }
  assert.ok(checked > 50, `only ${checked} ATO events had a history`);
});

test('geo-velocity puts the same user in far-apart countries within an hour', () => {
  const ev = new TransactionStream(FRAUDY).take(200_000);
  const history = new Map<string, Transaction[]>();
  let n = 0;
  for (const e of ev) {
    let h = history.get(e.userId);
    if (!h) {
      h = [];
      history.set(e.userId, h);
    }
    if (e.fraudPattern === 'geo-velocity') {
      // the card was used ≥ 3000 km away within the hour before (normally the victim at home)
      const far = h.some(
        (p) =>
          e.eventTime - p.eventTime <= 3_600_000 &&
          !p.isFraud &&
          distanceKm(byCode(p.country), byCode(e.country)) >= 3000,
      );
      assert.ok(far, `no far-away payment before ${JSON.stringify(e)}`);
      assert.is(e.channel, 'pos');
      n++;
    }
    h.push(e);
  }
  assert.ok(n > 100);
});

test('users have stable home countries, usual devices and their own spend level', () => {
  const ev = new TransactionStream({ seed: 8, fraudRate: 0 }).take(100_000);
  const byUser = groupBy(ev, (e) => e.userId);
  const active = [...byUser.values()].filter((x) => x.length >= 30);
  assert.ok(active.length > 50);
  const means: number[] = [];
  for (const xs of active) {
    const countries = groupBy(xs, (e) => e.country);
    const top = Math.max(...[...countries.values()].map((c) => c.length));
    assert.ok(top / xs.length > 0.9, 'mostly at home');
    assert.ok(new Set(xs.map((e) => e.deviceId)).size <= 3, 'at most 3 usual devices');
    means.push(xs.reduce((s, e) => s + Math.log(e.amount / fx(e.currency)), 0) / xs.length);
  }
  // between-user spread of log-spend is far larger than the sampling error of each mean
  const m = means.reduce((a, b) => a + b) / means.length;
  const sd = Math.sqrt(means.reduce((a, b) => a + (b - m) ** 2, 0) / means.length);
  assert.ok(sd > 0.4, `spread of user log-means ${sd}`);
});

test('activity is Zipf-skewed: the hottest user is far above the median user', () => {
  const ev = new TransactionStream({ seed: 3, users: { count: 10_000, zipf: 1.2 }, fraudRate: 0 }).take(50_000);
  const counts = [...groupBy(ev, (e) => e.userId).values()].map((x) => x.length).sort((a, b) => b - a);
  assert.ok(counts[0]! > 100 * counts[counts.length >> 1]!);
});

test('a stream whose arrivals end says so instead of emitting events at Infinity', () => {
  const s = new TransactionStream({ arrivals: { kind: 'ramp', from: 10, to: 0, durationMs: 1000 } });
  assert.throws(
    () => {
      for (let i = 0; i < 1000; i++) s.next();
    },
    (e: PipelabError) => e.code === 'INVALID_ARGUMENT' && /ended after \d+ events/.test(e.message),
  );
});

test('bad config is rejected with every bad path named', () => {
  try {
    new TransactionStream({ fraudRate: 0.9, users: { count: 0 } } as never);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, PipelabError);
    const paths = (e as PipelabError).issues.map((i) => i.path);
    assert.ok(paths.includes('/fraudRate') && paths.includes('/users/count'), paths.join(','));
  }
  try {
    new TransactionStream({ params: { cardTesting: { maxAmmount: 3 } } });
    assert.unreachable();
  } catch (e) {
    assert.is((e as PipelabError).issues[0]!.path, '/params/cardTesting/maxAmmount');
  }
});

test('idScope marks every id and nothing else; without it the ids are as before; a bad one names its field', () => {
  const take = (cfg: TransactionConfigInput) => {
    const s = new TransactionStream({ seed: 7, ...cfg });
    return Array.from({ length: 1200 }, () => s.next());
  };
  const plain = take({});
  const scoped = take({ idScope: 'k3x9' });
  assert.is(plain[0]!.id, 't7-0');
  assert.is(plain[1100]!.id, 't7-1100');
  assert.is(scoped[0]!.id, 't7.k3x9-0');
  assert.is(scoped[1100]!.id, 't7.k3x9-1100');
  // the same events otherwise
  assert.equal(
    scoped.map((t) => ({ ...t, id: '' })),
    plain.map((t) => ({ ...t, id: '' })),
  );
  try {
    new TransactionStream({ idScope: 'Bad-Scope' });
    assert.unreachable();
  } catch (e) {
    assert.is((e as PipelabError).issues[0]!.path, '/idScope');
  }
});

test.run();
