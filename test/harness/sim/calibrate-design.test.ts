/**
 * The ramp calibration's design runs (harness/sim/calibrate-cpu.ts designRuns): runs at the ramp's
 * rates with other partitions or linger, more records per request and per chunk at the same
 * records, which let the CPU fits tell per-record from per-request and per-chunk work where the
 * ramp alone cannot (its records and requests grow together). They enter the CPU fits only.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { calibrateRuns } from '../../../harness/sim/calibrate-fit.ts';
import { contrastFit, designRuns, loopCapacity, twoVariableFit } from '../../../harness/sim/calibrate-cpu.ts';
import type { RunSummary, TrendData } from '../../../results/types.ts';
import { liveLike } from './live-like.ts';

const measuredRate = (s: RunSummary) => (s.config as { executors: { main: { rate: number } } }).executors.main.rate;

/** a run with the given partitions and linger, its stage_queue p50 at `queueMs` */
function withSettings(s: RunSummary, partitions: number, lingerMs: number, queueMs: number): RunSummary {
  const t = (s.config as { target: object }).target;
  s.metrics.stage_queue = { ...(s.metrics.stage_process as TrendData), p50: queueMs };
  return { ...s, config: { ...(s.config as object), target: { ...t, partitions, lingerMs } } } as RunSummary;
}

/**
 * In process: main CPU = 1500 ms + 0.06 ms per record + 0.15 ms per request. On the ramp 5 requests
 * per 2 records at every rate (4 broker requests and one /predict call per chunk of 2): the counts
 * are proportional. The design runs (2 partitions, 20 ms linger) carry 5 records per chunk.
 */
function inProcess(rate: number, recordsPerChunk: number, partitions = 12, lingerMs = 2): RunSummary {
  const s = withSettings(liveLike(rate, 'in-process'), partitions, lingerMs, partitions === 12 ? 10 : 100);
  const records = (rate * s.durationMs) / 1000,
    calls = records / recordsPerChunk;
  Object.assign(s.extra!, {
    cpu: { mainMs: 1500 + 0.06 * records + 0.15 * 5 * calls, childrenMs: 0, wallMs: 5000 },
    broker: { requestsHandled: 4 * calls },
    modelServer: { predictRequests: calls },
  });
  return s;
}

test('designRuns: the settings most runs share are the ramp, the others the design', () => {
  const ramp = [150, 300, 600].map((r) => liveLike(r, 'in-process'));
  const other = withSettings(liveLike(600, 'in-process'), 2, 20, 5);
  const { ramp: r, design: d } = designRuns([other, ...ramp]);
  assert.equal(r, ramp);
  assert.equal(d, [other]);
  // unset settings are the target's defaults (12 partitions, 2 ms linger)
  const unset = liveLike(150, 'in-process');
  (unset.config as { target: { partitions?: number } }).target.partitions = undefined;
  assert.is(designRuns([unset, ...ramp]).design.length, 0);
});

test('in process: design runs separate the per-record from the per-request CPU the ramp cannot', () => {
  const ramp = [150, 300, 600, 1200].map((r) => inProcess(r, 2));
  // alone, the ramp's records and requests are proportional: no two-way fit, the loop's utilisation line
  const alone = calibrateRuns(ramp);
  assert.is(alone.fit.mainCpuFrom, 'event-loop utilisation');
  const cal = calibrateRuns([...ramp, inProcess(600, 5, 2, 20), inProcess(1200, 5, 2, 20)]);
  assert.is(cal.fit.designRuns, 2);
  assert.is(cal.fit.mainCpuFrom, 'main process CPU time per record and request');
  assert.ok(Math.abs(cal.fit.mainCpuPerRecordMs - 0.06) < 1e-6, `${cal.fit.mainCpuPerRecordMs}`);
  // per /predict call: 0.15 ms × the ramp's 5 requests per call (not the design runs')
  assert.ok(Math.abs(cal.fit.mainCpuPerChunkMs! - 0.75) < 1e-6, `${cal.fit.mainCpuPerChunkMs}`);
  // the design runs stay out of the rates and the delay lines (their transport p50 is 100 ms, the ramp's 10)
  assert.equal(cal.fit.rates, [150, 300, 600, 1200]);
  assert.equal(cal.fit.transportMs, alone.fit.transportMs);
  assert.match(cal.notes.join('\n'), /2 run\(s\) with other partitions or linger/);
});

/**
 * Child processors: their CPU within the load window = 300 ms + 0.05 ms per record + 0.8 ms per
 * chunk, chunks of 2 records on the ramp (proportional to the records), of 8 in the design runs
 */
