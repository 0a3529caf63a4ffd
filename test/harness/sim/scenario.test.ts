import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { loadSimulation } from '../../../harness/sim/scenario.ts';
import { PipelabError } from '../../../harness/errors.ts';
import { simulate } from '../../../harness/sim/simulate.ts';

const files = readdirSync('scenarios/sim').filter((f) => f.endsWith('.ts'));

test('every simulation scenario in scenarios/sim loads and validates', async () => {
  assert.ok(files.includes('autoscale-spike.ts') && files.includes('diurnal.ts'));
  for (const f of files) {
    const s = await loadSimulation(`scenarios/sim/${f}`);
    assert.ok(s.durationMs > 0, f);
  }
});

test('overrides shorten a scenario, and the shortened spike scenario runs', async () => {
  const s = await loadSimulation('scenarios/sim/autoscale-spike.ts', { durationMs: 20_000, seed: 3 });
  assert.is(s.durationMs, 20_000);
  assert.is(s.warmupMs, 2000);
  const out = simulate(s);
  assert.is(out.timeseries.points.length, 20);
  assert.is(out.seed, 3);
});

test('a missing file is SCENARIO_NOT_FOUND', async () => {
  try {
    await loadSimulation('scenarios/sim/nope.ts');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, PipelabError);
    assert.is((e as PipelabError).code, 'SCENARIO_NOT_FOUND');
  }
});

test.run();
