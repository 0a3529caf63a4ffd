import type { Command } from 'commander';
import { addServiceOptions, parseOverrides } from '../flags.ts';
import type { RunOptions } from '../run-scenario.ts';

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
 * Load and validate everything before any load starts (PipelabError → exit 104); the file's
 * default export says whether it is a live scenario or a simulation (defineSimulation). Only a
 * valid scenario loads the runner (run-scenario.ts).
 */
export async function runCommand(file: string, opts: RunOptions): Promise<number> {
  const overrides = parseOverrides(opts);
  const sim = await import('../../sim/scenario.ts');
  const loaded = await sim.loadAnyScenario(file, overrides);
  const { runLoaded } = await import('../run-scenario.ts');
  return runLoaded(file, opts, overrides, loaded);
}
