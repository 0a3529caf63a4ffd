/**
 * The production question, static part: scenarios/production-prediction.ts's deployment (without
 * autoscaling) simulated at 10k, 20k, 50k, 100k, 200k, 500k and 1M events/s until it saturates;
 * the knee refined by bisection, the component that saturates first, and the cost per million
 * events at the knee (harness/sim/cost, example prices). Then the same with every autoscaled
 * group at its maximum (12 processors, 20 model servers): what scaling out buys before the
 * brokers, which no rule scales, are the limit.
 *   npx tsx bench/production-sweep.ts [--quick]
 */
import './help.ts';
import scenario from '../scenarios/production-prediction.ts';
import { loadCatalogue } from '../harness/sim/cost/catalogue.ts';
import { configCost } from '../harness/sim/cost/cost.ts';
import { capacitySweep, type SweepResult } from '../harness/sim/sweep.ts';
import { textTable } from '../results/table.ts';

const quick = process.argv.includes('--quick');
const TARGET = 1_000_000;
const RATES = quick ? [10_000, 50_000] : [10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000];
const { kind: _k, thresholds: _t, cost, loadChangeAtMs: _l, report: _r, description: _d, ...sim } = scenario;
const base = { ...sim, autoscaling: undefined };
const opts = { durationMs: quick ? 3000 : 6000, warmupMs: quick ? 1000 : 2000 };

function show(label: string, replicas: Record<string, number>, r: SweepResult): void {
  console.log(`\n## ${label}`);
  const keys = Object.keys(r.rows[0]?.utilisation ?? {});
  const rows = r.rows.map((x) => [
    String(x.rate),
    x.p50.toFixed(1),
    x.p99.toFixed(1),
    x.throughput.toFixed(0),
    ...keys.map((k) => `${Math.round(100 * x.utilisation[k]!)} %`),
    x.saturated ? 'saturated' : 'ok',
  ]);
  console.log(
    textTable(['events/s', 'p50 ms', 'p99 ms', 'done/s', ...keys, ''], rows, {
      align: ['right', 'right', 'right', 'right', ...keys.map(() => 'right' as const), 'left'],
    }),
  );
  const ok = [...r.rows].reverse().find((x) => !x.saturated);
  if (ok) {
    const times = keys.map((k) => `${k} ×${((TARGET * ok.utilisation[k]!) / (0.8 * ok.rate)).toFixed(1)}`);
    console.log(
      `to sustain ${TARGET.toLocaleString('en')} events/s at 80 % busy, from the ${ok.rate}/s row (linear in ` +
        `replicas or cores): ${times.join(', ')}`,
    );
  }
  if (r.knee === undefined) {
    console.log('no knee within the rates swept');
    return;
  }
  const c = configCost(replicas, r.knee, loadCatalogue(), cost);
  console.log(
    `knee: ${r.knee} events/s; saturates first: ${r.firstToSaturate}; at the knee $${c.perHour.toFixed(2)}/h, ` +
      `$${(c.perMillionEvents ?? 0).toFixed(4)} per million events (example prices)`,
  );
}

const start = {
  consumers: sim.consumers?.replicas ?? 3,
  modelServers: sim.modelServer?.replicas ?? 5,
  featureStore: sim.featureStore?.replicas ?? 1,
};
show('as deployed (3 processors, 5 model servers)', start, capacitySweep(base, RATES, opts));
const max = {
  consumers: sim.consumers?.maxReplicas ?? 12,
  modelServers: sim.modelServer?.maxReplicas ?? 20,
  featureStore: sim.featureStore?.maxReplicas ?? 6,
};
show(
  `scaled out to the autoscalers' maxima (${max.consumers} processors, ${max.modelServers} model servers)`,
  max,
  capacitySweep(
    {
      ...base,
      consumers: { ...sim.consumers, replicas: max.consumers },
      modelServer: { ...sim.modelServer, replicas: max.modelServers },
      featureStore: { ...sim.featureStore, replicas: max.featureStore },
    },
    RATES,
    opts,
  ),
);
