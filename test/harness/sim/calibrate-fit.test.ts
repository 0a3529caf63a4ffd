/**
 * Calibration on a ramp (harness/sim/calibrate-fit.ts) on summaries shaped like live pipeline
 * runs (simulated runs relabelled as live, with the figures a live run records added: the event
 * loop's utilisation, the child processors' CPU time). No live run here: the fit is checked
 * against lines it must recover exactly, and the prediction against the capacity they imply.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { calibrateRuns, leastSquares } from '../../../harness/sim/calibrate-fit.ts';
import { loopStretch } from '../../../harness/sim/calibrate-cpu.ts';
import { type Calibration, predict } from '../../../harness/sim/calibrate.ts';
import type { RunSummary, TrendData } from '../../../results/types.ts';
import { decodeValues } from '../../../results/hdr.ts';
import type { ServiceTimeSpec } from '../../../harness/sim/dist.ts';
import { PipelabError } from '../../../errors.ts';
import { liveLike } from './live-like.ts';
import { Rng } from '../../../generators/rng.ts';

/** the mean of an empirical spec's values */
function sampleMean(spec: ServiceTimeSpec): number {
  assert.is(spec.type, 'empirical');
  let n = 0,
    sum = 0;
  for (const { valueMs, count } of decodeValues((spec as { hdr: string }).hdr)) {
    n += count;
    sum += valueMs * count;
  }
  return sum / n;
}

test('least squares recovers a line', () => {
  const { a, b } = leastSquares([1, 2, 3, 4], [3.5, 5.5, 7.5, 9.5]);
  assert.ok(Math.abs(a - 1.5) < 1e-12 && Math.abs(b - 2) < 1e-12, `${a} ${b}`);
});

test("in process: the event loop line's slope b is the work per record, the background no queue", () => {
  const cal = calibrateRuns([300, 150, 600].map((r) => liveLike(r, 'in-process')));
  assert.equal(cal.fit.rates, [150, 300, 600]);
  assert.is(cal.fit.mainCpuFrom, 'event-loop utilisation');
  assert.ok(Math.abs(cal.fit.eventLoop!.background - 0.3) < 1e-9);
  assert.ok(Math.abs(cal.fit.eventLoop!.perRecordMs - 0.2) < 1e-9);
  // 0.2 ms per record: full at 5000/s; the background 0.3 (elastic polling) is not charged to the records
  assert.ok(Math.abs(cal.fit.mainCpuPerRecordMs - 0.2) < 1e-9, `${cal.fit.mainCpuPerRecordMs}`);
  assert.equal(cal.sim.hosts, { main: { cores: 1, discipline: 'fifo' } });
  assert.is(cal.sim.cpu?.modelServer?.host, 'main');
  const below = predict(cal, { rate: 2000, durationMs: 5000, warmupMs: 1000 });
  const beyond = predict(cal, { rate: 7000, durationMs: 5000, warmupMs: 1000 });
  assert.ok(below.throughput > 0.95 * 2000, `${below.throughput}`);
  assert.ok(beyond.throughput < 0.8 * 7000, `beyond the knee ${beyond.throughput}`);
  assert.ok(beyond.p50 > 5 * below.p50, `p50 ${below.p50} → ${beyond.p50}`);
  // deterministic per seed
  assert.is(predict(cal, { rate: 2000, durationMs: 5000, warmupMs: 1000 }).p99, below.p99);
});

test('in process, background as lost capacity: b / (1 − a) per record, full at (1 − a) / b', () => {
  const cal = calibrateRuns(
    [150, 300, 600].map((r) => liveLike(r, 'in-process')),
    { background: 'capacity' },
  );
  // 0.2 ms per record on the 70 % of the loop left: 0.2857 ms, full at 3500/s
  assert.ok(Math.abs(cal.fit.mainCpuPerRecordMs - 0.2 / 0.7) < 1e-9, `${cal.fit.mainCpuPerRecordMs}`);
  assert.is(cal.fit.eventLoop!.treated, 'capacity');
  assert.match(cal.notes.join('\n'), /lost capacity/);
  const beyond = predict(cal, { rate: 4500, durationMs: 5000, warmupMs: 1000 });
  assert.ok(beyond.throughput < 0.85 * 4500, `beyond the knee ${beyond.throughput}`);
});

