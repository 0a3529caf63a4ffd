import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatJson } from '../../reports/json.ts';
import { loadFixture } from './fixture.ts';

test('top-level keys come in the documented order whatever order the object had', () => {
  const s = loadFixture();
  const shuffled = Object.fromEntries(Object.entries(s).reverse()) as typeof s;
  const keys = Object.keys(JSON.parse(formatJson(shuffled)));
  assert.equal(keys.slice(0, 4), ['schema', 'harness', 'scenario', 'seed']);
  assert.is(formatJson(shuffled), formatJson(s));
});

test('nested keys are stable: type first, then alphabetical; arrays keep their order', () => {
  const text = formatJson(loadFixture());
  const lat = JSON.parse(text).metrics.latency;
  assert.is(Object.keys(lat)[0], 'type');
  const pts = JSON.parse(text).timeseries.points as { t: number }[];
  assert.is(Object.keys(pts[0]!)[0], 't');
  assert.equal(
    pts.map((p) => p.t),
    [...pts.map((p) => p.t)].sort((a, b) => a - b),
  );
});

test('undefined fields are dropped and the file ends with a newline', () => {
  const s = { ...loadFixture(), aborted: undefined };
  const text = formatJson(s);
  assert.not.match(text, '"aborted"');
  assert.ok(text.endsWith('}\n'));
});

test.run();
