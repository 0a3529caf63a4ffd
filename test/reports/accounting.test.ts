import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { accountingRows } from '../../reports/accounting.ts';
import { formatMarkdown } from '../../reports/markdown.ts';
import { formatHtml } from '../../reports/html.ts';
import { formatConsoleSummary } from '../../reports/console.ts';
import { loadFixture } from './fixture.ts';

const withAccounting = () => {
  const s = loadFixture();
  s.extra = {
    accounting: {
      produced: 2000,
      malformedProduced: 20,
      produceFailed: 0,
      decided: 1978,
      deadLettered: 20,
      deadLetterReasons: { 'malformed-json': 9, schema: 11 },
      missing: 2,
      missingSample: ['t1-a', 't1-b'],
      duplicates: 3,
      foreign: 0,
      aggregatedEvents: 1978,
      windowsObserved: 700,
      bySource: { model: 1900, rules: 78 },
      byModelVersion: { v1: 1780, v2: 120, 'client-fallback': 78 },
      drainMs: 15000,
    },
  };
  return s;
};

test('a run without accounting gets no accounting rows or section', () => {
  assert.equal(accountingRows(loadFixture()), []);
  assert.not.match(formatMarkdown(loadFixture()), 'Event accounting');
});

test('the tally shows every ending with its share, reasons, sources and the model split', () => {
  const md = formatMarkdown(withAccounting());
  assert.match(md, '## Event accounting');
  assert.match(md, '| produced | 2,000 | 20 deliberately malformed |');
  assert.match(md, '| decided | 1,978 (98.90 %) | model 1,900, rules 78 |');
  assert.match(md, '| dead-lettered | 20 (1.00 %) | malformed-json 9, schema 11 |');
  assert.match(md, '| missing | 2 (0.10 %) | e.g. t1-a, t1-b |');
  assert.match(md, '| duplicates | 3 (0.15 %) |');
  assert.match(md, '| decisions by model version | v1 1,780, v2 120, client-fallback 78 |');
});

test('the HTML report has the accounting table and marks missing events', () => {
  const html = formatHtml(withAccounting(), {});
  assert.match(html, '<h2>Event accounting</h2>');
  assert.match(html, '<td class="n fail">2 (0.10 %)</td>');
});

test('the console summary ends with the tally', () => {
  const text = formatConsoleSummary(withAccounting(), { color: false });
  assert.match(text, 'EVENT ACCOUNTING');
  assert.match(text, /missing\.+: 2 \(0\.10 %\) {2}e\.g\. t1-a, t1-b/);
  assert.not.match(formatConsoleSummary(loadFixture(), { color: false }), 'EVENT ACCOUNTING');
});

test.run();
