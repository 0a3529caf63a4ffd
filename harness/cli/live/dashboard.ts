/**
 * The live dashboard of `pipelab run --dashboard` (k6's web dashboard is the model): a page on
 * loopback that draws the run's per-second figures as they arrive over server-sent events, and
 * turns into the final report when the run ends. It never waits for a browser: the run starts at
 * once, and the server closes when the command is done (`--dashboard-export FILE` keeps the page).
 *
 *   GET /        the page          GET /events  the event stream (meta, tick, done)
 *   GET /data    the state so far  GET /report  the final report.html, once the run has ended
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { MetricType, TimePoint } from '../../../results/types.ts';
import type { LiveTick, RunObserver } from '../../runner/api.ts';
import { closeNow, listenOn } from './listen.ts';
import { dashboardPage, type DashboardState } from './page.ts';

export const DEFAULT_DASHBOARD_PORT = 5665;

export class Dashboard implements RunObserver {
  private readonly clients = new Set<ServerResponse>();
  private readonly state: DashboardState = { info: null, points: [], types: {}, progress: null, ended: false };
  private report: string | undefined;
  url = '';

  private constructor(private readonly server: Server | undefined) {}

  /**
   * listens on host:port (5665 by default, 0 for any free port); port null: no server, the
   * figures are only collected for an export
   */
  static async start(port: number | null = DEFAULT_DASHBOARD_PORT, host = '127.0.0.1'): Promise<Dashboard> {
    if (port === null) return new Dashboard(undefined);
    const server = createServer();
    const d = new Dashboard(server);
    server.on('request', (req, res) => d.handle(req, res));
    d.url = await listenOn(server, port, host, '--dashboard-port');
    return d;
  }

  start(info: NonNullable<DashboardState['info']>): void {
    this.state.info = info;
    this.send('meta', info);
  }

  tick(t: LiveTick): void {
    this.state.points.push(...t.points);
    this.state.progress = t.progress;
    this.setTypes(t.metrics);
    this.send('tick', { progress: t.progress, points: t.points, types: this.state.types });
  }

  /**
   * The run has ended: every point of the summary (the seconds after the last tick too) and the
   * final report, which open pages switch to.
   */
  finish(points: TimePoint[], reportHtml: string): void {
    this.state.points = points.slice();
    this.state.ended = true;
    this.report = reportHtml;
    this.send('done', { points, html: reportHtml });
  }

  /** the page with every figure so far inside it: opens offline, no server needed */
  exportPage(): string {
    return dashboardPage(this.state);
  }

  close(): Promise<void> {
    for (const c of this.clients) c.end();
    this.clients.clear();
    return this.server ? closeNow(this.server) : Promise.resolve();
  }

  private setTypes(metrics: { name: string; type: MetricType }[]): void {
    for (const m of metrics) this.state.types[m.name] = m.type;
  }

  private send(event: string, data: unknown): void {
    if (!this.clients.size) return;
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const c of this.clients) c.write(frame);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') plain(res, 405, 'GET only');
    else if (path === '/') html(res, dashboardPage({ ...this.state, live: true }));
    else if (path === '/data') json(res, this.state);
    else if (path === '/report') {
      if (this.report) html(res, this.report);
      else plain(res, 404, 'the run has not ended: no report yet');
    } else if (path === '/events') this.subscribe(req, res);
    else if (path === '/favicon.ico') res.writeHead(204).end();
    else plain(res, 404, 'not found (have /, /events, /data, /report)');
  }

  private subscribe(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    // a browser that joins late gets the whole run so far in its first event
    res.write(`retry: 2000\nevent: state\ndata: ${JSON.stringify(this.state)}\n\n`);
    if (this.report)
      res.write(`event: done\ndata: ${JSON.stringify({ points: this.state.points, html: this.report })}\n\n`);
    this.clients.add(res);
    req.on('close', () => this.clients.delete(res));
  }
}

const plain = (res: ServerResponse, status: number, text: string): void => {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${text}\n`);
};
const html = (res: ServerResponse, body: string): void => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(body);
};
const json = (res: ServerResponse, body: unknown): void => {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};
