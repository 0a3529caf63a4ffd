import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EXIT_CODES, PipelabError, importOptional, isPipelabError } from '../errors.ts';

test('bad-input codes exit 104 and service codes 106, as the exit-code table says', () => {
  assert.is(new PipelabError('INVALID_SCENARIO', 'x').exitCode, EXIT_CODES.INVALID_INPUT);
  assert.is(new PipelabError('UNKNOWN_GENERATOR', 'x').exitCode, 104);
  assert.is(new PipelabError('CONTAINER_RUNTIME_MISSING', 'x').exitCode, EXIT_CODES.SERVICE_UNAVAILABLE);
  assert.is(EXIT_CODES.THRESHOLDS_FAILED, 99);
  assert.is(EXIT_CODES.ABORTED_BY_THRESHOLD, 108);
});

test('format() names every issue with its path, then the hint, and no stack', () => {
  const e = new PipelabError('INVALID_SCENARIO', 'scenario s is invalid', {
    hint: 'fix the fields above',
    issues: [
      { path: '/executors/main/rate', message: 'expected a positive number' },
      { path: '', message: 'root problem' },
    ],
  });
  const text = e.format();
  assert.is(
    text,
    'error: scenario s is invalid\n  /executors/main/rate: expected a positive number\n  /: root ' +
      'problem\nhint: fix the fields above',
  );
  assert.not.match(text, /at .*\.ts:\d+/);
  assert.ok(isPipelabError(e));
  assert.not.ok(isPipelabError(new Error('x')));
});

test('the cause is kept for debugging', () => {
  const cause = new Error('ECONNREFUSED');
  assert.is(new PipelabError('SERVICE_UNAVAILABLE', 'no redis', { cause }).cause, cause);
});

test('importOptional: a missing optional package is a PipelabError naming it, a present one loads', async () => {
  const mod = await importOptional('node:path', 'joining paths', () => import('node:path'));
  assert.is(typeof mod.join, 'function');
  try {
    const missing = 'no-such-pkg-pipelab'; // a package that does not exist, on purpose
    await importOptional(missing, 'the feature', () => import(missing));
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.ok(isPipelabError(e), String(e));
    assert.is((e as PipelabError).code, 'OPTIONAL_DEPENDENCY_MISSING');
    assert.is((e as PipelabError).exitCode, 104);
    assert.match((e as PipelabError).message, /the feature needs no-such-pkg-pipelab/);
    assert.match((e as PipelabError).hint ?? '', /npm install no-such-pkg-pipelab/);
  }
});

test.run();
