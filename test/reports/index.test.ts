import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultReportDir, writeReport } from '../../reports/index.ts';
import { loadFixture } from './fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'pipelab-report-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const CHARTS = ['latency-percentiles', 'latency-histogram', 'throughput', 'errors', 'response-ranges'];

test('writeReport writes every report file and returns their paths', async () => {
  const files = await writeReport(loadFixture(), dir);
  const expected = [
    'summary.json',
    'summary.md',
    'junit.xml',
    'report.html',
    ...CHARTS.flatMap((c) => [`charts/${c}.svg`, `charts/${c}.png`]),
  ];
  for (const f of expected) {
    assert.ok(files.includes(join(dir, f)), `returned ${f}`);
    assert.ok(statSync(join(dir, f)).size > 100, `${f} is not empty`);
  }
  assert.is(files.length, expected.length);
  assert.is(files[0], join(dir, 'summary.json'));
});

test('summary.json round-trips to the same RunSummary', () => {
  assert.equal(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')), loadFixture());
});

test('every PNG starts with the PNG signature and every SVG names the chart font', () => {
  for (const c of CHARTS) {
    const png = readFileSync(join(dir, 'charts', `${c}.png`));
    assert.equal([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], c);
    assert.match(readFileSync(join(dir, 'charts', `${c}.svg`), 'utf8'), /DejaVu Sans/);
  }
});

test('report.html is self-contained: the charts inline, no scripts, no remote references', () => {
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  for (const c of CHARTS) assert.match(html, `id="chart-${c}"`);
  assert.is((html.match(/<svg/g) ?? []).length >= CHARTS.length, true);
  assert.not.match(html, /<script/i);
  assert.not.match(html, /<link/i);
  assert.not.match(html, /(src|href)=["']?https?:/i);
  assert.not.match(html, /@import|url\(\s*['"]?https?:/i);
  // the tables are there too, with the figures
  assert.match(html, '<td class="n">67.71</td>');
  assert.match(html, 'p(99)&lt;20');
  // fixture text with markup characters is escaped
  assert.match(html, 'fixture &lt;&amp;&gt;');
});

test('charts can be skipped: report.html still written, no chart files', async () => {
  const d2 = join(dir, 'nocharts');
  const files = await writeReport(loadFixture(), d2, { charts: false });
  assert.equal(files.map((f) => f.slice(d2.length + 1)).sort(), [
    'junit.xml',
    'report.html',
    'summary.json',
    'summary.md',
  ]);
});

test('a run that recorded nothing (aborted at once) still gets a full report', async () => {
  const s = {
    ...loadFixture(),
    metrics: {},
    thresholds: [],
    executors: [],
    timeseries: { intervalMs: 1000, points: [] },
    warmupMs: 0,
  };
  const files = await writeReport(s, join(dir, 'empty'));
  assert.is(files.length, 4 + CHARTS.length * 2);
  assert.match(readFileSync(join(dir, 'empty', 'summary.md'), 'utf8'), 'No trend metrics recorded.');
});

test('the default directory is reports/out/<scenario>-<UTC timestamp of the start>', () => {
  const s = loadFixture();
  assert.is(defaultReportDir(s), join('reports', 'out', 'fixture-smoke-20261126-100000'));
  assert.is(defaultReportDir({ ...s, scenario: { ...s.scenario, name: 'a b/c' } }, '/x'), '/x/a_b_c-20261126-100000');
});

test.run();
