/**
 * `pipelab run` once its scenario is valid: a live run (progress, Ctrl-C, live views, workers) or
 * a simulation, then the report and the exit code. commands/run.ts loads this after validating,
 * so `--help` and a bad scenario answer without loading the runner, the targets' clients and the
 * report renderers.
 */
import { EXIT_CODES, PipelabError } from '../../errors.ts';
import { runScenario } from '../runner/index.ts';
import { defaultReportDir } from '../../reports/index.ts';
import type { RunFlags } from './flags.ts';
import type { ScenarioOverrides } from '../runner/api.ts';
import type { AnyScenario, SimulationScenario } from '../sim/scenario.ts';
import type { RunSummary } from '../../results/types.ts';
import { formatDuration } from '../../results/duration.ts';
import { ProgressPrinter } from './progress.ts';
import { reportAndExitCode } from './finish.ts';
import { prepareOutputDir } from './output.ts';
import { runWorkers, workerCount } from './workers.ts';
import { checkLiveFlags, startLive, type LiveFlags } from './live/index.ts';

export interface RunOptions extends RunFlags, LiveFlags {
  out?: string;
  quiet?: boolean;
  report: boolean;
  workers?: string;
}

/**
 * A simulation scenario (default export from defineSimulation): validated the same way (exit 104
 * before anything runs), simulated with its thresholds on the simulated metrics, then the same
 * report, console summary and exit code as a live run. The simulation is synchronous CPU work:
 * Ctrl-C stops the process at once.
 */
async function runSimulationCommand(
  file: string,
  opts: RunOptions,
  overrides: ScenarioOverrides,
  scenario: SimulationScenario,
): Promise<number> {
  if (opts.report && opts.out) prepareOutputDir('--out', opts.out);
  const stderr = process.stderr;
  // a simulation has no live seconds to show: the dashboard opens on the final report
  const live = await startLive(opts, (line) => stderr.write(`${line}\n`));
  const total = scenario.durationMs;
  let nextTenth = 1;
  if (!opts.quiet)
    stderr.write(
      `simulating ${scenario.name}: ${formatDuration(total)} of simulated time (seed ${scenario.seed ?? 1})\n`,
    );
  const wall = performance.now();
  // through runScenario, as notebooks and scripts run it: one path for both kinds of scenario
  const summary = await runScenario(scenario, {
    file,
    overrides,
    onSimulatedTick: opts.quiet
      ? undefined
      : (t) => {
          if (t < (nextTenth * total) / 10) return;
          nextTenth = Math.floor((t * 10) / total) + 1;
          stderr.write(
            `progress ${Math.round((t / total) * 100)}% simulated ${formatDuration(t)}/${formatDuration(total)}\n`,
          );
        },
  });
  if (!opts.quiet)
    stderr.write(
      `simulated ${formatDuration(summary.durationMs)} in ` +
        `${((performance.now() - wall) / 1000).toFixed(1)} s of wall time\n`,
    );
  try {
    return await reportAndExitCode(
      summary,
      opts,
      () => scenario.report?.outDir ?? defaultReportDir(summary),
      (dir) => live.finish(summary, dir),
    );
  } finally {
    await live.close();
  }
}

/** run a loaded (valid) scenario or simulation: see commands/run.ts */
export async function runLoaded(
  file: string,
  opts: RunOptions,
  overrides: ScenarioOverrides,
  loaded: AnyScenario,
): Promise<number> {
  if (loaded.kind === 'simulation') return runSimulationCommand(file, opts, overrides, loaded.scenario);
  const scenario = loaded.scenario;
  const workers = workerCount(opts.workers, scenario);
  checkLiveFlags(opts);
  if (workers > 1 && (opts.dashboard || opts.dashboardExport || opts.metricsPort !== undefined))
    throw new PipelabError('INVALID_ARGUMENT', '--dashboard and --metrics-port watch a run in one process', {
      hint: 'drop --workers to watch the run live, or drop --dashboard/--dashboard-export/--metrics-port',
    });
  if (opts.report && opts.out) prepareOutputDir('--out', opts.out);
  if (workers > 1) return runWorkers(file, scenario, workers, opts);

  const stderr = process.stderr;
  const progress = opts.quiet ? undefined : new ProgressPrinter({ stream: stderr });
  const live = await startLive(opts, (line) => (progress ? progress.note(line) : stderr.write(`${line}\n`)));
  const ac = new AbortController();
  let presses = 0;
  const onSigint = () => {
    presses++;
    if (presses === 1) {
      const msg = 'stopping: letting in-flight iterations finish, then writing the report (Ctrl-C again to quit now)';
      if (progress) progress.note(msg);
      else stderr.write(`${msg}\n`);
      ac.abort(new Error('interrupted (SIGINT)'));
    } else {
      stderr.write('\nquit at once: the report is missing or incomplete\n');
      process.exit(EXIT_CODES.ABORTED_BY_USER);
    }
  };
  process.on('SIGINT', onSigint);
  // the handler stays until the report is written: a second Ctrl-C while writing also quits at once
  try {
    let summary: RunSummary;
    try {
      summary = await runScenario(scenario, {
        signal: ac.signal,
        onProgress: progress ? (p) => progress.update(p) : undefined,
        observers: live.observers,
      });
    } finally {
      progress?.done();
    }
    return await reportAndExitCode(summary, opts, undefined, (dir) => live.finish(summary, dir));
  } finally {
    process.off('SIGINT', onSigint);
    await live.close();
  }
}
