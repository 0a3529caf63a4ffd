import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { withDefaults } from '../../results/defaults.ts';

const DEFAULTS = { port: 8080, host: '127.0.0.1', retries: 3 };

test('set options replace their defaults; the rest keep theirs', () => {
  assert.equal(withDefaults(DEFAULTS, { port: 9000 }), { port: 9000, host: '127.0.0.1', retries: 3 });
});

test('an option given as undefined keeps its default (a plain spread would not)', () => {
  const opts: { port?: number; retries?: number } = { port: undefined, retries: 0 };
  assert.equal({ ...DEFAULTS, ...opts }.port, undefined);
  assert.equal(withDefaults(DEFAULTS, opts), { port: 8080, host: '127.0.0.1', retries: 0 });
});

test('options without a default are kept, and neither input is changed', () => {
  const opts = { extra: 'x', host: 'h' };
  const out = withDefaults(DEFAULTS, opts);
  assert.equal(out, { port: 8080, host: 'h', retries: 3, extra: 'x' });
  assert.equal(DEFAULTS, { port: 8080, host: '127.0.0.1', retries: 3 });
  assert.equal(opts, { extra: 'x', host: 'h' });
  assert.equal(Object.keys(out), ['port', 'host', 'retries', 'extra'], 'key order as a spread gives it');
});

test('null and false are values, not gaps', () => {
  assert.equal(withDefaults({ a: 1 as number | null, b: true }, { a: null, b: false }), { a: null, b: false });
});

test.run();
