/**
 * The ramp calibration's own sampling error (calibrate-fit.ts), one draw per replication: the
 * fitted costs move by standard normal draws of their standard errors and the lowest-rate run's
 * histograms are resampled with replacement (a bootstrap), so a prediction's interval includes how
 * far one finite calibration could be from its pipeline's true costs and delays.
 */
import type { Calibration } from './calibrate.ts';
import { empirical, type ServiceTimeSpec } from './dist.ts';
import { encodeValues } from '../../results/hdr.ts';
import type { Rng } from '../../generators/rng.ts';

/** the fitted costs a draw moves (calibrate-fit.ts RampFit extends this) */
export interface DrawnCosts {
  /** mean transport delay (stage_queue) = transportMs[0] + transportMs[1] × rate (least squares over the runs) */
  transportMs: [number, number];
  /** mean sink delay (stage_sink) = sinkMs[0] + sinkMs[1] × rate */
  sinkMs: [number, number];
  /** standard errors of the two lines' slopes (their residuals; 0 with two runs): replications draw from them */
  transportSlopeSe?: number;
  sinkSlopeSe?: number;
  /** the share of the measured transport and sink slopes kept (the rest is the modelled CPU queueing) */
  slopeShare?: number;
  /** per-chunk time = chunkFixedMs + chunkPerRecordMs × records in the chunk (calibrate-fit.ts) */
  chunkPerRecordMs: number;
  /** standard error of the chunk line's slope (0 with two runs, or when every run's chunk size is 1) */
  chunkSlopeSe?: number;
  /**
   * chunks measured at the lowest rate (child processors: its records, the per-record view): the
   * size of the chunk histogram's bootstrap
   */
  chunkSamples?: number;
  /** fitted CPU ms per record on the main host, transport + sink (split evenly) */
  mainCpuPerRecordMs: number;
  /** its standard error (the event-loop line's residuals, delta method); predictions with replications draw from it */
  mainCpuSe?: number;
}

/**
 * One draw: the per-record CPU, the transport and sink slopes (at the share kept) and the chunk's
 * per-record slope moved by normal draws of their standard errors; the transport and sink
 * histograms of the lowest-rate run resampled (as many values as they hold), and the chunk's
 * histogram (features + inference, built from many draws of the two) resampled with as many
 * values as chunks were measured.
 */
export function drawn<F extends DrawnCosts>(base: Calibration, fit: F, rng: Rng): { base: Calibration; fit: F } {
  const k = fit.slopeShare ?? 1;
  const line = (l: [number, number], se = 0): [number, number] => [l[0], Math.max(0, l[1] + rng.normal() * k * se)];
  const w = fit.mainCpuPerRecordMs;
  const f: F = {
    ...fit,
    mainCpuPerRecordMs: Math.max(0.1 * w, w + rng.normal() * (fit.mainCpuSe ?? 0)),
    transportMs: line(fit.transportMs, fit.transportSlopeSe),
    sinkMs: line(fit.sinkMs, fit.sinkSlopeSe),
  };
  const c = base.sim.consumers!,
    sink = base.sim.sink!;
  const sim = {
    ...base.sim,
    consumers: { ...c, process: bootstrap(c.process!, rng) },
    sink: { ...sink, write: bootstrap(sink.write!, rng) },
  };
  // drawn after the others, so the draws above stay what they were for a given seed
  if (fit.chunkSlopeSe) f.chunkPerRecordMs = Math.max(0, fit.chunkPerRecordMs + rng.normal() * fit.chunkSlopeSe);
  const m = base.sim.modelServer;
  if (fit.chunkSamples && m?.batch) sim.modelServer = { ...m, batch: bootstrap(m.batch, rng, fit.chunkSamples) };
  return { base: { ...base, sim }, fit: f };
}

/** a bootstrap resample of an empirical spec: `n` values (default: as many as it holds), drawn with replacement */
function bootstrap(spec: ServiceTimeSpec, rng: Rng, n?: number): ServiceTimeSpec {
  if (spec.type !== 'empirical') return spec;
  const from = empirical(spec.hdr);
  const size = Math.max(1, Math.round(n ?? from.count));
  const values = new Float64Array(size);
  for (let i = 0; i < size; i++) values[i] = from.sample(rng);
  return { type: 'empirical', hdr: encodeValues(values) };
}