test("the fit's sampling error goes into the replications' interval", () => {
  const exact = calibrateRuns([150, 300, 600].map((r) => liveLike(r, 'in-process')));
  assert.ok(exact.fit.mainCpuSe! < 1e-9); // a perfect line: no sampling error
  const noisy = [150, 300, 450, 600].map((r, i) => {
    const s = liveLike(r, 'in-process');
    s.loadGenerator!.eventLoopUtilization += i % 2 ? 0.03 : -0.03;
    return s;
  });
  const cal = calibrateRuns(noisy);
  assert.ok(cal.fit.mainCpuSe! > 0.01, `se ${cal.fit.mainCpuSe}`);
  const o = { rate: 3000, durationMs: 4000, warmupMs: 1000, replications: 4 };
  const wide = predict(cal, o).interval!;
  // the same calibration with its costs held at the estimate: the seeds' spread only
  const held: Calibration = { ...cal, atRate: (rate) => cal.atRate!(rate) };
  const narrow = predict(held, o).interval!;
  assert.ok(wide.p50[1] - wide.p50[0] > narrow.p50[1] - narrow.p50[0], `${wide.p50} vs ${narrow.p50}`);
});

test("the measured histograms' own sampling error: a bootstrap per replication widens the interval", () => {
  // a perfect utilisation line (no CPU sampling error): what widens the interval is the transport
  // and sink histograms resampled, and the lines' slopes drawn
  const cal = calibrateRuns([150, 300, 600].map((r) => liveLike(r, 'in-process')));
  assert.ok(cal.fit.mainCpuSe! < 1e-9);
  assert.ok(cal.fit.transportSlopeSe !== undefined && cal.fit.sinkSlopeSe !== undefined);
  const o = { rate: 900, durationMs: 4000, warmupMs: 1000, replications: 4 };
  const wide = predict(cal, o).interval!;
  const narrow = predict({ ...cal, atRate: (rate) => cal.atRate!(rate) }, o).interval!;
  assert.ok(wide.p50[1] - wide.p50[0] > narrow.p50[1] - narrow.p50[0], `${wide.p50} vs ${narrow.p50}`);
});

test("holdLines false: the lines hold their value at the ramp's top, stretched beyond it as the loop fills", () => {
  const runs = [150, 300, 600].map((r) => {
    const s = liveLike(r, 'in-process');
    // a transport histogram that is not all zeros (the simulated stage_queue is the wait before the consumers)
    s.metrics.stage_queue = { ...(s.metrics.stage_process as TrendData), p50: 5 + 0.02 * r }; // 8, 11, 17 ms
    return s;
  });
  const cal = calibrateRuns(runs, { holdLines: false });
  assert.is(cal.fit.topRate, 600);
  const transport = (rate: number) => sampleMean(cal.atRate!(rate).consumers!.process!);
  // along the line (at the share of its slope kept) within the ramp, then level
  const [a, b] = cal.fit.transportMs;
  assert.ok(b > 0, `slope ${b}`);
  const ratio = transport(600) / transport(150);
  assert.ok(Math.abs(ratio - (a + 600 * b) / (a + 150 * b)) < 0.01, `${ratio}`);
  // beyond the top: the held value × (1 − ρ(top)) / (1 − ρ), ρ the records' share of the loop (held at 0.95)
  const w = cal.fit.mainCpuPerRecordMs;
  const rho = (r: number) => Math.min(0.95, (r * w) / 1000);
  assert.ok(rho(600) > 0 && rho(600) < 0.95, `loop at the top ${rho(600)}`);
  for (const r of [1200, 2400, 600_000]) {
    const want = (1 - rho(600)) / (1 - rho(r));
    assert.ok(
      Math.abs(transport(r) / transport(600) / want - 1) < 0.01,
      `${r}/s: ${transport(r) / transport(600)} vs ${want}`,
    );
  }
  assert.ok(transport(1200) > transport(600));
  assert.match(cal.notes.join('\n'), /held at [\d.]+ ms beyond 600\/s/);
});