function child(rate: number, recordsPerChunk: number, partitions = 12, lingerMs = 2): RunSummary {
  const s = withSettings(liveLike(rate, 'child'), partitions, lingerMs, 10);
  const records = (rate * s.durationMs) / 1000,
    calls = records / recordsPerChunk;
  const cpu = { mainMs: 0, childrenMs: 5000, wallMs: 5000, childrenWindowMs: 300 + 0.05 * records + 0.8 * calls };
  Object.assign(s.extra!, { cpu, modelServer: { predictRequests: calls }, accounting: { decided: records } });
  return s;
}

test('child processors: design runs separate their CPU per record from their CPU per chunk', () => {
  const ramp = [150, 300, 600, 1200].map((r) => child(r, 2));
  // alone: per record only, the chunks' work charged to the records (0.05 + 0.8 / 2)
  const alone = calibrateRuns(ramp);
  assert.is(alone.fit.processorCpuPerChunkMs, undefined);
  assert.ok(Math.abs(alone.fit.processorCpuPerRecordMs! - 0.45) < 1e-6, `${alone.fit.processorCpuPerRecordMs}`);
  const cal = calibrateRuns([...ramp, child(600, 8, 2, 20), child(1200, 8, 2, 20)]);
  assert.ok(Math.abs(cal.fit.processorCpuPerRecordMs! - 0.05) < 1e-6, `${cal.fit.processorCpuPerRecordMs}`);
  assert.ok(Math.abs(cal.fit.processorCpuPerChunkMs! - 0.8) < 1e-6, `${cal.fit.processorCpuPerChunkMs}`);
  const m = cal.atRate!(2400).cpu!.modelServer!;
  assert.equal([m.host, m.perRecordMs, m.perBatchMs], ['processors', 0.05, cal.fit.processorCpuPerChunkMs]);
  assert.match(cal.notes.join('\n'), /ms per chunk \(their CPU time on records and chunks/);
});

test("beside design runs, ramp runs that do not batch (a record a chunk) stay out of the CPU lines' fit", () => {
  // 1,000–4,000/s: 3, 4, 5 records a chunk, 0.06 ms per record + 0.15 ms per request (5 a chunk);
  // 50 and 100/s: one record a chunk, whose requests are polls at 0.5 ms each
  const ramp = [1000, 2000, 4000].map((r, i) => inProcess(r, 3 + i));
  const low = [50, 100].map((r) => {
    const s = inProcess(r, 1);
    const x = s.extra as { cpu: { mainMs: number }; broker: { requestsHandled: number } };
    x.cpu.mainMs = 1500 + 0.5 * 5 * ((r * s.durationMs) / 1000);
    return s;
  });
  // with a design run at 2,000/s (2 partitions, 6 records a chunk), on the same lines
  const cal = calibrateRuns([...low, ...ramp, inProcess(2000, 6, 2, 20)]);
  assert.equal(cal.fit.rates, [50, 100, 1000, 2000, 4000]);
  assert.ok(Math.abs(cal.fit.mainCpuPerRecordMs - 0.06) < 1e-6, `${cal.fit.mainCpuPerRecordMs}`);
  assert.ok(Math.abs(cal.fit.mainCpuPerChunkMs! - 0.75) < 1e-6, `${cal.fit.mainCpuPerChunkMs}`);
  // a line through all five runs bends: another per-record cost
  const all = [...low, ...ramp].map((s) => {
    const x = s.extra as { cpu: { mainMs: number }; broker: { requestsHandled: number } };
    const calls = (s.extra as { modelServer: { predictRequests: number } }).modelServer.predictRequests;
    return { x1: (s.durationMs / 1000) * measuredRate(s), x2: x.broker.requestsHandled + calls, y: x.cpu.mainMs };
  });
  const bent = twoVariableFit(all);
  assert.ok(!bent || Math.abs(bent.a - 0.06) > 0.005, `through all runs: ${bent?.a} ms per record`);
});

/** the run's process CPU within the load window at `k` × its loop's busy time, its chunks decided */
function withWindow(s: RunSummary, k: number): RunSummary {
  const x = s.extra as { cpu: Record<string, number>; modelServer?: { predictRequests: number } };
  x.cpu.mainWindowMs = k * s.loadGenerator!.eventLoopUtilization * s.durationMs;
  Object.assign(s.extra!, { accounting: { decided: (measuredRate(s) * s.durationMs) / 1000 } });
  return s;
}

test('loopCapacity: the process CPU per loop busy time over the runs that batch, at least 1', () => {
  const runs = [600, 1200].map((r) => withWindow(inProcess(r, 2), 1.2));
  assert.ok(Math.abs(loopCapacity(runs)! - 1.2) < 1e-9, `${loopCapacity(runs)}`);
  // a run of one record a chunk (polls, start-up) stays out; one run alone says nothing
  assert.ok(Math.abs(loopCapacity([...runs, withWindow(inProcess(50, 1), 3)])! - 1.2) < 1e-9);
  assert.is(loopCapacity(runs.slice(0, 1)), undefined);
  // no run without its window's CPU (calib-sim16 and earlier)
  assert.is(loopCapacity([600, 1200].map((r) => inProcess(r, 2))), undefined);
  // busy time that is not CPU (the loop waiting for a core) does not shrink the loop
  assert.is(loopCapacity([600, 1200].map((r) => withWindow(inProcess(r, 2), 0.9))), 1);
});

test("in process: the loop does the process's fitted CPU over its capacity (helper threads beside it)", () => {
  const runs = [
    ...[150, 300, 600, 1200].map((r) => inProcess(r, 2)),
    inProcess(600, 5, 2, 20),
    inProcess(1200, 5, 2, 20),
  ].map((s) => withWindow(s, 1.25));
  const cal = calibrateRuns(runs);
  assert.ok(Math.abs(cal.fit.mainLoopCapacity! - 1.25) < 1e-9, `${cal.fit.mainLoopCapacity}`);
  // the process's costs stay as fitted (0.06 ms per record, 0.75 per chunk); the loop does 1/1.25 of them
  assert.ok(Math.abs(cal.fit.mainCpuPerRecordMs - 0.06) < 1e-6, `${cal.fit.mainCpuPerRecordMs}`);
  const m = cal.atRate!(2400).cpu!.modelServer!;
  assert.ok(Math.abs(m.perRecordMs! - 0.06 / 1.25) < 1e-9, `${m.perRecordMs}`);
  assert.ok(Math.abs(m.perBatchMs! - 0.75 / 1.25) < 1e-6, `${m.perBatchMs}`);
  assert.match(cal.notes.join('\n'), /the process's CPU is 1\.25 × its loop's busy time/);
});

test('in process: the per-record cost from the design contrasts, where the ramp requests wander', () => {
  // 0.06 ms per record + 0.15 ms per request; the ramp's requests per chunk move from run to run
  // (5, 7, 4, 6 a chunk of 2 at 1,000–4,200/s: the broker's 4 plus polls), the design runs 5 a chunk of 5
  const ramp = [1000, 2000, 3000, 4200].map((r, i) => {
    const s = inProcess(r, 2);
    const x = s.extra as { cpu: { mainMs: number }; broker: { requestsHandled: number } };
    const calls = (r * s.durationMs) / 1000 / 2,
      perCall = [5, 7, 4, 6][i]!;
    x.broker.requestsHandled = (perCall - 1) * calls;
    x.cpu.mainMs = 1500 + 0.06 * 2 * calls + 0.15 * perCall * calls;
    return s;
  });
  // the ramp's background moves too (other polls): +1,000 ms at 3,000/s
  (ramp[2]!.extra as { cpu: { mainMs: number } }).cpu.mainMs += 1000;
  const runs = [...ramp, inProcess(2000, 5, 2, 20), inProcess(4200, 5, 2, 20)];
  const cal = calibrateRuns(runs);
  assert.is(cal.fit.mainCpuFrom, 'main process CPU time per record and request');
  assert.ok(Math.abs(cal.fit.mainCpuPerRecordMs - 0.06) < 1e-6, `${cal.fit.mainCpuPerRecordMs}`);
  assert.is(cal.fit.mainCpuBy, 'design contrasts');
  assert.match(cal.notes.join('\n'), /its CPU time on records and requests \(design contrasts\)/);
  // the least squares over all of them takes part of the requests' cost for the records'
  const rows = runs.map((s) => {
    const x = s.extra as { cpu: { mainMs: number }; broker: { requestsHandled: number } };
    const calls = (s.extra as { modelServer: { predictRequests: number } }).modelServer.predictRequests;
    return { x1: (s.durationMs / 1000) * measuredRate(s), x2: x.broker.requestsHandled + calls, y: x.cpu.mainMs };
  });
  const plain = twoVariableFit(rows);
  assert.ok(!plain || Math.abs(plain.a - 0.06) > 0.005, `least squares: ${plain?.a} ms per record`);
  // one design rate is not a contrast of records
  const one = contrastFit(
    rows.slice(0, 5).map((r, i) => ({ ...r, p: { summary: runs[i]!, rate: measuredRate(runs[i]!) } })),
    rows.slice(4, 5).map((r) => ({ ...r, p: { summary: runs[4]!, rate: 2000 } })),
  );
  assert.is(one, undefined);
});

test.run();
