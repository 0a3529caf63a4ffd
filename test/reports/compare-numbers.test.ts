/**
 * compare.md and compare.html print each figure with at most four significant figures and drop
 * trailing decimal zeros, but never an integer's own zeros: 200 events/s is "200", not "2".
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareHtml, compareMarkdown } from '../../reports/compare.ts';
import { COMPARE_SCHEMA, type CompareReport } from '../../results/compare.ts';

const row = (label: string, throughput: number, p99Ms: number) => ({
  label,
  mode: 'embedded',
  p50Ms: 3.5,
  p99Ms,
  throughput,
  costPerHour: null,
  costPerMillionEvents: null,
  sloViolationMinutes: 0,
  sloP99Ms: 50,
  errorRate: 0,
});
const report: CompareReport = {
  schema: COMPARE_SCHEMA,
  harness: { name: 'pipelab', version: '0' },
  baseline: 'a',
  sloP99Ms: 50,
  currency: 'USD',
  runs: [row('a', 200, 5.5), row('b', 1000.2, 40)],
  verdicts: [
    { figure: 'p99', run: 'b', baseline: 5.5, value: 40, delta: 34.5, noise: 1.25, verdict: 'worse' },
    { figure: 'throughput', run: 'b', baseline: 200, value: 1000.2, delta: 800.2, noise: 10, verdict: 'better' },
  ],
};

test('integers keep their zeros; decimals lose only trailing zeros', () => {
  const md = compareMarkdown(report);
  assert.match(md, /\| a \| embedded \| 3\.5 \| 5\.5 \| 200 \|/, md);
  assert.match(md, /\| b \| embedded \| 3\.5 \| 40 \| 1000 \|/, md);
  assert.match(md, /\| b \| p99 \(ms\) \| 5\.5 \| 40 \| 34\.5 \| 1\.25 \| worse \|/, md);
  assert.match(md, /\| b \| events\/s \| 200 \| 1000 \| 800\.2 \| 10 \| better \|/, md);
  const html = compareHtml(report, {});
  assert.match(html, /<td>200<\/td>/);
  assert.not.match(html, /<td>2<\/td>/);
});

test.run();
