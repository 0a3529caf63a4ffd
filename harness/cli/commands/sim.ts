/**
 * `pipelab sim queue ...`: the simulator's self-check against queueing theory. Prints the
 * simulated and analytic figures side by side with the relative error, so a user can see the
 * engine is right before trusting it with a pipeline.
 */
import type { Command } from 'commander';
import { simulateQueue, type QueueSimResult } from '../../sim/queue.ts';
import type { QueueFigures, QueueModel } from '../../sim/theory.ts';
import { parseNumberFlag } from '../numbers.ts';

export function formatQueueResult(r: QueueSimResult): string {
  const rows: [string, keyof QueueFigures, (x: number) => string][] = [
    ['mean wait', 'meanWait', (x) => x.toPrecision(5)],
    ['mean response', 'meanResponse', (x) => x.toPrecision(5)],
    ['P(wait)', 'pWait', (x) => x.toFixed(5)],
    ['utilisation', 'utilisation', (x) => x.toFixed(5)],
    ['mean in system', 'meanInSystem', (x) => x.toPrecision(5)],
  ];
  const head =
    `${r.model.toUpperCase()}  λ=${r.lambda}  μ=${r.mu}  servers=${r.servers}  ` +
    `customers=${r.customers}  seed=${r.seed}`;
  const lines = [
    head,
    '',
    `${'figure'.padEnd(16)}${'simulated'.padStart(14)}${'analytic'.padStart(14)}${'rel. error'.padStart(12)}`,
  ];
  for (const [label, key, f] of rows) {
    lines.push(
      `${label.padEnd(16)}${f(r.simulated[key]).padStart(14)}${f(r.analytic[key]).padStart(14)}` +
        `${(`${(r.relativeError[key] * 100).toFixed(2)} %`).padStart(12)}`,
    );
  }
  lines.push('');
  lines.push(
    `mean wait 95 % batch-means interval: ± ${r.meanWaitHalfWidth95.toPrecision(3)} ` +
      `(${((r.meanWaitHalfWidth95 / r.analytic.meanWait) * 100).toFixed(2)} % of analytic)`,
  );
  lines.push(
    `Little's law: L = ${r.little.L.toPrecision(6)}, λ·W = ${r.little.lambdaW.toPrecision(6)} (rel. error ` +
      `${r.little.relativeError.toExponential(1)})`,
  );
  lines.push('times are in the unit λ and μ are per (e.g. seconds)');
  return lines.join('\n');
}

export function register(program: Command): void {
  const sim = program
    .command('sim')
    .description(
      'discrete-event simulation self-check against queueing theory (pipeline simulation scenarios run ' +
        'with `pipelab run`)',
    );
  sim
    .command('queue')
    .description(
      'simulate a single queue and compare with the closed-form result (M/M/1, M/M/c Erlang C, M/D/1 ' +
        'Pollaczek–Khinchine)',
    )
    .requiredOption('--model <model>', 'mm1 | mmc | md1')
    .requiredOption('--lambda <rate>', 'arrival rate λ (per time unit)')
    .requiredOption('--mu <rate>', 'service rate μ of one server (per time unit)')
    .option('--servers <c>', 'servers c (mmc only)', '1')
    .option('--events <n>', 'customers to simulate', '1000000')
    .option('--seed <seed>', 'random seed', '1')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  pipelab sim queue --model mmc --lambda 40 --mu 10 --servers 5\n  (40 arrivals/s, 5 ' +
        'servers each serving 10/s: utilisation 0.8)',
    )
    .action(
      (opts: {
        model: string;
        lambda: string;
        mu: string;
        servers: string;
        events: string;
        seed: string;
        json?: boolean;
      }) => {
        const r = simulateQueue({
          model: opts.model as QueueModel,
          lambda: parseNumberFlag('--lambda', opts.lambda, { positive: true, example: 0.8 }),
          mu: parseNumberFlag('--mu', opts.mu, { positive: true, example: 1 }),
          servers: parseNumberFlag('--servers', opts.servers, { int: true, min: 1 }),
          events: parseNumberFlag('--events', opts.events, { int: true, min: 1, example: 100000 }),
          seed: parseNumberFlag('--seed', opts.seed, { int: true, min: 0, example: 7 }),
        });
        process.stdout.write(`${opts.json ? JSON.stringify(r, null, 2) : formatQueueResult(r)}\n`);
      },
    );

  // `pipelab sim run` is gone: simulation scenarios run with `pipelab run <file>` (same report, thresholds and exit
  // codes)
}
