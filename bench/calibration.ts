/**
 * Predicted vs measured, the validation protocol of docs/simulation.md ("Calibration on a ramp"):
 * per processor mode (in process, child processors), live runs of the reference pipeline on a
 * low-rate ramp, then at rising rates until the knee is passed (embedded services), all in this
 * one run; the simulator calibrated on the ramp (calibrateRuns) predicts the other rates; the
 * table gives p50, p99 and throughput predicted and measured, the knee predicted and measured (one
 * rule for both curves: where the backlog starts to grow, `knee` below), and the mean |error| below
 * the knee against the naive baseline "latency stays what the top of the ramp measured, throughput = the rate".
 *
 *   npx tsx bench/calibration.ts [--quick] [--modes in-process,child] [--ramp 50,100,…,3000,4200]
 *     [--rates auto | 3000,4500,…] [--seconds 6] [--warmup-seconds 12] [--background elastic,capacity]
 *     [--repeat 1] [--save <dir>] [--from <dir saved before>] [--main-cpu 0.066,0.125] [--semi-space 128]
 *     [--design 4200/p2/l20,2000/p2/l20 | none] [--cpu-runs batching | all] [--loop-full] [--stretch-lines]
 *
 * `--rates auto` (the default): from 1.3× the ramp's top, × 1.3 per run, up to the first run that
 * falls behind (or 8 runs), then one run halfway (geometrically) between the last rate that kept up
 * and the first that did not, so the knee is bracketed within about 14 %.
 * `--repeat n`: every rate above the ramp is measured n times (n − 1 more passes over them, in
 * rising order, after the climb); the table compares with the median of the n runs and gives their
 * range, the live knee is taken on the median backlog growth, and a line says how far single runs
 * are from their median: the live side's own noise, what a perfect model would still score
 * against one run; and a last one scores the odd-numbered runs' medians as the prediction of the
 * even-numbered runs' by the table's rules (knee, goals, ratio): the protocol's resolution here.
 * `--design`: after the ramp, runs at some of its rates with other partitions (`p`) and producer
 * linger (`l`, ms): more records per request and per chunk at the same records, so the CPU fit can
 * tell per-record from per-request and per-chunk work (on the ramp alone they grow together); they
 * enter the CPU fits only (calibrate-cpu.ts designRuns). Default 4200/p2/l20,2000/p2/l20 (none with --quick).
 * `--cpu-runs all`: beside them, every ramp run in the CPU fits, not only those that batch.
 * `--loop-full`: in process, the CPU per record read on the ramp's runs whose event loop was full
 * (a ramp into it, e.g. up to 7,100/s), the design runs' background off the loop's capacity
 * (calibrate-cycle.ts loopFullCost). Every table ends with the full loop's lines read from the live
 * runs that kept up (requests per second and fetch cycle, and where they reach zero).
 * `--stretch-lines`: beyond the ramp, the transport and sink lines stretched with the loops'
 * utilisation instead of held at its top (calibrate-fit.ts RampOptions.holdLines false; the default
 * until 2026-12-06 evening, when `--hold-lines` asked for the hold, now a no-op).
 * `--background`: the event loop's background (the utilisation line's intercept) as elastic
 * polling (the records' work is the slope) and/or as lost capacity (b / (1 − a) per record); both
 * by default, one table each from the same live runs.
 * `--warmup-seconds` (12): an unkept run at the ramp's top rate before the first mode's ramp, so
 * the first kept run does not carry the process's start-up (each run prints its CPU per request).
 * `--main-cpu`: what-if re-scores — the main host's CPU per record (ms) set to each value instead
 * of the fitted one, one table each: which value would have put the knee where it was measured, and
 * what the errors below the knee are then (docs/simulation.md, known gaps).
 * On a shared machine, keep other work off it while it runs (one `flock` around every job): every
 * row gives the 1-minute load average when its live run started, and the live run's event-loop
 * utilisation (`loop`).
 */
