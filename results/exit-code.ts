/**
 * The exit code of a finished run, from its summary alone: the CLI's report step needs it without
 * loading the runner (harness/runner/index.ts re-exports it).
 */
import { EXIT_CODES } from '../errors.ts';
import type { RunSummary } from './types.ts';

/** k6-compatible process exit code for a finished run (EXIT_CODES) */
export function exitCodeFor(summary: RunSummary): number {
  if (summary.aborted?.by === 'threshold') return EXIT_CODES.ABORTED_BY_THRESHOLD;
  if (summary.aborted?.by === 'signal') return EXIT_CODES.ABORTED_BY_USER;
  if (summary.aborted?.by === 'error') return EXIT_CODES.INTERNAL;
  if (summary.incomplete) return EXIT_CODES.INCOMPLETE;
  if (summary.thresholds.some((t) => !t.ok)) return EXIT_CODES.THRESHOLDS_FAILED;
  return EXIT_CODES.OK;
}
