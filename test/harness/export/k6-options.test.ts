/**
 * k6-options: the mapping from a pipelab scenario to k6's options object (scenarios,
 * thresholds, tags), compared field by field with what k6 expects.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { k6Options } from '../../../harness/export/k6-options.ts';
import { PipelabError } from '../../../errors.ts';
import { loadScenario, validateScenario } from '../../../harness/scenario/index.ts';

const root = new URL('../../..', import.meta.url).pathname;
const http = { type: 'http', url: 'http://127.0.0.1:9/' } as const;

test('http-example maps to a ramping-arrival-rate k6 scenario and k6 metric names', async () => {
  const s = await loadScenario(join(root, 'scenarios', 'http-example.ts'));
  const m = k6Options(s);
  assert.equal(m.options, {
    scenarios: {
      ramp: {
        executor: 'ramping-arrival-rate',
        startRate: 10,
        timeUnit: '1s',
        stages: [
          { target: 200, duration: '10s' },
          { target: 200, duration: '20s' },
          { target: 0, duration: '5s' },
        ],
        preAllocatedVUs: 20,
        maxVUs: 200,
      },
    },
    thresholds: {
      http_req_duration: ['p(95)<200', 'p(99)<500'],
      'http_reqs{status:200}': ['count>0'],
      http_req_failed: ['rate<0.01'],
    },
  });
  assert.equal(m.warnings, []);
});

test('the rich fixture maps every executor, tag filters, abortOnFail and scenario tags', async () => {
  const m = k6Options(await loadScenario(join(root, 'test', 'fixtures', 'scenarios', 'k6-rich.ts')));
  assert.equal(m.options.scenarios, {
    ramp: {
      executor: 'ramping-arrival-rate',
      startRate: 1,
      timeUnit: '2s',
      stages: [
        { target: 100, duration: '30s' },
        { target: 100, duration: '1m' },
        { target: 0, duration: '1500ms' },
      ],
      preAllocatedVUs: 10,
      maxVUs: 300,
      tags: { phase: 'ramp' },
    },
    steady: {
      executor: 'constant-arrival-rate',
      rate: 100,
      timeUnit: '1m',
      duration: '2m',
      preAllocatedVUs: 20,
      maxVUs: 20,
      startTime: '30s',
      gracefulStop: '5s',
    },
    soak: { executor: 'constant-vus', vus: 5, duration: '1m30s' },
    rampvus: {
      executor: 'ramping-vus',
      startVUs: 1,
      stages: [{ target: 10, duration: '20s' }],
      gracefulRampDown: '0s',
    },
    once: { executor: 'per-vu-iterations', vus: 2, iterations: 3, maxDuration: '1m' },
  });
  assert.equal(m.options.thresholds, {
    http_req_duration: ['p(95)<200', 'med<50'],
    'http_req_duration{scenario:ramp,status:200}': ['p(99)<300'],
    'http_reqs{scenario:ramp,status:200}': ['count>100'],
    http_req_failed: [{ threshold: 'rate<0.01', abortOnFail: true, delayAbortEval: '10s' }],
    'http_req_failed{phase:ramp}': ['rate<0.05'],
    iterations: ['rate>10'],
    dropped_iterations: ['count<1'],
  });
  assert.equal(m.options.tags, { team: 'ml' });
});

test('what k6 cannot express is dropped with a warning naming its path', async () => {
  const m = k6Options(await loadScenario(join(root, 'test', 'fixtures', 'scenarios', 'k6-rich.ts')));
  assert.equal(
    m.dropped.map((d) => d.path),
    ['/thresholds/latency/1', '/thresholds/vus/0', '/warmup'],
  );
  assert.match(m.warnings[0]!, /p\(99\)<500 in every 10s window.*sliding-window/);
  assert.is(m.warnings.length, 3);
});

test('a windowed threshold is the only one on its metric: the metric disappears from the thresholds', () => {
  const s = validateScenario({
    name: 'w',
    target: http,
    executors: { a: { executor: 'constant-vus', duration: '1s' } },
    thresholds: { errors: ['rate<0.1 in every 5s window'] },
  });
  const m = k6Options(s);
  assert.is(m.options.thresholds, undefined);
  assert.is(m.warnings.length, 1);
});

test('fractional rates become whole rates per a longer timeUnit; unfixable ones are rounded with a warning', () => {
  const s = validateScenario({
    name: 'r',
    target: http,
    executors: {
      a: { executor: 'constant-arrival-rate', rate: 2.5, duration: '10s' },
      b: { executor: 'constant-arrival-rate', rate: 1 / 3, timeUnit: '500ms', duration: '10s' },
      c: { executor: 'constant-arrival-rate', rate: Math.PI, duration: '10s' },
    },
  });
  const m = k6Options(s);
  assert.equal([m.options.scenarios.a!.rate, m.options.scenarios.a!.timeUnit], [5, '2s']);
  assert.equal([m.options.scenarios.b!.rate, m.options.scenarios.b!.timeUnit], [1, '1500ms']);
  assert.equal([m.options.scenarios.c!.rate, m.options.scenarios.c!.timeUnit], [3, '1s']);
  assert.equal(
    m.dropped.map((d) => d.path),
    ['/executors/c'],
  );
});

test('overrides (--rate, --duration) are applied before mapping', () => {
  const s = validateScenario(
    { name: 'o', target: http, executors: { a: { executor: 'constant-arrival-rate', rate: 10, duration: '10s' } } },
    { rate: 40, duration: '1m' },
  );
  assert.equal(k6Options(s).options.scenarios.a, {
    executor: 'constant-arrival-rate',
    rate: 40,
    timeUnit: '1s',
    duration: '1m',
    preAllocatedVUs: 100,
    maxVUs: 100,
  });
});

test('a non-http target is refused with UNSUPPORTED_EXPORT (exit 104) naming the target type', () => {
  const s = validateScenario({
    name: 'f',
    target: { type: 'function', builtin: 'noop' },
    executors: { a: { executor: 'constant-vus', duration: '1s' } },
  });
  try {
    k6Options(s);
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, PipelabError);
    const err = e as PipelabError;
    assert.is(err.code, 'UNSUPPORTED_EXPORT');
    assert.is(err.exitCode, 104);
    assert.match(err.message, '"function" target');
    assert.match(err.message, 'only http targets can be exported');
  }
});

test.run();
