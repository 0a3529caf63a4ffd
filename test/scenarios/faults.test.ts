/**
 * The shipped fault scenarios, shortened (every time × 0.15: seconds, not minutes) on the real
 * pipeline: each fault starts and ends and says what it hit, the run reports its SLA impact, and
 * nothing acknowledged is lost. Counts only: no timing is asserted.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { runScenario } from '../../harness/runner/index.ts';
import { importScenarioFile, validateScenario } from '../../harness/scenario/load.ts';
import type { Accounting } from '../../harness/targets/pipeline/accounting.ts';
import type { DeliveryReport } from '../../results/delivery.ts';
import { formatDuration, parseDuration } from '../../results/duration.ts';
import type { RunSummary } from '../../results/types.ts';

const SCALE = 0.15;
const scaled = (d: string) => formatDuration(Math.max(100, Math.round(parseDuration(d) * SCALE)));

/** the scenario file with every time in it scaled down (faults, executors, warm-up) */
async function shortened(file: string) {
  const input = structuredClone(((await importScenarioFile(file, { example: file })).default ?? {}) as never) as {
    warmup?: string;
    executors: Record<string, { duration: string }>;
    faults: Array<{ at: string; duration?: string }>;
  };
  if (input.warmup) input.warmup = scaled(input.warmup);
  for (const e of Object.values(input.executors)) e.duration = scaled(e.duration);
  for (const f of input.faults) {
    f.at = scaled(f.at);
    if (f.duration) f.duration = scaled(f.duration);
  }
  return validateScenario(input, {}, file);
}

function assertFaultsRan(s: RunSummary): void {
  for (const f of s.faults ?? []) {
    assert.is(f.error, undefined, `#${f.index} ${f.label}: ${f.error}`);
    assert.ok(f.startedMs !== undefined && f.endedMs !== undefined, `#${f.index} ${f.label} started and ended`);
    assert.ok(f.hit.length > 0 && f.impact, `#${f.index} says what it hit and its impact`);
  }
}

function assertNothingLost(s: RunSummary): { acc: Accounting; d: DeliveryReport } {
  const acc = s.extra?.accounting as Accounting;
  const d = s.extra?.delivery as DeliveryReport;
  assert.ok(acc.produced > 0);
  assert.is(acc.missing, 0, `missing ${acc.missing}: ${acc.missingSample.join(',')}`);
  assert.is(d.lost, 0, `lost: ${d.samples.lost.join(',')}`);
  assert.is(s.thresholds.find((t) => t.metric === 'events_lost')?.ok, true);
  return { acc, d };
}

// fault-processor-kill.ts (a processor SIGKILLed mid-batch: the group takes over, 0 lost,
// duplicates counted) is the at-least-once side of eos-proof.test.ts, with these same checks: one
// run of the same shortened scenario serves both

const redis = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
const redisSkipped = redis ? '' : ' (no redis-server: skipped)';
const redisTitle = `Redis down, then back empty: the pipeline catches up, 0 lost${redisSkipped}`;
test(redisTitle, async () => {
  if (!redis) return;
  const s = await runScenario(await shortened('scenarios/fault-redis-down.ts'));
  assertFaultsRan(s);
  assert.match(s.faults![0]!.hit[0]!, /^redis-server pid \d+$/);
  assertNothingLost(s);
});

test('model server slow, then down: the rules decide meanwhile, 0 lost', async () => {
  const s = await runScenario(await shortened('scenarios/fault-model-slow-down.ts'));
  assertFaultsRan(s);
  const { acc } = assertNothingLost(s);
  assert.ok((acc.bySource.rules ?? 0) > 0, JSON.stringify(acc.bySource));
  assert.ok((acc.bySource.model ?? 0) > 0, JSON.stringify(acc.bySource));
});

test('a broker leader SIGKILLed in a 3-node cluster, back with an empty log: 0 lost, duplicates counted', async () => {
  const s = await runScenario(await shortened('scenarios/fault-broker-leader-kill.ts'));
  assertFaultsRan(s);
  assert.match(s.faults![0]!.hit.join(' | '), /^leader of transactions\[0\]: node \d \| broker node \d pid \d+$/);
  const { acc, d } = assertNothingLost(s);
  assert.is(acc.duplicates, d.duplicated, 'the ledger and the checker agree on duplicates');
  assert.is(d.unseen, 0, 'acks=all with idempotence: every send acknowledged');
});

test.run();