import './help.ts';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { numberFlag, numberListFlag, pipelabCollector } from './flags.ts';
import { median } from './stats.ts';
import type { RampCalibration } from '../harness/sim/calibrate-fit.ts';
import type { RunSummary, TrendData } from '../results/types.ts';

// The live runs are the system users run: `pipelab` starts node with --max-semi-space-size=128
// (bin/pipelab.js, as bench/pipeline.ts does; 64 until 2026-12-06, calib-sim1..33), and its young
// generation changes the CPU per record (bench/pipeline.ts: 170 -> 140 us per decided event at
// 7,500/s with 64 MB against V8's default). A calibration measured without it predicts another
// system, so the bench re-executes itself with the flag in NODE_OPTIONS (the child processors get it
// too) unless one was given; `--semi-space 0` keeps V8's default. Likewise pipelab's
// --no-allocation-site-pretenuring (on the command line: NODE_OPTIONS takes no such flag; children.ts hands it on).
pipelabCollector({ noPretenuring: true });
// loaded after the re-execution above, in the process that runs
const { calibrateRuns } = await import('../harness/sim/calibrate-fit.ts');
const { measuredFigures, predict } = await import('../harness/sim/calibrate.ts');
const { textTable } = await import('../results/table.ts');
const { liveRun } = await import('./calibration-live.ts');
const { deficit, GOALS, KNEE_DEFICIT, knee, liveDeficit, liveThroughput, loopFullNote, splitHalf, splitHalfLine } =
  await import('./calibration-measures.ts');

const quick = process.argv.includes('--quick') || process.env.PIPELAB_BENCH_QUICK === '1';
const arg = (flag: string): string | undefined => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const modes = (arg('--modes') ?? 'in-process,child').split(',') as Array<'in-process' | 'child'>;
// the ramp starts where the chunks still grow with the rate (below 500/s on this machine): from
// there on the requests per run level off, and the process's CPU on records and requests
// (calibrate-cpu.ts mainCpuTwoWay) cannot tell a per-request cost from the background
// up to 4,200/s (a third of the in-process knee or less): at 2,000/s the records' CPU (0.1–0.15 of a
// core) was within the runs' noise, and the fit on records and requests fell back on 2 of 5 sittings
const ramp = numberListFlag('--ramp', quick ? '250,500' : '50,100,250,500,1000,2000,3000,4200', { positive: true });
const ratesArg = arg('--rates') ?? (quick ? '1000' : 'auto');
/** the validation rates given (checked before anything runs), or undefined for `auto` */
const givenRates = ratesArg === 'auto' ? undefined : numberListFlag('--rates', '', { positive: true }, ratesArg);
const seconds = numberFlag('--seconds', quick ? 3 : 6, { min: 1 });
/** the unkept warm-up before the first mode's ramp: seconds at the ramp's top rate */
const warmupSeconds = numberFlag('--warmup-seconds', quick ? 2 : 12, { min: 0 });
const save = arg('--save');
/** live runs per rate above the ramp: the table compares with their median */
const repeat = numberFlag('--repeat', 1, { int: true, min: 1 });
/** re-evaluate runs saved with --save (<dir>/<mode>/<rate>.json) instead of running live */
const from = arg('--from');
/** how the event loop's background is treated (calibrate-fit.ts RampOptions): each gets its table */
const backgrounds = (arg('--background') ?? 'elastic,capacity').split(',') as Array<'elastic' | 'capacity'>;
/** what-if: the main host's CPU per record fixed at each of these values (ms), one table each */
const mainCpus =
  arg('--main-cpu') === undefined ? [] : numberListFlag('--main-cpu', '', { positive: true, example: 0.066 });
