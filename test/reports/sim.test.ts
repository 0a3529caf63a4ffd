import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunSummary } from '../../results/types.ts';
import { fmtSimTime, formatSimReport, simHtml, simMarkdown, simReportData } from '../../reports/sim.ts';
import { recoveryOf } from '../../results/slo.ts';
import { loadCatalogue } from '../../harness/sim/cost/catalogue.ts';
import { runCost, DEFAULT_COST_SPEC } from '../../harness/sim/cost/cost.ts';
import { formatHtml } from '../../reports/html.ts';
import { formatMarkdown } from '../../reports/markdown.ts';
import { loadFixture, simulatedSpike } from './fixture.ts';
import { latencyOverTimeSpec } from '../../reports/charts.ts';
import { renderSvg } from '../../reports/render.ts';

/** a live fixture with a hand-written extra.sim: a 20 s and a 45 s scale-out, and a scale-in */
function simulated(): RunSummary {
  const s = loadFixture();
  return {
    ...s,
    durationMs: 300_000,
    extra: {
      sim: {
        replicaTimeline: [
          { t: 0, group: 'consumers', replicas: 2, ready: 2 },
          { t: 0, group: 'modelServers', replicas: 2, ready: 2 },
          { t: 0, group: 'featureStore', replicas: 1, ready: 1 },
          { t: 15_000, group: 'featureStore', replicas: 2, ready: 1 },
          { t: 35_000, group: 'featureStore', replicas: 2, ready: 2 },
          { t: 120_000, group: 'modelServers', replicas: 5, ready: 2 },
          { t: 165_000, group: 'modelServers', replicas: 5, ready: 5 },
          { t: 200_000, group: 'modelServers', replicas: 3, ready: 3 },
        ],
        decisions: [
          {
            timeMs: 120_000,
            controller: 'model>100ms→modelServers',
            target: 'modelServers',
            metric: 'model_response_ms',
            metrics: { model_response_ms: 231.4 },
            current: 2,
            final: 5,
            reason: 'model_response_ms: ceil(2.314 × 2 ready)',
          },
          {
            timeMs: 15_000,
            controller: 'hit<85%→featureStore',
            target: 'featureStore',
            metrics: { cache_miss_pct: 18 },
            current: 1,
            final: 2,
            reason: 'cache_miss_pct: ceil(1.2 × 1 ready)',
          },
        ],
        sloP99Ms: 500,
        sloViolationMinutes: 2.5,
        timeToRecoverMs: 95_000,
        recovered: true,
        maxLag: 123_456,
        generated: 10,
        processed: 10,
        rebalances: 1,
        loadChangeAtMs: 100_000,
        cost: {
          currency: 'USD',
          perHour: 1.5,
          total: 0.125,
          perMillionEvents: 0.0421,
          perGroupPerHour: { consumers: 0.5, modelServers: 1 },
        },
      },
    },
  };
}

test('the scale-out table has decision time, ready time, delay, and the driving metric with its value', () => {
  const d = simReportData(simulated())!;
  assert.equal(
    d.scaleOuts.map((o) => [o.group, o.from, o.to, o.decidedAtMs, o.readyAtMs, o.delayMs, o.metric, o.value]),
    [
      ['featureStore', 1, 2, 15_000, 35_000, 20_000, 'cache_miss_pct', 18],
      ['modelServers', 2, 5, 120_000, 165_000, 45_000, 'model_response_ms', 231.4],
    ],
  );
  assert.is(d.scaleIns, 1);
  assert.equal(d.peakReplicas, { consumers: 2, modelServers: 5, featureStore: 2 });
  assert.equal(d.reactionMs, { consumers: null, modelServers: 20_000, featureStore: null });
});

test('a scale-out whose replicas never got ready shows no ready time or delay', () => {
  const s = simulated();
  (
    s.extra!.sim as { replicaTimeline: { t: number; group: string; replicas: number; ready: number }[] }
  ).replicaTimeline.push({ t: 290_000, group: 'consumers', replicas: 4, ready: 2 });
  const last = simReportData(s)!.scaleOuts.at(-1)!;
  assert.equal([last.group, last.readyAtMs, last.delayMs, last.metric], ['consumers', null, null, undefined]);
  assert.match(simMarkdown(s), '| consumers | 2 → 4 | 290 s | — | — | — | — |');
});

test('summary.md and report.html show the SLO minutes, recovery, cost and the scale-out delays', () => {
  const s = simulated();
  const md = formatMarkdown(s);
  for (const w of [
    '## Simulation: SLO, recovery and cost',
    '| SLO-violation minutes | 2.5 |',
    '| time to recover (first episode) | 95 s |',
    '| cost per hour | $1.50',
    '| cost per million events | $0.0421 |',
    '## Scale-outs',
    '| modelServers | 2 → 5 | 120 s | 165 s | 45 s | model_response_ms | 231 |',
    '| featureStore | 1 → 2 | 15 s | 35 s | 20 s | cache_miss_pct | 18 |',
  ])
    assert.match(md, w);
  const html = formatHtml(s, {});
  assert.match(html, '<table id="scale-outs">');
  assert.match(html, '<td class="n">45 s</td>');
  assert.match(html, 'cost per million events');
  assert.is(simHtml(s).length > 0, true);
});

