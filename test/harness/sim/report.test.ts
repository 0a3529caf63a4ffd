import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { simulate } from '../../../harness/sim/simulate.ts';
import { analyseSimulation, formatSimReport, simTimelineSpec } from '../../../harness/sim/report.ts';
import { loadCatalogue } from '../../../harness/cost/catalogue.ts';

// a small spike: 1 consumer cannot keep up, the lag rule adds consumers after a 10 s start-up
const summary = simulate({
  name: 'mini-spike', seed: 3, durationMs: 150_000, partitions: 4,
  arrivals: { kind: 'spike', base: 500, peak: 4000, atMs: 20_000, durationMs: 40_000 },
  consumers: { replicas: 1, maxReplicas: 4, cores: 1, process: { type: 'exponential', meanMs: 0.5 }, startupDelayMs: 10_000, rebalancePauseMs: 1000 },
  autoscaling: { policies: [{ group: 'consumers', startupDelayMs: 10_000, hpa: { maxReplicas: 4, metrics: [{ type: 'External', name: 'consumer_lag', target: { type: 'AverageValue', value: 1000 } }] } }] },
  slo: { p99Ms: 200 },
});

test('scale-outs are paired with the time their replicas became ready (the start-up delay)', () => {
  const a = analyseSimulation(summary, { loadChangeAtMs: 20_000 });
  const outs = a.scaleOuts.filter((s) => s.group === 'consumers');
  assert.ok(outs.length >= 1);
  for (const o of outs) assert.is(o.delayMs, 10_000);
  assert.match(outs[0]!.reason ?? '', /consumer_lag/);
  assert.ok(a.reactionMs.consumers! > 0 && a.reactionMs.consumers! <= 15_000);
  assert.is(a.peakReplicas.consumers, 4);
});

test('SLO violation and recovery are read from the per-second p99', () => {
  const a = analyseSimulation(summary);
  assert.ok(a.sloViolationMinutes > 0);
  assert.ok(a.recovered);
  assert.ok(a.timeToRecoverMs! > 0 && a.timeToRecoverMs! < 130_000);
  assert.ok(a.peakLag > 1000);
});

test('the Markdown report has the headline figures, the scale-outs, the timeline and cost', () => {
  const r = formatSimReport(analyseSimulation(summary, { catalogue: loadCatalogue(), loadChangeAtMs: 20_000 }));
  for (const h of ['# mini-spike', '## Scale-outs', '## Replica timeline', '## Reaction to the load change', 'Cost: USD']) assert.match(r, h);
  assert.match(r, /\| consumers \| 1 → /);
});

test('the timeline chart spec has replicas per group, lag and p99 for every second', () => {
  const spec = simTimelineSpec(summary) as { vconcat: { data?: { values: unknown[] } }[] };
  assert.is(spec.vconcat.length, 3);
  assert.is(spec.vconcat[0]!.data!.values.length, 150 * 3);
  assert.is(spec.vconcat[1]!.data!.values.length, 150);
});

test('a live run (no extra.sim) is refused', () => {
  assert.throws(() => analyseSimulation({ ...summary, extra: {} }), /not a simulated run/);
});

test.run();