/** beside the design runs, the ramp's runs the CPU fits take (calibrate-fit.ts RampOptions.cpuRuns) */
const cpuRuns = (arg('--cpu-runs') ?? 'batching') as 'batching' | 'all';
/** in process, the CPU per record from the ramp's runs with the loop full (calibrate-fit.ts RampOptions.loopFull) */
const loopFull = process.argv.includes('--loop-full');
/** the transport and sink lines stretched beyond the ramp, not held (calibrate-fit.ts RampOptions.holdLines) */
const holdLines = !process.argv.includes('--stretch-lines');
/** `--design`: rate/p<partitions>/l<linger ms> runs for the CPU fit only */
const designArg = arg('--design') ?? (quick ? 'none' : '4200/p2/l20,2000/p2/l20');
const design = (designArg === 'none' ? [] : designArg.split(',')).map((d) => {
  const m = d.match(/^(\d+)\/p(\d+)\/l(\d+(?:\.\d+)?)$/);
  if (!m) {
    console.error(`--design takes rate/p<partitions>/l<linger ms>, e.g. 4200/p2/l20, or none; not ${d}`);
    process.exit(104);
  }
  return { rate: Number(m[1]), partitions: Number(m[2]), lingerMs: Number(m[3]) };
});

const AUTO_STEP = 1.3;
const AUTO_MAX_RUNS = 8;

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`;
const f0 = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const load1 = () => loadavg()[0]!;

interface Live {
  summary: RunSummary;
  load: number;
  /** the repeats at this rate (`--repeat`), in the order they ran */
  again: Live[];
}

/** per mode, the design runs (`--design`): the CPU fit's only */
const designRunsOf = new Map<string, RunSummary[]>();

/** the runs at one rate: the first and its repeats */
const lives = (l: Live) => [l, ...l.again];

async function runAt(
  mode: 'in-process' | 'child',
  rate: number,
  k = 1,
  d?: { partitions: number; lingerMs: number },
): Promise<Live> {
  const load = load1();
  const how = d ? ` with ${d.partitions} partitions, linger ${d.lingerMs} ms (CPU fit only)` : '';
  process.stderr.write(`${mode}: live run at ${rate}/s${how} for ${seconds}s (load average ${load.toFixed(1)})...\n`);
  const s = await liveRun({ rate, seconds, processors: 1, mode, ...d });
  const summary = { ...s, extra: { ...(s.extra ?? {}), loadavg: load } };
  cpuLine(summary);
  if (save) {
    const dir = `${save}/${mode}${d ? '/design' : ''}`;
    mkdirSync(dir, { recursive: true });
    const name = d ? `${rate}-p${d.partitions}-l${d.lingerMs}` : `${rate}${k > 1 ? `-${k}` : ''}`;
    writeFileSync(`${dir}/${name}.json`, JSON.stringify(summary));
  }
  return { summary, load, again: [] };
}

function loadSaved(mode: string): Map<number, Live> {
  const runs = new Map<number, Live>();
  const dir = `${from}/${mode}/design`;
  designRunsOf.set(
    mode,
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.json'))
          .map((f) => JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')) as RunSummary)
      : [],
  );
  // <rate>.json, then its repeats <rate>-<k>.json in the order they ran
  const files = readdirSync(`${from}/${mode}`)
    .filter((x) => x.endsWith('.json'))
    .map((f) => ({ f, rate: Number(f.split(/[-.]/)[0]), k: Number(f.match(/-(\d+)\.json$/)?.[1] ?? 1) }))
    .sort((a, b) => a.rate - b.rate || a.k - b.k);
  for (const { f, rate, k } of files) {
    const summary = JSON.parse(readFileSync(`${from}/${mode}/${f}`, 'utf8')) as RunSummary;
    const load = (summary.extra as { loadavg?: number } | undefined)?.loadavg ?? Number.NaN;
    const live = { summary, load, again: [] };
    if (k === 1) runs.set(rate, live);
    else runs.get(rate)?.again.push(live);
  }
  return runs;
}

/** a run's CPU figures on stderr: whether the warm-up was long enough shows as the first kept run's CPU per request */
function cpuLine(s: RunSummary): void {
  const x = s.extra as
    | {
        cpu?: { mainMs?: number; childrenMs?: number };
        broker?: { requestsHandled?: number };
        modelServer?: { predictRequests?: number };
      }
    | undefined;
  const main = x?.cpu?.mainMs ?? Number.NaN,
    req = (x?.broker?.requestsHandled ?? 0) + (x?.modelServer?.predictRequests ?? 0);
  process.stderr.write(
    `  CPU main ${(main / 1000).toFixed(2)} s, children ${((x?.cpu?.childrenMs ?? 0) / 1000).toFixed(2)} s; ` +
      `requests ${req} (${x?.modelServer?.predictRequests ?? 0} /predict): ` +
      `${req > 0 ? (main / req).toFixed(3) : '?'} ms CPU per request\n`,
  );
}

let warmedUp = false;

/** the live runs of one mode: the ramp, then fixed rates or the automatic climb past the knee */
async function liveRuns(mode: 'in-process' | 'child'): Promise<Map<number, Live>> {
  if (from) return loadSaved(mode);
  const runs = new Map<number, Live>();
  // the process's first run also carries its one-off start-up (module loading, compilation): 6.8 s
  // of main-process CPU at 250/s against 2.8 s at 500/s, which turned the CPU-time line's slope
  // negative (calibrate-fit.ts falls back to the loop's utilisation then). One 2 s run at the
  // ramp's lowest rate was too short: the first kept in-process run still took more CPU than the
  // next two (calib-sim5: 4.8, 4.3, 4.1 s at 250, 500, 1000/s). So an unkept run at the ramp's top
  // rate, long enough for the hot paths to be compiled (the bench prints each run's CPU per request)
  if (!warmedUp && warmupSeconds > 0) {
    const top = ramp[ramp.length - 1]!;
    process.stderr.write(`${mode}: warm-up at ${top}/s for ${warmupSeconds}s (not kept)...\n`);
    cpuLine(await liveRun({ rate: top, seconds: warmupSeconds, processors: 1, mode }));
  }
  warmedUp = true;
  for (const r of ramp) runs.set(r, await runAt(mode, r));
  const designed: RunSummary[] = [];
  for (const d of design) designed.push((await runAt(mode, d.rate, 1, d)).summary);
  designRunsOf.set(mode, designed);
  if (givenRates) {
    for (const r of givenRates) runs.set(r, await runAt(mode, r));
    return repeatRuns(mode, runs);
  }
  const behind = (r: number) => liveDeficit(runs.get(r)!.summary, r) >= KNEE_DEFICIT;
  let rate = AUTO_STEP * ramp[ramp.length - 1]!,
    lastBelow = ramp[ramp.length - 1]!,
    firstBeyond: number | undefined;
  // up to the first run that falls behind (each beyond the knee costs its drain, up to 20 s), then
  // once halfway (geometrically) between it and the last that kept up
  for (let k = 0; k < AUTO_MAX_RUNS && firstBeyond === undefined; k++, rate *= AUTO_STEP) {
    const r = Math.round(rate / 100) * 100;
    runs.set(r, await runAt(mode, r));
    if (behind(r)) firstBeyond = r;
    else lastBelow = r;
  }
  if (firstBeyond !== undefined) {
    const mid = Math.round(Math.sqrt(lastBelow * firstBeyond) / 100) * 100;
    if (!runs.has(mid)) runs.set(mid, await runAt(mode, mid));
  }
  return climbOn(mode, await repeatRuns(mode, runs));
}

/**
 * With `--repeat`, the climb stops at the first single run that falls behind; where the median of
 * that rate's runs kept up there is no live knee (calib-sim22 in process: 8,619 and 9,108/s decided
 * at 9,200/s, the highest rate climbed). Then on by AUTO_STEP, each rate measured `repeat` times,
 * until the median falls behind (at most 3 more rates).
 */
async function climbOn(mode: 'in-process' | 'child', runs: Map<number, Live>): Promise<Map<number, Live>> {
  const medianBehind = (r: number) => median(lives(runs.get(r)!).map((x) => liveDeficit(x.summary, r))) >= KNEE_DEFICIT;
  let top = Math.max(...runs.keys());
  for (let k = 0; k < 3 && repeat > 1 && !medianBehind(top); k++) {
    top = Math.round((top * AUTO_STEP) / 100) * 100;
    const live = await runAt(mode, top);
    for (let j = 2; j <= repeat; j++) live.again.push(await runAt(mode, top, j));
    runs.set(top, live);
  }
  return runs;
}

/** `--repeat`: n − 1 more passes over the rates above the ramp, each in rising order */
async function repeatRuns(mode: 'in-process' | 'child', runs: Map<number, Live>): Promise<Map<number, Live>> {
  const tested = [...runs.keys()].filter((r) => !ramp.includes(r)).sort((a, b) => a - b);
  for (let k = 2; k <= repeat; k++) for (const r of tested) runs.get(r)!.again.push(await runAt(mode, r, k));
  return runs;
}

/**
 * The predicted knee by the same rule, on the predicted deficit (1 − throughput / rate) at the live
 * rates, continued by AUTO_STEP up to twice the highest if it has not crossed
 */
function predictedKnee(deficitAt: (rate: number) => number, rates: number[]): number | undefined {
  const xs = [...rates],
    ys = xs.map(deficitAt);
  while (ys[ys.length - 1]! < KNEE_DEFICIT && xs[xs.length - 1]! < 2 * rates[rates.length - 1]!) {
    xs.push(xs[xs.length - 1]! * AUTO_STEP);
    ys.push(deficitAt(xs[xs.length - 1]!));
  }
  return knee(xs, ys, KNEE_DEFICIT);
}

type Background = 'elastic' | 'capacity';

/** one mode's live runs, evaluated with each treatment of the event loop's background */
async function validate(mode: 'in-process' | 'child'): Promise<void> {
  const runs = await liveRuns(mode);
  for (const bg of backgrounds) evaluate(mode, runs, bg);
  for (const w of mainCpus) evaluate(mode, runs, 'elastic', w);
}

type Figure = keyof typeof GOALS;

/**
 * The live figures at one rate: each the median of its runs (one unless `--repeat`), with the
 * runs' range and each run's relative deviation from the median (the live side's own noise)
 */
function liveAt(l: Live, rate: number) {
  const per = (f: (s: RunSummary) => number) => {
    const xs = lives(l).map((x) => f(x.summary));
    const m = median(xs);
    return { m, lo: Math.min(...xs), hi: Math.max(...xs), dev: xs.length > 1 ? xs.map((x) => (x - m) / m) : [] };
  };
  return {
    p50: per((s) => measuredFigures(s).p50),
    p99: per((s) => measuredFigures(s).p99),
    throughput: per(liveThroughput),
    deficit: median(lives(l).map((x) => liveDeficit(x.summary, rate))),
  };
}

function evaluate(
  mode: 'in-process' | 'child',
  runs: Map<number, Live>,
  background: Background,
  mainCpu?: number,
): void {
  const all = [...runs.keys()].sort((a, b) => a - b);
  const tested = all.filter((r) => !ramp.includes(r));
  const cal = calibrateRuns([...ramp.map((r) => runs.get(r)!.summary), ...(designRunsOf.get(mode) ?? [])], {
    background,
    cpuRuns,
    loopFull,
    holdLines,
  });
  // what-if: the fit reads its costs when it builds each rate's model, so this sets every prediction's
  if (mainCpu !== undefined) cal.fit.mainCpuPerRecordMs = mainCpu;
  const top = measuredFigures(runs.get(ramp[ramp.length - 1]!)!.summary);
  const measuredKnee = knee(
    all,
    all.map((r) => liveAt(runs.get(r)!, r).deficit),
    KNEE_DEFICIT,
  );
  const first = runs.get(tested[0] ?? ramp[0]!)!.summary;
  const durationMs = Math.max(first.durationMs, 10_000);
  const memo = new Map<number, ReturnType<typeof predict>>();
  const at = (rate: number) => {
    if (!memo.has(rate)) memo.set(rate, predict(cal, { rate, durationMs, warmupMs: first.warmupMs }));
    return memo.get(rate)!;
  };
  const pk = predictedKnee((r) => deficit(at(r).throughput, r), all);
  const rows: string[][] = [];
  const errs = { sim: [] as number[], naive: [] as number[], by: { p50: [], p99: [], throughput: [] } as Errs };
  const noise: Errs = { p50: [], p99: [], throughput: [] };
  for (const rate of tested) {
    const m = liveAt(runs.get(rate)!, rate);
    const p = at(rate);
    const below = measuredKnee === undefined || rate < measuredKnee;
    const deficits = `${pct(-deficit(p.throughput, rate))} / ${pct(-m.deficit)}`;
    for (const [name, pv, nv] of [
      ['p50', p.p50, top.p50],
      ['p99', p.p99, top.p99],
      ['throughput', p.throughput, rate],
    ] as const) {
      const { m: mv, lo, hi, dev } = m[name];
      const e = (pv - mv) / mv;
      const load = runs.get(rate)!.load;
      const loop = runs.get(rate)!.summary.loadGenerator?.eventLoopUtilization;
      rows.push(
        [String(rate), name, f0(pv), dev.length ? `${f0(mv)} (${f0(lo)}–${f0(hi)})` : f0(mv)]
          .concat([pct(e), pct((nv - mv) / mv), below ? 'below' : 'beyond'])
          .concat(
            name === 'p50'
              ? [
                  Number.isFinite(load) ? load.toFixed(1) : '?',
                  typeof loop === 'number' ? loop.toFixed(2) : '?',
                  deficits,
                ]
              : ['', '', ''],
          ),
      );
      if (below) {
        errs.sim.push(Math.abs(e));
        errs.naive.push(Math.abs((nv - mv) / mv));
        errs.by[name].push(e);
        noise[name].push(...dev);
      }
    }
  }
  const what = mainCpu === undefined ? `background ${background}` : `what-if: main host ${mainCpu} ms CPU per record`;
  report(`${mode}, ${what}`, cal, rows, { measuredKnee, predicted: pk }, errs);
  if (noise.p50.length) console.log(noiseLine(noise));
  const figures = (r: number) =>
    lives(runs.get(r)!).map(({ summary: s }) => ({
      ...measuredFigures(s),
      throughput: liveThroughput(s),
      deficit: liveDeficit(s, r),
    }));
  const byRate = new Map(all.map((r) => [r, figures(r)]));
  if (repeat > 1) console.log(splitHalfLine(splitHalf(byRate, top, measuredKnee)));
  console.log(stagesAt(ramp[0]!, runs.get(ramp[0]!)!.summary, at(ramp[0]!).summary));
  const every = all.flatMap((r) => lives(runs.get(r)!).map((l) => ({ rate: r, summary: l.summary })));
  console.log(loopFullNote(every, ramp));
}

type Errs = Record<Figure, number[]>;

/**
 * `--repeat`: how far single live runs are from their rate's median below the knee, per figure:
 * the mean |deviation| and how many runs are within the goal of it (a model that predicted the
 * median exactly would score that against one run)
 */
function noiseLine(dev: Errs): string {
  const one = (f: Figure) => {
    const xs = dev[f],
      ok = xs.filter((d) => Math.abs(d) <= GOALS[f]).length;
    const mean = xs.reduce((a, d) => a + Math.abs(d), 0) / xs.length;
    return `${f} ${(100 * mean).toFixed(1)} % (${ok}/${xs.length} within ${100 * GOALS[f]} %)`;
  };
  const figures = (['p50', 'p99', 'throughput'] as const).map(one).join(', ');
  return `live runs against their rate's median below the knee (repeats): mean |deviation| ${figures}`;
}