test('holdLines (the default): beyond the ramp the transport and sink lines stay at their value at its top', () => {
  const runs = [150, 300, 600].map((r) => {
    const s = liveLike(r, 'in-process');
    s.metrics.stage_queue = { ...(s.metrics.stage_process as TrendData), p50: 5 + 0.02 * r };
    return s;
  });
  const stretched = calibrateRuns(runs, { holdLines: false }),
    held = calibrateRuns(runs);
  assert.is(held.fit.holdLines, true);
  assert.equal(calibrateRuns(runs, { holdLines: true }).fit, held.fit);
  assert.is(stretched.fit.holdLines, undefined);
  const at = (c: Calibration, rate: number) => {
    const m = c.atRate!(rate);
    return { transport: sampleMean(m.consumers!.process!), sink: sampleMean(m.sink!.write!) };
  };
  // within the ramp the two are the same model
  assert.equal(at(held, 300), at(stretched, 300));
  const top = at(held, 600);
  for (const r of [1200, 2400]) {
    const h = at(held, r),
      s = at(stretched, r);
    assert.ok(Math.abs(h.transport / top.transport - 1) < 1e-9, `${r}/s transport ${h.transport} vs ${top.transport}`);
    assert.ok(Math.abs(h.sink / top.sink - 1) < 1e-9, `${r}/s sink ${h.sink} vs ${top.sink}`);
    assert.ok(s.transport > h.transport * 1.01, `${r}/s: stretched ${s.transport}, held ${h.transport}`);
  }
  assert.match(held.notes.join('\n'), /beyond 600\/s, not stretched/);
});

test("loopStretch: 1 up to the top, then the busiest loop's processor-sharing factor, held past 0.95", () => {
  const loop = (ms: number, cores = 1) => ({ msPerRecord: () => ms, cores });
  assert.is(loopStretch(1000, 2000, [loop(0.1)]), 1);
  assert.is(loopStretch(2000, 2000, [loop(0.1)]), 1);
  assert.is(loopStretch(3000, 2000, []), 1);
  // ρ 0.2 at the top, 0.5 at 5000/s: (1 − 0.2) / (1 − 0.5)
  assert.ok(Math.abs(loopStretch(5000, 2000, [loop(0.1)]) - 1.6) < 1e-9);
  // the busiest of two hosts sets it; two cores halve a host's utilisation
  assert.ok(Math.abs(loopStretch(5000, 2000, [loop(0.05), loop(0.2, 2)]) - 1.6) < 1e-9);
  // beyond the knee, held at ρ 0.95
  assert.ok(Math.abs(loopStretch(1e6, 2000, [loop(0.1)]) - 0.8 / 0.05) < 1e-9);
});

