/**
 * The load generator's saturation verdict: each limit names its figure and a fix; a comfortable
 * run has no reasons; every report puts the warning at the top.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assessLoadGenerator, SATURATION_LIMITS } from '../../results/saturation.ts';
import { formatConsoleSummary } from '../../reports/console.ts';
import { formatHtml } from '../../reports/html.ts';
import { formatMarkdown } from '../../reports/markdown.ts';
import { loadFixture } from '../reports/fixture.ts';

const comfortable = {
  eventLoopUtilization: 0.3,
  eventLoopDelayP99Ms: 12,
  cpuPercent: 140, // GC and libuv threads: no reason on its own
  maxSchedulerLagMs: 600, // one late start (e.g. start-up): no reason on its own
  schedulerLagP99Ms: 3,
  droppedIterations: 0,
  connectionWaitP99Ms: 0,
};

test('a comfortable run is not saturated and keeps its figures', () => {
  const r = assessLoadGenerator(comfortable);
  assert.is(r.saturated, false);
  assert.equal(r.reasons, []);
  assert.is(r.cpuPercent, 140);
});

test('each limit crossed is one reason naming the figure', () => {
  const cases: [Partial<typeof comfortable>, RegExp][] = [
    [{ eventLoopUtilization: 0.97 }, /event loop busy 97 % of the run/],
    [{ eventLoopDelayP99Ms: 340 }, /event-loop delay p99 340 ms/],
    [{ schedulerLagP99Ms: 180 }, /iterations started late: p99 180 ms behind their plan/],
    [{ droppedIterations: 57 }, /57 iterations dropped: no free VU/],
  ];
  for (const [change, reason] of cases) {
    const r = assessLoadGenerator({ ...comfortable, ...change });
    assert.is(r.saturated, true, JSON.stringify(change));
    assert.is(r.reasons.length, 1, r.reasons.join(' | '));
    assert.match(r.reasons[0]!, reason);
  }
  // at the limit counts as crossed
  assert.ok(
    assessLoadGenerator({ ...comfortable, eventLoopUtilization: SATURATION_LIMITS.eventLoopUtilization }).saturated,
  );
});

test('console, summary.md and report.html warn at the top when saturated, and only then', () => {
  const s = loadFixture();
  const quiet = { ...s, loadGenerator: assessLoadGenerator(comfortable) };
  const busy = { ...s, loadGenerator: assessLoadGenerator({ ...comfortable, eventLoopUtilization: 0.99 }) };
  // "at the top": before the first table of each report
  for (const [format, firstTable] of [
    [(x: typeof s) => formatConsoleSummary(x, { color: false }), 'THRESHOLDS'],
    [formatMarkdown, '| | |'],
    [(x: typeof s) => formatHtml(x, {}), '<table>'],
  ] as const) {
    const text = format(busy);
    const top = text.slice(0, text.indexOf(firstTable));
    assert.match(top, /load generator saturated: .*event loop busy 99 %/);
    assert.not.match(format(quiet), /load generator saturated/);
  }
});

test.run();