function report(
  mode: string,
  cal: RampCalibration,
  rows: string[][],
  k: { measuredKnee: number | undefined; predicted: number | undefined },
  errs: { sim: number[]; naive: number[]; by: Errs },
): void {
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
  console.log(`\n## ${mode}: calibrated on ${ramp.join(', ')}/s (${seconds} s each)`);
  for (const n of cal.notes) console.log(`- ${n}`);
  const head = ['rate/s', 'figure', 'predicted', 'measured', 'error', 'naive error', 'knee', 'load', 'loop'];
  console.log(
    textTable([...head, 'backlog growth sim / live'], rows, {
      align: ['left', 'left', 'right', 'right', 'right', 'right', 'left', 'right', 'right', 'right'],
    }),
  );
  const { measuredKnee, predicted: pk } = k;
  const kneeErr = pk !== undefined && measuredKnee !== undefined ? pct(pk / measuredKnee - 1) : '—';
  console.log(
    `knee (from where the backlog grows by ${100 * KNEE_DEFICIT} % of the offered rate or more): ` +
      `predicted ${pk ? f0(pk) : '—'}/s, measured ${measuredKnee ? f0(measuredKnee) : '—'}/s: ${kneeErr}`,
  );
  const sim = mean(errs.sim),
    naive = mean(errs.naive);
  const goal = (f: Figure) => {
    const es = errs.by[f];
    const ok = es.filter((e) => Math.abs(e) <= GOALS[f]).length;
    return `${f} ${ok}/${es.length} within ${100 * GOALS[f]} % (${es.map(pct).join(', ')})`;
  };
  console.log(
    `below the knee (${errs.sim.length / 3} rates): mean |error| simulator ${(100 * sim).toFixed(1)} %, ` +
      `naive ${(100 * naive).toFixed(1)} %, ratio ${(naive / sim).toFixed(2)}×; ` +
      (['p50', 'p99', 'throughput'] as const).map(goal).join('; '),
  );
}

