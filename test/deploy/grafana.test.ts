/**
 * The Grafana dashboard (deploy/grafana/dashboards/pipelab.json) asks only for metrics that exist:
 * every metric name in a panel's query is exposed by the harness during a real autoscaled
 * pipeline run (PrometheusExporter, as `pipelab run --metrics-port` serves it) or by the model
 * server's registry (its GET /metrics).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { runScenario } from '../../harness/runner/index.ts';
import { PrometheusExporter } from '../../harness/cli/live/prometheus.ts';
import { createServerMetrics } from '../../pipeline/model-server/metrics.ts';

/** exposed only by runs that have them: the kafka target measures its consumer group's lag */
const ONLY_SOME_RUNS = new Set(['pipelab_consumer_lag']);

/** metric families named in an exposition (# TYPE lines) */
const families = (text: string): Set<string> =>
  new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] as string));

/** the metric names a PromQL expression reads (histogram/summary series map to their family) */
function metricsOf(expr: string): string[] {
  return [...expr.matchAll(/\b(pipelab_[A-Za-z0-9_]+)/g)].map((m) =>
    (m[1] as string).replace(/_(bucket|sum|count)$/, ''),
  );
}

test('every metric a Grafana panel queries is exposed by the harness or the model server', async () => {
  const exporter = new PrometheusExporter();
  await runScenario(
    {
      name: 'grafana-check',
      target: { type: 'pipeline', processors: 1, autoscale: { policy: 'keda', max: 2, syncPeriod: '1s' } },
      executors: { main: { executor: 'constant-arrival-rate', rate: 50, duration: '8s', preAllocatedVUs: 20 } },
    } as never,
    { observers: [exporter] },
  );
  const exposed = families(await exporter.text());
  for (const f of families(await createServerMetrics({ defaultMetrics: true }).registry.metrics())) exposed.add(f);
  const dash = JSON.parse(readFileSync('deploy/grafana/dashboards/pipelab.json', 'utf8'));
  let checked = 0;
  for (const panel of dash.panels)
    for (const t of panel.targets ?? [])
      for (const name of metricsOf(t.expr)) {
        checked++;
        if (!ONLY_SOME_RUNS.has(name)) assert.ok(exposed.has(name), `${panel.title}: ${name} is not exposed`);
      }
  assert.ok(checked >= 20, `${checked} metric references checked`);
});

test.run();
