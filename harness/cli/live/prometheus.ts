/**
 * `pipelab run --metrics-port N`: the running harness's own figures in Prometheus text format at
 * GET /metrics, beside the model server's /metrics (pipelab_model_*). Fed by the run's ticks, so
 * a scrape reads what the last completed second said, never the registry mid-second.
 *
 *   pipelab_run_info{scenario,seed} 1              pipelab_run_elapsed_seconds, _planned_seconds
 *   pipelab_<counter>_total                        every counter (iterations, dropped_iterations, …)
 *   pipelab_<rate>_total{outcome="true|false"}     every rate (errors: outcome="true" is an error)
 *   pipelab_<gauge>                                every gauge, last value (vus, consumer_lag, …)
 *   pipelab_<trend>_seconds{quantile}              every trend over the last second (0.5 … 0.99, 1 = max)
 *   pipelab_<trend>_samples_total                  samples recorded
 *   pipelab_harness_*                              the harness process (CPU, memory, event loop)
 * Counters include the warm-up (Prometheus wants totals); summary.json excludes it.
 */
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { MetricType, TimePoint, TimePointValue } from '../../../results/types.ts';
import type { LiveTick, RunObserver } from '../../runner/api.ts';
import { closeNow, listenOn } from './listen.ts';

const QUANTILES: [string, keyof TimePointValue][] = [
  ['0.5', 'p50'],
  ['0.9', 'p90'],
  ['0.95', 'p95'],
  ['0.99', 'p99'],
  ['1', 'max'],
];

/** a Prometheus metric name for one of ours (dots and other characters become _) */
const promName = (name: string): string => `pipelab_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;

export class PrometheusExporter implements RunObserver {
  readonly registry = new Registry();
  private readonly counters = new Map<string, Counter>();
  private readonly gauges = new Map<string, Gauge>();
  private readonly info: Gauge;
  private readonly elapsed: Gauge;
  private readonly planned: Gauge;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'pipelab_harness_' });
    this.info = new Gauge({
      name: 'pipelab_run_info',
      help: 'the scenario running',
      labelNames: ['scenario', 'seed'],
      registers,
    });
    this.elapsed = new Gauge({ name: 'pipelab_run_elapsed_seconds', help: 'run time so far', registers });
    this.planned = new Gauge({ name: 'pipelab_run_planned_seconds', help: 'planned run time (0: unknown)', registers });
  }

  start(info: { scenario: string; seed: number; totalMs: number }): void {
    this.info.set({ scenario: info.scenario, seed: String(info.seed) }, 1);
    this.planned.set(info.totalMs / 1000);
  }

  tick(t: LiveTick): void {
    this.elapsed.set(t.progress.elapsedMs / 1000);
    const types = new Map(t.metrics.filter((m) => !m.name.includes('{')).map((m) => [m.name, m.type]));
    // every family from the tick its metric is registered in; values as its seconds complete
    for (const [name, type] of types) this.record(name, type, { t: 0, [name]: { count: 0 } });
    for (const p of t.points) for (const [name, type] of types) this.record(name, type, p);
  }

  /** the exposition text (what GET /metrics answers) */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  private record(name: string, type: MetricType, p: TimePoint): void {
    const v = p[name];
    if (!v || typeof v !== 'object') return;
    const base = promName(name);
    if (type === 'counter') this.counter(`${base}_total`, `pipelab counter ${name}`).inc(v.count ?? 0);
    else if (type === 'gauge') {
      if (v.value !== undefined) this.gauge(base, `pipelab gauge ${name} (last value)`).set(v.value);
    } else if (type === 'rate') {
      const c = this.counter(`${base}_total`, `pipelab rate ${name}: samples by outcome`, ['outcome']);
      const n = v.count ?? 0;
      const yes = Math.round(n * (v.value ?? 0));
      c.inc({ outcome: 'true' }, yes);
      c.inc({ outcome: 'false' }, n - yes);
    } else {
      this.counter(`${base}_samples_total`, `pipelab trend ${name}: samples`).inc(v.count ?? 0);
      // the family exists from the trend's first second; its quantiles from its first sample
      const g = this.gauge(`${base}_seconds`, `pipelab trend ${name} over the last second`, ['quantile']);
      if (!v.count) return;
      for (const [q, k] of QUANTILES) {
        const x = v[k];
        if (typeof x === 'number') g.set({ quantile: q }, x / 1000);
      }
    }
  }

  private counter(name: string, help: string, labelNames: string[] = []): Counter {
    let c = this.counters.get(name);
    if (!c) {
      c = new Counter({ name, help, labelNames, registers: [this.registry] });
      this.counters.set(name, c);
    }
    return c;
  }

  private gauge(name: string, help: string, labelNames: string[] = []): Gauge {
    let g = this.gauges.get(name);
    if (!g) {
      g = new Gauge({ name, help, labelNames, registers: [this.registry] });
      this.gauges.set(name, g);
    }
    return g;
  }
}

/** serves the exporter at /metrics on host:port until closed */
export async function serveMetrics(
  exporter: PrometheusExporter,
  port: number,
  host = '127.0.0.1',
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if ((req.url ?? '/').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found (have /metrics)\n');
      return;
    }
    exporter.text().then(
      (body) => res.writeHead(200, { 'content-type': exporter.registry.contentType }).end(body),
      (e: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${e.message}\n`),
    );
  });
  const url = `${await listenOn(server, port, host, '--metrics-port')}/metrics`;
  return { url, close: () => closeNow(server) };
}
