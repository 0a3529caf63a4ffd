/**
 * `pipelab merge <run-dir…> --out DIR`: joins the runs of one scenario's execution segments (N
 * processes or machines, each started with --execution-segment) into one summary and report, as
 * if one process had run it all: HDR histograms merged exactly, counters summed, thresholds
 * re-evaluated on the merged figures; exit code as for `pipelab run` (99 when a threshold fails).
 */
import type { Command } from 'commander';
import { defaultReportDir } from '../../../reports/index.ts';
import { mergeRuns } from '../../runner/merge.ts';
import { reportAndExitCode } from '../finish.ts';
import { prepareOutputDir } from '../output.ts';
import { loadSummary } from './compare.ts';

const EXAMPLES = `
Examples:
  $ pipelab run scenarios/http-example.ts --execution-segment 0:1/2 --execution-segment-sequence 0,1/2,1 -o out/a
  $ pipelab run scenarios/http-example.ts --execution-segment 1/2:1 --execution-segment-sequence 0,1/2,1 -o out/b
  $ pipelab merge out/a out/b --out out/all

Refuses runs of different scenarios (name or config), different seeds or sequences, overlapping
segments, and runs that were not segments (exit 104, nothing written). See docs/distributed.md.`;

export function register(program: Command): void {
  program
    .command('merge')
    .description("join the runs of a scenario's execution segments into one summary and report")
    .argument('<runs...>', 'two or more run directories (or their summary.json files)')
    .option('-o, --out <dir>', 'report directory (default: reports/out/<scenario>-<YYYYMMDD-HHMMSS>)')
    .option('--no-report', 'do not write report files (the summary is still printed)')
    .addHelpText('after', EXAMPLES)
    .action(async (runs: string[], opts: { out?: string; report: boolean }) => {
      // read and check everything before writing anything
      const summary = mergeRuns(runs.map(loadSummary));
      if (opts.report) prepareOutputDir('--out', opts.out ?? defaultReportDir(summary));
      process.exitCode = await reportAndExitCode(summary, opts);
    });
}
