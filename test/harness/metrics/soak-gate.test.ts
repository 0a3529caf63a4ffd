/**
 * scenarios/soak.ts's memory gate against the RSS a quiet 30-minute soak measured (fixture: the
 * lead's run on main 97656fa, every 10 s). The first minutes fill bounded structures (the broker's
 * 2-minute retention log, 20,000 dedup ids per partition, the features of 10,000 users, 5-minute
 * windows that first close after 6 minutes, the open model's VUs after a stall): the warm-up must
 * cover that fill, and the gate must still fail a leak of 1 MB per minute on top of it.
 */
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRegistry } from '../../../harness/metrics/index.ts';
import { startSystemSampler } from '../../../harness/metrics/system.ts';
import { loadScenario } from '../../../harness/scenario/load.ts';

const MB = 1024 * 1024;
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/soak/rss-0805.json', import.meta.url), 'utf8')) as {
  everyS: number;
  fromS: number;
  rssMb: number[];
};

/** the fixture's RSS at run time t (ms), linear between its points, plus `leakPerMin` MB a minute */
function rssAt(t: number, leakPerMin: number): number {
  const x = Math.max(0, (t / 1000 - fixture.fromS) / fixture.everyS);
  const i = Math.min(Math.floor(x), fixture.rssMb.length - 2);
  const f = Math.min(1, x - i);
  const y = fixture.rssMb[i]! * (1 - f) + fixture.rssMb[i + 1]! * f;
  return y + (leakPerMin * t) / 60_000;
}

/** the RSS growth the sampler reports for the fixture's 30 minutes with this warm-up */
function rssGrowth(warmupMs: number, leakPerMin = 0): number {
  const registry = createRegistry();
  let t = 0;
  const s = startSystemSampler({
    timer: false,
    registry,
    measureFromMs: warmupMs,
    memoryUsage: () => ({ rss: rssAt(t, leakPerMin) * MB, heapUsed: 100 * MB }),
  });
  for (t = 0; t < 1_800_000; t += 5000) s.sample(t);
  const growth = s.stop().rssMb.growthPerMin as number;
  registry.close();
  return growth;
}

test('the soak gate: the fill is inside the warm-up, and a 1 MB/min leak on top of it fails', async () => {
  const soak = await loadScenario(new URL('../../../scenarios/soak.ts', import.meta.url).pathname);
  const limit = Number(/^value<([\d.]+)$/.exec(String(soak.thresholds.rss_growth_mb_per_min?.[0]))?.[1]);
  assert.is(limit, 2);
  const quiet = rssGrowth(soak.warmupMs);
  const leak = rssGrowth(soak.warmupMs, 1);
  assert.ok(quiet < limit, `the quiet run passes: ${quiet.toFixed(2)} MB/min`);
  assert.ok(leak >= limit, `a 1 MB/min leak fails: ${leak.toFixed(2)} MB/min`);
  // with the 2-minute warm-up the scenario had, the fill alone failed the gate
  assert.ok(rssGrowth(120_000) > limit, `2-minute warm-up: ${rssGrowth(120_000).toFixed(2)} MB/min`);
});

test.run();
