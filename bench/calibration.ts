/**
 * Predicted vs measured: live runs of the reference pipeline at two or three rates (embedded
 * services), the simulator calibrated on the first, predictions of the others
 * (`npx tsx bench/calibration.ts [--quick] [--rates 1000,2000,4000] [--seconds 5] [--processors 1]`).
 * Prints p50, p99, throughput predicted and measured with relative errors.
 * Baseline in the same run: the naive prediction "latency stays what the calibration run
 * measured, throughput = the rate"; the ratio is the naive mean |error| over the simulator's
 * (> 1: the simulator predicts better than assuming nothing changes).
 */
import { runScenario } from '../harness/runner/index.ts';
import { validateScenario } from '../harness/scenario/index.ts';
import {
  calibrate,
  compareWithMeasured,
  formatCalibrationTable,
  measuredFigures,
  predict,
  type MeasuredFigures,
  type Prediction,
} from '../harness/sim/calibrate.ts';
import type { RunSummary } from '../results/types.ts';

const quick = process.argv.includes('--quick') || process.env.PIPELAB_BENCH_QUICK === '1';
const arg = (flag: string): string | undefined => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const rates = (arg('--rates') ?? (quick ? '500,1000' : '1000,2000,4000')).split(',').map(Number);
const seconds = Number(arg('--seconds') ?? (quick ? 3 : 6));
const processors = Number(arg('--processors') ?? 1);

async function live(rate: number): Promise<RunSummary> {
  return runScenario(
    validateScenario({
      name: `bench-calibration-${rate}`,
      seed: 1,
      warmup: '1s',
      services: { 'redis-mode': 'embedded', 'model-server-mode': 'embedded' },
      target: { type: 'pipeline', processors, drainTimeout: '20s' },
      executors: {
        main: {
          executor: 'constant-arrival-rate',
          rate,
          duration: `${seconds}s`,
          preAllocatedVUs: Math.min(2000, rate),
          maxVUs: Math.max(5000, rate * 2),
        },
      },
    }),
  );
}

const runs: RunSummary[] = [];
for (const r of rates) {
  process.stderr.write(`live run at ${r}/s for ${seconds}s...\n`);
  runs.push(await live(r));
}
const cal = calibrate(runs[0]!);
const rows: Array<{ prediction: Prediction; measured: MeasuredFigures }> = [];
let simErr = 0,
  naiveErr = 0,
  n = 0;
for (const run of runs.slice(1)) {
  const measured = measuredFigures(run);
  const prediction = predict(cal, {
    rate: measured.rate,
    durationMs: Math.max(run.durationMs, 10_000),
    warmupMs: run.warmupMs,
  });
  rows.push({ prediction, measured });
  for (const c of compareWithMeasured(prediction, measured)) {
    if (c.figure === 'mean') continue;
    const naive = c.figure === 'p50' ? cal.measured.p50 : c.figure === 'p99' ? cal.measured.p99 : measured.rate;
    simErr += Math.abs(c.relError);
    naiveErr += Math.abs((naive - c.measured) / c.measured);
    n++;
  }
}
console.log(formatCalibrationTable(cal, rows));
if (n) {
  console.log(
    `\nmean |relative error| over p50/p99/throughput: simulator ${((100 * simErr) / n).toFixed(1)} %, ` +
      `naive "nothing changes" ${((100 * naiveErr) / n).toFixed(1)} %, ratio naive/simulator ` +
      `${(naiveErr / Math.max(simErr, 1e-9)).toFixed(2)}×`,
  );
}
console.log(
  `(${processors} processor(s), ${seconds} s per rate${quick ? ', --quick' : ''}; on a shared machine the ` +
    `live figures carry the load of everything else running)`,
);
