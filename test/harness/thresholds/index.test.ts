import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Registry } from '../../../harness/metrics/registry.ts';
import { closingRegistries } from '../../helpers/registry.ts';
import { compileThresholds, compileThresholdsOrThrow } from '../../../harness/thresholds/index.ts';
import type { ThresholdsConfig } from '../../../harness/thresholds/api.ts';
import { PipelabError } from '../../../errors.ts';

const registry = closingRegistries(test);
const reg = (warmupMs = 0): Registry => registry({ warmupMs });

function compile(c: ThresholdsConfig) {
  const r = compileThresholds(c);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
}

test('valid forms compile: strings, objects, tag filters, windows', () => {
  const r = compileThresholds({
    latency: ['p(99)<500', 'p(95)<200', 'p(99.9) <= 900 in every 10s window'],
    'latency{status:200}': ['avg<100'],
    errors: [{ threshold: 'rate<0.01', abortOnFail: true, delayAbortEval: '10s' }],
    iterations: ['count>1000', 'rate>=10'],
    vus: ['value==10', 'max!=0'],
  });
  assert.ok(r.ok);
});

test('every invalid form is reported with its path and message, all at once', () => {
  const r = compileThresholds({
    latency: [
      'p99<500',
      'avg<5',
      { threshold: 'rate<', abortOnFail: 'yes', delayAbortEval: '10' } as never,
      42 as never,
    ],
    'lat{}': ['avg<1'],
    errors: 'rate<0.01' as never,
    iterations: [{ threshold: 'count>1', abortsOnFail: true } as never, { abortOnFail: true } as never],
    win: ['p(99)<5 in every 0.5s window'],
  });
  assert.is(r.ok, false);
  if (r.ok) return;
  const got = r.issues.map((i) => `${i.path} ${i.message}`);
  const expect: [string, RegExp][] = [
    ['/thresholds/latency/0', /unknown aggregation "p99": use one of avg, min, max, med, p\(N\), count, rate, value/],
    ['/thresholds/latency/2/abortOnFail', /true or false/],
    ['/thresholds/latency/2/delayAbortEval', /not a duration/],
    ['/thresholds/latency/3', /must be a string/],
    ['/thresholds/lat{}', /empty tag filter/],
    ['/thresholds/errors', /must be an array/],
    ['/thresholds/iterations/0/abortsOnFail', /unknown field "abortsOnFail"/],
    ['/thresholds/iterations/1/threshold', /must be a string/],
    ['/thresholds/win/0', /whole number of seconds/],
  ];
  for (const [path, re] of expect) {
    assert.ok(
      r.issues.some((i) => i.path === path && re.test(i.message)),
      `missing ${path} ${re}; got:\n${got.join('\n')}`,
    );
  }
  assert.is(r.issues.length, expect.length, got.join('\n'));
});

test('aggregations that do not fit the metric type are rejected, listing the allowed ones', () => {
  const r = compileThresholds(
    { errors: ['p(99)<5'], iterations: ['avg<3'] },
    { metricTypes: { errors: 'rate', iterations: 'counter' } },
  );
  assert.is(r.ok, false);
  if (r.ok) return;
  assert.equal(
    r.issues.map((i) => i.path),
    ['/thresholds/errors/0', '/thresholds/iterations/0'],
  );
  assert.match(
    r.issues[0]!.message,
    /"p\(99\)" is not an aggregation of rate metric "errors": rate metrics allow rate/,
  );
  assert.match(r.issues[1]!.message, /counter metrics allow count, rate/);
  // without known types it compiles; prepare() finds the mismatch once the registry knows the type
  const t = compile({ errors: ['p(99)<5'] });
  const g = reg();
  g.rate('errors');
  assert.throws(
    () => t.prepare(g),
    (e: unknown) =>
      e instanceof PipelabError && e.code === 'THRESHOLD_SYNTAX' && e.issues[0]!.path === '/thresholds/errors/0',
  );
});

