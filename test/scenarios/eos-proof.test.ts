/**
 * The proof side by side: a stream processor SIGKILLed mid-batch and mid-window (the shipped
 * fault scenarios, shortened ×0.15 as in faults.test.ts) under each guarantee, and the leader of
 * a partition SIGKILLed on the replicated 3-node cluster under exactly-once (its at-least-once
 * twin, fault-broker-leader-kill.ts, runs in faults.test.ts; the at-least-once processor kill runs
 * here only, with faults.test.ts's checks: each fault started, ended and says what it hit).
 * At least once: 0 lost, the replay from the checkpoint shows as duplicates (counted by the
 * ledger and the checker alike), every window counts each event at least once. Exactly once: 0
 * lost, 0 duplicates in the committed output, every window count equals the ground truth.
 * Counts only.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runScenario } from '../../harness/runner/index.ts';
import { importScenarioFile, validateScenario } from '../../harness/scenario/load.ts';
import type { Accounting } from '../../harness/targets/pipeline/accounting.ts';
import type { DeliveryReport } from '../../results/delivery.ts';
import { formatDuration, parseDuration } from '../../results/duration.ts';
import type { RunSummary } from '../../results/types.ts';

const SCALE = 0.15;
const scaled = (d: string) => formatDuration(Math.max(100, Math.round(parseDuration(d) * SCALE)));

async function run(
  file: string,
  hit = /^child processor pid \d+$/,
): Promise<{ s: RunSummary; acc: Accounting; d: DeliveryReport }> {
  const input = structuredClone(((await importScenarioFile(file, { example: file })).default ?? {}) as never) as {
    warmup?: string;
    executors: Record<string, { duration: string }>;
    faults: Array<{ at: string }>;
  };
  if (input.warmup) input.warmup = scaled(input.warmup);
  for (const e of Object.values(input.executors)) e.duration = scaled(e.duration);
  for (const f of input.faults) f.at = scaled(f.at);
  const s = await runScenario(validateScenario(input, {}, file));
  for (const f of s.faults ?? []) {
    assert.is(f.error, undefined, `${f.label}: ${f.error}`);
    assert.ok(f.startedMs !== undefined && f.endedMs !== undefined, `#${f.index} ${f.label} started and ended`);
    assert.ok(f.hit.length > 0 && f.impact, `#${f.index} says what it hit and its impact`);
  }
  assert.match(s.faults![0]!.hit.join(' | '), hit);
  const acc = s.extra?.accounting as Accounting;
  const d = s.extra?.delivery as DeliveryReport;
  assert.ok(acc.produced > 0);
  assert.is(acc.missing, 0, `missing ${acc.missing}: ${acc.missingSample.join(',')}`);
  assert.is(d.lost, 0, `lost: ${d.samples.lost.join(',')}`);
  assert.is(s.thresholds.find((t) => t.metric === 'events_lost')?.ok, true);
  assert.is(acc.duplicates, d.duplicated, 'the ledger and the checker agree on duplicates');
  assert.ok(acc.windows, 'the window books closed');
  return { s, acc, d };
}

test('at least once, processor SIGKILL: 0 lost, duplicates counted, no window short of the truth', async () => {
  const { s, acc } = await run('scenarios/fault-processor-kill.ts');
  assert.is(s.extra?.guarantee, 'at-least-once');
  assert.ok(acc.duplicates > 0, 'the replay from the last checkpoint redelivers decisions');
  assert.is(acc.windows!.under, 0, `windows short: ${acc.windows!.sample.join(', ')}`);
});

test('exactly once, processor SIGKILL: 0 lost, 0 duplicates committed, every window count exact', async () => {
  const { s, acc } = await run('scenarios/fault-processor-kill-eos.ts');
  assert.is(s.extra?.guarantee, 'exactly-once');
  assert.is(acc.duplicates, 0);
  assert.is(acc.windows!.exact, true, `windows off: ${acc.windows!.sample.join(', ')}`);
  assert.ok(
    s.thresholds.every((t) => t.ok),
    JSON.stringify(s.thresholds.filter((t) => !t.ok)),
  );
});

test('exactly once, broker leader SIGKILL, 3 nodes: 0 lost, 0 duplicates committed, window counts exact', async () => {
  const { s, acc } = await run(
    'scenarios/fault-broker-leader-kill-eos.ts',
    /^leader of transactions\[0\]: node \d \| broker node \d pid \d+$/,
  );
  assert.is(s.extra?.guarantee, 'exactly-once');
  assert.is(acc.duplicates, 0);
  assert.is(acc.windows!.exact, true, `windows off: ${acc.windows!.sample.join(', ')}`);
  assert.ok(
    s.thresholds.every((t) => t.ok),
    JSON.stringify(s.thresholds.filter((t) => !t.ok)),
  );
});

test.run();
