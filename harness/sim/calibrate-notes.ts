/**
 * The notes of a ramp calibration (calibrate-fit.ts): what was fitted, from which figures, in words.
 */
import type { Calibration } from './calibrate.ts';
import type { RampFit } from './calibrate-draw.ts';

const lineAt = (l: [number, number], rate: number) => l[0] + l[1] * rate;

/** the in-process loop's share of the process's CPU, in words (calibrate-cpu.ts loopCapacity) */
const capacity = (c: number | undefined) =>
  c !== undefined && c > 1
    ? `; the process's CPU is ${c.toFixed(2)} × its loop's busy time (helper threads beside the loop), ` +
      'so the loop does the fitted costs over that'
    : '';

export function rampNotes(base: Calibration, f: RampFit): string[] {
  const child = base.source.processorMode === 'child';
  const r = (x: number) => (x >= 1 ? x.toFixed(2) : x.toPrecision(2));
  const measuredCpu =
    f.processorCpuPerChunkMs !== undefined
      ? ` + ${r(f.processorCpuPerChunkMs)} ms per chunk (their CPU time on records and chunks, least squares)`
      : f.processorCpuPerRecordMs !== undefined
        ? ' (their CPU time over records)'
        : ' (not measured)';
  const held = f.holdLines ? ', not stretched' : '';
  const line = (l: [number, number]) =>
    `${r(l[0])} ms + ${r(l[1] * 1000)} ms per 1000/s ` +
    `(held at ${r(lineAt(l, f.topRate))} ms beyond ${f.topRate}/s${held})`;
  const q = f.mainCpuPerRequest;
  const elu = q
    ? `its CPU time on records and requests (least squares): ${r(f.mainCpuPerRecordMs)} ms per record + ` +
      `${r(q.ms)} ms per request (broker requests and /predict calls: ${r(q.requestsPerSec[0])}/s + ` +
      `${r(q.requestsPerSec[1])} per record/s, held at ${Math.round(lineAt(q.requestsPerSec, f.topRate))}/s beyond ` +
      `${f.topRate}/s), full at ${Math.round(1000 / f.mainCpuPerRecordMs)}/s less the requests' share`
    : f.mainCpuPerChunkMs
      ? `its CPU time on records and requests (${f.mainCpuBy ?? 'least squares'}): ${r(f.mainCpuPerRecordMs)} ms ` +
        'per record + ' +
        `${r(f.mainCpuPerChunkMs)} ms per chunk (its requests: broker requests and /predict calls)` +
        (f.loopFull
          ? `; the CPU per record from the ${f.loopFull.runs} ramp run(s) with the loop full (the contrasts said ` +
            `${r(f.loopFull.contrastMs)} ms), the loop's capacity ${r(f.mainLoopCapacity ?? 1)} of its CPU after ` +
            `the design runs' background of ${r(f.loopFull.backgroundCores)} core`
          : capacity(f.mainLoopCapacity))
      : f.mainCpuFrom === 'main process CPU time'
        ? `its CPU time over records (least squares): ${r(f.mainCpuPerRecordMs)} ms per record, ` +
          `full at ${Math.round(1000 / f.mainCpuPerRecordMs)}/s` +
          capacity(f.mainLoopCapacity)
        : f.eventLoop
          ? `the event loop's utilisation ${r(f.eventLoop.background)} + ${r(f.eventLoop.perRecordMs)} ms × rate ` +
            `(least squares): ${r(f.mainCpuPerRecordMs)} ms per record, ` +
            `full at ${Math.round(1000 / f.mainCpuPerRecordMs)}/s ` +
            (f.eventLoop.treated === 'elastic'
              ? `(the background ${r(f.eventLoop.background)} is elastic polling, not a queue the records wait in)`
              : `(the background ${r(f.eventLoop.background)} taken as lost capacity: b / (1 − a) per record)`)
          : `fitted to the runs' p50: ${r(f.mainCpuPerRecordMs)} ms per record`;
  return [
    `calibrated on ${f.rates.length} runs at ${f.rates.join(', ')}/s; waits that are not CPU (linger, fetch wait, ` +
      `batching window, acks) from the ${f.rates[0]}/s run's stage histograms, stretched with the load: transport ` +
      `p50 ${line(f.transportMs)}, sink p50 ${line(f.sinkMs)} (least squares; ${Math.round(
        100 * (f.slopeShare ?? 1),
      )} % of the measured slopes kept, the rest is the modelled CPU queueing)`,
    `chunk time = ${r(f.chunkFixedMs)} ms + ${r(f.chunkSlopeMs ?? f.chunkPerRecordMs)} ms per record (least squares ` +
      (f.chunkLineFrom === 'within runs' ? 'within each run, on its chunks by size' : "over the runs' means") +
      `), of which ${r(f.chunkPerRecordMs)} ms delay and the rest the CPU its host is charged`,
    child
      ? `processors: ${base.source.processors} child process(es) on one fifo host; CPU ${r(
          f.processorCpuPerRecordMs ?? 0,
        )} ms per record${measuredCpu}; ` +
        `main process (load generator, broker, model server, results): one fifo core, transport + sink CPU from ${elu}`
      : `one fifo core (the event loop) runs everything, a record's CPU inside its chunk's work: ${elu}`,
    ...(f.designRuns
      ? [
          `${f.designRuns} run(s) with other partitions or linger (more records per request and chunk at the same ` +
            'rate) in the CPU fits only, to tell per-record from per-request and per-chunk work',
        ]
      : []),
    `rms log error of the p50 over the calibration runs: ${f.rmsLogError.toFixed(3)}`,
  ];
}