test('compileThresholdsOrThrow raises THRESHOLD_SYNTAX with exit code 104 and every issue', () => {
  try {
    compileThresholdsOrThrow({ a: ['x<1'], b: ['avg<'] });
    assert.unreachable();
  } catch (e) {
    assert.ok(e instanceof PipelabError);
    assert.is(e.code, 'THRESHOLD_SYNTAX');
    assert.is(e.exitCode, 104);
    assert.is(e.issues.length, 2);
    assert.match(e.format(), /\/thresholds\/a\/0: unknown aggregation "x"/);
  }
});

test('each trend aggregation reads the right figure', () => {
  const r = reg();
  const lat = r.trend('latency');
  for (let i = 1; i <= 1000; i++) lat.add(i, 0); // 1..1000 ms
  const t = compile({
    latency: [
      'avg==500.5',
      'min==1',
      'max==1000',
      'med<=500.5',
      'p(90)<=900.5',
      'p(99.99)>999',
      'p(25)<251',
      'count===1000',
    ],
  });
  t.prepare(r);
  const res = t.final(r, 1000);
  assert.equal(
    res.map((x) => x.ok),
    [true, true, true, true, true, true, true, true],
    JSON.stringify(res),
  );
  assert.is(res[0]!.observed.avg, 500.5);
  assert.ok(Math.abs(res[6]!.observed['p(25)']! - 250) <= 0.25);
});

test('each operator compares as written', () => {
  const r = reg();
  r.counter('n').add(10, 0);
  const exprs = [
    'count<10',
    'count<=10',
    'count>10',
    'count>=10',
    'count==10',
    'count===10',
    'count!=10',
    'count<11',
    'count>9',
  ];
  const t = compile({ n: exprs });
  t.prepare(r);
  assert.equal(
    t.final(r, 1000).map((x) => x.ok),
    [false, true, false, true, true, true, false, true, true],
  );
});

test('counter rate, rate and gauge aggregations', () => {
  const r = reg(1000);
  const it = r.counter('iterations'),
    err = r.rate('errors'),
    vus = r.gauge('vus');
  for (let t = 0; t < 5000; t += 10) {
    it.add(1, t);
    err.add(t % 100 === 0, t);
  }
  vus.set(4, 1500);
  vus.set(8, 2500);
  const c = compile({
    iterations: ['count==400', 'rate==100'],
    errors: ['rate==0.1'],
    vus: ['value==8', 'min==4', 'max==8'],
  });
  c.prepare(r);
  const res = c.final(r, 5000);
  assert.ok(
    res.every((x) => x.ok),
    JSON.stringify(res),
  );
});

test('metrics without samples: counts evaluate as 0, percentiles fail with NaN and a note', () => {
  const r = reg();
  r.trend('latency');
  const t = compile({ latency: ['p(99)<500', 'count<1'], missing: ['count==0', 'avg<1'], errors: ['rate<0.01'] });
  t.prepare(r);
  const [p99, count, missCount, missAvg, errRate] = t.final(r, 5000);
  assert.is(p99!.ok, false);
  assert.ok(Number.isNaN(p99!.observed['p(99)']));
  assert.match(p99!.note!, /no samples/);
  assert.is(count!.ok, true);
  assert.is(missCount!.ok, true);
  assert.match(missCount!.note!, /no samples: evaluated as 0/);
  assert.is(missAvg!.ok, false);
  assert.is(errRate!.ok, true);
});

test('tag-filtered thresholds see only matching samples', () => {
  const r = reg();
  const t = compile({ 'latency{status:200}': ['max<100'], latency: ['max<100'] });
  t.prepare(r);
  const lat = r.trend('latency');
  lat.add(50, 0, { status: '200' });
  lat.add(900, 0, { status: '500' });
  const [sub, all] = t.final(r, 1000);
  assert.is(sub!.metric, 'latency{status:200}');
  assert.is(sub!.ok, true);
  assert.is(sub!.observed.max, 50);
  assert.is(all!.ok, false);
});

