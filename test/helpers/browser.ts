/**
 * A real browser for the page tests: Debian's chromium (installed by .ci/install-tools.sh) driven
 * by playwright-core, which downloads nothing. The flags are the ones a closed network and a root
 * container need. Without chromium the suite skips with a notice (fails under CI=true, see
 * tools.ts). Screenshots go to reports/out/browser-tests/ (gitignored with reports/out/).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { haveTool } from './tools.ts';

const CHROMIUM = '/usr/bin/chromium';
export const ARTEFACTS = resolve('reports', 'out', 'browser-tests');

export function haveChromium(): boolean {
  return haveTool(CHROMIUM, ['--version'], `chromium (${CHROMIUM})`);
}

export async function launchBrowser(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-default-apps',
      '--disable-extensions',
      '--disable-sync',
      '--no-first-run',
      '--metrics-recording-only',
      '--mute-audio',
    ],
  });
}

/** a new page whose console errors and uncaught exceptions are collected in `errors` */
export async function watchedPage(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText ?? '';
    // the dashboard closes its event stream itself when the run ends: an abort, not a failure
    if (!(why === 'net::ERR_ABORTED' && r.url().endsWith('/events'))) errors.push(`request failed: ${r.url()} ${why}`);
  });
  return { page, errors };
}

/** a full-page screenshot kept as a test artefact; prints and returns its path */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTEFACTS, { recursive: true });
  const path = join(ARTEFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  console.log(`screenshot: ${path}`);
  return path;
}

/**
 * What a report page holds: per chart figure, its data marks (children of vega's role-mark groups),
 * and per h2 section, whether a table follows it.
 */
type Contents = { charts: Record<string, number>; sections: Record<string, number> };

// runs in the page (a string: the project compiles without the DOM library)
const CONTENTS = `(() => {
  const charts = {};
  for (const f of document.querySelectorAll('figure.chart'))
    charts[f.id] = f.querySelectorAll('svg g.role-mark > *').length;
  const sections = {};
  for (const h of document.querySelectorAll('h2')) {
    let n = 0;
    for (let e = h.nextElementSibling; e && e.tagName !== 'H2'; e = e.nextElementSibling)
      n += e.tagName === 'TABLE' ? 1 : e.querySelectorAll('table').length;
    sections[h.textContent] = n;
  }
  return { charts, sections };
})()`;

export function pageContents(page: Page): Promise<Contents> {
  return page.evaluate(CONTENTS) as Promise<Contents>;
}
