import type { Command } from 'commander';
import { EXIT_CODES } from '../../../errors.ts';
import { runScenario } from '../../runner/index.ts';
import { defaultReportDir } from '../../../reports/index.ts';
import { addServiceOptions, parseOverrides } from '../flags.ts';
import type { RunFlags } from '../flags.ts';
import type { ScenarioOverrides } from '../../runner/api.ts';
import type { SimulationScenario } from '../../sim/scenario.ts';
import type { RunSummary } from '../../../results/types.ts';
import { formatDuration } from '../../../results/duration.ts';
import { ProgressPrinter } from '../progress.ts';
import { reportAndExitCode } from '../finish.ts';
import { prepareOutputDir } from '../output.ts';
import { runWorkers, workerCount } from '../workers.ts';
import { checkLiveFlags, startLive, type LiveFlags } from '../live/index.ts';
import { PipelabError } from '../../../errors.ts';

interface RunOptions extends RunFlags, LiveFlags {
  out?: string;
  quiet?: boolean;
  report: boolean;
  workers?: string;
}

const EXAMPLES = `
Examples:
  $ pipelab run scenarios/smoke.ts
  $ pipelab run scenarios/smoke.ts --duration 30s --rate 2000 --seed 42
  $ pipelab run scenarios/smoke.ts --kafka localhost:9092 --redis redis://127.0.0.1:6379
  $ pipelab run scenarios/smoke.ts --out /tmp/report --quiet
  $ pipelab run scenarios/http-example.ts --workers 2   (two processes, one merged report)
  $ pipelab run scenarios/autoscale-spike.ts --duration 5m   (a simulation scenario: simulated time)
  $ pipelab run scenarios/steady.ts --dashboard   (live charts at http://127.0.0.1:5665, then the report)
  $ pipelab run scenarios/steady.ts --metrics-port 9464   (Prometheus scrapes http://127.0.0.1:9464/metrics)

Exit codes: 0 ok, 99 thresholds failed, 108 aborted by a threshold (abortOnFail),
105 stopped with Ctrl-C (report still written), 104 invalid scenario or flag, 106 service unavailable.
Services also resolve from the environment: PIPELAB_KAFKA, PIPELAB_REDIS.`;

export function register(program: Command): void {
  const cmd = program
    .command('run')
    .description('run a scenario: apply load, measure, check thresholds and write a report')
    .argument('<scenario>', 'scenario file (TypeScript), e.g. scenarios/smoke.ts')
    .option('-o, --out <dir>', 'report directory (default: reports/out/<scenario>-<YYYYMMDD-HHMMSS>)')
    .option('--seed <n>', 'seed for every random stream (integer ≥ 0 or a word); same seed, same load')
    .option('--duration <d>', 'override every executor duration (k6 form: 500ms, 30s, 2m, 1h30m)')
    .option('--rate <r>', 'override arrival-rate executors: iterations per second (ramps scale proportionally)')
    .option('--workers <n>', 'spread the executors over n processes, each a share of the load; one merged report')
    .option(
      '--execution-segment <seg>',
      "run only this share of the load, k6's form: 0:1/4, 1/4:1/2 (see pipelab merge)",
    )
    .option('--execution-segment-sequence <seq>', 'every share of the partition: 0,1/4,1/2,3/4,1')
    .option('-q, --quiet', 'no progress output while running')
    .option('--dashboard', 'serve live charts on loopback while running (never waits for a browser); then the report')
    .option('--dashboard-port <port>', 'port of --dashboard (default 5665; 0: any free port)')
    .option('--dashboard-export <file>', 'at the end, save the dashboard with the whole run as one offline HTML file')
    .option('--metrics-port <port>', "expose the run's metrics in Prometheus text format at /metrics on this port")
    .option('--metrics-host <addr>', 'address --metrics-port listens on (default 127.0.0.1; 0.0.0.0 for a container)')
    .option('--no-report', 'do not write report files (the summary is still printed)')
    .addHelpText('after', EXAMPLES)
    .action(async (file: string, opts: RunOptions) => {
      process.exitCode = await runCommand(file, opts);
    });
  // --kafka, --redis, --model-server and their --*-mode, each also from PIPELAB_* (flags.ts)
  addServiceOptions(cmd);
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

export async function runCommand(file: string, opts: RunOptions): Promise<number> {
  const overrides = parseOverrides(opts);
  // load + validate everything before any load starts (PipelabError → exit 104); the file's
  // default export says whether it is a live scenario or a simulation (defineSimulation)
  const sim = await import('../../sim/scenario.ts');
  const loaded = await sim.loadAnyScenario(file, overrides);
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