/**
 * Where the unloaded latency goes, measured and simulated: at the ramp's lowest rate the p50 is
 * transport (linger, fetch wait), the chunk and the sink, and the model must have it in its delay
 * lines, not in CPU queueing (the simulated chunk includes its wait for the event loop).
 */
function stagesAt(rate: number, live: RunSummary, sim: RunSummary): string {
  const p = (s: RunSummary, k: string) => (s.metrics[k] as TrendData | undefined)?.p50 ?? Number.NaN;
  const chunk = p(live, 'stage_features') + p(live, 'stage_inference');
  return (
    `at ${rate}/s, p50 of transport / chunk / sink: measured ${f0(p(live, 'stage_queue'))} / ${f0(chunk)} / ` +
    `${f0(p(live, 'stage_sink'))} ms, simulated ${f0(p(sim, 'stage_process'))} / ${f0(p(sim, 'stage_inference'))} / ` +
    `${f0(p(sim, 'stage_sink'))} ms (the simulated chunk includes its wait for the CPU)`
  );
}

const t0 = performance.now();
const l0 = loadavg();
for (const mode of modes) await validate(mode);
const l1 = loadavg();
console.log(
  `\nload average before ${l0.map((x) => x.toFixed(1)).join(' ')}, after ${l1.map((x) => x.toFixed(1)).join(' ')} ` +
    `(2 cores); ${((performance.now() - t0) / 1000).toFixed(0)} s in all; ` +
    `NODE_OPTIONS ${process.env.NODE_OPTIONS || '(none)'}`,
);
