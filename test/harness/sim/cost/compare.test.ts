import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { simulate } from '../../../../harness/sim/simulate.ts';
import { compareRow, formatCompareTable, compareChartSpec } from '../../../../harness/sim/cost/compare.ts';
import { loadCatalogue } from '../../../../harness/sim/cost/catalogue.ts';

const cat = loadCatalogue();
const run = (rate: number, name: string) =>
  simulate({ name, durationMs: 20_000, seed: 1, arrivals: { kind: 'poisson', rate }, slo: { p99Ms: 50 } });

test('rows carry p99, throughput, cost and SLO minutes; the table lists every run', () => {
  const a = compareRow('a', run(1000, 'a'), { catalogue: cat, sloP99Ms: 50 });
  const b = compareRow('b', run(3000, 'b'), { catalogue: cat, sloP99Ms: 50 });
  assert.ok(a.p99Ms! > 0 && a.throughput! > 900 && a.throughput! < 1100);
  assert.ok(b.throughput! > 2800);
  // same replicas, three times the events: a third of the cost per million
  assert.ok(Math.abs(a.costPerHour! - b.costPerHour!) < 1e-9);
  assert.ok(Math.abs(a.costPerMillionEvents! / b.costPerMillionEvents! - b.throughput! / a.throughput!) < 0.01);
  const t = formatCompareTable([a, b]);
  assert.match(t, /^run\s+mode/);
  assert.is(t.split('\n').length, 4);
});

test('the comparison chart spec has one bar per run in the given order and the SLO rule', () => {
  const rows = [
    compareRow('b-run', run(1000, 'b'), { catalogue: cat, sloP99Ms: 50 }),
    compareRow('a-run', run(2000, 'a'), { catalogue: cat, sloP99Ms: 50 }),
  ];
  const spec = compareChartSpec(rows) as { data: { values: { run: string }[] }; hconcat: unknown[] };
  assert.equal(
    spec.data.values.map((v) => v.run),
    ['b-run', 'a-run'],
  );
  assert.is(spec.hconcat.length, 2);
  assert.match(JSON.stringify(spec), /"slo":50/);
});

test("a prediction's p99 interval is a band: in the row, the table and across its bar in the chart", () => {
  const plain = run(1000, 'measured');
  const sim = (plain.extra as { sim: Record<string, unknown> }).sim;
  const predicted = {
    ...plain,
    extra: {
      sim: { ...sim, prediction: { replications: 5, p50: [1, 2], p99: [8.25, 12.5], throughput: [990, 1010] } },
    },
  };
  const rows = [
    compareRow('measured', plain, { catalogue: cat, sloP99Ms: 50 }),
    compareRow('predicted', predicted, { catalogue: cat, sloP99Ms: 50 }),
  ];
  assert.is(rows[0]!.p99Band, undefined);
  assert.equal(rows[1]!.p99Band, [8.25, 12.5]);
  assert.match(formatCompareTable(rows), '(8.3–12.5)');
  const spec = JSON.stringify(compareChartSpec(rows));
  assert.match(spec, /"y2":\{"field":"p99Hi"\}/);
  assert.match(spec, /"p99Lo":8.25/);
  // without a band, no band layer
  assert.not.match(JSON.stringify(compareChartSpec([rows[0]!])), /p99Hi/);
});

test('the SLO-minutes column counts the seconds whose p99 is above the SLO', () => {
  const s = run(1000, 'x');
  assert.is(compareRow('x', s, { catalogue: cat, sloP99Ms: 1e9 }).sloViolationMinutes, 0);
  assert.is(compareRow('x', s, { catalogue: cat, sloP99Ms: 0.001 }).sloViolationMinutes, 20 / 60);
});

test('pipelab compare prints the table for files and run directories, and refuses a single run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipelab-compare-'));
  try {
    mkdirSync(join(dir, 'run-a'));
    writeFileSync(join(dir, 'run-a', 'summary.json'), JSON.stringify(run(1000, 'a')));
    writeFileSync(join(dir, 'b.json'), JSON.stringify(run(2000, 'b')));
    const bin = new URL('../../../../bin/pipelab.js', import.meta.url).pathname;
    const ok = spawnSync(
      process.execPath,
      [bin, 'compare', join(dir, 'run-a'), join(dir, 'b.json'), '--json', '--chart', join(dir, 'c.svg')],
      { encoding: 'utf8' },
    );
    assert.is(ok.status, 0, ok.stderr);
    const rows = JSON.parse(ok.stdout);
    assert.equal(
      rows.map((r: { label: string }) => r.label),
      ['a (run-a)', 'b (b)'],
    );
    assert.match(readFileSync(join(dir, 'c.svg'), 'utf8'), /^<svg/);
    const bad = spawnSync(process.execPath, [bin, 'compare', join(dir, 'b.json')], { encoding: 'utf8' });
    assert.is(bad.status, 104);
    assert.match(bad.stderr, /at least two runs/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
