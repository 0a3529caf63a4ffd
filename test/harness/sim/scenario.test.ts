import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  loadSimulation,
  validateSimulation,
  defineSimulation,
  isSimulationScenario,
  scenarioKind,
  runSimulation,
} from '../../../harness/sim/scenario.ts';
import { PipelabError } from '../../../errors.ts';
import { simulate } from '../../../harness/sim/simulate.ts';
import { exitCodeFor } from '../../../harness/runner/index.ts';
import type { SimExtra } from '../../../harness/sim/simulate.ts';

const problems = (f: () => unknown): PipelabError => {
  try {
    f();
  } catch (e) {
    assert.instance(e, PipelabError);
    return e as PipelabError;
  }
  assert.unreachable('expected a PipelabError');
  throw new Error('unreachable');
};

test('defineSimulation marks the scenario as a simulation, and the scenario files are told apart by kind', async () => {
  const s = defineSimulation({ name: 'x', durationMs: 5000, arrivals: { kind: 'poisson', rate: 100 } });
  assert.is(s.kind, 'simulation');
  assert.ok(isSimulationScenario(s));
  assert.not.ok(isSimulationScenario({ name: 'x' }));
  assert.is(await scenarioKind('scenarios/autoscale-spike.ts'), 'simulation');
  assert.is(await scenarioKind('scenarios/diurnal.ts'), 'simulation');
  assert.is(await scenarioKind('scenarios/stall.ts'), 'live');
  assert.is(
    await scenarioKind('scenarios/nope.ts'),
    'live',
    'a missing file is left to the live loader, which names it',
  );
});

test('overrides shorten a scenario (k6 duration or ms), and the shortened spike scenario runs', async () => {
  const s = await loadSimulation('scenarios/autoscale-spike.ts', { duration: '20s', seed: 3 });
  assert.is(s.durationMs, 20_000);
  assert.is(s.warmupMs, 2000);
  const out = simulate(s);
  assert.is(out.timeseries.points.length, 20);
  assert.is(out.seed, 3);
  assert.is((await loadSimulation('scenarios/autoscale-spike.ts', { durationMs: 30_000 })).durationMs, 30_000);
});

test('a bad simulation scenario lists every problem with its path before anything runs', () => {
  const e = problems(() =>
    validateSimulation(
      {
        kind: 'simulation',
        name: 'bad name!',
        durationMs: -5,
        colour: 'red',
        arrivals: { kind: 'poisson', rate: -1 },
        consumers: { replicas: 1.5 },
        thresholds: { e2e_latency: ['p(99)<<500'], latency: ['p(99)<500'], consumer_lag: ['p(99)<5'] },
        cost: { consumers: { instance: 'no.such' } },
        autoscaling: { policies: [{ group: 'gpus', startupDelayMs: 1, hpa: { maxReplicas: 2, metrics: [] } }] },
      },
      {},
      'scenarios/bad.ts',
    ),
  );
  assert.is(e.code, 'INVALID_SCENARIO');
  assert.is(e.exitCode, 104);
  assert.match(e.message, 'scenarios/bad.ts');
  const paths = e.issues.map((i) => i.path);
  for (const p of [
    '/colour',
    '/name',
    '/durationMs',
    '/consumers/replicas',
    '/thresholds/e2e_latency/0',
    '/thresholds/latency',
    '/thresholds/consumer_lag/0',
    '/cost/consumers',
    '/autoscaling/policies/0/group',
  ])
    assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
  assert.ok(
    paths.some((p) => p.startsWith('/arrivals')),
    paths.join(', '),
  );
  assert.match(e.issues.find((i) => i.path === '/thresholds/latency')!.message, 'e2e_latency');
});

test('missing required fields are named, and --rate is refused with the reason', () => {
  const e = problems(() => validateSimulation({ kind: 'simulation', name: 'x' }));
  assert.equal(e.issues.map((i) => i.path).sort(), ['/arrivals', '/durationMs']);
  const r = problems(() =>
    validateSimulation(defineSimulation({ name: 'x', durationMs: 5000, arrivals: { kind: 'poisson', rate: 100 } }), {
      rate: 10,
      duration: 'soon',
    }),
  );
  assert.is(r.code, 'INVALID_ARGUMENT');
  assert.equal(r.issues.map((i) => i.path).sort(), ['/overrides/duration', '/overrides/rate']);
});

test('the live loader recognises a simulation file and says how to run it', async () => {
  const { loadScenario } = await import('../../../harness/scenario/index.ts');
  try {
    await loadScenario('scenarios/diurnal.ts');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, PipelabError);
    assert.match((e as PipelabError).message, 'is a simulation scenario');
    assert.match((e as PipelabError).hint ?? '', 'loadAnyScenario');
  }
});

test('a missing file is SCENARIO_NOT_FOUND', async () => {
  try {
    await loadSimulation('scenarios/nope.ts');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, PipelabError);
    assert.is((e as PipelabError).code, 'SCENARIO_NOT_FOUND');
  }
});

const small = (thresholds: Record<string, string[]>, extra: object = {}) =>
  defineSimulation({
    name: 'small',
    seed: 2,
    durationMs: 20_000,
    arrivals: { kind: 'poisson', rate: 2000 },
    consumers: { replicas: 2 },
    modelServer: { replicas: 1 },
    stageHistograms: false,
    thresholds,
    ...extra,
  });

test('thresholds are evaluated on the simulated metrics with k6 semantics, and set the exit code', () => {
  const ok = runSimulation(
    small({ e2e_latency: ['p(99)<5000', 'p(99)<5000 in every 5s window'], events_processed: ['count>1000'] }),
  );
  assert.is(ok.thresholds.length, 3);
  assert.ok(
    ok.thresholds.every((t) => t.ok),
    JSON.stringify(ok.thresholds),
  );
  assert.match(ok.thresholds[1]!.note ?? '', 'windows of 5s', 'the windowed threshold walked real windows');
  assert.is(exitCodeFor(ok), 0);
  const bad = runSimulation(small({ e2e_latency: ['p(99)<0.001'] }));
  assert.is(bad.thresholds[0]!.ok, false);
  assert.ok((bad.thresholds[0]!.observed['p(99)'] ?? 0) > 0.001);
  assert.is(exitCodeFor(bad), 99);
});

test('an abortOnFail threshold stops the simulation at that second (exit 108)', () => {
  const s = runSimulation(
    small({ e2e_latency: [{ threshold: 'p(99)<0.001', abortOnFail: true, delayAbortEval: '3s' } as never] }),
  );
  assert.is(s.aborted?.by, 'threshold');
  assert.ok(s.durationMs >= 3000 && s.durationMs < 20_000, String(s.durationMs));
  assert.is(exitCodeFor(s), 108);
});

test('the run adds cost and the load change to extra.sim, and records the overrides', () => {
  const s = runSimulation(small({}, { loadChangeAtMs: 5000 }), { file: 'x.ts', overrides: { duration: '20s' } });
  const x = s.extra!.sim as SimExtra;
  assert.ok(x.cost && x.cost.perHour > 0 && x.cost.perMillionEvents > 0);
  assert.is(x.loadChangeAtMs, 5000);
  assert.is(s.scenario.file, 'x.ts');
  assert.equal((s.config as { overrides?: unknown }).overrides, { duration: '20s' });
});

test.run();