test("the chunk line's sampling error: each draw moves its slope and resamples the chunk histogram", () => {
  // in process, per-chunk metrics: 100 chunks per run of 2, 4, 6, 8 records, chunk time 3 ms + 0.5 ms per
  // record, off its line by ±0.5 ms
  const runs = [150, 300, 450, 600].map((r, i) => {
    const s = liveLike(r, 'in-process');
    const f = s.metrics.stage_features as TrendData;
    s.metrics.processor_stage_features = { ...f, count: 100, mean: 1 };
    s.metrics.processor_stage_inference = { ...f, count: 100, mean: 2 + 0.5 * (i + 1) * 2 + (i % 2 ? 0.5 : -0.5) };
    s.metrics.processor_records = { type: 'counter', count: 200 * (i + 1), rate: r };
    return s;
  });
  const cal = calibrateRuns(runs);
  // 0.5 ms per record by construction, the alternating noise tilts the fit to 0.6, of which the event
  // loop's 0.2 ms per record is CPU on the main host: 0.4 ms is delay
  assert.ok(Math.abs(cal.fit.chunkSlopeMs! - 0.6) < 1e-9, `${cal.fit.chunkSlopeMs}`);
  assert.ok(Math.abs(cal.fit.chunkPerRecordMs - 0.4) < 1e-9, `${cal.fit.chunkPerRecordMs}`);
  assert.ok(cal.fit.chunkSlopeSe! > 0.05, `se ${cal.fit.chunkSlopeSe}`);
  assert.is(cal.fit.chunkSamples, 100);
  const held = cal.atRate!(600);
  assert.is(held.modelServer!.perItemMs, cal.fit.chunkPerRecordMs);
  const a = cal.atRate!(600, new Rng(1)),
    b = cal.atRate!(600, new Rng(2));
  assert.is.not(a.modelServer!.perItemMs, b.modelServer!.perItemMs);
  assert.is.not(a.modelServer!.perItemMs, held.modelServer!.perItemMs);
  const hdr = (m: typeof a) => (m.modelServer!.batch as { hdr: string }).hdr;
  assert.is.not(hdr(a), hdr(b));
  // the bootstrap holds as many values as chunks were measured at the lowest rate
  const n = decodeValues(hdr(a)).reduce((t, v) => t + v.count, 0);
  assert.is(n, 100);
  // child processors report no chunks: one chunk size, no slope, so no slope error
  const child = calibrateRuns([150, 300, 600].map((r) => liveLike(r, 'child')));
  assert.is(child.fit.chunkSlopeSe, 0);
});

test("child processors: the model server's calls give their chunks, so the chunk line has its sizes", () => {
  // every record carries its chunk's time (3 ms + 0.55 ms per record: 0.5 ms waiting, 0.05 ms the child's
  // CPU, liveLike); chunks of 2, 4, 6, 8 records, counted by the embedded model server over the run (one
  // call per chunk) against the records decided
  const runs = [150, 300, 450, 600].map((r, i) => {
    const s = liveLike(r, 'child');
    const f = s.metrics.stage_features as TrendData;
    s.metrics.stage_features = { ...f, mean: 1 };
    s.metrics.stage_inference = { ...f, mean: 2 + 0.55 * 2 * (i + 1) };
    const decided = r * 5;
    Object.assign(s.extra!, { modelServer: { predictRequests: decided / (2 * (i + 1)) }, accounting: { decided } });
    return s;
  });
  const cal = calibrateRuns(runs);
  // the child's CPU is done on the processors' host: the chunk's delay is the rest of the slope
  assert.ok(Math.abs(cal.fit.chunkSlopeMs! - 0.55) < 1e-9, `${cal.fit.chunkSlopeMs}`);
  assert.ok(Math.abs(cal.fit.chunkPerRecordMs - 0.5) < 1e-9, `${cal.fit.chunkPerRecordMs}`);
  assert.is(cal.atRate!(600).cpu!.modelServer!.perRecordMs, cal.fit.processorCpuPerRecordMs);
  assert.ok(Math.abs(cal.fit.chunkFixedMs - 3) < 1e-9, `${cal.fit.chunkFixedMs}`);
  assert.is(cal.atRate!(600).modelServer!.perItemMs, cal.fit.chunkPerRecordMs);
  // the bootstrap's size: the lowest-rate run's chunks within its measured window, not its records
  const records = (runs[0]!.metrics.e2e_latency as TrendData).count;
  assert.is(cal.fit.chunkSamples, Math.round(records / 2));
});

