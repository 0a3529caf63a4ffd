/**
 * Every page a user opens, in a real browser (Debian's chromium via playwright-core): the live
 * dashboard of `pipelab run --dashboard` during a real pipeline run (it loads without console
 * errors, its charts change while the run goes, it turns into the report at the end), its
 * offline export, report.html and compare.html (every chart drawn with marks, every table present).
 * Screenshots: reports/out/browser-tests/ (printed).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { EXIT_CODES } from '../../errors.ts';
import { writeReport } from '../../reports/index.ts';
import { ARTEFACTS, haveChromium, launchBrowser, pageContents, screenshot, watchedPage } from '../helpers/browser.ts';

const ok = haveChromium();
const dir = mkdtempSync(join(tmpdir(), 'pipelab-browser-'));
let browser: Browser;

test.before(async () => {
  if (ok) browser = await launchBrowser();
});
test.after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** sections of report.html and compare.html that hold no table by design */
const NO_TABLE = new Set(['Charts', 'Resolved config', 'Extra']);

/**
 * a report page: no console errors, every chart has marks (an empty chart's are the text saying
 * so), every section its table, and the sections named are there
 */
async function checkReport(
  page: Page,
  errors: string[],
  name: string,
  expected = ['Thresholds', 'Trends (ms)', 'Executors'],
): Promise<void> {
  const { charts, sections } = await pageContents(page);
  assert.ok(Object.keys(charts).length >= 3, `charts: ${Object.keys(charts)}`);
  for (const [id, marks] of Object.entries(charts)) assert.ok(marks > 0, `${name}: ${id} has no data marks`);
  for (const [h, tables] of Object.entries(sections))
    if (!NO_TABLE.has(h)) assert.ok(tables > 0, `${name}: section "${h}" has no table`);
  for (const h of expected) assert.ok(h in sections, `${name}: no section ${h}`);
  assert.equal(errors, [], `${name}: console errors`);
}

/** the number of values the dashboard's chart has drawn so far */
const drawn = (page: Page, id: string): Promise<number> =>
  page.evaluate(`Number(document.getElementById('chart-${id}')?.dataset.points ?? 0)`) as Promise<number>;

/** resolves with the first stderr line matching re */
function lineOf(child: ChildProcess, re: RegExp, log: string[]): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stderr?.on('data', (d: Buffer) => {
      buf += d;
      log.push(String(d));
      const m = re.exec(buf);
      if (m) resolve(m);
    });
    child.on('close', (code) => reject(new Error(`pipelab exited (${code}) before ${re}: ${log.join('')}`)));
  });
}

test('the live dashboard of a pipeline run: no console errors, charts change, then the report', async () => {
  if (!ok) return;
  const out = join(dir, 'run');
  const exported = join(ARTEFACTS, 'dashboard-export.html');
  // the run is ended by Ctrl-C (SIGINT) once the page has seen it live, as a user stops a run: no
  // fixed duration has to outlast the 2 s warm-up and seconds of load on a loaded machine (it took
  // 15 s); 60 s is only a bound
  const args = ['run', 'scenarios/smoke.ts', '--duration', '60s', '--rate', '100', '--out', out];
  const child = spawn(
    process.execPath,
    ['bin/pipelab.js', ...args, '--dashboard', '--dashboard-port', '0', '--dashboard-export', exported],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log: string[] = [];
  const exit = new Promise<number | null>((r) => child.on('close', r));
  try {
    const url = (await lineOf(child, /dashboard: (http:\/\/127\.0\.0\.1:\d+)/, log))[1] as string;
    const { page, errors } = await watchedPage(browser);
    await page.goto(url);
    await page.waitForFunction(`Number(document.getElementById('chart-throughput')?.dataset.points) > 0`, null, {
      timeout: 60_000,
    });
    const first = await drawn(page, 'throughput');
    // the next second arrives over the event stream, without a reload
    await page.waitForFunction(`Number(document.getElementById('chart-throughput')?.dataset.points) > ${first}`, null, {
      timeout: 60_000,
    });
    // latency has points once a second of the measured run has closed (the smoke's 2 s warm-up first)
    await page.waitForFunction(`Number(document.getElementById('chart-latency')?.dataset.points) > 0`, null, {
      timeout: 60_000,
    });
    assert.ok((await drawn(page, 'latency')) > 0, 'latency percentiles drawn');
    await screenshot(page, 'dashboard-live');
    // the end of the run: in-flight iterations finish, the report is written, the page becomes it
    child.kill('SIGINT');
    await page.waitForFunction(`document.querySelector('h1')?.textContent.startsWith('pipelab run: smoke')`, null, {
      timeout: 120_000,
    });
    await screenshot(page, 'dashboard-final-report');
    await checkReport(page, errors, 'dashboard → report');
    const code = await exit;
    assert.is(code, EXIT_CODES.ABORTED_BY_USER, `exit ${code}: ${log.join('')}`);

    // the run's report.html as written, and the export, offline from files
    const rep = await watchedPage(browser);
    await rep.page.goto(pathToFileURL(join(out, 'report.html')).href);
    await checkReport(rep.page, rep.errors, 'report.html (pipeline run)');
    await screenshot(rep.page, 'report-pipeline');
    const exp = await watchedPage(browser);
    await exp.page.goto(pathToFileURL(exported).href);
    for (const id of ['throughput', 'latency', 'stages', 'lag', 'replicas'])
      assert.ok((await drawn(exp.page, id)) > 0, `export: ${id} drawn`);
    assert.equal(exp.errors, [], 'export: console errors');
    await screenshot(exp.page, 'dashboard-export');
  } finally {
    child.kill('SIGKILL');
  }
});

test('report.html of a summary from file: every chart drawn, every table present', async () => {
  if (!ok) return;
  const summary = JSON.parse(readFileSync('test/fixtures/summary.json', 'utf8'));
  const out = join(dir, 'fixture');
  await writeReport(summary, out);
  const { page, errors } = await watchedPage(browser);
  await page.goto(pathToFileURL(join(out, 'report.html')).href);
  await checkReport(page, errors, 'report.html (fixture)');
  await screenshot(page, 'report-fixture');
});

test('compare.html of two runs: every chart drawn, every table present', async () => {
  if (!ok) return;
  const summary = JSON.parse(readFileSync('test/fixtures/summary.json', 'utf8'));
  await writeReport(summary, join(dir, 'a'), { charts: false });
  await writeReport({ ...summary, seed: summary.seed + 1 }, join(dir, 'b'), { charts: false });
  const out = join(dir, 'compare');
  const r = spawnSync(process.execPath, ['bin/pipelab.js', 'compare', join(dir, 'a'), join(dir, 'b'), '--out', out], {
    encoding: 'utf8',
  });
  assert.ok(r.status === 0 || r.status === 99, `compare exit ${r.status}: ${r.stderr}`);
  const { page, errors } = await watchedPage(browser);
  await page.goto(pathToFileURL(join(out, 'compare.html')).href);
  await checkReport(page, errors, 'compare.html', ['Verdicts against the baseline']);
  await screenshot(page, 'compare');
});

test.run();
