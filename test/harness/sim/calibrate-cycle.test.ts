/**
 * The full event loop's lines (harness/sim/calibrate-cycle.ts loopFullLine): from runs whose loop
 * was full, the fetch cycle T = F / (1 − rate / K) and the requests per second that fall to zero at
 * K, read back from the counts a live run records (chunks, records, requests, partitions).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loopFullCost, loopFullLine } from '../../../harness/sim/calibrate-cycle.ts';
import { calibrateRuns } from '../../../harness/sim/calibrate-fit.ts';
import { measuredFigures, predict } from '../../../harness/sim/calibrate.ts';
import type { RunSummary, TrendData } from '../../../results/types.ts';
import { percentileFromEncoded } from '../../../results/hdr.ts';
import type { ServiceTimeSpec } from '../../../harness/sim/dist.ts';
import { liveLike } from './live-like.ts';

const DURATION_MS = 6000;

/**
 * A run at `rate` whose fetch cycle is `cycleMs` on `partitions` partitions: one chunk per
 * partition per cycle, 4 broker requests and one /predict call per chunk
 */
function run(rate: number, cycleMs: number, loop: number, partitions = 12): RunSummary {
  const records = (rate * DURATION_MS) / 1000;
  const chunks = (DURATION_MS / cycleMs) * partitions;
  return {
    durationMs: DURATION_MS,
    config: { target: { type: 'pipeline', partitions } },
    loadGenerator: { eventLoopUtilization: loop },
    metrics: {
      processor_stage_features: { type: 'trend', count: chunks },
      processor_records: { type: 'counter', count: records },
    },
    extra: { broker: { requestsHandled: 4 * chunks }, modelServer: { predictRequests: chunks } },
  } as unknown as RunSummary;
}

/** the cycle of a full loop: 20 ms of fixed work, full with records alone at 16,000/s */
const cycle = (rate: number) => 20 / (1 - rate / 16_000);

test('loopFullLine: the cycle and the requests fall to zero where the records alone fill the loop', () => {
  const runs = [5500, 7100, 9200, 12_000].map((rate) => ({ rate, summary: run(rate, cycle(rate), 1) }));
  const l = loopFullLine(runs)!;
  assert.equal(l.rates, [5500, 7100, 9200, 12_000]);
  assert.ok(Math.abs(l.cycle!.zeroAt - 16_000) < 1e-6, `${l.cycle?.zeroAt}`);
  assert.ok(Math.abs(l.cycle!.fixedMs - 20) < 1e-9, `${l.cycle?.fixedMs}`);
  assert.ok(Math.abs(l.requestsZeroAt! - 16_000) < 1e-6, `${l.requestsZeroAt}`);
  // 5 requests per chunk, 12 chunks per cycle of 20 ms when idle: 3,000 requests per second at rate 0
  assert.ok(Math.abs(l.requestsPerSec[0] - 3000) < 1e-6, `${l.requestsPerSec[0]}`);
  assert.ok(l.cycleMs.every((t, i) => Math.abs(t - cycle(l.rates[i]!)) < 1e-9));
  // the partitions set the cycle the chunk sizes stand for
  const two = [5500, 9200].map((rate) => ({ rate, summary: run(rate, cycle(rate), 1, 2) }));
  assert.ok(Math.abs(loopFullLine(two)!.cycle!.zeroAt - 16_000) < 1e-6);
});

test('loopFullLine: runs whose loop was not full are left out', () => {
  const full = [5500, 9200].map((rate) => ({ rate, summary: run(rate, cycle(rate), 0.97) }));
  // a ramp run with its loop at 0.9: its cycle (set by the fetch wait, not the loop) would bend the line
  const partly = { rate: 2000, summary: run(2000, 30, 0.9) };
  const l = loopFullLine([partly, ...full])!;
  assert.equal(l.rates, [5500, 9200]);
  assert.ok(Math.abs(l.cycle!.zeroAt - 16_000) < 1e-6);
  // with a lower threshold it counts, and the line moves
  assert.ok(Math.abs(loopFullLine([partly, ...full], 0.85)!.cycle!.zeroAt - 16_000) > 100);
});