export interface RampFit extends DrawnCosts {
  /** the runs' rates, lowest first; the lowest gives the non-CPU waits */
  rates: number[];
  /** the lowest rate: its stage histograms are stretched by line(rate) / line(baseRate) */
  baseRate: number;
  /**
   * the highest rate of the ramp: beyond it the transport and sink lines hold their value there
   * (not extrapolated: the waits are bounded, and the ramp shows them level off; calibrateRuns)
   */
  topRate: number;
  /** per-chunk time = chunkFixedMs + chunkPerRecordMs × records in the chunk (least squares over the runs) */
  chunkFixedMs: number;
  /**
   * the chunk line's measured slope (wall ms per record in a chunk); chunkPerRecordMs is what is left
   * of it once the CPU per record the chunk's host is charged (the children's in child mode, the
   * event loop's in process) is taken out, as the simulated chunk does that CPU on its host besides
   */
  chunkSlopeMs?: number;
  /** where the chunk line comes from: each run's chunks by size (within runs), or one mean per run */
  chunkLineFrom?: 'within runs' | 'across runs';
  /**
   * in process, where the runs counted the main process's requests: its CPU per model-server call
   * (chunk), the per-request CPU × requests per call (calibrate-cpu.ts mainCpuTwoWay)
   */
  mainCpuPerChunkMs?: number;
  /** in process, how its per-record and per-chunk costs were read (calibrate-cpu.ts mainCpuTwoWay) */
  mainCpuBy?: 'design contrasts' | 'least squares';
  /**
   * in process, where the CPU was fitted on the process's CPU time: the CPU it gets through per
   * second of its event loop's busy time (≥ 1, helper threads beside the loop; calibrate-cpu.ts
   * loopCapacity); the loop's work per record and per chunk is the fitted CPU over it
   */
  mainLoopCapacity?: number;
  /**
   * in process, where ramp runs had their loop full: the CPU per record read there (runs), the
   * design runs' background (cores, taken off mainLoopCapacity) and the contrasts' own per-record
   * CPU it replaced (calibrate-cycle.ts loopFullCost)
   */
  loopFull?: { runs: number; backgroundCores: number; contrastMs: number };
  /**
   * in process, a loop-full read (loopFull) set aside: with its CPU per record the model fell behind
   * (decided decidedPerSec) at `rate`, a ramp run read with the loop full that kept up live; the fit
   * is the contrasts' (calibrate-fit.ts calibrateRuns)
   */
  loopFullRejected?: { perRecordMs: number; rate: number; decidedPerSec: number };
  /** the transport and sink lines held at the ramp's top beyond it, not stretched (RampOptions.holdLines, default) */
  holdLines?: true;
  /** CPU ms per record of the child processors (their CPU time over records), when measured */
  processorCpuPerRecordMs?: number;
  /**
   * CPU ms per chunk of the child processors, where their CPU was fitted on records and chunks
   * (calibrate-cpu.ts childrenCpuTwoWay); processorCpuPerRecordMs is then that fit's per-record cost
   */
  processorCpuPerChunkMs?: number;
  /**
   * runs at the ramp's rates with other partitions or linger (more records per request and chunk):
   * they entered the CPU fits only (designRuns), not the delay or chunk lines
   */
  designRuns?: number;
  /**
   * where mainCpuPerRecordMs comes from: in child mode the main process's CPU time over records
   * (`extra.cpu.mainMs`), else the event-loop utilisation line, else the latency fit
   */
  mainCpuFrom:
    | 'main process CPU time per record and request'
    | 'main process CPU time'
    | 'event-loop utilisation'
    | 'latency fit';
  /**
   * child mode, where the runs counted the main process's requests: its CPU per request (broker
   * requests and /predict calls) beside mainCpuPerRecordMs, and the requests' rate as a line on the
   * rate (held at topRate's value beyond it); calibrate-cpu.ts mainCpuTwoWay
   */
  mainCpuPerRequest?: { ms: number; requestsPerSec: [number, number] };
  /** the main event loop's utilisation = background + perRecordMs × rate / 1000 (least squares over the runs) */
  eventLoop?: { background: number; perRecordMs: number; treated: 'elastic' | 'capacity' };
  /** root mean square of the log errors (p50 over the runs) at the fit */
  rmsLogError: number;
}
