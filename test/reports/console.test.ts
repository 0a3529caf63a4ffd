import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatConsoleSummary } from '../../reports/console.ts';
import { loadFixture } from './fixture.ts';

test('thresholds come first, with ✓/✗ and the observed values', () => {
  const text = formatConsoleSummary(loadFixture(), { color: false });
  assert.ok(text.indexOf('THRESHOLDS') < text.indexOf('METRICS'));
  assert.match(text, "✓ 'p(95)<200' p(95)=35.4ms");
  assert.match(text, "✗ 'p(99)<20' p(99)=67.7ms");
  assert.match(text, '✗ 2 of 4 thresholds failed');
});

test('trend lines show avg/min/med/max/p(90)/p(95)/p(99), aligned on the colon', () => {
  const text = formatConsoleSummary(loadFixture(), { color: false });
  const lines = text.split('\n').filter((l) => /^\s{4}\S+\.+: /.test(l));
  assert.is(lines.length, 6);
  const cols = new Set(lines.map((l) => l.indexOf(': ')));
  assert.is(cols.size, 1);
  const lat = lines.find((l) => l.trim().startsWith('latency.'))!;
  for (const k of [
    'avg=8.14ms',
    'min=623µs',
    'med=4.31ms',
    'max=136ms',
    'p(90)=12.8ms',
    'p(95)=35.4ms',
    'p(99)=67.7ms',
  ])
    assert.match(lat, k);
  assert.match(text, 'iterations............: 1,985  198.5/s');
});

test('colours appear only when asked for', () => {
  assert.not.match(formatConsoleSummary(loadFixture(), { color: false }), '\x1b[');
  assert.match(formatConsoleSummary(loadFixture(), { color: true }), '\x1b[');
});

test('an aborted run says so', () => {
  const text = formatConsoleSummary(
    { ...loadFixture(), aborted: { by: 'threshold', reason: 'errors rate<0.01', atMs: 3000 } },
    { color: false },
  );
  assert.match(text, 'aborted by threshold at 3.00s: errors rate<0.01');
});

test.run();
