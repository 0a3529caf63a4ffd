import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatMarkdown } from '../../reports/markdown.ts';
import { loadFixture } from './fixture.ts';

test('the header names the scenario, the seed and the services with their modes', () => {
  const md = formatMarkdown(loadFixture());
  assert.match(md, '# pipelab run: fixture-smoke');
  assert.match(md, '| seed | 7 |');
  assert.match(md, '| target | embedded | function |');
  assert.match(md, '| kafka | none |');
  assert.match(md, '12.00s (warm-up 2.00s');
});

test('the latency table has p50/p90/p95/p99/p99.9/max figures from the summary', () => {
  const s = loadFixture();
  const md = formatMarkdown(s);
  assert.match(md, '| metric | count | mean | p50 | p90 | p95 | p99 | p99.9 | max |');
  const row = md.split('\n').find((l) => l.startsWith('| latency |'))!;
  assert.is(row, '| latency | 1,985 | 8.14 | 4.31 | 12.83 | 35.42 | 67.71 | 130.8 | 136.5 |');
  assert.ok(s.metrics.latency?.type === 'trend' && s.metrics.latency.p99 === 67.711, 'the fixture has those figures');
});

test('thresholds are marked ✓ and ✗ and failures are counted in the verdict', () => {
  const md = formatMarkdown(loadFixture());
  assert.match(md, '**2 of 4 thresholds failed**');
  assert.match(md, '| ✓ | latency | `p(95)<200` |');
  assert.match(md, '| ✗ | latency | `p(99)<20` | p(99)=67.7ms |');
  assert.match(md, '| ✗ | latency{status:200} |');
});

test('rates, errors, dropped iterations and system figures are shown', () => {
  const md = formatMarkdown(loadFixture());
  assert.match(md, '| errors | rate | 1.16%  (23 of 1,985) |');
  assert.match(md, 'Dropped iterations: **15**');
  assert.match(md, '| CPU (% of one core) | 23.5 | 61.0 |');
  assert.match(md, 'Event-loop delay: p50 10.1ms, p99 14.9ms');
});

test('an aborted run says who aborted it', () => {
  const md = formatMarkdown({ ...loadFixture(), aborted: { by: 'signal', reason: 'SIGINT', atMs: 4200 } });
  assert.match(md, '**aborted** by signal at 4.20s: SIGINT');
});

test.run();