test('child processors: their CPU time over records gives the processors host its CPU per record', () => {
  const cal = calibrateRuns([150, 300, 600].map((r) => liveLike(r, 'child')));
  assert.ok(Math.abs(cal.fit.processorCpuPerRecordMs! - 0.05) < 1e-9, `${cal.fit.processorCpuPerRecordMs}`);
  assert.equal(Object.keys(cal.sim.hosts ?? {}), ['main', 'processors']);
  assert.is(cal.sim.cpu?.modelServer?.host, 'processors');
  assert.is(cal.sim.cpu?.modelServer?.perRecordMs, cal.fit.processorCpuPerRecordMs);
  assert.match(cal.notes.join('\n'), /their CPU time over records/);
});

test('child processors: their CPU within the load window, where measured, not their reaped time with start-up', () => {
  // reaped time: a start-up that varies by run (4.4–5.6 s) over 0.05 ms per record; window: 0.08 ms per record
  const runs = [150, 300, 600, 1200].map((r, i) => {
    const s = liveLike(r, 'child');
    const cpu = { mainMs: 0, childrenMs: [5600, 4400, 5200, 4800][i]! + 0.05 * r * 4, wallMs: 5000 };
    return { ...s, extra: { cpu: { ...cpu, childrenWindowMs: 120 + 0.08 * r * 4 } } } as RunSummary;
  });
  const cal = calibrateRuns(runs);
  assert.ok(Math.abs(cal.fit.processorCpuPerRecordMs! - 0.08) < 1e-9, `${cal.fit.processorCpuPerRecordMs}`);
  const reaped = calibrateRuns(
    runs.map((s) => ({ ...s, extra: { cpu: { ...(s.extra!.cpu as object), childrenWindowMs: undefined } } })),
  );
  // on the reaped time the start-ups' spread (1.2 s) outweighs the work (0.2 s): the slope comes out ≤ 0, no cost
  assert.is(reaped.fit.processorCpuPerRecordMs, undefined);
});

test("child processors: the main process's CPU time over records, not its loop's utilisation, is its CPU", () => {
  // the main loop's utilisation says 0.2 ms per record (it also counts the waits on the children's answers);
  // its CPU time says 0.08 ms per record (+ 1500 ms of start-up and polling)
  const runs = [150, 300, 600].map((r) => {
    const s = liveLike(r, 'child');
    (s.extra as { cpu: { mainMs: number } }).cpu.mainMs = 1500 + 0.08 * r * 4;
    return s;
  });
  const cal = calibrateRuns(runs);
  assert.is(cal.fit.mainCpuFrom, 'main process CPU time');
  assert.ok(Math.abs(cal.fit.mainCpuPerRecordMs - 0.08) < 1e-9, `${cal.fit.mainCpuPerRecordMs}`);
  assert.ok(cal.fit.mainCpuSe! < 1e-9); // a perfect line
  assert.is(cal.sim.cpu?.consumers?.host, 'main');
  assert.is(cal.sim.cpu!.consumers!.perRecordMs! + cal.sim.cpu!.sink!.perRecordMs!, cal.fit.mainCpuPerRecordMs);
  assert.match(cal.notes.join('\n'), /full at 12500\/s/);
  // without it (mainMs not measured): the loop's line, as in process
  assert.is(calibrateRuns([150, 300, 600].map((r) => liveLike(r, 'child'))).fit.mainCpuFrom, 'event-loop utilisation');
});

