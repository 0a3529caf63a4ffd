/**
 * `pipelab run --workers N` (or `workers: N` in a scenario): N `pipelab run` processes, each one
 * execution segment (i/N:(i+1)/N of the sequence 0,1/N,…,1), so N cores share the load; their
 * summaries are merged exactly (harness/runner/merge.ts) into one summary and report, with the
 * thresholds evaluated on the merged figures. Processes, not threads: each has its own event loop,
 * heap and GC, as N machines would, and a worker is the same `pipelab run` a user can start by hand.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PipelabError } from '../../errors.ts';
import { mergeRuns } from '../runner/merge.ts';
import type { Scenario } from '../scenario/load.ts';
import { loadSummary } from './commands/compare.ts';
import { reportAndExitCode } from './finish.ts';
import { SERVICE_FLAGS, type RunFlags } from './flags.ts';

const BIN = fileURLToPath(new URL('../../bin/pipelab.js', import.meta.url));
/** targets a process can run a share of on its own (the pipeline target starts shared services) */
const SHAREABLE = new Set(['http', 'function']);
/** child exits that still wrote a summary: ok, thresholds failed, stopped by the user, aborted by a threshold */
const WROTE_SUMMARY = new Set([0, 99, 105, 108]);

/** the worker count from --workers or the scenario; checked before anything runs */
export function workerCount(flag: string | undefined, scenario: Scenario): number {
  let n = scenario.workers ?? 1;
  if (flag !== undefined) {
    n = Number(flag);
    if (!/^\s*\d+\s*$/.test(flag) || n < 1)
      throw new PipelabError('INVALID_ARGUMENT', `--workers ${JSON.stringify(flag)}: expected a whole number ≥ 1`, {
        hint: 'give the number of processes to share the load, e.g. --workers 2 (1 runs in this process)',
      });
  }
  if (n > 1 && scenario.segment)
    throw new PipelabError('INVALID_ARGUMENT', '--workers and --execution-segment together', {
      hint: 'use --workers on one machine, or --execution-segment per machine, not both',
    });
  if (n > 1 && !SHAREABLE.has(scenario.target.type))
    throw new PipelabError(
      'INVALID_ARGUMENT',
      `--workers ${n}: the ${scenario.target.type} target cannot be shared between processes`,
      {
        hint:
          `each worker would start its own ${scenario.target.type} services; ` +
          'workers run the http and function targets',
      },
    );
  return n;
}

interface WorkerOptions extends RunFlags {
  out?: string;
  quiet?: boolean;
  report: boolean;
}

/**
 * What every worker repeats of this command line: the overrides as flags, the service choices as
 * their PIPELAB_* variables (a service URL may hold a password, and a command line is readable by
 * every user of the machine)
 */
function passThrough(opts: WorkerOptions): { args: string[]; env: NodeJS.ProcessEnv } {
  const args: string[] = [];
  if (opts.seed !== undefined) args.push('--seed', opts.seed);
  if (opts.duration !== undefined) args.push('--duration', opts.duration);
  if (opts.rate !== undefined) args.push('--rate', opts.rate);
  const env = { ...process.env };
  for (const f of SERVICE_FLAGS) {
    const v = opts[f.key];
    if (v !== undefined) env[f.env] = v;
  }
  return { args, env };
}

interface Worker {
  label: string;
  dir: string;
  code: number;
  stderr: string;
}

function startWorker(
  file: string,
  i: number,
  n: number,
  dir: string,
  extra: { args: string[]; env: NodeJS.ProcessEnv },
): Promise<Worker> {
  const seq = Array.from({ length: n + 1 }, (_, k) => (k === 0 ? '0' : k === n ? '1' : `${k}/${n}`)).join(',');
  const segment = `${i === 0 ? '0' : `${i}/${n}`}:${i + 1 === n ? '1' : `${i + 1}/${n}`}`;
  const args = [BIN, 'run', file, '--execution-segment', segment, '--execution-segment-sequence', seq];
  const child = spawn(process.execPath, [...args, '-q', '-o', dir, ...extra.args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: extra.env,
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ label: `worker ${i + 1}/${n} (${segment})`, dir, code: code ?? 1, stderr })),
  );
}

export async function runWorkers(file: string, scenario: Scenario, n: number, opts: WorkerOptions): Promise<number> {
  const tmp = mkdtempSync(join(tmpdir(), 'pipelab-workers-'));
  const say = (s: string) => {
    if (!opts.quiet) process.stderr.write(`${s}\n`);
  };
  // Ctrl-C reaches the workers too (same process group): each stops, writes its summary, and the
  // merge below still runs; this process must not die first
  const onSigint = (): void => say('stopping: waiting for the workers to write their summaries');
  process.on('SIGINT', onSigint);
  try {
    say(`running ${scenario.name} on ${n} workers (one execution segment each)`);
    const extra = passThrough(opts);
    const workers = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        startWorker(file, i, n, join(tmp, `w${i}`), extra).then((w) => {
          say(`${w.label} finished (exit ${w.code})`);
          return w;
        }),
      ),
    );
    const failed = workers.find((w) => !WROTE_SUMMARY.has(w.code));
    if (failed) {
      // its own message (a service it could not reach, ...) and its exit code: no merged report
      process.stderr.write(`${failed.stderr}${failed.label} failed (exit ${failed.code}): no merged report\n`);
      return failed.code;
    }
    const summary = mergeRuns(workers.map((w) => ({ ...loadSummary(w.dir), label: w.label })));
    return await reportAndExitCode(summary, opts);
  } finally {
    process.off('SIGINT', onSigint);
    rmSync(tmp, { recursive: true, force: true });
  }
}
