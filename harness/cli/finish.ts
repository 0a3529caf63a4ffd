/**
 * The end of every command that produces a run summary (run, run --workers, merge): write the
 * report unless --no-report, print the k6-like summary and the report directory, and return the
 * k6-compatible exit code.
 */
import { defaultReportDir, formatConsoleSummary, writeReport } from '../../reports/index.ts';
import type { RunSummary } from '../../results/types.ts';
import { exitCodeFor } from '../../results/exit-code.ts';

export async function reportAndExitCode(
  summary: RunSummary,
  opts: { report: boolean; out?: string | undefined },
  defaultDir: () => string = () => defaultReportDir(summary),
  /** after the report is written (dir undefined with --no-report): the live dashboard's turn */
  afterReport?: (dir: string | undefined) => Promise<void>,
): Promise<number> {
  let dir: string | undefined;
  if (opts.report) {
    dir = opts.out ?? defaultDir();
    await writeReport(summary, dir);
  }
  await afterReport?.(dir);
  process.stdout.write(`${formatConsoleSummary(summary)}\n`);
  if (dir) process.stdout.write(`  report: ${dir}\n\n`);
  return exitCodeFor(summary);
}
