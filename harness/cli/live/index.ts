/**
 * What a run shows while it runs, besides the progress line: the dashboard (--dashboard,
 * --dashboard-port, --dashboard-export) and the Prometheus endpoint (--metrics-port,
 * --metrics-host). One object for the run command: observers for the runner, then finish() with
 * the summary (the dashboard turns into the report, the export is written), then close().
 * Everything is off unless asked for, and nothing waits for a browser or a scraper.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chartSpecs, formatHtml, renderSvg } from '../../../reports/index.ts';
import type { RunSummary } from '../../../results/types.ts';
import type { RunObserver } from '../../runner/api.ts';
import { prepareOutputFile, writeOutputFile } from '../output.ts';
import { DEFAULT_DASHBOARD_PORT, Dashboard } from './dashboard.ts';
import { parsePort } from './listen.ts';
import { PrometheusExporter, serveMetrics } from './prometheus.ts';

export interface LiveFlags {
  dashboard?: boolean;
  dashboardPort?: string;
  dashboardExport?: string;
  metricsPort?: string;
  metricsHost?: string;
}

export interface LiveOutputs {
  observers: RunObserver[];
  /** the run has ended: reportDir holds report.html when the report was written */
  finish(summary: RunSummary, reportDir: string | undefined): Promise<void>;
  close(): Promise<void>;
}

/** checks the flags (exit 104 before anything runs); nothing is opened */
export function checkLiveFlags(f: LiveFlags): void {
  parsePort('--dashboard-port', f.dashboardPort, DEFAULT_DASHBOARD_PORT);
  parsePort('--metrics-port', f.metricsPort, 0);
  if (f.dashboardExport) prepareOutputFile('--dashboard-export', f.dashboardExport);
}

/** opens what the flags ask for and says where on `note` (stderr) */
export async function startLive(f: LiveFlags, note: (line: string) => void): Promise<LiveOutputs> {
  checkLiveFlags(f);
  const observers: RunObserver[] = [];
  const closers: (() => Promise<void>)[] = [];
  let dashboard: Dashboard | undefined;
  try {
    if (f.dashboard || f.dashboardExport) {
      const port = f.dashboard ? parsePort('--dashboard-port', f.dashboardPort, DEFAULT_DASHBOARD_PORT) : null;
      dashboard = await Dashboard.start(port);
      observers.push(dashboard);
      closers.push(() => (dashboard as Dashboard).close());
      if (dashboard.url) note(`dashboard: ${dashboard.url}`);
    }
    if (f.metricsPort !== undefined) {
      const exporter = new PrometheusExporter();
      const served = await serveMetrics(exporter, parsePort('--metrics-port', f.metricsPort, 0), f.metricsHost);
      observers.push(exporter);
      closers.push(() => served.close());
      note(`metrics: ${served.url} (Prometheus text format)`);
    }
  } catch (e) {
    await Promise.all(closers.map((c) => c()));
    throw e;
  }
  return {
    observers,
    async finish(summary, reportDir) {
      if (!dashboard) return;
      dashboard.finish(summary.timeseries.points, await reportHtml(summary, reportDir));
      if (f.dashboardExport) {
        writeOutputFile('--dashboard-export', f.dashboardExport, dashboard.exportPage());
        note(`dashboard export: ${f.dashboardExport}`);
      }
    },
    close: async () => {
      await Promise.all(closers.map((c) => c()));
    },
  };
}

/** the report.html just written, or the same page rendered here when --no-report */
async function reportHtml(summary: RunSummary, dir: string | undefined): Promise<string> {
  if (dir) {
    const written = await readFile(join(dir, 'report.html'), 'utf8').catch(() => undefined);
    if (written) return written;
  }
  const svgs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(chartSpecs(summary))) svgs[name] = await renderSvg(spec);
  return formatHtml(summary, svgs);
}