test('abortOnFail waits for delayAbortEval, then check() returns the failing threshold', () => {
  const r = reg();
  const t = compile({
    errors: [{ threshold: 'rate<0.1', abortOnFail: true, delayAbortEval: '5s' }],
    latency: ['p(99)<1'],
  });
  t.prepare(r);
  const err = r.rate('errors');
  const lat = r.trend('latency');
  let aborted: number | undefined;
  for (let now = 0; now <= 20_000 && aborted === undefined; now += 100) {
    err.add(now >= 2000, now); // all errors from 2 s on
    lat.add(50, now); // fails p(99)<1, but without abortOnFail
    if (now % 1000 === 0) {
      const res = t.check(r, now);
      if (res) {
        aborted = now;
        assert.is(res.metric, 'errors');
        assert.is(res.ok, false);
        assert.is(res.abortedAtMs, now);
      }
    }
  }
  assert.is(aborted, 5000);
  const fin = t.final(r, 5000);
  assert.is(fin[0]!.abortedAtMs, 5000);
  assert.is(fin[1]!.abortedAtMs, undefined);
  assert.is(fin[1]!.ok, false);
});

test('check() never aborts on no data, e.g. during warm-up', () => {
  const r = reg(10_000);
  const t = compile({ latency: [{ threshold: 'p(99)<100', abortOnFail: true }] });
  t.prepare(r);
  const lat = r.trend('latency');
  for (let now = 0; now < 10_000; now += 100) {
    lat.add(5000, now); // terrible, but warm-up
    if (now % 1000 === 0) assert.is(t.check(r, now), undefined);
  }
  lat.add(5000, 10_500);
  assert.ok(t.check(r, 11_000));
});

/** 10 minutes at 100/s, 20 ms each, except 3 s where the target stalls and latencies reach 2 s */
function stallRun(r: Registry, check?: (now: number) => void): void {
  const lat = r.trend('latency');
  for (let now = 0; now < 600_000; now += 10) {
    const stalled = now >= 300_000 && now < 303_000;
    lat.add(stalled ? 2000 - (now - 300_000) / 2 : 20, now);
    if (check && now % 1000 === 0) check(now);
  }
}

test('a windowed threshold catches a 3-second stall that the whole-run p99 hides', () => {
  const r = reg();
  const t = compile({ latency: ['p(99)<500', 'p(99)<500 in every 10s window'] });
  t.prepare(r);
  stallRun(r, (now) => t.check(r, now));
  const [whole, windowed] = t.final(r, 600_000);
  assert.is(whole!.ok, true, `whole-run p99 ${whole!.observed['p(99)']}`);
  assert.is(windowed!.ok, false);
  // the first complete 10 s window that holds enough of the stall to push its p99 over 500 ms
  assert.equal(windowed!.failedWindow, [291_000, 301_000]);
  assert.ok(windowed!.observed['p(99)']! > 500);
  assert.match(windowed!.note!, /first failing window of 591 evaluated; worst p\(99\) 19\d\d/);
});

test('windowed thresholds report the worst window when every window passes', () => {
  const r = reg();
  const t = compile({ latency: ['p(99)<5000 in every 10s window'] });
  t.prepare(r);
  stallRun(r, (now) => t.check(r, now));
  const [w] = t.final(r, 600_000);
  assert.is(w!.ok, true);
  assert.ok(w!.observed['p(99)']! > 1900);
  assert.match(w!.note!, /worst of 591 windows of 10s/);
});

test('a windowed abortOnFail threshold aborts on the first failing window', () => {
  const r = reg();
  const t = compile({ latency: [{ threshold: 'max<1000 in every 5s window', abortOnFail: true }] });
  t.prepare(r);
  let res: ReturnType<typeof t.check> | undefined;
  const lat = r.trend('latency');
  for (let now = 0; now < 60_000 && !res; now += 10) {
    lat.add(now >= 20_000 && now < 21_000 ? 3000 : 10, now);
    if (now % 1000 === 0) res = t.check(r, now);
  }
  assert.ok(res);
  assert.is(res!.abortedAtMs, 21_000);
  assert.equal(res!.failedWindow, [16_000, 21_000]);
});

test('a run shorter than the window is evaluated once over the whole measured run', () => {
  const r = reg();
  const t = compile({ latency: ['max<100 in every 1m window'] });
  t.prepare(r);
  r.trend('latency').add(150, 100);
  const [w] = t.final(r, 5000);
  assert.is(w!.ok, false);
  assert.is(w!.observed.max, 150);
  assert.match(w!.note!, /shorter than one 60s window/);
});

test.run();
