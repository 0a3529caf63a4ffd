/**
 * `pipelab calibrate <live-summary> --rate <r> [--measured <summary2>] [--json]`: build a
 * simulator config from a live pipeline run (per-stage service times from its stage_*
 * histograms, processors and partitions from its config) and predict another rate; with
 * --measured, the measured figures of that run sit beside the prediction with relative errors.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  calibrate,
  compareWithMeasured,
  formatCalibrationTable,
  measuredFigures,
  predict,
} from '../../sim/calibrate.ts';
import { calibrateRuns } from '../../sim/calibrate-fit.ts';
import { loadSummary } from './compare.ts';
import { parseOptionalNumberFlag } from '../numbers.ts';

interface Opts {
  rate?: string;
  measured?: string;
  duration?: string;
  seed?: string;
  replications?: string;
  json?: boolean;
  out?: string;
}

export function register(program: Command): void {
  program
    .command('calibrate')
    .description('calibrate the simulator from a live pipeline run and predict p50/p99/throughput at another rate')
    .argument(
      '<runs...>',
      'summary.json of a live pipeline run, or its run directory; several runs at different rates (a ramp) ' +
        'fit fixed and per-record costs, CPU and load-dependent transport instead of replaying one run',
    )
    .option('--rate <events/s>', "rate to predict (default: the --measured run's rate, else the calibration run's)")
    .option('--measured <run>', 'a second live run to compare the prediction with (its rate is the default --rate)')
    .option('--duration <ms>', "simulated duration in ms (default: the compared run's, else the calibration run's)")
    .option('--seed <n>', 'simulator seed')
    .option('--replications <n>', 'simulate n seeds: each figure as a mean with its 95 % interval (default 1)')
    .option('--json', 'print calibration summary, prediction and comparison as JSON')
    .option(
      '--out <file>',
      'write the predicted run as a summary.json (with --replications its 95 % intervals: pipelab compare draws them)',
    )
    .addHelpText(
      'after',
      '\nExample:\n  pipelab run scenarios/smoke.ts --rate 200 --out /tmp/a\n  pipelab run ' +
        'scenarios/smoke.ts --rate 400 --out /tmp/b\n  pipelab calibrate /tmp/a --measured /tmp/b ' +
        '--replications 5\n  pipelab calibrate /tmp/r250 /tmp/r500 /tmp/r1000 --rate 3000   # a ramp\nSee ' +
        'docs/simulation.md, "Calibration", for how the stages are modelled and the known gaps.',
    )
    .action((runs: string[], opts: Opts) => {
      const summaries = runs.map((r) => loadSummary(r).summary);
      const cal = summaries.length > 1 ? calibrateRuns(summaries) : calibrate(summaries[0]!);
      const other = opts.measured ? loadSummary(opts.measured).summary : undefined;
      const measured = other ? measuredFigures(other) : undefined;
      const rate =
        parseOptionalNumberFlag('--rate', opts.rate, { positive: true, example: 2000 }) ??
        measured?.rate ??
        cal.source.rate;
      const durationMs =
        parseOptionalNumberFlag('--duration', opts.duration, { positive: true, example: 60000 }) ?? other?.durationMs;
      const seed = parseOptionalNumberFlag('--seed', opts.seed, { positive: true, example: 7 });
      const replications = parseOptionalNumberFlag('--replications', opts.replications, {
        int: true,
        min: 1,
        max: 100,
        example: 5,
      });
      const prediction = predict(cal, {
        rate,
        ...(durationMs !== undefined ? { durationMs } : {}),
        ...(other ? { warmupMs: other.warmupMs } : {}),
        ...(seed !== undefined ? { seed } : {}),
        ...(replications !== undefined ? { replications } : {}),
      });
      if (opts.out) writeFileSync(opts.out, `${JSON.stringify(prediction.summary, null, 2)}\n`);
      // a measured run at another rate than the prediction is still shown, but the rates say so
      if (opts.json) {
        const { summary: _s, ...pred } = prediction;
        process.stdout.write(
          `${JSON.stringify(
            {
              source: cal.source,
              calibrationRun: cal.measured,
              stages: cal.stages,
              notes: cal.notes,
              ...('fit' in cal ? { fit: cal.fit } : {}),
              prediction: pred,
              measured: measured ?? null,
              comparison: measured ? compareWithMeasured(prediction, measured) : null,
            },
            null,
            2,
          )}\n`,
        );
        return;
      }
      process.stdout.write(`${formatCalibrationTable(cal, [{ prediction, ...(measured ? { measured } : {}) }])}\n`);
      if (measured && Math.abs(measured.rate - rate) > 1e-9)
        process.stdout.write(`note: predicted at ${rate}/s, the measured run ran at ${measured.rate}/s\n`);
    });
}