test('loopFullLine: undefined with fewer than two rates; no zero where nothing lengthens', () => {
  assert.is(loopFullLine([5500, 5500].map((rate) => ({ rate, summary: run(rate, cycle(rate), 1) }))), undefined);
  assert.is(loopFullLine([{ rate: 9200, summary: run(9200, 30, 0.5) }]), undefined);
  const flat = loopFullLine([5500, 9200].map((rate) => ({ rate, summary: run(rate, 30, 1) })))!;
  assert.is(flat.cycle, undefined);
  assert.is(flat.requestsZeroAt, undefined);
});

/**
 * CPU figures for a run: a background of 0.3 core over its 5 s wall, `perRecordMs` per record and
 * 0.15 ms per request, 5 requests (4 broker requests, one /predict call) per chunk of 2 records
 */
function withCpu(s: RunSummary, rate: number, perRecordMs: number, loop: number, recordsPerChunk = 2): RunSummary {
  const records = (rate * s.durationMs) / 1000,
    calls = records / recordsPerChunk;
  Object.assign(s.extra!, {
    cpu: { mainMs: 0.3 * 5000 + perRecordMs * records + 0.15 * 5 * calls, childrenMs: 0, wallMs: 5000 },
    broker: { requestsHandled: 4 * calls },
    modelServer: { predictRequests: calls },
  });
  s.loadGenerator = { ...s.loadGenerator!, eventLoopUtilization: loop };
  return s;
}

const bare = () => ({ durationMs: 4000, extra: {}, loadGenerator: {} }) as unknown as RunSummary;

test("loopFullCost: the CPU per record where the loop is full, less the design runs' background", () => {
  const contrast = { perRecordMs: 0.03, perRequestMs: 0.15 };
  // the design runs: what the contrasts saw (0.03 ms per record), so their background is 0.3 core
  const design = [2000, 4200].map((rate) => ({ rate, summary: withCpu(bare(), rate, 0.03, 0.8, 20) }));
  const ramp = [
    { rate: 1000, summary: withCpu(bare(), 1000, 0.01, 0.7) }, // loop not full: left out
    { rate: 5500, summary: withCpu(bare(), 5500, 0.06, 0.97) },
    { rate: 7100, summary: withCpu(bare(), 7100, 0.06, 1) },
  ];
  const c = loopFullCost(ramp, design, contrast)!;
  assert.is(c.runs, 2);
  assert.ok(Math.abs(c.backgroundCores - 0.3) < 1e-9, `${c.backgroundCores}`);
  assert.ok(Math.abs(c.perRecordMs - 0.06) < 1e-9, `${c.perRecordMs}`);
  // a ramp that stops short of the full loop, or no design runs: nothing to read
  assert.is(loopFullCost(ramp.slice(0, 1), design, contrast), undefined);
  assert.is(loopFullCost(ramp, [], contrast), undefined);
});

/** a run shaped like a live one with 12 partitions and 2 ms linger, or the design's 2 and 20 */
function live(rate: number, perRecordMs: number, loop: number, design = false): RunSummary {
  const s = liveLike(rate, 'in-process');
  const t = (s.config as { target: object }).target;
  s.metrics.stage_queue = { ...(s.metrics.stage_process as TrendData), p50: design ? 100 : 10 };
  // it kept up: every record decided
  s.metrics.decisions = { type: 'counter', count: (rate * s.durationMs) / 1000, rate };
  const out = design
    ? ({ ...s, config: { ...(s.config as object), target: { ...t, partitions: 2, lingerMs: 20 } } } as RunSummary)
    : s;
  return withCpu(out, rate, perRecordMs, loop, design ? 5 : 2);
}

