import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PipelabError } from '../../../errors.ts';
import { parseNumberFlag, parseOptionalNumberFlag } from '../../../harness/cli/numbers.ts';

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    assert.instance(e, PipelabError);
    assert.is((e as PipelabError).exitCode, 104);
    return `${(e as PipelabError).message} | ${(e as PipelabError).hint}`;
  }
  throw new Error('did not throw');
};

test('numbers within the rule parse; the rest name the flag, the rule and an example', () => {
  assert.is(parseNumberFlag('--port', '8080', { int: true, min: 0, max: 65535 }), 8080);
  assert.is(parseNumberFlag('--rate', '2.5', { positive: true }), 2.5);
  assert.is(parseOptionalNumberFlag('--x', undefined), undefined);
  assert.is(
    message(() => parseNumberFlag('--port', 'abc', { int: true, min: 0, max: 65535, example: 9092 })),
    "invalid --port: expected an integer in [0, 65535], got 'abc' | for example --port 9092",
  );
  assert.match(
    message(() => parseNumberFlag('--rate', '0', { positive: true })),
    /--rate: expected a number > 0, got '0'/,
  );
  assert.match(
    message(() => parseNumberFlag('--n', '1.5', { int: true, min: 1 })),
    /an integer ≥ 1, got '1.5'/,
  );
  assert.match(
    message(() => parseNumberFlag('--n', ' ', {})),
    /expected a number, got ' '/,
  );
  assert.match(
    message(() => parseNumberFlag('--n', 'Infinity', {})),
    /got 'Infinity'/,
  );
});

test.run();
