/**
 * Verdicts of `pipelab compare` against the baseline: the same configuration with another seed is
 * the same within noise; a slower one is worse on latency and SLO minutes; the noise is the
 * documented statistic of the runs' own per-second spread; --out writes the three files and
 * --fail-on worse turns a worse verdict into exit code 99.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { simulate } from '../../../../harness/sim/simulate.ts';
import { compareRow } from '../../../../harness/sim/cost/compare.ts';
import { loadCatalogue } from '../../../../harness/sim/cost/catalogue.ts';
import { compareReport, perSecond } from '../../../../harness/sim/cost/verdict.ts';
import type { RunSummary } from '../../../../results/types.ts';

const cat = loadCatalogue();
const SLO = 20;
/** one consumer core at ~0.5 ms per record: 1000/s is light, 1600/s queues */
const run = (rate: number, seed: number, meanMs = 0.5) =>
  simulate({
    name: `r${rate}`,
    durationMs: 30_000,
    warmupMs: 5_000,
    seed,
    arrivals: { kind: 'poisson', rate },
    consumers: { replicas: 1, cores: 1, process: { type: 'exponential', meanMs } },
    slo: { p99Ms: SLO },
  });
const input = (label: string, summary: RunSummary) => ({
  label,
  summary,
  row: compareRow(label, summary, { catalogue: cat, sloP99Ms: SLO }),
});
const verdictsOf = (r: ReturnType<typeof compareReport>) =>
  Object.fromEntries(r.verdicts.map((v) => [v.figure, v.verdict]));

test('another seed of the same configuration is the same within noise on every figure', () => {
  const r = compareReport([input('a', run(1000, 1)), input('b', run(1000, 2))], { sloP99Ms: SLO, currency: 'USD' });
  const v = verdictsOf(r);
  for (const f of ['p50', 'p99', 'throughput', 'costPerMillionEvents', 'sloViolationMinutes'])
    assert.is(v[f], 'same', `${f}: ${JSON.stringify(r.verdicts.find((x) => x.figure === f))}`);
  assert.is(v.errorRate, 'n/a');
  assert.is(r.baseline, 'a');
});

test('a figure without spread (constant-arrival-rate throughput) differing by rounding is the same', () => {
  const a = run(1000, 1);
  const flat = (s: RunSummary, perSec: number): RunSummary => ({
    ...s,
    timeseries: {
      ...s.timeseries,
      points: s.timeseries.points.map((p) => ({
        ...p,
        iterations: { count: perSec },
        events_processed: { count: perSec },
      })),
    },
  });
  const base = input('a', flat(a, 200));
  const next = input('b', flat(a, 200));
  next.row = { ...next.row, throughput: base.row.throughput! - 0.01 };
  const v = verdictsOf(compareReport([base, next], { sloP99Ms: SLO, currency: 'USD' }));
  assert.is(v.throughput, 'same');
  next.row = { ...next.row, throughput: base.row.throughput! * 0.9 };
  assert.is(verdictsOf(compareReport([base, next], { sloP99Ms: SLO, currency: 'USD' })).throughput, 'worse');
});

test('a slower service is worse on latency, better baseline is judged against it', () => {
  const r = compareReport([input('fast', run(1000, 1)), input('slow', run(1000, 1, 0.9))], {
    sloP99Ms: SLO,
    currency: 'USD',
    gate: { failOn: 'worse', figures: ['p99'] },
  });
  const v = verdictsOf(r);
  assert.is(v.p50, 'worse');
  assert.is(v.p99, 'worse');
  assert.equal(
    r.gate!.failed.map((x) => x.figure),
    ['p99'],
  );
  const back = compareReport([input('slow', run(1000, 1, 0.9)), input('fast', run(1000, 1))], {
    sloP99Ms: SLO,
    currency: 'USD',
  });
  assert.is(verdictsOf(back).p99, 'better');
});

test('the noise is two standard errors of the difference of the per-second means', () => {
  const a = run(1000, 1);
  const b = run(1000, 2);
  const r = compareReport([input('a', a), input('b', b)], { sloP99Ms: SLO, currency: 'USD' });
  const se2 = (xs: number[]) => {
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1) / xs.length;
  };
  const p99 = r.verdicts.find((v) => v.figure === 'p99')!;
  const expected = 2 * Math.sqrt(se2(perSecond(a, 'p99', SLO)) + se2(perSecond(b, 'p99', SLO)));
  assert.ok(Math.abs(p99.noise! - expected) < 1e-9);
  // 25 measured seconds each (30 s run, 5 s warm-up)
  assert.is(perSecond(a, 'throughput', SLO).length, 25);
});

test('pipelab compare --out writes compare.html/md/json; --fail-on worse exits 99 on a worse run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipelab-verdict-'));
  try {
    writeFileSync(join(dir, 'a.json'), JSON.stringify(run(1000, 1)));
    writeFileSync(join(dir, 'b.json'), JSON.stringify(run(1000, 1, 0.9)));
    const bin = new URL('../../../../bin/pipelab.js', import.meta.url).pathname;
    const cli = (args: string[]) => spawnSync(process.execPath, [bin, 'compare', ...args], { encoding: 'utf8' });
    const plain = cli([join(dir, 'a.json'), join(dir, 'b.json'), '--slo-p99', String(SLO)]);
    const out = join(dir, 'out');
    const written = cli([join(dir, 'a.json'), join(dir, 'b.json'), '--slo-p99', String(SLO), '--out', out]);
    assert.is(written.status, 0, written.stderr);
    // the table is today's, then the report's path
    assert.is(written.stdout, `${plain.stdout}report: ${out}/compare.html\n`);
    const json = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8'));
    assert.is(json.schema, 'pipelab.compare/v1');
    assert.is(json.verdicts.length, 6);
    const html = readFileSync(join(out, 'compare.html'), 'utf8');
    for (const id of ['compare-latency', 'compare-distribution', 'compare-throughput', 'compare-figures'])
      assert.match(html, new RegExp(`<figure class="chart" id="chart-${id}"><svg`));
    assert.not.match(html, /<script/);
    const md = readFileSync(join(out, 'compare.md'), 'utf8');
    assert.match(md, /\| r1000 \(b\) \| p99 \(ms\) \|.*\| worse \|/, md);
    const gated = cli([join(dir, 'a.json'), join(dir, 'b.json'), '--slo-p99', String(SLO), '--fail-on', 'worse']);
    assert.is(gated.status, 99);
    assert.match(gated.stderr, /worse than r1000 \(a\) on p50/);
    const same = cli([join(dir, 'a.json'), join(dir, 'a.json'), '--fail-on', 'worse']);
    assert.is(same.status, 0, same.stderr);
    const bad = cli([join(dir, 'a.json'), join(dir, 'b.json'), '--fail-on', 'better']);
    assert.is(bad.status, 104);
    assert.match(bad.stderr, /--fail-on/);
    const badGate = cli([join(dir, 'a.json'), join(dir, 'b.json'), '--fail-on', 'worse', '--gate', 'p99,speed']);
    assert.is(badGate.status, 104);
    assert.match(badGate.stderr, /speed/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