test('a live summary gets no simulation section', () => {
  const live = loadFixture();
  assert.is(simReportData(live), undefined);
  assert.is(simMarkdown(live), '');
  assert.not.match(formatMarkdown(live), 'Simulation');
  assert.not.match(formatHtml(live, {}), 'scale-outs');
});

test('simulated times read as seconds, long ones as h/m/s', () => {
  assert.is(fmtSimTime(45_000), '45 s');
  assert.is(fmtSimTime(1_500), '1.5 s');
  assert.is(fmtSimTime(3_725_000), '1h02m05s');
  assert.is(fmtSimTime(null), '—');
});

// a small simulated spike (fixture.ts): the lag rule adds consumers after a 10 s start-up
const spike = simulatedSpike();

test('a simulated run: scale-outs are paired with the time their replicas became ready (the start-up delay)', () => {
  const d = simReportData(spike, { loadChangeAtMs: 20_000 })!;
  const outs = d.scaleOuts.filter((s) => s.group === 'consumers');
  assert.ok(outs.length >= 1);
  for (const o of outs) assert.is(o.delayMs, 10_000);
  assert.match(outs[0]!.reason ?? '', /consumer_lag/);
  assert.ok(d.reactionMs.consumers! > 0 && d.reactionMs.consumers! <= 15_000);
  assert.is(d.peakReplicas.consumers, 4);
});

test('a simulated run: SLO violation and recovery are read from the per-second p99', () => {
  const d = simReportData(spike)!;
  assert.ok(d.sloViolationMinutes > 0);
  assert.ok(d.recovered);
  assert.ok(d.timeToRecoverMs! > 0 && d.timeToRecoverMs! < 130_000);
  assert.ok(d.maxLag > 1000);
});

test('recovery is computed from the time series when extra.sim does not carry it', () => {
  const x = { ...(spike.extra!.sim as Record<string, unknown>) };
  delete x.timeToRecoverMs;
  delete x.recovered;
  const d = simReportData({ ...spike, extra: { sim: x } })!;
  assert.equal([d.timeToRecoverMs, d.recovered], Object.values(recoveryOf(spike, 200)));
  assert.equal(
    [d.timeToRecoverMs, d.recovered],
    [(spike.extra!.sim as { timeToRecoverMs: number }).timeToRecoverMs, true],
  );
});

test('the capacity report has the headline figures, the scale-outs, the timeline, the reaction and cost', () => {
  const r = formatSimReport(spike, {
    cost: runCost(spike, loadCatalogue(), DEFAULT_COST_SPEC),
    loadChangeAtMs: 20_000,
  });
  for (const h of [
    '# mini-spike (simulated, 150 s)',
    '| p50 | p99 | throughput |',
    '## Scale-outs',
    '## Replica timeline',
    '| first consumers scale-out after the load change |',
    '| cost per hour | $',
  ])
    assert.match(r, h);
  assert.match(r, /\| consumers \| 1 → /);
});

test("a prediction's intervals: rows in summary.md and report.html, bands behind the latency lines", async () => {
  const x = spike.extra!.sim as object;
  const prediction = { replications: 5, p50: [30.5, 34.25], p99: [180, 260], throughput: [2990, 3010] };
  const s = { ...spike, extra: { ...spike.extra, sim: { ...x, prediction } } } as RunSummary;
  const md = formatMarkdown(s);
  assert.match(md, '| predicted p50 (95 % interval, 5 replications) | 30.5–34.3 ms |');
  assert.match(md, '| predicted p99 (95 % interval, 5 replications) | 180–260 ms |');
  assert.match(md, '| predicted throughput (95 % interval, 5 replications) | 2,990–3,010/s |');
  assert.match(formatHtml(s, {}), '<td>predicted p99 (95 % interval, 5 replications)</td><td>180–260 ms</td>');
  const spec = latencyOverTimeSpec(s) as { layer: { data: { values: { lo?: number; hi?: number }[] } }[] };
  const bands = spec.layer.flatMap((l) => l.data.values).filter((v) => v.lo !== undefined);
  assert.equal(
    bands.map((v) => [v.lo, v.hi]),
    [
      [30.5, 34.25],
      [180, 260],
    ],
  );
  assert.match(await renderSvg(spec as never), 'predicted p99');
  // without replications: no rows, no bands
  assert.not.match(formatMarkdown(spike), 'predicted p50');
  assert.is((latencyOverTimeSpec(spike) as { layer: unknown[] }).layer.length, spec.layer.length - 2);
});

test('a live run (no extra.sim) is refused by the capacity report', () => {
  assert.throws(() => formatSimReport({ ...spike, extra: {} }), /not a simulated run/);
});

test.run();