test("child processors: the main process's CPU per record and per request, where it counted its requests", () => {
  // CPU = 1500 ms + 0.03 ms per record + 0.2 ms per request; the requests' rate grows slower than the records'
  // (batches fill), 60·√rate per second, so the two counts can be told apart
  const rates = [150, 300, 600, 1200];
  const runs = rates.map((r) => {
    const s = liveLike(r, 'child');
    const seconds = s.durationMs / 1000,
      predict = Math.round(10 * Math.sqrt(r) * seconds);
    const requests = 60 * Math.sqrt(r) * seconds;
    Object.assign(s.extra!, {
      cpu: { mainMs: 1500 + 0.03 * r * seconds + 0.2 * requests, childrenMs: 400, wallMs: 5000 },
      broker: { requestsHandled: requests - predict },
      modelServer: { predictRequests: predict },
    });
    return s;
  });
  const cal = calibrateRuns(runs);
  assert.is(cal.fit.mainCpuFrom, 'main process CPU time per record and request');
  assert.ok(Math.abs(cal.fit.mainCpuPerRecordMs - 0.03) < 1e-6, `${cal.fit.mainCpuPerRecordMs}`);
  const q = cal.fit.mainCpuPerRequest!;
  assert.ok(Math.abs(q.ms - 0.2) < 1e-6, `${q.ms}`);
  // beyond the ramp the requests' rate holds at its line's value at the top: their CPU spreads over more records
  const at = (rate: number) => {
    const c = cal.atRate!(rate).cpu!;
    return c.consumers!.perRecordMs! + c.sink!.perRecordMs!;
  };
  const top = q.requestsPerSec[0] + q.requestsPerSec[1] * 1200;
  assert.ok(Math.abs(at(4800) - (0.03 + (0.2 * top) / 4800)) < 1e-9, `${at(4800)}`);
  assert.ok(at(4800) < at(1200));
  assert.match(cal.notes.join('\n'), /ms per request/);
  // requests growing as the records do (a line through the origin): not separable, the per-record line then
  runs.forEach((s, i) => {
    const x = s.extra as { broker: { requestsHandled: number }; modelServer: { predictRequests: number } };
    x.broker.requestsHandled = 0.5 * (s.durationMs / 1000) * rates[i]!;
    x.modelServer.predictRequests = 0;
  });
  assert.is(calibrateRuns(runs).fit.mainCpuFrom, 'main process CPU time');
});

test("in process: the loop's CPU per record and per chunk, where the run counted the main process's requests", () => {
  // CPU = 1500 ms + 0.03 ms per record + 0.2 ms per request; 4 requests (produce, fetch, commit,
  // /predict) go with each chunk, and the chunks' rate grows slower than the records' (10·√rate per
  // second: chunks fill), so the two counts can be told apart; chunk time 3 ms + 0.13 ms per record,
  // of which the loop's 0.03 ms per record is CPU on the main host
  const runs = [150, 300, 600, 1200].map((r) => {
    const s = liveLike(r, 'in-process');
    const seconds = s.durationMs / 1000,
      calls = 10 * Math.sqrt(r) * seconds;
    const f = s.metrics.stage_features as TrendData;
    s.metrics.processor_stage_features = { ...f, count: calls, mean: 1 };
    s.metrics.processor_stage_inference = { ...f, count: calls, mean: 2 + (0.13 * r * seconds) / calls };
    s.metrics.processor_records = { type: 'counter', count: r * seconds, rate: r };
    Object.assign(s.extra!, {
      cpu: { mainMs: 1500 + 0.03 * r * seconds + 0.2 * 4 * calls, childrenMs: 0, wallMs: 5000 },
      broker: { requestsHandled: 3 * calls },
      modelServer: { predictRequests: calls },
    });
    return s;
  });
  const cal = calibrateRuns(runs);
  assert.is(cal.fit.mainCpuFrom, 'main process CPU time per record and request');
  assert.ok(Math.abs(cal.fit.mainCpuPerRecordMs - 0.03) < 1e-6, `${cal.fit.mainCpuPerRecordMs}`);
  assert.ok(Math.abs(cal.fit.mainCpuPerChunkMs! - 0.8) < 1e-6, `${cal.fit.mainCpuPerChunkMs}`);
  const m = cal.atRate!(4800).cpu!.modelServer!;
  assert.equal([m.host, m.perRecordMs, m.perBatchMs], ['main', cal.fit.mainCpuPerRecordMs, cal.fit.mainCpuPerChunkMs]);
  assert.ok(Math.abs(cal.fit.chunkSlopeMs! - 0.13) < 1e-9, `${cal.fit.chunkSlopeMs}`);
  assert.ok(Math.abs(cal.fit.chunkPerRecordMs - 0.1) < 1e-6, `${cal.fit.chunkPerRecordMs}`);
  assert.match(cal.notes.join('\n'), /ms per chunk/);
  // the ramp's top is predicted below the knee with the per-chunk CPU on the loop
  const below = predict(cal, { rate: 1200, durationMs: 4000, warmupMs: 1000 });
  assert.ok(below.throughput > 0.95 * 1200, `${below.throughput}`);
});

