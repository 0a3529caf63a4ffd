/**
 * `pipelab run` / `pipelab validate` on simulation scenarios, spawned as a user runs them: the
 * spike scenario (shortened with --duration) writes the standard report with the simulation
 * charts and the seed table's scale-out delays; thresholds decide the exit code; a bad file
 * exits 104 naming every field.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitCodeFor, runScenario } from '../../../../harness/runner/index.ts';
import { loadAnyScenario, type SimulationScenario } from '../../../../harness/sim/scenario.ts';

const root = new URL('../../../..', import.meta.url).pathname;
const bin = join(root, 'bin', 'pipelab.js');
const tmp = mkdtempSync(join(tmpdir(), 'pipelab-simrun-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));
const env = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' };
const cli = (args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const noStack = (s: string) => assert.not.match(s, /\n\s+at .+:\d+:\d+/, 'no stack trace');

const CHARTS = ['latency-percentiles', 'latency-histogram', 'throughput', 'errors', 'sim-replicas', 'sim-lag'];
const spike = join(tmp, 'spike');

test(
  'pipelab run on the spike scenario writes every standard report file plus the simulation charts, and ' +
    'fails its p99 threshold (99)',
  () => {
    // 4.5 simulated minutes: the spike (at 2 min) and every scale-out of the seed table
    const r = cli(['run', 'scenarios/autoscale-spike.ts', '--duration', '4m30s', '--out', spike, '--quiet']);
    assert.is(r.code, 99, r.err + r.out);
    noStack(r.err);
    for (const f of [
      'summary.json',
      'summary.md',
      'junit.xml',
      'report.html',
      ...CHARTS.flatMap((c) => [`charts/${c}.svg`, `charts/${c}.png`]),
    ]) {
      assert.ok(existsSync(join(spike, f)) && statSync(join(spike, f)).size > 100, f);
    }
    const s = JSON.parse(readFileSync(join(spike, 'summary.json'), 'utf8'));
    assert.is(s.schema, 'pipelab.summary/v1');
    assert.is(s.durationMs, 270_000);
    assert.is(s.scenario.file, 'scenarios/autoscale-spike.ts');
    const p99 = s.thresholds.find((t: { expression: string }) => t.expression === 'p(99)<500');
    assert.is(p99.ok, false);
    assert.ok(p99.observed['p(99)'] > 500);
    assert.match(r.out, "✗ 'p(99)<500'");
    assert.match(readFileSync(join(spike, 'junit.xml'), 'utf8'), '<failure');
  },
);

test(
  'runScenario on the same simulation scenario returns the summary the CLI wrote (but for the ' + 'wall-clock start)',
  async () => {
    const loaded = await loadAnyScenario('scenarios/autoscale-spike.ts', { duration: '4m30s' });
    assert.is(loaded.kind, 'simulation');
    const ticks: number[] = [];
    const summary = await runScenario(loaded.scenario as SimulationScenario, {
      file: 'scenarios/autoscale-spike.ts',
      overrides: { duration: '4m30s' },
      onSimulatedTick: (t) => ticks.push(t),
    });
    const cliSummary = JSON.parse(readFileSync(join(spike, 'summary.json'), 'utf8'));
    const wallClock = (x: Record<string, unknown>) => ({ ...x, startedAt: undefined, endedAt: undefined });
    assert.equal(wallClock(JSON.parse(JSON.stringify(summary))), wallClock(cliSummary));
    assert.is(ticks.length, 270);
    assert.is(exitCodeFor(summary), 99);
  },
);

test(
  "the spike report's scale-out table shows the seed table's delays: 60 s (CPU), 20 s (cache), 30 s " +
    '(lag), 45 s (model)',
  () => {
    const md = readFileSync(join(spike, 'summary.md'), 'utf8');
    const rows = md.split('\n').filter((l) => /^\| (consumers|modelServers|featureStore) \| \d+ → \d+ \|/.test(l));
    const delay = (group: string, metric: string) =>
      rows
        .filter((l) => l.startsWith(`| ${group} `) && l.includes(`| ${metric} |`))
        .map((l) => l.split('|')[5]!.trim());
    assert.equal([...new Set(delay('consumers', 'cpu'))], ['60 s'], rows.join('\n'));
    assert.equal([...new Set(delay('featureStore', 'cache_miss_pct'))], ['20 s']);
    assert.equal([...new Set(delay('consumers', 'consumer_lag'))], ['30 s']);
    assert.equal([...new Set(delay('modelServers', 'model_response_ms'))], ['45 s']);
    for (const w of ['SLO-violation minutes', 'time to recover', 'cost per hour', 'cost per million events'])
      assert.match(md, w);
    const html = readFileSync(join(spike, 'report.html'), 'utf8');
    assert.match(html, '<table id="scale-outs">');
    assert.match(html, 'id="chart-sim-replicas"');
    assert.match(html, 'id="chart-sim-lag"');
  },
);

test('before the spike the same scenario passes its thresholds (exit 0), and --no-report writes nothing', () => {
  const r = cli(['run', 'scenarios/autoscale-spike.ts', '--duration', '30s', '--no-report', '--quiet']);
  assert.is(r.code, 0, r.err + r.out);
  assert.match(r.out, "✓ 'p(99)<500'");
  assert.not.match(r.out, 'report:');
});

test('a bad simulation scenario exits 104 before anything runs, naming every field', () => {
  for (const cmd of ['run', 'validate']) {
    const r = cli([cmd, 'test/fixtures/scenarios/sim-bad.ts', ...(cmd === 'run' ? ['--out', join(tmp, 'bad')] : [])]);
    assert.is(r.code, 104, r.err);
    noStack(r.err);
    for (const w of [
      '/partitions',
      '/modelServer/batchSize',
      '/thresholds/e2e_latency/0',
      '/thresholds/latency',
      'hint:',
    ])
      assert.match(r.err, w);
    assert.not.ok(existsSync(join(tmp, 'bad')));
  }
  const rate = cli(['run', 'scenarios/autoscale-spike.ts', '--rate', '100']);
  assert.is(rate.code, 104);
  assert.match(rate.err, '/overrides/rate');
});

test('diurnal validates (the plan names the model and the autoscalers) and runs with a short duration', () => {
  const v = cli(['validate', 'scenarios/diurnal.ts']);
  assert.is(v.code, 0, v.err);
  for (const w of ['simulation scenario diurnal is valid', 'simulated time: 24h', 'KEDA', 'modelServers'])
    assert.match(v.out, w);
  const out = join(tmp, 'diurnal');
  const r = cli(['run', 'scenarios/diurnal.ts', '--duration', '3m', '--out', out, '--quiet']);
  assert.is(r.code, 0, r.err + r.out);
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  assert.is(s.durationMs, 180_000);
  assert.is(s.timeseries.intervalMs, 60_000);
  assert.ok(existsSync(join(out, 'charts', 'sim-replicas.svg')));
});

test('a live scenario still runs the live way: no simulation section or charts', () => {
  const out = join(tmp, 'live');
  const r = cli(['run', 'test/fixtures/scenarios/ok.ts', '--out', out, '--quiet']);
  assert.is(r.code, 0, r.err);
  assert.not.ok(existsSync(join(out, 'charts', 'sim-replicas.svg')));
  assert.not.match(readFileSync(join(out, 'summary.md'), 'utf8'), 'Simulation');
});

test.run();
