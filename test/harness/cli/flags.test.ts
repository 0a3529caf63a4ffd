import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseOverrides } from '../../../harness/cli/flags.ts';
import { thrown } from '../../helpers/errors.ts';

const problems = (flags: Parameters<typeof parseOverrides>[0]) => thrown(() => parseOverrides(flags));

test('good flags become overrides', () => {
  assert.equal(
    parseOverrides({
      seed: '42',
      duration: '1m30s',
      rate: '250.5',
      kafka: 'a:9092,b:9092',
      redis: 'redis://127.0.0.1:6379',
    }),
    {
      seed: 42,
      duration: '1m30s',
      rate: 250.5,
      services: { kafka: 'a:9092,b:9092', redis: 'redis://127.0.0.1:6379' },
    },
  );
  assert.equal(parseOverrides({}), {});
});

test('a word seed is kept as a string (hashed by the scenario loader)', () => {
  assert.equal(parseOverrides({ seed: 'monday' }), { seed: 'monday' });
});

test('each bad flag is named with the accepted form, all at once, exit 104', () => {
  const e = problems({ seed: '-1', duration: 'abc', rate: '-1', kafka: ' ' });
  assert.is(e.code, 'INVALID_ARGUMENT');
  assert.is(e.exitCode, 104);
  assert.equal(
    e.issues.map((i) => i.path),
    ['--seed', '--duration', '--rate', '--kafka'],
  );
  const text = e.format();
  assert.match(text, 'e.g. --duration 30s');
  assert.match(text, 'e.g. --rate 500');
  assert.match(text, 'e.g. --kafka localhost:9092');
});

test('zero and non-numeric rates and zero durations are rejected', () => {
  for (const rate of ['0', 'fast', '', 'Infinity'])
    assert.equal(
      problems({ rate }).issues.map((i) => i.path),
      ['--rate'],
      rate,
    );
  for (const duration of ['0', '0s', '10', '5 parsecs'])
    assert.equal(
      problems({ duration }).issues.map((i) => i.path),
      ['--duration'],
      duration,
    );
  assert.equal(
    problems({ seed: '1.5' }).issues.map((i) => i.path),
    ['--seed'],
  );
});

test('service flags become the service overrides the pipeline target resolves (address and forced mode)', () => {
  const o = parseOverrides({
    kafka: 'localhost:9092',
    modelServer: 'http://127.0.0.1:8500',
    redisMode: 'embedded',
    kafkaMode: 'external',
    modelServerMode: 'local',
  });
  assert.equal(o.services, {
    kafka: 'localhost:9092',
    'model-server': 'http://127.0.0.1:8500',
    'kafka-mode': 'external',
    'redis-mode': 'embedded',
    'model-server-mode': 'local',
  });
});

test('an unknown service mode is named with the modes there are', () => {
  const e = problems({ redisMode: 'cloud', modelServer: '' });
  assert.equal(
    e.issues.map((i) => i.path),
    ['--model-server', '--redis-mode'],
  );
  assert.match(e.format(), 'one of external, container, local, embedded');
});

test.run();
