/**
 * Fault timelines are validated with the rest of the scenario, before anything starts: every
 * problem with its path (`/faults/1/kind`), the allowed values, exit 104.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PipelabError } from '../../../errors.ts';
import { validateScenario } from '../../../harness/scenario/index.ts';

const pipeline = {
  name: 'faulty',
  target: { type: 'pipeline', processors: 2 },
  executors: { main: { executor: 'constant-arrival-rate', rate: 10, duration: '5s' } },
};

function problems(faults: unknown[], target: object = pipeline.target): { code: string; issues: string[] } {
  try {
    validateScenario({ ...pipeline, target, faults });
  } catch (e) {
    if (!(e instanceof PipelabError)) throw e;
    assert.is(e.exitCode, 104);
    return { code: e.code, issues: (e.issues ?? []).map((i) => `${i.path}: ${i.message}`) };
  }
  return { code: 'OK', issues: [] };
}

test('a valid timeline of every family passes and is kept on the scenario', () => {
  const faults = [
    { at: '1s', duration: '2s', kind: 'latency', target: 'redis', latency: 100, jitter: 20, toxicity: 0.5 },
    { at: '1s', kind: 'down', target: 'model-server', stream: 'upstream' },
    { at: '1s', kind: 'limit_data', target: '127.0.0.1:6379', bytes: 10, listen: '127.0.0.1:16379' },
    { at: '2s', kind: 'kill', target: 'processor', instance: 1, duration: '1s' },
    { at: '2s', kind: 'pause', target: 'redis', duration: '1s' },
    { at: '3s', kind: 'slow', target: 'model-server', latency: 50, distribution: 'exponential' },
    { at: '3s', kind: 'erroring', target: 'model-server', share: 0.2 },
    { at: '3s', kind: 'flush', target: 'redis' },
    { at: '4s', kind: 'bounce', target: 'consumers', mode: 'hard', scope: 'rolling' },
  ];
  const s = validateScenario({ ...pipeline, faults });
  assert.is(s.faults.length, faults.length);
  assert.equal(validateScenario(pipeline).faults, []);
});

test('an unknown kind names its path and the known kinds', () => {
  const p = problems([
    { at: '1s', kind: 'latency', target: 'redis', latency: 5 },
    { at: '1s', kind: 'explode' },
  ]);
  assert.is(p.code, 'INVALID_SCENARIO');
  assert.is(p.issues.length, 1);
  assert.match(
    p.issues[0]!,
    /^\/faults\/1\/kind: unknown fault kind "explode" \(known: latency, bandwidth, .*bounce\)/,
  );
});

test('wrong fields, values and targets each name their path and the allowed values', () => {
  const p = problems([
    { at: 'soon', kind: 'latency', target: 'redis', latency: 5 },
    { at: '1s', kind: 'latency', target: 'nowhere', latency: 5 },
    { at: '1s', kind: 'bandwidth', target: 'kafka', rate: 10, stream: 'sideways' },
    { at: '1s', kind: 'kill', target: 'database' },
    { at: '1s', kind: 'erroring', target: 'model-server', share: 2 },
    { at: '1s', kind: 'flush', target: 'redis', colour: 'red' },
  ]);
  const text = p.issues.join('\n');
  assert.match(text, /\/faults\/0\/at: expected a duration/);
  assert.match(text, /\/faults\/1\/target: expected one of: kafka, redis, model-server, http, or a host:port/);
  assert.match(text, /\/faults\/2\/stream: .*upstream.*downstream/);
  assert.match(text, /\/faults\/3\/target: .*processor.*model-server.*redis.*broker/);
  assert.match(text, /\/faults\/4\/share: expected a number between 0 and 1/);
  assert.match(text, /\/faults\/5: unknown field "colour"/);
});

test('faults on parts the target type does not have are refused', () => {
  const fn = { type: 'function', builtin: 'noop' };
  const p = problems(
    [
      { at: '1s', kind: 'latency', target: 'redis', latency: 5 },
      { at: '1s', kind: 'kill', target: 'processor' },
      { at: '1s', kind: 'latency', target: '127.0.0.1:9', latency: 5 },
      { at: '1s', kind: 'latency', target: 'http', latency: 5, listen: '127.0.0.1:1' },
    ],
    fn,
  );
  const none = 'to put a fault proxy in front of (it resolves: nothing; or name a host:port)';
  assert.equal(p.issues, [
    `/faults/0/target: the function target has no redis ${none}`,
    '/faults/1/kind: a kill fault acts on the reference pipeline\'s parts: it needs target type "pipeline"',
    `/faults/3/target: the function target has no http ${none}`,
    '/faults/3/listen: only for a host:port target (pipelab places the proxy of a service it resolves itself)',
  ]);
});

test.run();