test('calibrateRuns in process, loopFull: a ramp into the full loop takes its CPU per record there', () => {
  const ramp = [...[150, 300, 600, 1200].map((r) => live(r, 0.06, 0.5)), ...[3000, 3600].map((r) => live(r, 0.1, 1))];
  const design = [600, 1200].map((r) => live(r, 0.06, 0.5, true));
  const cal = calibrateRuns([...ramp, ...design], { loopFull: true });
  assert.is(cal.fit.mainCpuBy, 'design contrasts');
  assert.ok(Math.abs(cal.fit.mainCpuPerRecordMs - 0.1) < 1e-6, `${cal.fit.mainCpuPerRecordMs}`);
  assert.ok(Math.abs(cal.fit.loopFull!.backgroundCores - 0.3) < 1e-6, `${cal.fit.loopFull?.backgroundCores}`);
  assert.is(cal.fit.loopFull!.runs, 2);
  assert.ok(cal.notes.some((n) => n.includes('with the loop full')));
  // the loop's capacity loses the background: 0.3 core less than without
  const own = calibrateRuns([...ramp, ...design]);
  assert.is(own.fit.loopFull, undefined);
  assert.ok(Math.abs(own.fit.mainCpuPerRecordMs - 0.06) < 1e-3, `${own.fit.mainCpuPerRecordMs}`);
  assert.ok(Math.abs(own.fit.mainLoopCapacity! - cal.fit.mainLoopCapacity! - 0.3) < 1e-6);
});

test('calibrateRuns, loopFull: a read its model cannot keep up with where the runs did is set aside', () => {
  // the ramp's top in another state (calib-sim33: the standing-queue state at 8,900 and 9,800/s): its
  // CPU per record four times the rest's, so a model with it is full below the rate those runs kept up with
  const ramp = [...[150, 300, 600, 1200].map((r) => live(r, 0.06, 0.5)), ...[3000, 3600].map((r) => live(r, 0.4, 1))];
  const design = [600, 1200].map((r) => live(r, 0.06, 0.5, true));
  for (const s of ramp) assert.ok(measuredFigures(s).throughput >= 0.95 * measuredFigures(s).rate, 'the runs kept up');
  const cal = calibrateRuns([...ramp, ...design], { loopFull: true });
  const own = calibrateRuns([...ramp, ...design]);
  assert.is(cal.fit.loopFull, undefined);
  assert.is(cal.fit.loopFullRejected!.rate, 3000);
  assert.ok(Math.abs(cal.fit.loopFullRejected!.perRecordMs - 0.4) < 0.01, `${cal.fit.loopFullRejected?.perRecordMs}`);
  assert.ok(cal.fit.loopFullRejected!.decidedPerSec < 0.95 * 3000, `${cal.fit.loopFullRejected?.decidedPerSec}`);
  // the contrasts' cost instead, as without loopFull, and the model keeps up at the ramp's top
  assert.is(cal.fit.mainCpuPerRecordMs, own.fit.mainCpuPerRecordMs);
  assert.is(cal.fit.mainLoopCapacity, own.fit.mainLoopCapacity);
  assert.ok(predict(cal, { rate: 3600, durationMs: 4000, warmupMs: 1000 }).throughput > 0.95 * 3600);
  assert.match(cal.notes.join('\n'), /read with the loop full \(0\.40 ms on 2 ramp run\(s\)\) not used/);
  // a read the model keeps up with stands (the test above: 0.1 ms per record)
});

test('calibrateRuns, loopFull: beyond the ramp transport is held (the loop station queues), the sink stretched', () => {
  const ramp = [...[150, 300, 600, 1200].map((r) => live(r, 0.06, 0.5)), ...[3000, 3600].map((r) => live(r, 0.1, 1))];
  const design = [600, 1200].map((r) => live(r, 0.06, 0.5, true));
  const p50 = (spec: ServiceTimeSpec | undefined) => {
    assert.is(spec?.type, 'empirical');
    return percentileFromEncoded((spec as { hdr: string }).hdr, 50);
  };
  const full = calibrateRuns([...ramp, ...design], { loopFull: true, holdLines: false });
  const own = calibrateRuns([...ramp, ...design], { holdLines: false });
  const transport = (c: typeof full, r: number) => p50(c.atRate!(r).consumers!.process);
  const sink = (c: typeof full, r: number) => p50(c.atRate!(r).sink!.write);
  // the model's loop at 6,000/s: 0.1 ms per record on a loop of capacity < 1, well into its stretch
  assert.ok(sink(full, 6000) > 1.5 * sink(full, 3600), `sink ${sink(full, 3600)} → ${sink(full, 6000)}`);
  assert.is(transport(full, 6000), transport(full, 3600));
  // without it both are stretched, as before
  assert.ok(transport(own, 6000) > 1.2 * transport(own, 3600), `${transport(own, 3600)} → ${transport(own, 6000)}`);
});

test.run();
