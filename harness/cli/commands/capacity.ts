/**
 * `pipelab capacity <scenario> --slo 'p(99)<500'`: the highest arrival rate the scenario's system
 * sustains under the SLO (harness/capacity), a progress line per probe, then capacity.json,
 * capacity.md and capacity.html in the report directory.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { EXIT_CODES } from '../../../errors.ts';
import { toSeed } from '../../../generators/rng.ts';
import type { CapacityProbe } from '../../../results/capacity.ts';
import type { findCapacity } from '../../capacity/find.ts';
import { addServiceOptions, parseOverrides, type RunFlags } from '../flags.ts';
import { parseNumberFlag } from '../numbers.ts';
import { prepareOutputDir } from '../output.ts';

interface CapacityFlags extends Omit<RunFlags, 'duration' | 'rate'> {
  slo: string;
  step?: string;
  startRate?: string;
  maxRate?: string;
  tolerance: string;
  confirmations: string;
  maxProbes: string;
  maxErrorRate?: string;
  maxBacklogGrowth?: string;
  out?: string;
  quiet?: boolean;
  json?: boolean;
}

const HELP = `
The search: probes of --step each at one steady rate; an exponential ramp (×2) from --start-rate
until a rate fails, then bisection until (hi − lo) / hi ≤ --tolerance, then repeats at the answer
(other seeds) until it passed --confirmations probes; a failed repeat moves the bracket down.
A rate passes when the SLO holds over the measured window, the backlog does not grow (consumer
lag, or offered − completed: ≤ --max-backlog-growth of the rate per second), no iteration is
dropped, achieved ≥ 90 % of offered, no event is lost, errors ≤ --max-error-rate and the load
generator is not saturated. Live scenarios need one arrival-rate executor; simulations
(defineSimulation) get Poisson arrivals at each rate, in simulated time.

Examples:
  $ pipelab capacity scenarios/smoke.ts --slo 'p(99)<500' --step 10s
  $ pipelab capacity scenarios/autoscale-spike.ts --slo 'p(99)<500' --start-rate 1000
  $ PIPELAB_HTTP_URL=http://127.0.0.1:8080/ pipelab capacity scenarios/http-example.ts --slo 'latency:p(95)<200'

Writes capacity.json, capacity.md, capacity.html into --out (default reports/out/capacity-<scenario>-<time>).
Exit codes: 0 a capacity was found, 99 no rate met the SLO, 104 invalid scenario or flag,
106 service unavailable, 105 stopped with Ctrl-C.`;

function progressLine(p: CapacityProbe): string {
  const fig = p.observed === null ? 'no samples' : `${p.observed.toFixed(1)} ms`;
  const head = `probe ${p.index} ${p.phase.padEnd(7)} ${String(p.rate).padStart(9)}/s  `;
  const body = `SLO figure ${fig}, achieved ${p.achievedPerSec.toFixed(1)}/s (${(p.wallMs / 1000).toFixed(1)} s)`;
  return `${head}${p.ok ? 'met   ' : 'FAILED'}  ${body}${p.ok ? '' : `: ${p.reasons.join('; ')}`}\n`;
}

function stamp(d = new Date()): string {
  return d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

export function register(program: Command): void {
  const cmd = program
    .command('capacity')
    .description('find the highest arrival rate that meets an SLO with no growing backlog (live or simulated)')
    .argument('<scenario>', 'scenario file: a live one with one arrival-rate executor, or a simulation')
    .requiredOption('--slo <expr>', "latency bound, k6 syntax: 'p(99)<500', or 'latency:p(95)<200' naming the metric")
    .option('--step <d>', 'length of each probe (default 30s live, 2m simulated), warm-up included')
    .option('--start-rate <r>', "first rate tried, per second (default: the scenario's own rate)")
    .option('--max-rate <r>', 'never offer more than this, per second')
    .option('--tolerance <x>', 'stable when (hi − lo) / hi ≤ this', '0.05')
    .option('--confirmations <n>', 'passes needed at the answer', '2')
    .option('--max-probes <n>', 'stop after this many probes, stable or not', '30')
    .option('--max-error-rate <x>', 'share of failed iterations a rate may have (default 0.01)')
    .option('--max-backlog-growth <x>', 'backlog growth allowed, share of the offered rate per second (default 0.02)')
    .option('--seed <n>', 'seed of the first probe (probe i runs with seed + i − 1)')
    .option('-o, --out <dir>', 'report directory')
    .option('-q, --quiet', 'no progress lines')
    .option('--json', 'print capacity.json to stdout')
    .addHelpText('after', HELP)
    .action(async (file: string, opts: CapacityFlags) => {
      process.exitCode = await capacityCommand(file, opts);
    });
  addServiceOptions(cmd);
}

async function capacityCommand(file: string, opts: CapacityFlags): Promise<number> {
  const o = parseOverrides(opts);
  const num = (flag: string, v: string | undefined, rule: Parameters<typeof parseNumberFlag>[2]) =>
    v === undefined ? undefined : parseNumberFlag(flag, v, rule);
  const share = { min: 0, max: 1, example: 0.05 };
  const criteria = {
    ...(opts.maxErrorRate !== undefined ? { maxErrorRate: num('--max-error-rate', opts.maxErrorRate, share)! } : {}),
    ...(opts.maxBacklogGrowth !== undefined
      ? { maxBacklogGrowth: num('--max-backlog-growth', opts.maxBacklogGrowth, share)! }
      : {}),
  };
  const options = {
    slo: opts.slo,
    step: opts.step,
    startRate: num('--start-rate', opts.startRate, { positive: true, example: 100 }),
    maxRate: num('--max-rate', opts.maxRate, { positive: true, example: 10000 }),
    tolerance: num('--tolerance', opts.tolerance, { positive: true, max: 0.5, example: 0.05 }),
    confirmations: num('--confirmations', opts.confirmations, { int: true, min: 1, example: 2 }),
    maxProbes: num('--max-probes', opts.maxProbes, { int: true, min: 2, example: 30 }),
    seed: o.seed === undefined ? undefined : toSeed(o.seed),
    criteria,
    services: o.services,
  };
  if (opts.out) prepareOutputDir('--out', opts.out);
  // the search runs the scenario: load the runner only once the flags are valid
  const { findCapacity: find } = await import('../../capacity/find.ts');
  const stderr = process.stderr;
  const ac = new AbortController();
  const onSigint = () => ac.abort(new Error('interrupted (SIGINT)'));
  process.once('SIGINT', onSigint);
  if (!opts.quiet) stderr.write(`capacity search: ${file} under ${opts.slo}\n`);
  try {
    let r: Awaited<ReturnType<typeof findCapacity>>;
    try {
      r = await find(file, {
        ...options,
        signal: ac.signal,
        onProbe: opts.quiet ? undefined : (p) => stderr.write(progressLine(p)),
      });
    } catch (e) {
      if (!ac.signal.aborted) throw e;
      stderr.write('capacity search stopped (Ctrl-C): no answer, no report\n');
      return EXIT_CODES.ABORTED_BY_USER;
    }
    const dir =
      opts.out ?? join('reports', 'out', `capacity-${r.scenario.name.replace(/[^A-Za-z0-9._-]+/g, '_')}-${stamp()}`);
    const { writeCapacityReport } = await import('../../../reports/capacity.ts');
    await writeCapacityReport(r, dir);
    if (opts.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    else
      process.stdout.write(
        `${r.capacityPerSec === null ? 'no rate met the SLO' : `capacity: ${r.capacityPerSec}/s`}` +
          `${r.stable ? '' : ' (not stable)'}\n${r.note}\n  report: ${dir}\n`,
      );
    return r.capacityPerSec === null ? EXIT_CODES.THRESHOLDS_FAILED : EXIT_CODES.OK;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
