import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseExpression, parseMetricKey, pointer } from '../../../harness/thresholds/parse.ts';

function ok<T>(r: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!r.ok) throw new Error(`expected ok, got: ${r.message}`);
  return r.value;
}
function bad(r: { ok: boolean; message?: string }): string {
  assert.is(r.ok, false);
  return r.message!;
}

test('every aggregation and operator parses', () => {
  for (const agg of ['avg', 'min', 'max', 'med', 'count', 'rate', 'value', 'p(95)']) {
    for (const op of ['<', '<=', '>', '>=', '==', '===', '!=']) {
      const e = ok(parseExpression(`${agg}${op}12.5`));
      assert.is(e.op, op);
      assert.is(e.value, 12.5);
      assert.is(e.aggregationText, agg);
    }
  }
});

test('percentiles may be decimal and whitespace is allowed', () => {
  const e = ok(parseExpression('  p( 99.9 )  <=  500 '));
  assert.equal(e.aggregation, { kind: 'p', p: 99.9 });
  assert.is(e.aggregationText, 'p(99.9)');
  assert.is(e.value, 500);
  assert.is(ok(parseExpression('value>-3')).value, -3);
  assert.is(ok(parseExpression('p(0)>=0')).aggregationText, 'p(0)');
});

test('a sliding window is written "in every <duration> window"', () => {
  assert.is(ok(parseExpression('p(99)<500 in every 10s window')).windowSeconds, 10);
  assert.is(ok(parseExpression('rate<0.01 in every 1m30s window')).windowSeconds, 90);
  assert.is(ok(parseExpression('count>0')).windowSeconds, undefined);
});

test('bad expressions are rejected with a message naming the fix', () => {
  assert.match(bad(parseExpression('p99<500')), /unknown aggregation "p99"/);
  assert.match(bad(parseExpression('mean<5')), /use one of avg, min, max, med, p\(N\), count, rate, value/);
  assert.match(bad(parseExpression('p(x)<5')), /not a percentile/);
  assert.match(bad(parseExpression('p(101)<5')), /between 0 and 100/);
  assert.match(bad(parseExpression('avg=<5')), /operator one of < <= > >= == === !=/);
  assert.match(bad(parseExpression('avg<5ms')), /cannot parse/);
  assert.match(bad(parseExpression('avg<')), /cannot parse/);
  assert.match(bad(parseExpression('')), /empty threshold/);
  assert.match(bad(parseExpression('avg<5 in every 10 window')), /not a duration/);
  assert.match(bad(parseExpression('avg<5 in every 1500ms window')), /whole number of seconds/);
  assert.match(bad(parseExpression('avg<5 in 10s')), /in every 10s window/);
});

test('a window takes the shared duration grammar (results/duration.ts)', () => {
  assert.is(ok(parseExpression('avg<5 in every 1m30s window')).windowSeconds, 90);
  assert.match(bad(parseExpression('avg<5 in every 10 window')), /"10" is not a duration/);
});

test('metric keys with tag filters', () => {
  assert.equal(ok(parseMetricKey('latency')), { name: 'latency', filter: {} });
  assert.equal(ok(parseMetricKey('latency{status:200,scenario:a}')), {
    name: 'latency',
    filter: { status: '200', scenario: 'a' },
  });
  assert.equal(ok(parseMetricKey('latency{ url : http://x/y }')), { name: 'latency', filter: { url: 'http://x/y' } });
  assert.match(bad(parseMetricKey('latency{}')), /empty tag filter/);
  assert.match(bad(parseMetricKey('latency{status}')), /write tag:value/);
  assert.match(bad(parseMetricKey('2latency')), /not a metric name/);
  assert.match(bad(parseMetricKey('lat{a:1')), /not a metric name|not a metric key/);
});

test('paths are JSON pointers with escaping', () => {
  assert.is(pointer('thresholds', 'latency{status:200}', 0), '/thresholds/latency{status:200}/0');
  assert.is(pointer('thresholds', 'a/b~c'), '/thresholds/a~1b~0c');
});

test.run();
