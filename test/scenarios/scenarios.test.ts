import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { VirtualClock } from '../../harness/executors/clock.ts';
import { exitCodeFor, runScenario } from '../../harness/runner/index.ts';
import { loadScenario, planScenario } from '../../harness/scenario/index.ts';
import type { TrendData } from '../../results/types.ts';
import { loadAnyScenario } from '../../harness/sim/scenario.ts';

const files = readdirSync('scenarios').filter((f) => f.endsWith('.ts'));

test('every scenario file in scenarios/ loads and validates by its kind (live or simulation)', async () => {
  assert.ok(files.length >= 3);
  const kinds = new Set<string>();
  for (const f of files) {
    const loaded = await loadAnyScenario(`scenarios/${f}`);
    kinds.add(loaded.kind);
    if (loaded.kind === 'simulation') assert.ok(loaded.scenario.durationMs > 0, f);
    else assert.ok(planScenario(loaded.scenario).totalMs > 0, f);
  }
  assert.equal([...kinds].sort(), ['live', 'simulation']);
});

test('the quickstart scenario passes its thresholds (virtual clock)', async () => {
  const s = await runScenario(await loadScenario('scenarios/quickstart.ts'), { clock: new VirtualClock() });
  assert.is(exitCodeFor(s), 0, JSON.stringify(s.thresholds));
});

test('the stall scenario shows its 1 s stall in p99 and fails its threshold on purpose', async () => {
  const s = await runScenario(await loadScenario('scenarios/stall.ts'), { clock: new VirtualClock() });
  assert.ok((s.metrics.latency as TrendData).p99 >= 500);
  assert.is(exitCodeFor(s), 99);
});

test.run();