test('the chunk line within each run, where the runs reported chunks by size: the load stays out of its slope', () => {
  // within a run a chunk takes 3 ms + 0.1 ms per record, plus a wait that grows with the load (2 ms
  // per 1000/s), and the chunks grow with the rate: one mean per run would read the wait as size
  // (the runs' means lie on 3 + 0.1·n + 2·rate/1000 with n = 2 + rate/100: a slope of 0.3)
  const runs = [150, 300, 600, 1200].map((r) => {
    const s = liveLike(r, 'in-process');
    const seconds = s.durationMs / 1000,
      n = 2 + r / 100,
      wait = (2 * r) / 1000;
    const f = s.metrics.stage_features as TrendData;
    s.metrics.processor_stage_features = { ...f, count: (r * seconds) / n, mean: 1 };
    s.metrics.processor_stage_inference = { ...f, count: (r * seconds) / n, mean: 2 + 0.1 * n + wait };
    s.metrics.processor_records = { type: 'counter', count: r * seconds, rate: r };
    // its chunks by size class: half the records in chunks of n/2, half in chunks of 3n/2
    const records = r * seconds;
    Object.assign(s.extra!, {
      chunkClasses: [0.5, 1.5].map((k) => ({ n: k * n, records: records / 2, chunkMs: 3 + 0.1 * k * n + wait })),
    });
    return s;
  });
  const cal = calibrateRuns(runs);
  assert.is(cal.fit.chunkLineFrom, 'within runs');
  assert.ok(Math.abs(cal.fit.chunkSlopeMs! - 0.1) < 1e-9, `${cal.fit.chunkSlopeMs}`);
  assert.match(cal.notes.join('\n'), /within each run/);
  // the same runs without their classes: the runs' means, whose slope carries the load
  for (const s of runs) delete (s.extra as { chunkClasses?: unknown }).chunkClasses;
  const across = calibrateRuns(runs).fit;
  assert.is(across.chunkLineFrom, 'across runs');
  assert.ok(Math.abs(across.chunkSlopeMs! - 0.3) < 1e-6, `${across.chunkSlopeMs}`);
});

test("the transport and sink delays' shape comes from every run of the ramp, not the lowest rate's alone", () => {
  const runs = [150, 300, 600].map((r) => {
    const s = liveLike(r, 'in-process');
    s.metrics.stage_queue = s.metrics.stage_process!; // the simulated queue stage is 0: give it a shape
    return s;
  });
  const cal = calibrateRuns(runs);
  const count = (spec: ServiceTimeSpec) => decodeValues((spec as { hdr: string }).hdr).reduce((n, v) => n + v.count, 0);
  const sum = (k: string) => runs.reduce((n, s) => n + (s.metrics[k] as TrendData).count, 0);
  assert.is(count(cal.atRate!(300).consumers!.process!), sum('stage_queue'));
  assert.is(count(cal.atRate!(300).sink!.write!), sum('stage_sink'));
});

test('one run, or runs at one rate, are refused with the fix', () => {
  for (const runs of [[liveLike(200, 'in-process')], [liveLike(200, 'in-process'), liveLike(200, 'in-process')]]) {
    try {
      calibrateRuns(runs);
      assert.unreachable('accepted');
    } catch (e) {
      assert.instance(e, PipelabError);
      assert.match((e as PipelabError).hint ?? '', /rate/);
    }
  }
});

test.run();
